-- debug.sethook / debug.gethook: events, masks, counts, coroutines, errors.

local log = {}
local function rec(ev, line)
  local info = debug.getinfo(2, "S")
  log[#log + 1] = ev .. ":" .. tostring(line) .. ":" .. info.what
end
local function flush(title)
  print(title, table.concat(log, " "))
  log = {}
end

local function add(a, b)
  local c = a + b
  return c
end

-- line, call and return events over a loop and calls
debug.sethook(rec, "crl")
for i = 1, 3 do
  add(i, i)
end
debug.sethook()
flush("crl")

-- only lines: a while loop and a backward jump on one line
debug.sethook(rec, "l")
local n = 0
while n < 3 do n = n + 1 end
repeat
  n = n - 1
until n == 0
debug.sethook()
flush("lines")

-- tail calls
local function leaf(x) return x * 2 end
local function tail(x) return leaf(x) end
debug.sethook(rec, "cr")
tail(5)
debug.sethook()
flush("tail")

-- Go functions report call and return
debug.sethook(rec, "cr")
local s = string.rep("a", 3)
print(type(s))
debug.sethook()
flush("go")

-- count events
local count = 0
debug.sethook(function(ev) count = count + 1 end, "", 7)
local acc = 0
for i = 1, 100 do acc = acc + i end
debug.sethook()
print("count", count, acc)

-- gethook
print(debug.gethook())
debug.sethook(rec, "lrc", 3)
local f, mask, c = debug.gethook()
debug.sethook()
print(f == rec, mask, c)
debug.sethook(rec, "l")
f, mask, c = debug.gethook()
debug.sethook()
print(f == rec, mask, c)
log = {}

-- getinfo(2) inside the hook is the hooked function
local names = {}
debug.sethook(function(ev, line)
  local info = debug.getinfo(2, "nl")
  names[#names + 1] = tostring(info.name) .. "@" .. tostring(info.currentline)
end, "l")
add(1, 2)
debug.sethook()
print("names", table.concat(names, " "))

-- hooks are per thread
local co = coroutine.create(function(a)
  local x = a
  coroutine.yield(x)
  return x + 1
end)
debug.sethook(co, rec, "l")
print(coroutine.resume(co, 10))
print(coroutine.resume(co))
flush("coroutine")
print(debug.gethook(co) == rec, select(2, debug.gethook(co)))
print(debug.gethook())

-- a coroutine created while a hook is set gets its mask, not its function
debug.sethook(rec, "l")
local co2 = coroutine.create(function() return 1 end)
debug.sethook()
print(debug.gethook(co2))
log = {}

-- a hook does not run while a hook runs
local depth, maxdepth = 0, 0
debug.sethook(function()
  depth = depth + 1
  maxdepth = math.max(maxdepth, depth)
  local t = {}
  for i = 1, 3 do t[i] = i end
  depth = depth - 1
end, "crl")
add(1, 1)
debug.sethook()
print("maxdepth", maxdepth)

-- errors in hooks propagate
local ok, err = pcall(function()
  debug.sethook(function(ev, line)
    if line == 120 then error("hook failed at " .. line) end
  end, "l")
  local a = 1
  local b = 2
  return a + b
end)
debug.sethook()
print(ok, err:match(":%d+: .*$"))
ok, err = pcall(function()
  local armed = true
  debug.sethook(function(ev)
    if armed then armed = false; error({ev}) end
  end, "c")
  add(1, 2)
end)
debug.sethook()
print(ok, type(err), err[1])

-- clearing inside the hook
local seen = 0
debug.sethook(function()
  seen = seen + 1
  debug.sethook()
end, "l")
local z = 1
z = z + 1
print("cleared", seen, debug.gethook())

-- multiple results across a trapped frame
debug.sethook(function() end, "l", 1)
local function three() return 1, 2, 3 end
print(three())
print(select("#", three()))
local t = {three()}
print(#t)
debug.sethook()

-- empty loops and jumps to themselves stay traced
local lines = {}
debug.sethook(function(e, l) lines[#lines + 1] = l end, "l")
for i = 1, 3 do end
for i = 1.0, 2.0, 0.5 do end
debug.sethook()
print("empty loops", table.concat(lines, " "))
local ticks = 0
print(pcall(function()
  debug.sethook(function()
    ticks = ticks + 1
    if ticks > 5 then error("stop", 0) end
  end, "", 100)
  while true do end
end))
debug.sethook()
print("ticks", ticks)

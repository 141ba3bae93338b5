-- yield across pcall
local co = coroutine.create(function(a)
  local ok, v = pcall(function()
    local x = coroutine.yield(a + 1)
    error("err:" .. x)
  end)
  print("pcall result", ok, v)
  local ok2, v2 = pcall(coroutine.yield, "inside pcall direct")
  print("pcall direct", ok2, v2)
  return "done"
end)
print(coroutine.resume(co, 1))
print(coroutine.resume(co, "X"))
print(coroutine.resume(co, "Y"))
print(coroutine.resume(co))
-- yield across metamethods
local mt = {}
mt.__index = function(t, k) return coroutine.yield("index " .. k) end
mt.__newindex = function(t, k, v) coroutine.yield("newindex " .. k) rawset(t, k, v) end
mt.__add = function(a, b) return coroutine.yield("add") end
mt.__eq = function(a, b) return coroutine.yield("eq") end
mt.__lt = function(a, b) return coroutine.yield("lt") end
mt.__le = function(a, b) return coroutine.yield("le") end
mt.__len = function(a) return coroutine.yield("len") end
mt.__concat = function(a, b) return coroutine.yield("concat") end
mt.__unm = function(a) return coroutine.yield("unm") end
mt.__call = function(self, x) return coroutine.yield("call " .. tostring(x)) end
mt.__close = function(o, e) coroutine.yield("close") end
local function body()
  local t = setmetatable({}, mt)
  local u = setmetatable({}, mt)
  print("got", t.foo)
  t.bar = 5
  print("rawget bar", rawget(t, "bar"))
  print("add", t + 1)
  print("eq", t == u)
  print("lt", t < u)
  print("le", t <= u)
  print("len", #t)
  print("concat", "a" .. t .. "b")
  print("unm", -t)
  print("call", t(42))
  if t < u then print("cond true") else print("cond false") end
  do local c <close> = t end
  print("after close")
  for i, v in function(s, i) if i < 3 then return coroutine.yield("iter") end end, nil, 0 do print("for", i, v) end
  return "end"
end
local co2 = coroutine.wrap(body)
local r = co2()
local n = 0
while r ~= "end" do
  n = n + 1
  print("yielded:", r)
  if r == "index foo" then r = co2("FOO")
  elseif r == "add" then r = co2(100)
  elseif r == "eq" then r = co2(true)
  elseif r == "lt" then r = co2(n % 2 == 0)
  elseif r == "le" then r = co2(false)
  elseif r == "len" then r = co2(77)
  elseif r == "concat" then r = co2("CC")
  elseif r == "unm" then r = co2(-1)
  elseif r:sub(1,4) == "call" then r = co2("called")
  elseif r == "iter" then r = co2(n, n * 10)
  else r = co2() end
end
print("finished", n)
-- yield from nested Lua call inside table.sort comparator fails
local co3 = coroutine.create(function()
  table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)
end)
print(coroutine.resume(co3))
-- status
local co4
co4 = coroutine.create(function() print(coroutine.status(co4)); coroutine.yield(); end)
print(coroutine.status(co4)); coroutine.resume(co4); print(coroutine.status(co4)); coroutine.resume(co4); print(coroutine.status(co4))
-- resume running coroutine
local co5
co5 = coroutine.create(function() return coroutine.resume(co5) end)
print(coroutine.resume(co5))
-- normal status
local outer
outer = coroutine.create(function()
  local inner = coroutine.create(function() print("outer is", coroutine.status(outer)) print(coroutine.resume(outer)) end)
  coroutine.resume(inner)
end)
coroutine.resume(outer)
print(coroutine.isyieldable())
print(coroutine.wrap(function() return coroutine.isyieldable() end)())
-- wrap with multiple values
local g = coroutine.wrap(function(...) local a, b = coroutine.yield(...) return a, b, "x" end)
print(g(1, 2, 3))
print(g(4, 5))
-- running
print(coroutine.wrap(function() local co, main = coroutine.running() return type(co), main end)())
-- close with pending tbc error
local co6 = coroutine.create(function()
  local x <close> = setmetatable({}, {__close = function(o, e) error("close err") end})
  coroutine.yield()
end)
coroutine.resume(co6)
print(coroutine.close(co6))
print(coroutine.status(co6))
-- error objects through coroutine
local co7 = coroutine.create(function() error(setmetatable({}, {__tostring = function() return "custom" end})) end)
local ok, e = coroutine.resume(co7)
print(ok, tostring(e))
-- traceback of coroutine
local co8 = coroutine.create(function() local function f() coroutine.yield() end f() end)
coroutine.resume(co8)
print(debug.traceback(co8))
print(debug.traceback(co8, "msg"))
print(debug.traceback("hello", 1))

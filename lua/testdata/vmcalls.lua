-- Calls and returns the exec loop does inline: a tail call to a Go function
-- returning at once from every kind of frame, RETURN with variables to close,
-- upvalue cells created out of slot order, and methods through __index chains.

-- return g(...) where g is a Go function, with each count of wanted results
local function pick(...) return select(...) end
local function packed(...) return table.pack(...) end
print(pick(2, "a", "b", "c"))
print((pick(1, "a", "b")))
local x, y, z, w = pick(1, "a", "b", "c")
print(x, y, z, w)
local t = {pick(1, 10, 20, 30)}
print(#t, t[1], t[3])
print(select("#", pick(3, 1, 2)))
print(packed(1, nil, 3).n)
local function none() return print() end
print(select("#", none()))

-- from a metamethod frame (the instruction that called it finishes)
local V = {}
V.__index = V
local function new(a, b) return setmetatable({a = a, b = b}, V) end
V.__add = function(p, q) return new(p.a + q.a, p.b + q.b) end
V.__concat = function(p, q) return tostring(p.a) .. ":" .. tostring(q.a) end
V.__lt = function(p, q) return rawequal(p.a < q.a, true) end
V.__le = function(p, q) return math.max(p.a, q.a) == q.a end
V.__len = function(p) return math.floor(p.a) end
V.__unm = function(p) return select(2, "skip", new(-p.a, -p.b)) end
V.__eq = function(p, q) return rawequal(p.a, q.a) end
local p, q = new(1, 2), new(3, 4)
local r = p + q + q
print(r.a, r.b, getmetatable(r) == V)
print(p .. q, p < q, q < p, p <= q, q <= p, #new(7.5, 0), (-p).a)
print(new(1, 0) == new(1, 5), new(1, 0) ~= new(2, 0))
for i = 1, 3 do r = r + p end
print(r.a, r.b)
-- a metamethod returning no value and several values
V.__sub = function() return print() end
V.__mul = function(p, q) return pick(1, p.a * q.a, "extra") end
print(p - q, p * q)
-- __index and __newindex functions
local proxy = setmetatable({}, {
  __index = function(_, k) return string.upper(k) end,
  __newindex = function(t, k, v) return rawset(t, k, v * 2) end,
})
proxy.n = 21
print(proxy.abc, proxy.n)

-- from a protected call, a coroutine body and a call made from Go
print(pcall(pick, 2, "p", "q"))
print(pcall(function() return select(2, "x", "y", "z") end))
print(pcall(function() return error("boom", 0) end))
print(pcall(function() return tostring(nil) .. 1 end))
local co = coroutine.wrap(function(...)
  local a = coroutine.yield(select("#", ...))
  return select(2, a, "last", "of", "all")
end)
print(co(1, 2, 3))
print(co("resumed"))
print(table.unpack({pick(1, "u", "v")}))
local sorted = {5, 3, 9, 1}
table.sort(sorted, function(a, b) return rawequal(a < b, true) end)
print(table.concat(sorted, " "))
print(string.gsub("a-b-c", "%a", function(c) return string.rep(c, 2) end))
-- a hook set by the Go function a tail call runs
local events = {}
local function sethook() return debug.sethook(function(e) events[#events + 1] = e end, "r") end
local function tail() return sethook() end
tail()
debug.sethook()
print(#events > 0, events[1])

-- RETURN with variables to close: closures made by the returning call
local function counter()
  local n = 0
  return function(k) n = n + (k or 1); return n end
end
local c1, c2 = counter(), counter()
c1(); c1(5); c2()
print(c1(), c2())
local function pair()
  local v = 0
  return function() v = v + 1; return v end, function() return v end
end
local inc, get = pair()
inc(); inc()
print(get())
local function many()
  local a, b = 1, 2
  return function() return a + b end, a, b, "four"
end
local f1, m2, m3, m4 = many()
print(f1(), m2, m3, m4)
print(select("#", many()))
local function one()
  local k = "kept"
  local fn = function() return k end
  return fn
end
print(one()(), (one())())
do
  local tbc <close> = setmetatable({}, {__close = function() print("closed") end})
  local function inner()
    local s = "inner"
    return function() return s end
  end
  print(inner()())
end

-- upvalue cells made out of slot order share the right variables
local function makeAll()
  local a, b, c = "A", "B", "C"
  local gc = function() return c end
  local ga = function() return a end
  local gb = function() return b end
  local setb = function(v) b = v end
  local getall = function() return a .. b .. c end
  return ga, gb, gc, setb, getall
end
local ga, gb, gc, setb, getall = makeAll()
setb("b")
print(ga(), gb(), gc(), getall())
local fns = {}
for i = 1, 3 do
  local j = i * 10
  fns[i] = function() j = j + 1; return i, j end
end
print(fns[1](), fns[2](), fns[3](), fns[1]())

-- methods through __index chains that change between calls
local Base = {}
Base.__index = Base
function Base:name() return "base" end
local Mid = setmetatable({}, {__index = Base})
Mid.__index = Mid
local Leaf = setmetatable({}, {__index = Mid})
Leaf.__index = Leaf
local o = setmetatable({}, Leaf)
local out = {}
for i = 1, 6 do
  out[#out + 1] = o:name()
  if i == 1 then rawset(Mid, "name", function() return "mid" end) end
  if i == 2 then Leaf.name = function() return "leaf" end end
  if i == 3 then o.name = function() return "own" end end
  if i == 4 then o.name = nil; Leaf.name = nil; Mid.name = nil end
  if i == 5 then setmetatable(Mid, {__index = function(_, k) return function() return "fn " .. k end end}) end
end
print(table.concat(out, " "))

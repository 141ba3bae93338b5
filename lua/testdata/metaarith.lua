-- Arithmetic, bitwise and order metamethods written in Lua, which the exec
-- loop calls by pushing a frame directly and finishes on return: every
-- event, operand orders and constants (MMBIN, MMBINI, MMBINK), results
-- landing in the right register, errors and tracebacks from inside a
-- metamethod, yields from metamethods in coroutines, deep nesting.

local M = {}
local function wrap(v) return setmetatable({v = v}, M) end
local function val(x) if type(x) == "table" then return x.v end return x end
local ops = {
  add = function(a, b) return a + b end, sub = function(a, b) return a - b end,
  mul = function(a, b) return a * b end, div = function(a, b) return a / b end,
  mod = function(a, b) return a % b end, pow = function(a, b) return a ^ b end,
  idiv = function(a, b) return a // b end, band = function(a, b) return a & b end,
  bor = function(a, b) return a | b end, bxor = function(a, b) return a ~ b end,
  shl = function(a, b) return a << b end, shr = function(a, b) return a >> b end,
}
for name, f in pairs(ops) do
  M["__" .. name] = function(a, b) return wrap(f(val(a), val(b))) end
end
M.__unm = function(a) return wrap(-val(a)) end
M.__bnot = function(a) return wrap(~val(a)) end
M.__lt = function(a, b) return val(a) < val(b) end
M.__le = function(a, b) return val(a) <= val(b) end

local a, b = wrap(12), wrap(5)
-- Register operands, then constants on either side (MMBINK and MMBINI).
print("reg", (a + b).v, (a - b).v, (a * b).v, (a / b).v, (a % b).v, (a ^ b).v, (a // b).v)
print("bit", (a & b).v, (a | b).v, (a ~ b).v, (a << b).v, (a >> b).v)
print("k right", (a + 3).v, (a - 3).v, (a * 2.5).v, (a / 4).v, (a % 7).v, (a ^ 2).v, (a // 5).v)
print("k left", (3 + a).v, (3 - a).v, (2.5 * a).v, (4 / a).v, (7 % a).v, (2 ^ a).v, (50 // a).v)
print("bit k", (a & 6).v, (a | 1).v, (a ~ 15).v, (a << 2).v, (a >> 1).v, (1 << a).v, (6 & a).v)
print("unary", (-a).v, (~a).v)
print("order", a < b, a <= b, b < a, b <= a, a > b, a >= b)
print("float k", (a + 1.5).v, (a - 0.5).v, (1.5 + a).v)

-- The result goes to the instruction's destination, other registers stay.
local x, y, z = 1, wrap(2), 3
local w = y + y + y
print("regs", x, w.v, z)
local t = {}
t[1] = y * 10
t.f = 10 - y
print("table", t[1].v, t.f.v)

-- A metamethod with extra parameters (nil-filled), with varargs, and one
-- that is a Go function.
local N = setmetatable({}, {__add = function(p, q, r, s) return tostring(r) .. tostring(s) end,
  __sub = function(...) return select("#", ...) end, __mul = rawequal})
local n = N
print("params", n + 1, n - 1, n * n, n * 1)

-- Tail calls inside a metamethod, and a metamethod calling arithmetic
-- with metamethods (nested frames).
local T = {}
local function plus(p, q) return wrap(val(p) + val(q)) end
T.__add = function(p, q) return plus(p, q) end
local tt = setmetatable({v = 1}, T)
print("tail", (tt + 4).v)
local D = {}
D.__add = function(p, q)
  if q == 0 then return 0 end
  return 1 + (p + (q - 1))
end
local d = setmetatable({}, D)
print("nested", d + 100)

-- Errors raised inside a metamethod, caught and uncaught, with tracebacks.
local E = setmetatable({}, {
  __add = function(p, q) error("add failed") end,
  __div = function(p, q) return p.missing.field end,
  __lt = function(p, q) error({code = 7}) end,
})
print(pcall(function() return E + 1 end))
print(pcall(function() return 2 / E end))
local ok, e = pcall(function() return E < E end)
print(ok, type(e), e.code)
print(select(2, xpcall(function() return E + 1 end, debug.traceback)))
-- An error finishing an instruction after the metamethod returned: the
-- result of __concat is concatenated further.
local C = setmetatable({}, {__concat = function(p, q) return {} end})
print(pcall(function() return "a" .. C .. "b" end))
-- No metamethod: the usual messages, naming the variables.
local plain = {}
print(pcall(function() return plain + 1 end))
print(pcall(function() return 1 & plain end))
print(pcall(function() return a + plain end))
print(pcall(function() return a < 1 end))

-- Yields from metamethods inside coroutines, and resuming finishes the
-- instruction with the value the metamethod returns after the yield.
local Y = setmetatable({}, {
  __add = function(p, q) local r = coroutine.yield("add", q) return r end,
  __idiv = function(p, q) return coroutine.yield("idiv") * 2 end,
  __lt = function(p, q) return coroutine.yield("lt") end,
})
local co = coroutine.wrap(function()
  local s = Y + 5
  local u = Y // 3
  local c = 0
  if Y < 1 then c = c + 1 end
  if not (Y < 1) then c = c + 10 end
  return "done", s, u, c
end)
print(co())
print(co(40))
print(co(8))
print(co(true))
print(co(false))

-- Many calls in a loop (frames are reused), and deep recursion through a
-- metamethod ends in the reference's error.
local acc = wrap(0)
for i = 1, 10000 do acc = acc + 1 end
print("loop", acc.v)
local R = {}
R.__add = function(p, q) return p + q end
local r = setmetatable({}, R)
local ok2, e2 = pcall(function() return r + 1 end)
print(ok2, e2)

-- __eq, __concat and __index functions take the same direct path.
local Q = {}
Q.__eq = function(p, q) return p.id == q.id end
Q.__concat = function(p, q) return val(p) .. "+" .. val(q) end
Q.__index = function(tb, key) return key .. "!" end
local q1, q2, q3 = setmetatable({id = 1, v = "a"}, Q), setmetatable({id = 1, v = "b"}, Q), setmetatable({id = 2}, Q)
print("eq", q1 == q2, q1 == q3, q1 ~= q3, q1.zzz, q3[10])
print("concat", q1 .. q2, "x" .. q1 .. "y", q1 .. 1)
local qa = {}
for i = 1, 3 do qa[i] = q1 == q2 and q1.k end
print(qa[1], qa[2], qa[3])
print(pcall(function() return setmetatable({}, {__eq = function() error("eq failed") end}) == q1 end))
local co2 = coroutine.wrap(function()
  local EQ = {__eq = function() return coroutine.yield("eq") end, __index = function(_, k) return coroutine.yield(k) end}
  local e1, e2 = setmetatable({}, EQ), setmetatable({}, EQ)
  local r1 = e1 == e2
  local r2 = e1.field
  return r1, r2
end)
print(co2())
print(co2(1))
print(co2("got"))

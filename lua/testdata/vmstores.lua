-- The exec loop's stores that keep a register's kind (MOVE, LOADK, LOADI,
-- LOADF, LOADTRUE/FALSE, arithmetic results, FORLOOP and TFORLOOP control
-- variables) must notice when the register held another kind; the
-- conditional jumps of comparisons and tests go both ways, forward and back.

-- MOVE, LOADK, LOADI, LOADF, booleans over every kind
local kinds = {nil, false, true, 1, 2.5, "s", {}, print}
for i = 1, 8 do
  local r = kinds[i]
  local a = r; a = 7; print(i, math.type(a), a)
  a = r; a = 7.5; print(i, math.type(a), a)
  a = r; a = "k"; print(i, type(a), a)
  a = r; a = true; print(i, a)
  a = r; a = false; print(i, a)
  a = r; a = r; print(i, a == r)
  local b = 3; b = r; print(i, b == r, type(b))
  local f = 1.5; f = r; print(i, f == r, type(f))
  local s = "x"; s = r; print(i, s == r, type(s))
  local c = not r; print(i, c)
end

-- arithmetic results over registers of another kind
local function arith(x, y)
  local r = "old"
  r = x + y; io.write(math.type(r), " ", r, " ")
  r = {}; r = x - y; io.write(math.type(r), " ", r, " ")
  r = 1.5; r = x * y; io.write(math.type(r), " ", r, " ")
  r = 1; r = x / y; io.write(math.type(r), " ", r, " ")
  r = 1.5; r = x // y; io.write(math.type(r), " ", r, " ")
  r = "s"; r = x % y; io.write(math.type(r), " ", r, " ")
  r = 2; r = x + 1; io.write(math.type(r), " ", r, " ")
  r = 2.5; r = x - 2; io.write(math.type(r), " ", r, " ")
  r = true; r = x * 3; io.write(math.type(r), " ", r, " ")
  r = nil; r = x + 0.5; io.write(math.type(r), " ", r, " ")
  r = 1; r = -x; io.write(math.type(r), " ", r, " ")
  r = 1.5; r = -x; io.write(math.type(r), " ", r, "\n")
end
arith(7, 2); arith(7.5, 2); arith(7, 2.5); arith(-7, 2); arith(7.0, -2.0)
arith(math.maxinteger, 1); arith(math.mininteger, -1)

-- a register that changes kind between iterations
local acc = 0
for i = 1, 6 do
  if i % 2 == 0 then acc = acc + 0.5 else acc = acc + 1 end
  io.write(math.type(acc), " ", acc, " ")
end
print()

-- FORLOOP: the body may overwrite the control variable's copy
for i = 1, 3 do print(i); i = "changed"; print(i) end
for i = 1, 2 do print(i); i = 0.5 end
for i = 1.0, 2.0, 0.5 do print(i); i = "x" end
for i = 3, 1, -1 do io.write(i, " ") end print()
for i = math.maxinteger - 2, math.maxinteger do io.write(i, " ") end print()
for i = 1, 0 do print("never") end

-- TFORLOOP: control values of changing kinds
local function gen(t)
  local i = 0
  return function() i = i + 1; return t[i] end
end
for v in gen({1, 2.5, "a", true, 3, {}}) do io.write(type(v), " ") end print()
for k, v in pairs({10, 20, 30}) do io.write(k, "=", v, " ") end print()
for i, v in ipairs({"a", "b"}) do io.write(i, v, " ") end print()

-- comparisons and tests, both outcomes, forward and backward jumps
local function cmp(a, b)
  local r = {}
  r[#r + 1] = a < b and "lt" or "ge"
  r[#r + 1] = a <= b and "le" or "gt"
  r[#r + 1] = a == b and "eq" or "ne"
  r[#r + 1] = a > 1 and "gt1" or "le1"
  r[#r + 1] = a >= 1 and "ge1" or "lt1"
  r[#r + 1] = a < 1 and "lt1" or "ge1"
  r[#r + 1] = a <= 1 and "le1" or "gt1"
  r[#r + 1] = a == 1 and "eq1" or "ne1"
  r[#r + 1] = a ~= 2 and "ne2" or "eq2"
  if not (a < b) then r[#r + 1] = "not<" end
  return table.concat(r, " ")
end
print(cmp(1, 2)); print(cmp(2, 1)); print(cmp(1, 1)); print(cmp(1.5, 2)); print(cmp(2.5, 1.5))
print(cmp(1, 1.0)); print(cmp(0.5, 0)); print(cmp(2, 2.0))
local n = 0
repeat n = n + 1 until n >= 5
print(n)
local x = 10
repeat x = x - 1.5 until x < 0
print(x)
local t = nil
repeat t = (t or 0) + 1 until t == 3
print(t)
local w = 0
while w < 4 do w = w + 1 end
print(w)
local sa, sb = nil, nil
repeat sb = sa or (sb or 0) + 1 until sb and sb > 2
print(sb)
print(nil or false, false or nil, 1 and 2, nil and 1, false or "d")

-- calls: missing and extra arguments, frames reused by other closures of
-- one function, varargs, deep recursion
local function three(a, b, c) return a, b, c end
print(three()); print(three(1)); print(three(1, 2, 3, 4))
local function mk(k) return function(x) return x + k end end
local adders = {mk(1), mk(10), mk(100)}
for round = 1, 2 do
  for i = 1, 3 do io.write(adders[i](round), " ") end
end
print()
local function va(...) return select("#", ...), ... end
print(va()); print(va(1, nil, 3))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print(fib(20))
local function count(n) if n == 0 then return 0 end return 1 + count(n - 1) end
print(count(10000))

-- a hook set and removed between calls of the same function
-- (g's call of f runs in a frame deeper than sethook's, which stays cached)
local function f(a) return a * 2 end
local function g(a) local r = f(a) return r end
print(g(1))
local lines = 0
debug.sethook(function() lines = lines + 1 end, "l")
print(g(2))
debug.sethook()
print(g(3), g(4), lines > 0)

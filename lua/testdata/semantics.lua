-- tbc order and goto/break
do
  local function mk(n) return setmetatable({}, {__close = function(o, e) print("close", n, e) end}) end
  do local a <close> = mk(1); local b <close> = mk(2); print("body") end
  for i = 1, 3 do local c <close> = mk("loop" .. i); if i == 2 then break end end
  local function f() local d <close> = mk("ret"); return "r1", "r2" end
  print(f())
  local ok, e = pcall(function() local e1 <close> = mk("err"); error("boom") end)
  print(ok, e)
  local i = 0
  ::top::
  do local g <close> = mk("goto" .. i); i = i + 1; if i < 3 then goto top end end
  -- tbc in generic for
  local function iter() local n = 0 return function() n = n + 1 if n <= 2 then return n end end, nil, nil, mk("forclose") end
  for v in iter() do print("iter", v) end
  for v in iter() do if v == 1 then break end end
  print(pcall(function() for v in iter() do error("in loop") end end))
  -- nil and false are allowed
  do local z <close> = nil; local w <close> = false end
  -- const
  local K <const> = 10
  print(K * 2)
end
-- varargs
local function va(...)
  local a, b = ...
  print(select("#", ...), a, b, ...)
  return ...
end
print(va())
print(va(nil, nil))
print((va(1, 2, 3)))
print(va(table.unpack({1, 2, nil, 4}, 1, 4)))
local function va2(a, ...) return a, select("#", ...), ... end
print(va2(1), va2(1, 2, 3))
local t = {va(1, 2, 3)}
print(#t, t[3])
local big = {}
for i = 1, 300 do big[i] = i end
print(select("#", table.unpack(big)), select(300, table.unpack(big)))
local function count(...) return select("#", ...) end
print(count(table.unpack(big, 1, 250)))
print(pcall(table.unpack, {}, 1, 1e7))
-- string arithmetic coercion (string lib metamethods)
print("10" + 1, "3" * "4", "2" ^ 2, 10 .. 20, "0x10" + 0, " 5 " * 2)
print(pcall(function() return "a" + 1 end))
print(math.type("10" + 1), math.type("10.0" + 1), "1e2" // 1)
-- closures per iteration
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print(fs[1](), fs[2](), fs[3]())
local ws = {}
local j = 1
while j <= 3 do local k = j; ws[j] = function() k = k + 10; return k end; j = j + 1 end
print(ws[1](), ws[1](), ws[2]())
-- shared upvalue
local function mkpair() local v = 0; return function() v = v + 1 return v end, function() return v end end
local inc, get = mkpair()
inc(); inc(); print(get())
-- multiple assignment
local a, b, c = 1
print(a, b, c)
local x, y = 1, 2; x, y = y, x; print(x, y)
local tt = {}
local idx = 1
idx, tt[idx] = 2, "v"
print(idx, tt[1], tt[2])
-- integer/float
print(7 // 2, -7 // 2, 7 // -2, 7 % 3, -7 % 3, 7 % -3, 7.5 % 2, -7.5 % 2, 7 / 2, 2^53 + 1, math.maxinteger + 1 == math.mininteger)
print(1 == 1.0, math.type(1), math.type(1.0), 1 < 1.5, 2^63 == math.maxinteger + 1.0, math.maxinteger < 2^63, 3 | 0, 3.0 | 0)
print(0x7fffffffffffffff, 0xffffffffffffffff, 1e308 * 10, -1e308 * 10, 5 // 0.0, -5 // 0.0, 0/0 ~= 0/0)
print(string.format("%.14g", 0.1), 0.1, 1/3, 100 // 1e300, 3 % math.huge, -3 % math.huge)
for i = math.maxinteger - 2, math.maxinteger do io.write(i, " ") end print()
for i = math.mininteger, math.mininteger + 2 do io.write(i, " ") end print()
for i = math.mininteger + 2, math.mininteger, -1 do io.write(i, " ") end print()
for i = 1, 3, 0.5 do io.write(i, " ") end print()
for i = 3, 1, -0.75 do io.write(i, " ") end print()
for i = 1, 0 do print("never") end
for i = 1, 2.5 do io.write(i, " ") end print()
for i = 1, math.huge do if i > 3 then break end io.write(i, " ") end print()
for i = -1, -math.huge, -1 do if i < -3 then break end io.write(i, " ") end print()
for i = 1.0, 3 do io.write(i, " ") end print()
-- length borders
local l1 = {1, 2, nil, 4}; print(#l1)
local l2 = {}; l2[1] = 1; l2[2] = 2; l2[4] = 4; print(#l2)
local l3 = {nil, nil, 3}; print(#l3)
local l4 = {1, 2, 3}; l4[#l4 + 1] = 4; l4[#l4] = nil; print(#l4)
local l5 = {n = 1, 1, 2, 3}; print(#l5)
local l6 = {}; for i = 10, 1, -1 do l6[i] = i end; print(#l6)
local l7 = {}; for i = 1, 10 do l7[i] = i end; l7[5] = nil; print(#l7)
-- method on string literal and numbers
print(("abc"):upper(), ("%d"):format(5), #"hello")
-- long concat chain
local parts = {}
for i = 1, 10 do parts[i] = i end
print(parts[1] .. parts[2] .. parts[3] .. "x" .. 1.5 .. -2)
-- equality of different types
print(1 == "1", "a" == "a", {} == {}, nil == false)
-- nested functions and recursion
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print(fact(20), fact(21))
-- tail calls deep
local function loop(n) if n == 0 then return "done" end return loop(n - 1) end
print(loop(1000000))
-- string comparison
print("a" < "b", "abc" < "abd", "" < "a", "Z" < "a", "a\0b" < "a\0c", "a" <= "a")

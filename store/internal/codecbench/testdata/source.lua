-- closures, shared upvalues, fresh locals per loop iteration
print("-- counter factory")
local function makeCounter(start, step)
  local n = start
  return function() n = n + step; return n end, function() return n end
end
local inc1, get1 = makeCounter(0, 1)
local inc2, get2 = makeCounter(100, 10)
inc1(); inc1(); inc2()
print("c1", inc1(), get1(), "c2", get2())

print("-- two closures share one upvalue")
local function pair()
  local v = 0
  local function set(x) v = x end
  local function get() return v end
  return set, get
end
local set, get = pair()
set(42)
print("get after set(42):", get())
local set2, get2b = pair()
set2(7)
print("independent pair:", get(), get2b())

print("-- numeric for creates a fresh local each iteration")
local fns = {}
for i = 1, 5 do fns[i] = function() return i end end
local out = {}
for k = 1, 5 do out[k] = fns[k]() end
print(table.concat(out, " "))

print("-- generic for too")
fns = {}
for _, name in ipairs({"a", "b", "c"}) do fns[#fns + 1] = function() return name end end
print(fns[1](), fns[2](), fns[3]())

print("-- while loop with an outer variable shares it")
fns = {}
local j = 1
while j <= 3 do
  fns[j] = function() return j end
  j = j + 1
end
print(fns[1](), fns[2](), fns[3]())

print("-- while loop with a local inside gets fresh ones")
fns = {}
j = 1
while j <= 3 do
  local captured = j
  fns[j] = function() captured = captured * 10; return captured end
  j = j + 1
end
print(fns[1](), fns[1](), fns[2](), fns[3]())

print("-- loop variable modification inside the body does not affect the loop")
local seen = {}
for i = 1, 3 do
  local f = function() i = i * 100; return i end
  seen[#seen + 1] = f()
end
print(table.concat(seen, " "))

print("-- upvalue survives after scope ends")
local getter
do
  local secret = "hidden"
  getter = function() return secret end
  secret = "changed before exit"
end
print(getter())

print("-- nested closures three levels deep")
local function outer(a)
  return function(b)
    return function(c)
      a = a + 1
      return a + b + c
    end
  end
end
local mid = outer(1)
local f1, f2 = mid(10), mid(20)
print(f1(100), f2(100), f1(100))

print("-- recursive local function")
local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end
print("fact(20) =", fact(20))
local fib
fib = function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib(20) =", fib(20))

print("-- memoize with closures")
local function memoize(f)
  local cache, hits = {}, 0
  return function(x)
    local v = cache[x]
    if v == nil then v = f(x); cache[x] = v else hits = hits + 1 end
    return v
  end, function() return hits end
end
local sq, hits = memoize(function(x) return x * x end)
for _, x in ipairs({2, 3, 2, 2, 4, 3}) do sq(x) end
print("hits:", hits(), "sq(4):", sq(4), "hits:", hits())

print("-- closures in a table as objects")
local function account(balance)
  local self = {}
  function self.deposit(v) balance = balance + v end
  function self.withdraw(v)
    if v > balance then return false, "insufficient funds" end
    balance = balance - v
    return true
  end
  function self.balance() return balance end
  return self
end
local acc = account(100)
acc.deposit(50)
print(acc.withdraw(500))
print(acc.withdraw(30), acc.balance())

print("-- many closures over the same variable")
local shared = 0
local adders = {}
for i = 1, 10 do adders[i] = function() shared = shared + i end end
for _, f in ipairs(adders) do f() end
print("shared =", shared)

print("-- repeat-until scope sees body locals")
local k = 0
repeat
  local done = k >= 3
  k = k + 1
until done
print("k =", k)
-- table.sort with and without comparators, and its errors
local function str(t) 
  local p = {}
  for i = 1, #t do p[i] = tostring(t[i]) end
  return table.concat(p, " ")
end

print("-- default ordering")
local nums = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0}
table.sort(nums)
print(str(nums))
local fl = {3.5, -1, 2, 2.25, -7.5, 0, 100, 1e-3}
table.sort(fl)
print(str(fl))
local strs = {"pear", "apple", "fig", "banana", "Apple", "kiwi", "apple2"}
table.sort(strs)
print(str(strs))

print("-- comparators")
table.sort(nums, function(a, b) return a > b end)
print("descending:", str(nums))
local people = {
  {name = "Ann", age = 31}, {name = "Bob", age = 25}, {name = "Cid", age = 31},
  {name = "Dee", age = 19}, {name = "Eve", age = 25}, {name = "Fay", age = 40},
}
table.sort(people, function(a, b)
  if a.age ~= b.age then return a.age < b.age end
  return a.name < b.name
end)
local out = {}
for i, p in ipairs(people) do out[i] = p.name .. ":" .. p.age end
print("by age then name:", table.concat(out, " "))
table.sort(strs, function(a, b) return #a < #b or (#a == #b and a < b) end)
print("by length:", str(strs))

print("-- larger arrays")
local big = {}
local seed = 12345
for i = 1, 1000 do
  seed = (seed * 1103515245 + 12345) % 2147483648
  big[i] = seed % 1000
end
table.sort(big)
local sorted = true
for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
print("1000 pseudo-random sorted:", sorted, big[1], big[500], big[1000])
local rev = {}
for i = 1, 500 do rev[i] = 501 - i end
table.sort(rev)
print("reversed input sorted:", rev[1], rev[250], rev[500])
local same = {}
for i = 1, 100 do same[i] = 7 end
table.sort(same)
print("all equal ok:", same[1], same[100])
local one = {42}
table.sort(one)
local none = {}
table.sort(none)
print("single/empty:", one[1], #none)

print("-- sort uses __lt of elements")
local V = {}
V.__index = V
V.__lt = function(a, b) return a.v < b.v end
local objs = {}
for _, v in ipairs({4, 1, 3, 2}) do objs[#objs + 1] = setmetatable({v = v}, V) end
table.sort(objs)
out = {}
for i, o in ipairs(objs) do out[i] = o.v end
print(table.concat(out, " "))

print("-- errors")
local function err(label, t, cmp)
  local ok, e = pcall(table.sort, t, cmp)
  print(string.format("%-26s %s %s", label, tostring(ok), tostring(e):gsub("^[^:]+:%d+: ", "")))
end
local many = {}
for i = 1, 50 do many[i] = (i * 37) % 50 end
err("always-true comparator", many, function(a, b) return true end)
local okm, em = pcall(table.sort, {3, "a", 1, 2})
print(string.format("%-26s %s %s", "mixed types", tostring(okm), em:match("attempt to compare %a+ with %a+") and "attempt to compare (mixed)" or em))
err("tables without __lt", {{}, {}, {}}, nil)
err("bad comparator type", {3, 2, 1}, 42)
err("comparator raises", {3, 2, 1}, function(a, b) error("cmp failed") end)
err("not a table", "abc", nil)
local ok = pcall(table.sort, {3, 1, 2}, function(a, b) return a <= b end)
print("<= comparator on small array completes:", ok)
-- string.gsub and string.gmatch
local function show(label, s, n)
  print(string.format("%-44s -> %q %s", label, s, tostring(n)))
end

print("-- gsub with string replacement")
show("gsub('hello world', 'o', '0')", string.gsub("hello world", "o", "0"))
show("gsub('hello world', 'o', '0', 1)", string.gsub("hello world", "o", "0", 1))
show("gsub('hello world', 'o', '0', 0)", string.gsub("hello world", "o", "0", 0))
show("gsub('hello', '', '-')", string.gsub("hello", "", "-"))
show("gsub('abc', '%w', '%0%0')", string.gsub("abc", "%w", "%0%0"))
show("gsub('hello world', '(%w+)', '<%1>')", string.gsub("hello world", "(%w+)", "<%1>"))
show("gsub('hello world', '(%w+) (%w+)', '%2 %1')", string.gsub("hello world", "(%w+) (%w+)", "%2 %1"))
show("gsub('50%', '%%', ' percent')", string.gsub("50%", "%%", " percent"))
show("gsub('x', 'x', '%%')", string.gsub("x", "x", "%%"))
show("gsub('abc', '()', '%1')", string.gsub("abc", "()", "%1"))
show("gsub('  a  b  ', '^%s+', '')", string.gsub("  a  b  ", "^%s+", ""))
show("gsub('  a  b  ', '%s+$', '')", string.gsub("  a  b  ", "%s+$", ""))
show("gsub('aaa', '^a', 'b')", string.gsub("aaa", "^a", "b"))
show("gsub('hello world', 'o', '0', -1)", string.gsub("hello world", "o", "0", -1))
show("gsub('abc', '.', {a=1, b=false})", string.gsub("abc", ".", {a = 1, b = false}))

print("-- gsub with table replacement")
local vars = {name = "Lua", version = "5.4", missing = false}
show("gsub('$name $version $missing $other')", string.gsub("$name $version $missing $other", "%$(%w+)", vars))

print("-- gsub with function replacement")
show("upper each word", string.gsub("the quick brown fox", "%a+", string.upper))
show("capitalize", string.gsub("the quick brown fox", "(%a)(%a*)", function(a, b) return a:upper() .. b end))
show("return nil keeps match", string.gsub("a1b2c3", "%d", function(d) if d == "2" then return nil end return "#" end))
show("return false keeps match", string.gsub("a1b2", "%d", function() return false end))
show("number result", string.gsub("1 2 3", "%d", function(d) return d * 10 end))
show("position captures to fn", string.gsub("abc", "()(%a)", function(p, c) return c .. p end))
local count = 0
string.gsub("one two three four", "%a+", function() count = count + 1 end)
print("function called", count, "times")

print("-- gsub errors")
local function err(label, f)
  local ok, e = pcall(f)
  print(string.format("%-44s -> %s", label, tostring(e)))
end
err("invalid %2", function() return string.gsub("abc", "(a)", "%2") end)
err("trailing %", function() return string.gsub("abc", "a", "x%") end)
err("bad repl type", function() return string.gsub("abc", "a", true) end)
err("table value true", function() return string.gsub("abc", "%w", {a = true}) end)
err("fn returns table", function() return string.gsub("abc", "a", function() return {} end) end)

print("-- gmatch")
local words = {}
for w in string.gmatch("one, two;three  four", "%a+") do words[#words + 1] = w end
print("words:", table.concat(words, "|"))
local pairs_ = {}
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do pairs_[#pairs_ + 1] = k .. ":" .. v end
print("pairs:", table.concat(pairs_, " "))
local positions = {}
for p in string.gmatch("banana", "()a") do positions[#positions + 1] = p end
print("positions of a:", table.concat(positions, ","))
local empties = {}
for m in string.gmatch("ab", "x*") do empties[#empties + 1] = "[" .. m .. "]" end
print("empty matches:", #empties, table.concat(empties))
local digits = {}
for d in ("a1b22c333"):gmatch("%d+") do digits[#digits + 1] = d end
print("digit runs:", table.concat(digits, ","))
local fromInit = {}
for w in string.gmatch("alpha beta gamma", "%a+", 7) do fromInit[#fromInit + 1] = w end
print("gmatch with init 7:", table.concat(fromInit, ","))
local neg = {}
for w in string.gmatch("alpha beta gamma", "%a+", -5) do neg[#neg + 1] = w end
print("gmatch with init -5:", table.concat(neg, ","))
local it = string.gmatch("x y", "%a")
print("manual iteration:", it(), it(), it())

print("-- csv split keeping empty fields")
local function split(str, sep)
  local out = {}
  for field in (str .. sep):gmatch("(.-)" .. sep:gsub("%p", "%%%0")) do out[#out + 1] = field end
  return out
end
local f = split("a,,b,c,", ",")
print(#f, "[" .. table.concat(f, "][") .. "]")
f = split("1.2.3", ".")
print(#f, "[" .. table.concat(f, "][") .. "]")
-- arithmetic, bitwise, unary, concat and length metamethods
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
local function isvec(v) return getmetatable(v) == V end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
V.__add = function(a, b)
  if not isvec(a) then return vec(a + b.x, a + b.y) end
  if not isvec(b) then return vec(a.x + b, a.y + b) end
  return vec(a.x + b.x, a.y + b.y)
end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__div = function(a, b) return vec(a.x / b, a.y / b) end
V.__mod = function(a, b) return vec(a.x % b, a.y % b) end
V.__pow = function(a, b) return vec(a.x ^ b, a.y ^ b) end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__idiv = function(a, b) return vec(a.x // b, a.y // b) end
V.__len = function(a) return math.sqrt(a.x * a.x + a.y * a.y) end
V.__concat = function(a, b) return tostring(a) .. tostring(b) end

local a, b = vec(1, 2), vec(3, 4)
print("a + b", tostring(a + b))
print("a + 10", tostring(a + 10))
print("10 + a", tostring(10 + a))
print("b - a", tostring(b - a))
print("a * b", a * b)
print("a * 3", tostring(a * 3), "3 * a", tostring(3 * a))
print("b / 2", tostring(b / 2))
print("b % 2", tostring(b % 2))
print("a ^ 2", tostring(a ^ 2))
print("-a", tostring(-a))
print("b // 2", tostring(b // 2))
print("#b", #b)
print("a .. b", a .. b, "a .. '!'", a .. "!", "'v=' .. a", "v=" .. a)

print("-- bitwise metamethods")
local B = {}
local function bits(n) return setmetatable({n = n}, B) end
local function val(v) return type(v) == "table" and v.n or v end
B.__band = function(x, y) return bits(val(x) & val(y)) end
B.__bor = function(x, y) return bits(val(x) | val(y)) end
B.__bxor = function(x, y) return bits(val(x) ~ val(y)) end
B.__shl = function(x, y) return bits(val(x) << val(y)) end
B.__shr = function(x, y) return bits(val(x) >> val(y)) end
B.__bnot = function(x) return bits(~val(x)) end
local p, q = bits(12), bits(10)
print("p & q", (p & q).n, "p | q", (p | q).n, "p ~ q", (p ~ q).n)
print("p << 2", (p << 2).n, "p >> 2", (p >> 2).n, "~p", (~p).n)
print("3 & p", (3 & p).n, "1 << q", (1 << q).n)

print("-- metamethod of the left operand has priority, else right")
local L = setmetatable({}, {__add = function() return "left" end})
local R = setmetatable({}, {__add = function() return "right" end})
print("L + R", L + R, "R + L", R + L, "1 + R", 1 + R, "L + 1", L + 1)

print("-- arguments order for metamethods")
local T = setmetatable({}, {__sub = function(x, y)
  return (type(x) == "table" and "T" or tostring(x)) .. "-" .. (type(y) == "table" and "T" or tostring(y))
end})
print(T - 1, 1 - T, T - T, "s" - T)

print("-- __unm and __bnot receive operand twice")
local seen
local U = setmetatable({}, {__unm = function(x, y) seen = rawequal(x, y); return "neg" end})
print(-U, "second arg is operand:", seen)

print("-- numeric strings still use string coercion, tables do not")
print("'2' * '3'", "2" * "3", "'2' + 1.5", "2" + 1.5)
local ok, e = pcall(function() return {} * 2 end)
print(ok, (e:gsub("^[^:]+:%d+: ", "")))

print("-- __len on tables and default # behavior")
local LN = setmetatable({1, 2, 3}, {__len = function() return 42 end})
print("#LN", #LN, "rawlen", rawlen(LN))
local LS = setmetatable({}, {__len = function() return "not a number" end})
print("#LS", #LS)

print("-- missing metamethod errors")
local plain = setmetatable({}, {})
local function err(f)
  local ok2, e2 = pcall(f)
  return (tostring(e2):gsub("^[^:]+:%d+: ", ""))
end
print(err(function() return plain + 1 end))
print(err(function() return plain & 1 end))
print(err(function() return -plain end))
print(err(function() return #nil end))
print(err(function() return plain .. "x" end))
print(err(function() local s = "a"; return s & 1 end))

print("-- inheritance of metamethods does not go through __index")
local Base = {__add = function() return "base add" end}
Base.__index = Base
local Derived = setmetatable({}, {__index = Base})
local inst = setmetatable({}, Derived)
print(pcall(function() return inst + 1 end))
Derived.__add = Base.__add
print(inst + 1)
-- table.insert / remove / move / concat / unpack / pack
local function dump(t, n)
  local parts = {}
  for i = 1, n or #t do parts[#parts + 1] = tostring(t[i]) end
  return "{" .. table.concat(parts, ",") .. "} #" .. #t
end

print("-- insert")
local t = {}
table.insert(t, "a")
table.insert(t, "b")
table.insert(t, 1, "c")
table.insert(t, 2, "d")
table.insert(t, #t + 1, "e")
print(dump(t))
local ok, e = pcall(table.insert, t, 10, "x")
print("insert at 10:", ok, e)
ok, e = pcall(table.insert, t, 0, "x")
print("insert at 0:", ok, e)
ok, e = pcall(table.insert, t, 1, 2, 3)
print("insert 4 args:", ok, e)
ok, e = pcall(table.insert, nil, 1)
print("insert nil:", ok, e)
ok, e = pcall(table.insert, t)
print("insert 1 arg:", ok, e)

print("-- remove")
t = {10, 20, 30, 40, 50}
print("remove() ->", table.remove(t), dump(t))
print("remove(1) ->", table.remove(t, 1), dump(t))
print("remove(2) ->", table.remove(t, 2), dump(t))
print("remove(#t+1) ->", table.remove(t, #t + 1), dump(t))
ok, e = pcall(table.remove, t, 5)
print("remove(5):", ok, e)
local empty = {}
print("remove empty ->", table.remove(empty), "remove(empty, 0) ->", table.remove(empty, 0), dump(empty))
local z = {[0] = "zero"}
print("remove({[0]=...}, 0) ->", table.remove(z, 0), z[0])

print("-- move")
local src = {1, 2, 3, 4, 5}
table.move(src, 2, 4, 1)
print("move down:", dump(src))
src = {1, 2, 3, 4, 5}
table.move(src, 1, 3, 3)
print("move up overlapping:", dump(src))
local dst = {"x", "y"}
local r = table.move({7, 8, 9}, 1, 3, 2, dst)
print("move to other table:", dump(dst), r == dst)
print("move empty range:", dump(table.move({1, 2}, 3, 2, 1, {})))
src = {1, 2, 3}
table.move(src, 1, 3, -1)
print("move to negative:", src[-1], src[0], src[1], src[2], src[3])

print("-- concat")
print(table.concat({1, 2, 3}))
print(table.concat({1, 2, 3}, ", "))
print(table.concat({"a", "b", "c", "d"}, "-", 2, 3))
print("[" .. table.concat({}, ",") .. "]", "[" .. table.concat({1, 2}, ",", 3) .. "]")
print(table.concat({1, 2.5, "x", 10 // 3}, " "))
ok, e = pcall(table.concat, {1, {}, 3})
print("concat table element:", ok, e)
ok, e = pcall(table.concat, {1, 2}, ",", 1, 3)
print("concat nil element:", ok, e)

print("-- unpack")
print(table.unpack({1, 2, 3}))
print(table.unpack({1, 2, 3}, 2))
print(table.unpack({1, 2, 3}, 2, 5))
print(select("#", table.unpack({}, 1, 0)), select("#", table.unpack({nil, nil}, 1, 2)))
print(table.unpack({"a", "b", "c"}, -1, 1))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print("sum of unpack:", sum(table.unpack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10})))
ok, e = pcall(table.unpack, {}, 1, 1e8)
print("unpack too many:", ok, e)

print("-- pack")
local p = table.pack(1, nil, 3, nil)
print("n =", p.n, p[1], p[2], p[3], p[4])
p = table.pack()
print("empty n =", p.n, #p)

print("-- tables with __index used by table functions")
local proxy = setmetatable({}, {
  __index = function(_, k) return k * 10 end,
  __len = function() return 4 end,
})
print(table.concat(proxy, ","), table.unpack(proxy))
local log = {}
local tracked = setmetatable({}, {__newindex = function(tt, k, v) log[#log + 1] = k .. "=" .. tostring(v); rawset(tt, k, v) end})
table.insert(tracked, "first")
table.insert(tracked, "second")
print("__newindex log:", table.concat(log, " "))
-- string.pack / string.unpack / string.packsize
local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
local function show(fmt, ...)
  local packed = string.pack(fmt, ...)
  local res = table.pack(string.unpack(fmt, packed))
  for i = 1, res.n do
    res[i] = type(res[i]) == "string" and string.format("%q", res[i]) or tostring(res[i])
  end
  print(string.format("%-12s size=%-3d %-40s unpack: %s", fmt, #packed, hex(packed), table.concat(res, " ", 1, res.n)))
end

print("-- integer formats, little and big endian")
show("<i4", 1)
show(">i4", 1)
show("<i4", -2)
show("<I2", 65535)
show(">I2", 258)
show("<b", -1)
show("<B", 200)
show("<h", -300)
show("<H", 300)
show("<i8", math.mininteger)
show("<j", 123456789)
show(">J", -1)
show("<i3", -1)
show("<I3", 0x123456)
show(">i16", -2)
show("<I16", 7)
show("<i1i2i4", 1, 2, 3)

print("-- floats")
show("<f", 1.5)
show(">d", -2.25)
show("<n", 1e100)
show("<d", 1 / 0)

print("-- strings")
show("<s1", "hello")
show(">s2", "hi")
show("<s4", "")
show("z", "zero-terminated")
show("c5", "abc")
show("c3", "abc")
show("<s1z", "a", "b")

print("-- alignment and padding")
show("<!4 b i4", 1, 2)
show("<!8 b d", 1, 0.5)
show("<b x i2", 1, 2)
show("<!4 b Xi4 i4", 1, 2)
show("<!2 i1 Xi2 i1", 9, 8)
show(" < i2 > i2 = i2 ", 1, 2, 3)

print("-- packsize")
for _, f in ipairs({"i4", "i8", "b", "h", "d", "f", "n", "j", "T", "i3", "!8 b d", "!4 b i4 b", "c10", "<i2 x x i2", "!8 i1 Xd"}) do
  print(string.format("packsize(%q) = %d", f, string.packsize(f)))
end

print("-- unpack with position and multiple values")
local data = string.pack("<i2 i2 i2", 10, 20, 30)
print(string.unpack("<i2", data))
print(string.unpack("<i2", data, 3))
print(string.unpack("<i2", data, -2))
print(string.unpack("<i2 i2", data, 3))
local packed = string.pack(">s1 s1 I1", "ab", "cde", 9)
local pos, a, b, c = 1
a, pos = string.unpack(">s1", packed, pos)
b, pos = string.unpack(">s1", packed, pos)
c, pos = string.unpack(">I1", packed, pos)
print(a, b, c, pos)
print(string.unpack("z z", "one\0two\0"))

print("-- round trip of many integers")
local vals = {0, 1, -1, 127, -128, 32767, -32768, 2^31 - 1, -2^31, math.maxinteger, math.mininteger}
local ok = true
for _, v in ipairs(vals) do
  v = math.tointeger(v)
  if string.unpack("<j", string.pack("<j", v)) ~= v then ok = false end
  if string.unpack(">i8", string.pack(">i8", v)) ~= v then ok = false end
end
print("round trip ok:", ok)

print("-- errors")
local function err(label, f, ...)
  local okk, e = pcall(f, ...)
  print(string.format("%-28s %s", label, tostring(e)))
end
err("overflow i1 200", string.pack, "i1", 200)
err("overflow I1 -1", string.pack, "I1", -1)
err("i17 size", string.pack, "i17", 1)
err("s1 too long", string.pack, "s1", string.rep("x", 300))
err("z with zero", string.pack, "z", "a\0b")
err("c2 too long", string.pack, "c2", "abc")
err("data too short", string.unpack, "<i4", "ab")
err("bad option", string.pack, "y", 1)
err("unfinished z", string.unpack, "z", "abc")
err("non-number", string.pack, "i4", "x")
err("float for int", string.pack, "i4", 1.5)
err("pos out of range", string.unpack, "b", "a", 5)
err("packsize variable", string.packsize, "s")
err("invalid align", string.pack, "!3 i4", 1)
err("i16 unpack overflow", string.unpack, "<i16", string.rep("\255", 8) .. string.rep("\1", 8))
-- __eq, __lt, __le, __call, __tostring, __name, __metatable
print("-- __eq")
local eqcalls = 0
local E = {__eq = function(a, b) eqcalls = eqcalls + 1; return a.id == b.id end}
local e1 = setmetatable({id = 1}, E)
local e2 = setmetatable({id = 1}, E)
local e3 = setmetatable({id = 2}, E)
print("e1 == e2", e1 == e2, "e1 == e3", e1 == e3, "e1 ~= e2", e1 ~= e2)
print("e1 == e1 (no call)", e1 == e1, "calls so far", eqcalls)
print("rawequal(e1, e2)", rawequal(e1, e2))
print("e1 == 1 (no call for different types)", e1 == 1, "calls", eqcalls)
local other = setmetatable({id = 1}, {__eq = function() return true end})
print("e1 == other (uses e1's __eq)", e1 == other, "other == e1 (uses other's)", other == e1)
local plain = {id = 1}
print("e1 == plain (uses e1's __eq)", e1 == plain, "plain == e1", plain == e1)
local truthy = setmetatable({}, {__eq = function() return "yes" end})
print("__eq result converted to boolean:", truthy == {}, truthy ~= {})

print("-- __lt and __le")
local C = {}
C.__lt = function(a, b) return a.v < b.v end
C.__le = function(a, b) return a.v <= b.v end
local function c(v) return setmetatable({v = v}, C) end
local x, y = c(1), c(2)
print("x < y", x < y, "x > y", x > y, "x <= y", x <= y, "x >= y", x >= y)
print("y <= y", y <= y, "y < y", y < y)
local OnlyLt = {__lt = function(a, b) return a.v < b.v end}
local o1, o2 = setmetatable({v = 1}, OnlyLt), setmetatable({v = 2}, OnlyLt)
print("only __lt: o1 < o2", o1 < o2)
print("only __lt: o1 <= o2 ->", pcall(function() return o1 <= o2 end))
print("mixed with numbers via __lt:", pcall(function()
  local N = setmetatable({v = 5}, {__lt = function(a, b)
    local av = type(a) == "table" and a.v or a
    local bv = type(b) == "table" and b.v or b
    return av < bv
  end})
  return N < 10, 3 < N, N > 7
end))
local str = setmetatable({}, {__lt = function() return 1 end})
print("__lt result to boolean:", str < str)

print("-- __call")
local callable = setmetatable({name = "adder"}, {__call = function(self, a, b)
  return self.name .. ":" .. tostring(a + b), "extra"
end})
print(callable(2, 3))
print(pcall(callable, 10, 20))
local multi = setmetatable({}, {__call = function(self, ...) return select("#", ...), ... end})
print(multi(), multi(nil, nil), multi(1, 2, 3))
local function apply(f, ...) return f(...) end
print("callable passed as function:", apply(callable, 1, 1))
local counter = setmetatable({n = 0}, {__call = function(self) self.n = self.n + 1; return self.n end})
counter(); counter()
print("counter after 3 calls:", counter())
local nested = setmetatable({}, {__call = callable})
print("__call that is itself callable:", pcall(nested, 5, 6))

print("-- __tostring and __name")
local P = {__tostring = function(p) return "Point<" .. p.x .. ">" end}
local pt = setmetatable({x = 7}, P)
print(tostring(pt), pt)
print(string.format("%s|%s", pt, tostring(pt)))
local bad = setmetatable({}, {__tostring = function() return 42 end})
print("__tostring returning non-string:", pcall(tostring, bad))
local named = setmetatable({}, {__name = "Widget"})
print("__name used:", (tostring(named):gsub("0x%x+", "ADDR"):gsub(": %x+$", ": ADDR")))
print("__name in error:", pcall(function() return named + 1 end))
print("__name in arg error:", pcall(string.rep, named))

print("-- __metatable")
local locked = setmetatable({}, {__metatable = {info = "hidden"}, __index = {k = "v"}})
print(getmetatable(locked).info, locked.k)
print(pcall(setmetatable, locked, nil))
local falsy = setmetatable({}, {__metatable = false})
print("__metatable = false:", getmetatable(falsy))
-- __pairs, ipairs with __index, __close basics, metamethods on shared metatables
print("-- __pairs customizes pairs()")
local ordered = setmetatable({c = 3, a = 1, b = 2}, {__pairs = function(t)
  local keys = {}
  for k in next, t do keys[#keys + 1] = k end
  table.sort(keys)
  local i = 0
  return function()
    i = i + 1
    local k = keys[i]
    if k ~= nil then return k, t[k] end
  end, t, nil
end})
for k, v in pairs(ordered) do io.write(k, "=", v, " ") end
print()

print("-- __pairs returning next with a different table")
local shadow = {x = 10}
local facade = setmetatable({}, {__pairs = function() return next, shadow, nil end})
for k, v in pairs(facade) do print("facade pair", k, v) end

print("-- ipairs respects __index")
local virtual = setmetatable({}, {__index = function(_, i) if i <= 5 then return i * 2 end end})
local got = {}
for i, v in ipairs(virtual) do got[#got + 1] = i .. ":" .. v end
print(table.concat(got, " "))
local partial = setmetatable({1, 2}, {__index = {nil, nil, 3, 4}})
got = {}
for i, v in ipairs(partial) do got[#got + 1] = v end
print("partial with inherited 3,4:", table.concat(got, " "))

print("-- __close runs when variable goes out of scope")
local order = {}
local function closer(name)
  return setmetatable({}, {__close = function(self, err)
    order[#order + 1] = name .. (err and ("!" .. tostring(err):gsub("^[^:]+:%d+: ", "")) or "")
  end})
end
do
  local a <close> = closer("a")
  local b <close> = closer("b")
  order[#order + 1] = "body"
end
print(table.concat(order, " "))

order = {}
local ok, e = pcall(function()
  local x <close> = closer("x")
  error("boom")
end)
print("error case:", ok, (tostring(e):gsub("^[^:]+:%d+: ", "")), table.concat(order, " "))

order = {}
local function early(n)
  local r <close> = closer("r" .. n)
  if n > 0 then return "returned " .. n end
  order[#order + 1] = "fallthrough"
  return "end"
end
print(early(1), early(0), table.concat(order, " "))

print("-- shared metatable between many objects")
local Counter = {}
Counter.__index = Counter
Counter.__lt = function(a, b) return a.n < b.n end
Counter.__eq = function(a, b) return a.n == b.n end
Counter.__tostring = function(a) return "C" .. a.n end
function Counter.new(n) return setmetatable({n = n}, Counter) end
function Counter:inc() self.n = self.n + 1; return self end
local list = {}
for i = 5, 1, -1 do list[#list + 1] = Counter.new(i) end
table.sort(list, function(a, b) return a < b end)
for i, cobj in ipairs(list) do list[i] = tostring(cobj:inc()) end
print(table.concat(list, " "))
print(Counter.new(3) == Counter.new(3), Counter.new(3) ~= Counter.new(4))

print("-- metatable changes take effect immediately")
local obj = setmetatable({}, {})
print(pcall(function() return obj + 1 end))
getmetatable(obj).__add = function() return "now works" end
print(obj + 1)
getmetatable(obj).__index = function(_, k) return "dyn_" .. k end
print(obj.anything)

print("-- __index on missing method call")
local M = setmetatable({}, {__index = function(_, name)
  return function(self, ...) return name .. "(" .. table.concat({...}, ",") .. ")" end
end})
print(M:foo(1, 2), M:bar(), M.baz(nil, "x"))

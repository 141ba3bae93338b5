-- Fast paths of session 5: constructors ending in a call, a record's
-- fields in the slot after their home, string methods, concatenation
-- with integers, table.insert/remove on plain tables.

-- SETLIST with B = 0: a constructor ending in a multi-result call
local function two() return 1, 2 end
local function none() end
local function many() return 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 end
local t = {two()}
print(#t, t[1], t[2])
t = {0, two()}
print(#t, t[1], t[2], t[3])
t = {none()}
print(#t, next(t))
t = {0, none()}
print(#t, t[1])
t = {many()}
print(#t, t[10])
t = {x = 1, two()}
print(#t, t.x, t[2])
local function tree(d) if d == 0 then return {} end return {tree(d - 1), tree(d - 1)} end
local function count(n) if n[1] then return 1 + count(n[1]) + count(n[2]) end return 1 end
print(count(tree(6)))
t = {table.unpack({1, nil, 3})}
print(t[1], t[2], t[3])
local function pack(...) return {...} end
local function pack2(...) return {"first", ...} end
print(#pack(), #pack(1, 2, 3), pack(1, 2, 3)[3], #pack2(), #pack2(1, 2), pack2(1, 2)[3])

-- records: every field read and written through its constant key, many
-- keys so that some share a home slot
local r = {}
local names = {}
for i = 1, 40 do names[i] = "f" .. i; r[names[i]] = i end
local rec = {a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8, i = 9, j = 10, k = 11}
for _ = 1, 3 do
  rec.a, rec.b, rec.c, rec.d = rec.a + 1, rec.b + 1, rec.c + 1, rec.d + 1
  rec.e, rec.f, rec.g, rec.h = rec.e * 2, rec.f * 2, rec.g * 2, rec.h * 2
  rec.i, rec.j, rec.k = rec.i - 1, rec.j - 1, rec.k - 1
end
print(rec.a, rec.b, rec.c, rec.d, rec.e, rec.f, rec.g, rec.h, rec.i, rec.j, rec.k, rec.l)
rec.k = nil
print(rec.k, rec.j)
rec.l = "new"
print(rec.l)
local sum = 0
for i = 1, 40 do sum = sum + r[names[i]] end
print(sum, r.f1, r.f17, r.f40, r.f41)
local withmeta = setmetatable({a = 1}, {__index = function(_, k) return "idx:" .. k end})
withmeta.b = nil
print(withmeta.a, withmeta.b, withmeta.zz)

-- string methods
local s = "Hello, World"
print(s:upper(), s:lower(), s:len(), s:sub(2, 5), s:byte(1), s:rep(2, "|"))
print(s:find("World"), s:match("(%a+), (%a+)"))
print(("x"):rep(3), ("%d-%s"):format(5, "a"))
print(pcall(function() return s:nosuchmethod() end))
local smt = getmetatable("")
local oldindex = smt.__index
smt.__index = function(str, k) return function() return "dyn " .. k .. " " .. str end end
print(s:anything())
smt.__index = {twice = function(str) return str .. str end}
print(s:twice(), pcall(function() return s:upper() end))
smt.__index = oldindex
print(s:upper())
string.shout = function(str) return str:upper() .. "!" end
print(s:shout())
string.shout = nil
print(pcall(function() return s:shout() end))

-- concatenation with integers and floats
local mi = math.mininteger
print("a" .. 1 .. "b" .. -1 .. "c" .. 0 .. "d" .. mi .. "e" .. math.maxinteger)
print(1 .. 2, -7 .. "", "x" .. 1.5, 2 .. 0.5 .. 3, "" .. 1e100, 10 // 1 .. "|" .. 2^53)
for _, n in ipairs({9, 10, 99, 100, 999999, 1000000, -9, -10, -100}) do io.write(n .. ",") end
print()
local long = ""
for i = 1, 30 do long = long .. i .. "," end
print(long, #long)
print(pcall(function() return "a" .. {} end))
print(pcall(function() return 1 .. nil end))

-- table.insert / table.remove on plain tables
local q = {}
for i = 1, 5 do table.insert(q, i * 10) end
print(#q, table.remove(q), table.remove(q), #q)
print(table.remove({}), #q)
local e = {[0] = "zero"}
print(table.remove(e), e[0])
local holes = {1, 2, nil, 4}
table.insert(holes, 5)
print(#holes, holes[5])
print(table.remove(holes), #holes)
print(pcall(table.insert, q, 1, 2, 3))
print(pcall(table.insert, nil, 1))
print(pcall(table.remove, 1))
local proxy = setmetatable({}, {__len = function() return 2 end, __index = function(_, i) return "v" .. i end,
  __newindex = function(_, k, v) print("set", k, v) end})
table.insert(proxy, "x")
print(table.remove(proxy))
table.sort(q, function(a, b) return a > b end)
print(table.concat(q, ","))
print(("abc"):gsub("%w", function(c) return c:upper() .. "." end))
print(("abc"):gsub("%w", function() end))

-- strings built in place (one allocation when short): every size class
for _, n in ipairs({0, 1, 8, 9, 24, 25, 40, 41, 72, 73, 104, 105, 300}) do
  local s = ("ab"):rep(n // 2) .. (n % 2 == 1 and "c" or "")
  local up, rev = s:upper(), s:reverse()
  io.write(n, ":", #s, ":", #up, ":", up:sub(1, 3), ":", rev:sub(1, 3), ":", s:rep(2, "-"):sub(n - 1, n + 3), " ")
end
print()
print(("x"):rep(0), ("x"):rep(1, "sep"), ("ab"):rep(3, ", "), (""):rep(5), (""):rep(3, "|"))
print(string.char(), string.char(72, 105), string.char(table.unpack({65, 66, 67, 68, 69, 70, 71, 72, 73})))
print(table.concat({}), table.concat({1, 2.5, "x"}, ", "), table.concat({"a", "b", "c"}, "", 2, 3))
print(table.concat({"a", "b", "c"}, "--", 3, 2) == "", #table.concat({("y"):rep(200), ("z"):rep(50)}, "|"))
local parts = {}
for i = 1, 50 do parts[#parts + 1] = i * 2 end
print(#parts, table.concat(parts, " ", 45))

-- tostring of scalars made directly, and with metatables that intervene
print(tostring(1), tostring(-1), tostring(0), tostring(1e100), tostring(1/0), tostring(-1/0))
print(tostring(2^63), tostring(math.mininteger), tostring(math.maxinteger), tostring(0.1), tostring(-0.0))
print(tostring(1e15), tostring(123456789012345.0), tostring(true), tostring(false), tostring("str"), tostring(nil))
print(tostring(3) .. "|" .. tostring(2.5) .. "|" .. 7 .. 0.25)
debug.setmetatable(0, {__tostring = function(n) return "num<" .. math.type(n) .. ">" end})
print(tostring(1), tostring(1.5))
debug.setmetatable(0, {__name = "Number"})
print(tostring(2), tostring(2.5))
debug.setmetatable(0, nil)
debug.setmetatable(true, {__tostring = function(b) return b and "yes" or "no" end})
print(tostring(true), tostring(false))
debug.setmetatable(true, nil)
getmetatable("").__tostring = function(str) return "<" .. str .. ">" end
print(tostring("abc"))
getmetatable("").__tostring = nil
print(tostring("abc"), tostring(true))

-- The exec loop's inline fast paths and their fallbacks: tail calls,
-- table constructors, integer-key misses, field inserts, closures.

-- Tail calls to Lua functions: argument counts, nil-filled parameters,
-- frames of every kind (plain, metamethod, pcall body, coroutine body).
local function three(a, b, c) return a, b, c end
local function tail0() return three() end
local function tail1(x) return three(x) end
local function tail4(...) return three(...) end
print(tail0())
print(tail1(1))
print(tail4(1, 2, 3, 4))
local function count(n, acc) if n == 0 then return acc end return count(n - 1, acc + 1) end
print(count(100000, 0))
local function va(...) return select("#", ...), ... end
local function tailva(...) return va(...) end
print(tailva(nil, 2, nil))

local V = {}
V.__index = V
local function new(x) return setmetatable({x = x}, V) end
V.__add = function(a, b) return new(a.x + b.x) end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return three(a.x < b.x) end
print((new(1) + new(2)).x, new(3) == new(3), new(1) < new(2))
print(pcall(tail1, "in pcall"))
print(pcall(function() return tail4(1, 2) end))
local co = coroutine.wrap(function(a) local b = coroutine.yield(a) return tail1(b) end)
print(co("first"), co("second"))

-- Tail calls to Go functions, also with all arguments of a vararg call.
local function tailgo(...) return select(2, ...) end
print(tailgo("a", "b", "c"))
local function tailtype(v) return type(v) end
print(tailtype(nil), tailtype(tailtype))
print(pcall(function() return setmetatable(1, V) end))

-- Errors and tracebacks through tail calls.
local function bad(x) return x.field end
local function tailbad(x) return bad(x) end
print(pcall(tailbad, nil))
local function info() return debug.getinfo(1, "t").istailcall end
local function tailinfo() return info() end
print(tailinfo(), (info()))
local tb = select(2, xpcall(function() return tailbad(nil) end, debug.traceback))
print(select(2, tb:gsub("%(%.%.%.tail calls%.%.%.%)", "")), tb:match("in function <fastpaths.lua:%d+>") ~= nil)

-- Constructors: sized arrays, several SETLIST batches, varargs, a hash part.
local function pack(...) return {...} end
local big = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
  21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
  41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55}
print(#big, big[1], big[50], big[51], big[55], big[56])
print(#pack(), #pack(1), #pack(1, 2, 3), select("#", table.unpack(pack(1, nil, 3))))
local mixed = {x = 1, 10, 20, y = 2, 30}
print(mixed[1], mixed[2], mixed[3], mixed.x, mixed.y, #mixed)
local over = {[1] = "key", "item", [3] = "three"}
print(over[1], over[2], over[3])
local holes = {nil, nil, 3}
print(holes[1], holes[3], #holes)
local pair = {new(1), new(2)}
print(pair[1].x, pair[2].x, pair[3])

-- Integer keys beyond the array part of a table with no hash part.
local empty = {}
print(empty[1], empty[0], empty[-1], empty[2^53])
local k = 1
print(empty[k], ({})[k + 1])
local proxy = setmetatable({}, {__index = function(_, i) return "index " .. i end})
print(proxy[1], proxy[k + 1])
local arr = {1, 2}
print(arr[3], arr[k + 2])

-- Field inserts into fresh tables, colliding keys, growth.
local rec = {}
for i = 1, 40 do rec["f" .. i] = i end
local sum = 0
for key, v in pairs(rec) do sum = sum + v end
print(sum, rec.f1, rec.f40, rec.f41)
local small = {a = 1}
small.b, small.c, small.d, small.e = 2, 3, 4, 5
print(small.a, small.b, small.c, small.d, small.e)
small.c = nil
small.c = 6
print(small.c)

-- Closures made in a loop, sharing and not sharing upvalues.
local fs = {}
for i = 1, 3 do
  local shared = i * 10
  fs[i] = {function() shared = shared + 1 return shared end, function() return shared, i end}
end
print(fs[1][1](), fs[1][2]())
print(fs[3][1](), fs[3][1](), fs[3][2]())

-- A closure is collectable while another closure sharing its upvalue cell
-- lives (cells must not be allocated inside the closure that opens them).
local weakf = setmetatable({}, {__mode = "k"})
local keepf
do
  local x = 0
  local f = function() return x end
  keepf = function() x = x + 1 return x end
  weakf[f] = true
end
collectgarbage(); collectgarbage()
local nweak = 0 for _ in pairs(weakf) do nweak = nweak + 1 end
print("shared cell", nweak, keepf())

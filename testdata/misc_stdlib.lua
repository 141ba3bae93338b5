-- Corners of the base library the shared conformance programs leave out:
-- select, rawlen/rawequal, tostring of special values, the string
-- metatable, integer/float keys, multiple assignment, _ENV, varargs.

print(select("#"), select("#", nil, nil), select(-1, 1, 2, 3), select(2, "a", "b", "c"))
print(pcall(select, 0, 1), pcall(select, -4, 1, 2, 3))
print(rawlen({1, 2, 3}), rawlen("four"), pcall(rawlen, 5))
print(rawequal("a", "a"), rawequal({}, {}), rawequal(1, 1.0), rawequal("1", 1))
print(tostring(nil), tostring(true), tostring(-0.0), tostring(1e100), tostring(2^63), tostring(-2^63))
print(math.mininteger, -9223372036854775807 - 1 == math.mininteger, 1 // 0.0, -1 // 0.0)
print(("x"):rep(3), ("%d"):format(7), #"abc", ("abc"):upper():lower())
print(getmetatable("").__index == string, getmetatable("").__name)
print(pcall(setmetatable, "s", {}))

local t = {}
t[1.0] = "one"; t[2^53] = "big"; t[-0.0] = "zero"
print(t[1], t[math.tointeger(2^53)], t[0], next({[3.0] = true}))
print(math.type(next({[3.0] = true})))

local a, b, c = (function() return 1, 2, 3 end)()
local d, e = ((function() return 1, 2 end)())
print(a, b, c, d, e)
local i = 1
local arr = {}
i, arr[i] = i + 1, 20
print(i, arr[1], arr[2])

local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(table.unpack({1, nil, 3}, 1, 3)))
print({...} ~= nil, select("#", ...))
local packed = table.pack(1, nil, nil)
print(packed.n, #{n = 1})

do
  local _ENV = {print = print, tostring = tostring}
  y = 5
  print(y, tostring(x))
end
print(y)

local mt = {__index = function(_, k) return k .. "!" end}
local proxy = setmetatable({}, mt)
print(proxy.a, proxy[1], rawget(proxy, "a"))
print(#arg, arg[0] ~= nil)
print(type(os.time()), type(os.clock()), os.getenv("LUAWASM_SURELY_UNSET"))
print(string.format("%5.1f|%-5d|%05d|%x|%X|%o|%e|%g|%q", 3.14159, 42, 42, 255, 255, 8, 12345.678, 0.0001, 1/3))
print(tostring(print):match("^function: ") ~= nil)
print(type(_G), _G._G == _G, _VERSION)

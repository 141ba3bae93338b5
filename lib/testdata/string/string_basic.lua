-- string library basics through the VM: methods on strings, coercions,
-- errors with positions, arithmetic metamethods of strings.
local function try(label, f, ...)
  local ok, err = pcall(f, ...)
  print(label, ok and "ok" or err)
end

print("-- methods and the string metatable")
local s = "Hello, World"
print(s:len(), #s, s:upper(), s:lower(), s:reverse())
print(s:sub(1, 5), s:sub(-5), s:sub(8, -2), s:sub(0), s:sub(100), ("x"):rep(3, "-"))
print(s:byte(1), s:byte(-1), s:byte(1, 3))
print(string.char(s:byte(1, -1)) == s)
print(getmetatable("").__index == string, getmetatable("abc") == getmetatable(""))
print(("%d items"):format(3), ("a,b"):find(",", 1, true))
print(#string.rep("ab", 1000, ","), string.rep("", 1e8))

print("-- numbers as strings")
print(string.len(12345), string.upper(1.5), string.sub(2^53, 1, 4), string.rep(7, 3))
print(("10"):rep(2), (10 .. ""):len())

print("-- arithmetic on strings")
print("10" + 1, "10" - 1, "3" * "4", "10" / "4", "7" // "2", "7" % "3", "2" ^ "10", -"3")
print("0x10" + 0, " 1e2 " * 1, "10" + 1.5, math.type("1" + "2"), math.type("1.0" + 2))
print("9007199254740993" + 0, "9223372036854775807" + 1)
print("7.5" // "2", "-7" // "2", "-7" % "3", "5.5" % "-2")
try("'abc' + 1", function() return "abc" + 1 end)
try("1 + 'abc'", function() return 1 + "abc" end)
try("'10' + {}", function() return "10" + {} end)
try("{} + '10'", function() return {} + "10" end)
try("-'x'", function() return -"x" end)
try("'1' // '0'", function() return "1" // "0" end)
try("'1' % '0'", function() return "1" % "0" end)
try("'3' & 1", function() return "3" & 1 end)
local mt = {__add = function(a, b) return "mt add" end, __concat = function() return "cat" end}
local obj = setmetatable({}, mt)
print("abc" + obj, obj + "abc", "10" + obj)
print("abc" .. 1, 1 .. "", 1.5 .. "|")

print("-- errors carry the caller's position")
try("rep too large", function() return string.rep("x", 1 << 40) end)
try("rep sep too large", string.rep, "x", 2^30, "y")
try("char range", function() return string.char(65, 256) end)
try("byte huge", function() return string.byte(string.rep("x", 1000000), 1, -1) end)
try("sub no int", function() return ("abc"):sub(1.5) end)
try("len of nil", function() return string.len(nil) end)
try("upper of table", function() return ("x").upper({}) end)
try("method on nil", function() local t = {} return t.name:upper() end)

print("-- dump")
local function add(a, b) return a + b end
local chunk = string.dump(add)
print(type(chunk), load(chunk)(2, 3), load(string.dump(add, true))(4, 5))
try("dump a C function", string.dump, print)
try("dump a number", string.dump, 1)

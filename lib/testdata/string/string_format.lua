-- string.format through the VM: __tostring and __name for %s, %q read
-- back with load, errors with positions.
local fmt = string.format
local function try(label, f, ...)
  local ok, err = pcall(f, ...)
  print(label, ok and "ok" or err)
end

print(fmt("%5d|%-5d|%05.1f|%x|%X|%o|%e|%g|%a", 42, 42, 3.14159, 255, 255, 8, 12345.678, 1e20, 1.0))
print(fmt("%q", "line1\nline2\t\0\1\0019\200\"\\"))
print(fmt("%q|%q|%q|%q", 1/0, -1/0, 2^63, math.mininteger))
print(fmt("%s|%s|%s|%s", 1, 1.0, -0.0, 1e100))
print(fmt("%10.4s|%-10s|%s", "abcdefgh", "left", "x"))
local obj = setmetatable({}, {__tostring = function() return "OBJ!" end})
print(fmt("%s|%8s|%-8s|%.2s", obj, obj, obj, obj))
local named = setmetatable({}, {__name = "Point"})
print((fmt("%s", named):gsub("0x%x+", "ADDR")))
for _, v in ipairs({"a\0b", "\r\n", 0.1, -1.5, 1e-300, 255, math.maxinteger, true, nil}) do
  local q = fmt("%q", v)
  local back = load("return " .. q)()
  print(q, back == v or (v ~= v and back ~= back))
end
local x = 0/0
print(fmt("%q", x), load("return " .. fmt("%q", x))() ~= load("return " .. fmt("%q", x))())
print(fmt("%.3f %.0f %.20g %g %g", 2/3, 0.5, 0.1, 2^63, -0.0))
print(fmt("[%c]", 0) == "[\0]", #fmt("%099d", 1), #fmt("%.99f", 1))

try("no value", function() return fmt("%d %d", 1) end)
try("bad conversion", function() return fmt("%y", 1) end)
try("not a number", function() return fmt("%d", "x") end)
try("no integer", function() return fmt("%x", 1.5) end)
try("too long", function() return fmt("%0123d", 1) end)
try("q modifiers", function() return fmt("%10q", "x") end)
try("no literal", function() return fmt("%q", {}) end)
try("tostring error", function() return fmt("%s", setmetatable({}, {__tostring = function() return {} end})) end)
try("tostring raises", function() return fmt("%s", setmetatable({}, {__tostring = function() error("inner") end})) end)
try("zeros with width", function() return fmt("%5s", "a\0") end)

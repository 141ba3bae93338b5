-- string.pack, string.unpack and string.packsize through the VM.
local function hex(s) return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end)) end
local function try(label, f, ...)
  local ok, err = pcall(f, ...)
  print(label, ok and "ok" or err)
end

local p = string.pack("<i4 >i4 z s1 !8 d", 1, 1, "zero", "len", 1.5)
print(#p, hex(p))
print(string.unpack("<i4 >i4 z s1 !8 d", p))
print(string.packsize("<i4 >i4 !8 d"), string.packsize("i16 b Xi16"))
for _, v in ipairs({0, 1, -1, math.maxinteger, math.mininteger, 0x7fff, -0x8000}) do
  local ok = string.unpack("<j", string.pack("<j", v)) == v and string.unpack(">i16", string.pack(">i16", v)) == v
  io.write(tostring(ok), " ")
end
print()
print(string.unpack("f", string.pack("f", 0.1)) == 0.1, string.unpack("d", string.pack("d", 0.1)) == 0.1)
local pos, a, b = 1
a, pos = string.unpack("s1", "\3abc\2de", pos)
b, pos = string.unpack("s1", "\3abc\2de", pos)
print(a, b, pos)
print(select("#", string.unpack(string.rep("b", 100), string.rep("\1", 100))))

try("overflow", function() return string.pack("i2", 40000) end)
try("unsigned overflow", function() return string.pack("I2", -1) end)
try("bad size", function() return string.pack("i0", 1) end)
try("bad option", function() return string.pack("w", 1) end)
try("short data", function() return string.unpack("i8", "1234") end)
try("position", function() return string.unpack("b", "x", 3) end)
try("variable size", function() return string.packsize("z") end)
try("alignment", function() return string.pack("!3i4", 1) end)
try("does not fit", function() return string.unpack("i9", string.rep("\255", 8) .. "\1") end)
try("X at end", function() return string.pack("X") end)

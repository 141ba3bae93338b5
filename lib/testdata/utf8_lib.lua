-- utf8 library edge cases
print(utf8.char(0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF) == "\0\x7F\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}")
print(#utf8.char(0x110000), #utf8.char(0x3FFFFFF), #utf8.char(0x4000000))
print(utf8.len("\u{7FFFFFFF}", 1, -1, true), utf8.len("\u{7FFFFFFF}"))
print(utf8.codepoint("\u{7FFFFFFF}", 1, 1, true), pcall(utf8.codepoint, "\u{7FFFFFFF}"))
for _, s in ipairs({"", "a", "\xC2\x80", "\xE0\x80\x80", "\xF0\x80\x80\x80", "\xF8\x88\x80\x80\x80", "\xFF", "\xC2"}) do
  print(#s, utf8.len(s), utf8.len(s, 1, -1, true))
end
local s = "añ€😀"
for i = -6, 6 do io.write(tostring(utf8.offset(s, i)), " ") end
print()
for i = 1, #s do io.write(tostring(utf8.offset(s, 0, i)), " ") end
print()
print(utf8.codepoint(s, 1, -1))
local out = {}
for p, c in utf8.codes(s) do out[#out + 1] = p .. "=" .. c end
print(table.concat(out, " "))
print(pcall(utf8.offset, s, 1, 3))
print(pcall(utf8.offset, s, 1, 20))
print(pcall(utf8.len, s, 20))
print(pcall(utf8.len, s, 1, 20))
print(pcall(utf8.codepoint, s, 0))
print(pcall(utf8.char, "x"))
print(utf8.len(12345), utf8.codepoint(7))

-- Messages where the reference's C shows through: gcc evaluates the two
-- argument checks of math.fmod right to left, and names in error messages
-- are formatted with %s, so they end at a zero byte.
print(pcall(math.fmod, "a", "b"))
print(pcall(math.fmod, 1.5, "b"))
print(pcall(math.fmod, "a", 2))
print(pcall(function() return (-7) & "\0" end))
print(pcall(function() local t = {} t["a\0b"]() end))
print(pcall(function() return #ab_c end))

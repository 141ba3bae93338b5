-- math library: seeded random sequences, conversions and edge cases
print(math.randomseed(42))
local t = {}
for i = 1, 10 do t[i] = math.random(1, 100) end
print(table.concat(t, " "))
print(math.random(), math.random(0), math.random(1 << 40))
print(math.randomseed(7, 9))
for _ = 1, 3 do print(math.random(-3, 3), math.random(3), math.random(math.mininteger, math.maxinteger)) end
math.randomseed(1.0)
print(math.random(10))
print(pcall(math.random, 0.5))
print(pcall(math.random, math.maxinteger, math.mininteger))

print(math.floor("3.5"), math.ceil("-3.5"), math.floor(2^62), math.floor(2^63), math.ceil(-2^63))
print(math.abs(-0.0), math.abs(math.mininteger), math.abs(-2^63))
print(math.fmod(5.5, -2), math.fmod(-6, 4), math.fmod(math.mininteger, -1), math.fmod(3, math.huge))
print(pcall(math.fmod, 5, 0), math.fmod(5, 0.0) ~= math.fmod(5, 0.0))
print(math.modf(2^53), math.modf(-0.5), math.modf(1/0))
print(math.tointeger(2^53), math.tointeger("0x10"), math.tointeger({}), math.tointeger(-0.0))
print(math.max(3, 3.0), math.max(3.0, 3), math.min(1, -1.5, 2), math.max("10", "9"))
print(math.ult(math.maxinteger, math.mininteger), math.ult(0, -1))
print(math.log(8, 2), math.log(1000, 10), math.log(100, 10) == 2, math.log(2.718281828459045))
print(math.exp(1), math.sqrt(2), math.sin(1), math.cos(1), math.tan(1))
print(math.asin(0.5), math.acos(0.5), math.atan(2), math.atan(-1, -2), math.atan(1, 0.0))
print(math.deg(1), math.rad(90), math.pi, -math.huge, math.mininteger)
print(math.type(1), math.type(1.0), math.type("1"), math.type(nil))
print(8 // 3, math.floor(-8 / 3), 2^53 + 1 == math.floor(2^53 + 1))

local a, b, c
a, b, c = 1
a, b = f()
a, b, c = f(), g()
a, b = ..., 1
local t = {}
t.x, t.y = t.y, t.x
t[a], a = a, t[a]
a, t[a] = t, 1
local u
local function up() u, u.x = 1, 2; u.y, u = 3, 4 end
x, x.y = 1, 2
x.y, x = 1, 2
a.b.c, a.b = 1, 2
local n1, n2 = nil, nil
local f1, f2 = false
local e1 = -(2^63)
local e2 = 9007199254740993
local e3 = 0x7fffffffffffffff + 1
local e4 = "x" .. 1 .. 2.5
local e5 = 3 // 0.5, 3 % -2, -3 % 2, 3.5 % -2, -2^2, 2^-1
local e6 = 1 < 2, "a" < "b", not nil, not 1
local e7 = #"abc", -"2", ~1.0, ~1.5
a = a or {}
a = a and a.b and a.b.c
a = (a == b) ~= (b == c)
a = {f(), nil, ..., [10] = 1, g()}

local a, b, c = ...
local x = a and b or c
local y = not (a == b)
local z = a ~= 1 and b >= 2.0 or c < -1
x = a + 1; x = 1 + a; x = a - 1; x = a - 200; x = a * 2.5; x = 2 ^ a
x = a // 0; x = 1 // 0; x = 1 / 0; x = 3 % 0; x = 7 // 2; x = 7.5 // 2; x = -7 % 3
x = 1 << 3; x = a << 3; x = 3 << a; x = a >> 2; x = a >> b; x = 1 << 64; x = 1.5 | 1
x = a & 0xff; x = 0xff & a; x = a | b; x = ~a; x = ~5; x = -(-3); x = - -a
x = a .. b .. c .. "d"; x = (a .. b) .. c
x = #a; x = a[b]; x = a[1]; x = a[300]; x = a.b.c; x = a["long key that is longer than forty characters!!"]
x = a == nil; x = a == true; x = a == "s"; x = a == 1.0; x = 1 == a; x = a < b; x = a > b; x = 1 < a; x = a <= 2
x = 2^53; x = 1e100; x = 0.0; x = -0.0; x = 100000; x = 1e15; x = math.maxinteger + 1
x = 9223372036854775807 + 1; x = 5 // 0.0; x = 0/0
if a and b then x = 1 end
if a or b then x = 2 end
if not a then x = 3 end
if a == b and c then x = 4 end
x = a and 1 or 2
x = (a or b) and c
x = a == b == c
local t = {a = a and b, [1] = 2, ...}
local u = {f(), g()}
local v = {(f())}
x = f(a)(b)(c)
x = a:m(1):n(2)
x = function(...) local q = {...} return select('#', ...), ... end

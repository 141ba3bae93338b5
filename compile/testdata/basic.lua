local a, b = 1, 2
local c = a + b * 3 - 4 / 2
print(c, a .. b, -a, not b, #"x")
x = y
t = {1, 2, 3, x = 1, ["y"] = 2, [3] = 4; f()}
t.a.b.c = t[1] + t[a] + t.x
local function f(...) return ... end
function t.m:n(p) return self, p end
if a < b then print(1) elseif a == 2 then print(2) else print(3) end
while a do a = a - 1 end
repeat local z = a until z
for i = 1, 10 do print(i) end
for k, v in pairs(t) do print(k, v) end
return f(1, 2)

while x do if a then break else b() end end
while x do if a then break; b() end end
for i = 1, 2 do if a then break elseif c then d() end end
for i = 1, 2 do if a then break end if b then break end end
local s = ("x"):rep(3) .. #{...}
repeat ::l:: until x
repeat local q; local function f() return q end; if q then goto c end; ::c:: until q
do ::a:: ::b:: end
do local z; ::e1:: ::e2:: end
while y do local z = 1; local g = function() return z end; if z then goto cont end; z = 2 ::cont:: end
local t <const> = 5
local u = t + 1 << 2
local v = (t)
local w = ((f()))
f(...)(...)
return (...)

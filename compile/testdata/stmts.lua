local a, b, c = 1, 2
local d <const> = 10
local e <const> = "str"
local f <const> = {}
local g <close> = nil
a, b = b, a
a, b, c = f()
local t = {}
t[a], t[b] = 1, 2
a, t[a] = 3, 4
t.x, t = 1, 2
x, y = y, x
x.y, x = 1, 2
local function fib(n) if n < 2 then return n end return fib(n-1) + fib(n-2) end
do
  local u = 1
  local function h() u = u + 1; return u + d end
  print(h(), e)
end
for i = 10, 1, -1 do
  local k = i
  t[#t+1] = function() return k end
  if i == 5 then break end
end
for k, v in next, t do if v then goto cont end; print(k) ::cont:: end
while true do
  local w = 1
  local function cap() return w end
  if cap() then break end
end
repeat
  local r = 1
  local function cap() return r end
until cap()
repeat local q = 2 until q
::top::
do
  local z = 1
  local function cz() return z end
  if cz() then goto top end
end
goto done
do local ignored = 1 end
::done::
return

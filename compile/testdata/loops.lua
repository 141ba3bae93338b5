local t = {}
local i = 0
while i < 10 do
  i = i + 1
  if i % 2 == 0 then goto continue end
  if i > 7 then break end
  t[#t + 1] = i
  ::continue::
end
repeat
  i = i - 1
  if i == 3 then goto skip end
  do
    local v = i
    t[v] = function() return v end
  end
  ::skip::
until i <= 0 or t[i]
for k = #t, 1, -1 do
  for j = 1, k do
    if t[j] == nil then break end
  end
end
for k, v in ipairs(t) do
  local c <close> = nil
  if k then break end
end
for a, b, c, d, e in f() do print(a, b, c, d, e) end
for q = 1.0, 2 do end
while false do end
while true do if x then break end end
repeat until true
do
  local z
  goto out
  local w
end
::out::
if a then elseif b then else end
if a then local l = 1; f = function() return l end else local m = 2 end

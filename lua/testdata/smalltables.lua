-- Tables made in one allocation with their first array or hash part
-- (tablesmall.go): constructors of every small size, then growth,
-- deletion, traversal, length, metatables, finalizers and weak tables.

local function keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = tostring(k) end
  table.sort(ks)
  return table.concat(ks, " ")
end

-- Records of 1 to 8 fields, each then grown by 10 fields and shrunk.
local makers = {
  function() return {a = 1} end,
  function() return {a = 1, b = 2} end,
  function() return {a = 1, b = 2, c = 3} end,
  function() return {a = 1, b = 2, c = 3, d = 4} end,
  function() return {a = 1, b = 2, c = 3, d = 4, e = 5} end,
  function() return {a = 1, b = 2, c = 3, d = 4, e = 5, f = 6} end,
  function() return {a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8} end,
}
for n, make in ipairs(makers) do
  local t = make()
  local before = keys(t)
  for i = 1, 10 do t["k" .. i] = i end
  local sum = 0
  for _, v in pairs(t) do sum = sum + v end
  t.a, t.k3 = nil, nil
  for i = 11, 14 do t[i - 10] = i end
  print(n, before, sum, keys(t), #t, t.b, t.k10, rawget(t, "a"))
end

-- Arrays of 1 to 5 items, appended to, holes, the border, next.
for n = 1, 5 do
  local t = table.pack(table.unpack({10, 20, 30, 40, 50}, 1, n))
  t.n = nil
  local u = {table.unpack(t)}
  u[#u + 1] = "x"
  u[#u + 2] = "z"
  print(n, #t, #u, keys(u), next({n}), select("#", table.unpack(u)))
end
local pair = {1, 2}
pair[2] = nil
print(#pair, next(pair))
pair[3] = 3
print(keys(pair))

-- Clearing fields during a traversal of a small record.
local r = {x = 1, y = 2, z = 3, w = 4}
local seen = 0
for k in pairs(r) do r[k] = nil; seen = seen + 1 end
print(seen, next(r))
r.q = 5
print(keys(r))

-- Metatables on small tables: __index chains, __newindex, __len.
local Base = {}
Base.__index = Base
function Base:sum() return self.a + self.b + (self.c or 0) end
local objs = {
  setmetatable({a = 1}, {__index = function(_, k) return k == "b" and 10 end}),
  setmetatable({a = 1, b = 2}, Base),
  setmetatable({a = 1, b = 2, c = 3}, Base),
  setmetatable({a = 1, b = 2, c = 3, d = 4}, Base),
}
print(objs[1].b, objs[2]:sum(), objs[3]:sum(), objs[4]:sum())
local log = {}
local guarded = setmetatable({a = 1, b = 2, c = 3}, {__newindex = function(t, k, v) log[#log + 1] = k; rawset(t, k, v) end})
guarded.a, guarded.d, guarded.e = 10, 4, 5
print(table.concat(log, ","), guarded.a, guarded.d, keys(guarded))
print(#setmetatable({1, 2, 3}, {__len = function() return 42 end}))

-- Finalizers run for small tables of each kind.
local finalized = {}
for n, make in ipairs({function() return {} end, function() return {1, 2} end,
                       function() return {1, 2, 3} end, function() return {a = 1} end,
                       function() return {a = 1, b = 2, c = 3} end}) do
  setmetatable(make(), {__gc = function() finalized[#finalized + 1] = n end})
end
collectgarbage()
collectgarbage()
table.sort(finalized)
print(table.concat(finalized, " "))

-- Weak tables whose entries are small tables.
local weak = setmetatable({}, {__mode = "v"})
local keep = {a = 1, b = 2, c = 3}
weak[1], weak[2], weak[3] = keep, {a = 1, b = 2, c = 3}, {1, 2}
weak.x = {x = 1, y = 2, z = 3, w = 4}
collectgarbage()
print(weak[1] == keep, weak[2], weak[3], weak.x)
local wk = setmetatable({a = 1, b = 2, c = 3}, {__mode = "k"})
wk[keep] = true
wk[{}] = true
collectgarbage()
print(keys(wk):gsub("table: 0x%x+", "table"))

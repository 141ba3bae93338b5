local wk = setmetatable({}, {__mode = "k"})
local wv = setmetatable({}, {__mode = "v"})
local keep = {}
wk[keep] = "kept"
wk[{}] = "gone"
wv[1] = keep
wv[2] = {}
wv[3] = "str"
wk["s"] = {}
collectgarbage()
collectgarbage()
local n = 0
for k, v in pairs(wk) do n = n + 1 end
print(n, wk[keep], wv[1] == keep, wv[2], wv[3], wk.s ~= nil)
local fin = 0
do
  for i = 1, 10 do setmetatable({}, {__gc = function() fin = fin + 1 end}) end
end
collectgarbage()
collectgarbage()
print(fin)
print(collectgarbage("count") > 0, collectgarbage("isrunning"), collectgarbage("step"), collectgarbage("incremental"), collectgarbage("generational"), collectgarbage("incremental"))
-- finalizer order and resurrection-free errors
local order = {}
do
  local a = setmetatable({}, {__gc = function() order[#order + 1] = "a" end})
  local b = setmetatable({}, {__gc = function() order[#order + 1] = "b" end})
end
collectgarbage()
table.sort(order)
print(table.concat(order, ","))
-- weak values with numbers and strings stay
local cache = setmetatable({}, {__mode = "v"})
for i = 1, 5 do cache[i] = i * 2 end
cache.x = "str"
collectgarbage()
print(#cache, cache.x)
print(collectgarbage("setpause", 100), collectgarbage("setpause", 200))
print(pcall(collectgarbage, "bogus"))

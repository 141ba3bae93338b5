-- Garbage collection as programs observe it: collectgarbage's options and
-- results, weak tables after a full collection, __gc finalizers.

print(collectgarbage(), collectgarbage("collect"))
print(math.type(collectgarbage("count")), collectgarbage("count") > 0)
print(collectgarbage("isrunning"))
collectgarbage("stop")
print(collectgarbage("isrunning"))
collectgarbage("restart")
print(collectgarbage("isrunning"))
print(pcall(collectgarbage, "bogus"))

local weakValues = setmetatable({}, {__mode = "v"})
local weakKeys = setmetatable({}, {__mode = "k"})
local kept = {}
weakValues[1] = kept
weakValues[2] = {}
weakValues.s = "strings are values, never collected"
weakKeys[kept] = "kept key"
weakKeys[{}] = "dropped key"
collectgarbage()
collectgarbage()
print(weakValues[1] == kept, weakValues[2] == nil, weakValues.s)
local n, onlyKept = 0, true
for k, v in pairs(weakKeys) do n = n + 1 onlyKept = onlyKept and k == kept and v == "kept key" end
print("weak keys left", n, onlyKept)

local finalized = {}
do
  local obj = setmetatable({name = "obj"}, {__gc = function(o) finalized[#finalized + 1] = o.name end})
end
collectgarbage()
collectgarbage()
print("finalized", table.concat(finalized, ","))

-- __gc must be in the metatable when setmetatable is called
local late = setmetatable({}, {})
getmetatable(late).__gc = function() finalized[#finalized + 1] = "late" end
late = nil
collectgarbage()
collectgarbage()
print("finalized", table.concat(finalized, ","))

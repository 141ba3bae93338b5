local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local a = 1
local function outer()
  local b = 2
  return function()
    local c = 3
    return function() return a + b + c, _ENV end
  end
end
local obj = {}
function obj:method(x, ...) self.x = x; return select('#', ...) end
function obj.static(...) local t = {...}; return #t, ... end
local function tbc()
  local h <close> = setmetatable({}, {__close = print})
  return f()
end
local function tbc2()
  do local h <close> = nil end
  return f()
end
local x <const> = 42
local s <const> = "k\n\0\"\\\1\127"
local function usesconst() return x, s, x * 2 end
local t = {"a\tb", 1.5, -0.5, 1e300, 2^63, math.huge}
local _ENV = {print = print}
y = 1
local function env2() return y end
return counter, outer, obj, tbc, tbc2, usesconst, env2

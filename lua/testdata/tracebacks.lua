local obj = {}
function obj:method() error("in method") end
local function tail(o) return o:method() end
local function f() local r = tail(obj) return r end
local co = coroutine.wrap(function() f() end)
local ok, e = xpcall(co, debug.traceback)
print(e)
print(debug.traceback("msg", 2))
local t = setmetatable({}, {__index = function(t, k) error("idx " .. k) end})
print(select(2, xpcall(function() return t.foo end, debug.traceback)))
print(select(2, xpcall(function() local x = {} ; x = x + 1 end, debug.traceback)))
print(select(2, xpcall(string.rep, debug.traceback)))
local function deep(n) if n == 0 then error("deep") end deep(n - 1) end
print(select(2, xpcall(deep, debug.traceback, 30)))
print(select(2, xpcall(function() local a <close> = setmetatable({}, {__close = function() error("cl") end}) end, debug.traceback)))
print(select(2, xpcall(function() for k in pairs(nil) do end end, debug.traceback)))
print(select(2, xpcall(function() table.sort({3,2,1}, function(a, b) error("cmp") end) end, debug.traceback)))

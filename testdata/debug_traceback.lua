-- Tracebacks and debug.getinfo: how functions are named (global, local,
-- upvalue, method, field), tail calls, C functions, line numbers.

local function show(tb)
  print(tb)
  print("--")
end

local function leaf() return debug.traceback("leaf", 1) end
local function viaLocal() local r = leaf() return r end
function viaGlobal() local r = viaLocal() return r end
show(viaGlobal())

local obj = {}
function obj:method() local r = leaf() return r end
obj.field = function() local r = obj:method() return r end
show(obj.field())

local function tail() return leaf() end
local function callsTail() local r = tail() return r end
show(callsTail())

show(debug.traceback("level 2", 2))
show(debug.traceback())
print(debug.traceback(42))
print(debug.traceback({}) ~= nil, type(debug.traceback({})))

local co = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co)
show(debug.traceback(co))
show(debug.traceback(co, "in coroutine"))

print(xpcall(function() error("boom") end, debug.traceback))
print(xpcall(function() local t = nil; return t.x end, debug.traceback))

local function info(f)
  local i = debug.getinfo(f, "Slnu")
  print(i.what, i.short_src, i.source, i.linedefined, i.lastlinedefined,
        i.nups, i.nparams, i.isvararg, i.currentline)
end
info(1)
info(show)
info(print)
info(function(a, b, ...) return a end)

local function named()
  local i = debug.getinfo(1, "nl")
  return i.name, i.namewhat, i.currentline
end
print(named())
local t = {named = named}
print(t.named())
print(t:named())

print(debug.getinfo(100))
print(pcall(debug.getinfo, 1, ">"))

local function locals(a, b)
  local c = a + b
  local names = {}
  for i = 1, 10 do
    local name, value = debug.getlocal(1, i)
    if not name then break end
    if name:sub(1, 1) == "(" or type(value) == "table" then
      names[#names + 1] = name -- internal loop state and addresses vary
    else
      names[#names + 1] = name .. "=" .. tostring(value)
    end
  end
  return table.concat(names, " ")
end
print(locals(1, 2))
print(debug.getlocal(print, 1), debug.getlocal(locals, 1), debug.getlocal(locals, 3))

-- A hook and a finalizer are named as the reference names them.
debug.sethook(function()
  debug.sethook()
  local info = debug.getinfo(1, "n")
  print(info.namewhat, info.name)
  show(debug.traceback("in a hook"))
end, "l")
local afterHook = 1
setmetatable({}, {__gc = function()
  local info = debug.getinfo(1, "n")
  print(info.namewhat, info.name)
  show(debug.traceback("in a finalizer"))
end})
collectgarbage()

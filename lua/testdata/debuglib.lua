-- The debug library's introspection: getinfo with every option,
-- getlocal/setlocal with parameters, varargs and temporaries,
-- upvalueid/upvaluejoin, uservalues, the registry, coroutines.

local function show(v)
  if type(v) == "table" or type(v) == "function" then return type(v) end
  return v
end

local function f(a, b, ...)
  local x = 1
  local info = debug.getinfo(1, "SlnutrL")
  local lines = {}
  for k in pairs(info.activelines) do lines[#lines+1] = k end
  table.sort(lines)
  print(info.source, info.short_src, info.linedefined, info.lastlinedefined, info.what,
    info.currentline, info.name, info.namewhat, info.nups, info.nparams, info.isvararg,
    info.istailcall, info.ftransfer, info.ntransfer, table.concat(lines, ","))
  for i = -3, 5 do
    local name, value = debug.getlocal(1, i)
    print(i, name, show(value))
  end
  print(debug.setlocal(1, -1, "changed"), ...)
  print(debug.setlocal(1, 1, "a2"), a, debug.setlocal(1, 10, 0))
  return x
end
f(1, 2, "v1", "v2")
print(debug.getlocal(f, 1), debug.getlocal(f, 2), debug.getlocal(f, 3))
print(debug.getlocal(print, 1))
print(pcall(debug.getlocal, 50, 1))

local main = debug.getinfo(1, "SL")
local l = {}
for k in pairs(main.activelines) do l[#l+1] = k end
table.sort(l)
print(main.what, table.concat(l, ","))
local info = debug.getinfo(print)
print(info.what, info.source, info.short_src, info.currentline, info.nups, info.nparams,
  info.isvararg, info.activelines, info.func == print)
print(debug.getinfo(100), pcall(debug.getinfo, 1, ">S"))

local function tail() return debug.getinfo(1, "t").istailcall end
local function caller() return tail() end
print(caller(), (tail()))

local a, b = 1, 2
local function g() return a + b end
local function h() return b end
print(debug.upvalueid(g, 2) == debug.upvalueid(h, 1), debug.upvalueid(g, 1) == debug.upvalueid(h, 1))
print(type(debug.upvalueid(g, 1)), debug.upvalueid(g, 3), debug.upvalueid(print, 1))
debug.upvaluejoin(g, 1, h, 1)
print(g(), debug.upvalueid(g, 1) == debug.upvalueid(h, 1))
print(pcall(debug.upvaluejoin, g, 3, h, 1))
print(pcall(debug.upvaluejoin, g, 1, h, 2))
print(debug.getupvalue(g, 1), debug.getupvalue(g, 2), debug.getupvalue(g, 3))
print(debug.setupvalue(h, 1, 40), g(), a)

print(type(debug.getregistry()), debug.getregistry()[2] == _G)
print(debug.getuservalue(1), debug.getuservalue({}), debug.getuservalue(io.stdout, 2))
print(pcall(debug.setuservalue, {}, 1))

local t = setmetatable({}, {__index = function(t, k) return debug.getinfo(2, "n").name end})
print(t.x)
local mt = {}
print(debug.setmetatable(10, mt) == 10, debug.getmetatable(1) == mt, getmetatable(2) == mt)
debug.setmetatable(10, nil)

local co = coroutine.create(function(x) local y = 2 coroutine.yield() end)
coroutine.resume(co, 5)
print(debug.getlocal(co, 1, 1), debug.getlocal(co, 1, 2), debug.getinfo(co, 1, "l").currentline)
print(debug.setlocal(co, 1, 2, 20), debug.getlocal(co, 1, 2))
print(debug.traceback(co))
print(debug.traceback(co, "msg", 1))
print(debug.traceback("here", 1))
print(type(debug.traceback({})), debug.traceback(nil) == nil)

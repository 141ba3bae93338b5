-- nested coroutines, errors and pcall
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do
      local ok, err = pcall(function()
        if i == 2 then error({code = i}) end
        coroutine.yield(i)
      end)
      if not ok then coroutine.yield("err" .. err.code) end
    end
  end)
end
for v in gen(3) do print("gen", v) end
-- yield inside nested pcall inside coroutine, with xpcall traceback handler
local co = coroutine.create(function()
  local ok, msg = xpcall(function()
    local x = coroutine.yield("y1")
    error("after yield " .. x)
  end, function(m) return "handled: " .. m end)
  coroutine.yield(ok, msg)
  return "end"
end)
print(coroutine.resume(co))
print(coroutine.resume(co, "X"))
print(coroutine.resume(co))
print(coroutine.resume(co))
-- coroutine resuming another coroutine that errors
local inner = coroutine.create(function() coroutine.yield(1); error("inner fail") end)
local outer = coroutine.create(function()
  print("o1", coroutine.resume(inner))
  print("o2", coroutine.resume(inner))
  print("o3", coroutine.resume(inner))
  coroutine.yield("outer yielded")
  return "outer done"
end)
print(coroutine.resume(outer))
print(coroutine.resume(outer))
print(coroutine.status(outer), coroutine.status(inner))
-- wrap inside wrap
local w1 = coroutine.wrap(function()
  local w2 = coroutine.wrap(function() coroutine.yield("a"); coroutine.yield("b") end)
  coroutine.yield(w2() .. w2())
  coroutine.yield("c")
end)
print(w1(), w1())
-- pcall returning many values and nresults
local function many() return 1, 2, 3, 4, 5 end
print(pcall(many))
print(select("#", pcall(many)))
local a, b = pcall(many)
print(a, b)
print((pcall(many)))
local t = {pcall(many)}
print(#t)
-- pcall of pcall of error with table
print(select("#", pcall(pcall, error, {})))
print(select(2, pcall(pcall, error, "x")))
-- tail call in pcall
local function tc(n) if n == 0 then return "bottom" end return tc(n - 1) end
print(pcall(tc, 100))
-- error with level in nested functions
local function lv1() error("at level 2", 2) end
local function lv2() lv1() end
print(pcall(lv2))
-- goto continue pattern with closures
local fs = {}
for i = 1, 5 do
  if i % 2 == 0 then goto continue end
  fs[#fs + 1] = function() return i end
  ::continue::
end
for _, f in ipairs(fs) do io.write(f(), " ") end print()
-- varargs in constructors and calls
local function va(...) return {...}, select("#", ...), {n = select("#", ...), ...} end
local t1, n1, t2 = va(1, nil, 3, nil)
print(#t1 >= 1, n1, t2.n, t2[3])
print(table.unpack({1, 2, 3}, 2))
print(string.format("%s %s", pcall(string.format, "%d", "x")))
-- method call on number via metatable? (error)
print(pcall(function() local n = 5; return n:foo() end))
-- integer for with large steps
for i = math.maxinteger - 10, math.maxinteger, 7 do io.write(i, " ") end print()
for i = 1, 10, math.maxinteger do io.write(i, " ") end print()
for i = -1, math.mininteger, math.mininteger do io.write(i, " ") end print()
-- __index on strings and numbers
print(("x"):rep(3), #("abc"), ("%5.2f"):format(3.14159))
print(pcall(function() return (5).x end))
-- __newindex chain to table
local store = {}
local proxy = setmetatable({}, {__newindex = store, __index = store})
proxy.a = 1
print(rawget(proxy, "a"), store.a, proxy.a)
-- __call with varargs and nested __call
local C = setmetatable({}, {__call = function(self, ...) return select("#", ...), ... end})
print(C(1, nil, 3))
-- __concat with numbers
local CC = setmetatable({}, {__concat = function(a, b) return "CC" end})
print(1 .. CC, CC .. 2, "a" .. CC .. "b")
-- __eq only same types
local E1 = setmetatable({}, {__eq = function() return true end})
print(E1 == {}, E1 == 1, E1 ~= {})
-- __lt/__le with mixed
local L = setmetatable({}, {__lt = function(a, b) return true end, __le = function() return false end})
print(L < 1, 1 < L, L <= 1, L > 1, L >= 1)
-- __unm, __bnot, __len
local U = setmetatable({}, {__unm = function() return "neg" end, __bnot = function() return "bnot" end, __len = function() return 42 end})
print(-U, ~U, #U)
-- __close order with errors in close
local log = {}
local ok, e = pcall(function()
  local a <close> = setmetatable({}, {__close = function(_, err) log[#log+1] = "a:" .. tostring(err) end})
  local b <close> = setmetatable({}, {__close = function(_, err) log[#log+1] = "b:" .. tostring(err); error("berr", 0) end})
  error("orig", 0)
end)
print(ok, e, table.concat(log, " "))
-- string to number coercions in for loops and concat
print(10 .. "", 1.5 .. "", -0.0 .. "", 1e100 .. "", 2^63 .. "", math.mininteger .. "")

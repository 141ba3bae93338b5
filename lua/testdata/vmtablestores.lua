-- Loads from upvalues and tables (GETUPVAL, GETTABUP, GETTABLE, GETI,
-- GETFIELD, SELF), TAILCALL's argument copy and the inline table stores
-- (SETTABUP, SETTABLE, SETI, SETFIELD) write only the payload when the
-- destination already holds a value of the same kind: each must notice a
-- destination of another kind, in both directions.

local kinds = {false, true, 1, 2.5, "s", {}, print, 0, -0.0, "t"}
kinds[11] = nil -- a hole past the end
local n = 10

local function show(v)
  local t = type(v)
  if t == "number" then return math.type(v) .. ":" .. tostring(v) end
  if t == "table" or t == "function" then return t end
  return t .. ":" .. tostring(v)
end

-- GETUPVAL: an upvalue of each kind into a register of each kind
for i = 1, n do
  local up = kinds[i]
  local function get()
    local out = {}
    for j = 1, n do
      local r = kinds[j]
      r = up
      out[#out + 1] = show(r)
    end
    return table.concat(out, " ")
  end
  print("upval", i, get())
end

-- GETTABUP: globals of each kind into a register of each kind
G1, G2, G3, G4, G5 = 1, 2.5, "g", true, nil
for j = 1, n do
  local r = kinds[j]
  r = G1; io.write(show(r), " ")
  r = kinds[j]; r = G2; io.write(show(r), " ")
  r = kinds[j]; r = G3; io.write(show(r), " ")
  r = kinds[j]; r = G4; io.write(show(r), " ")
  r = kinds[j]; r = G5; io.write(show(r), "\n")
end

-- GETTABLE and GETI: array part, hash part, beyond the array part
local arr = {10, 20.5, "x", false}
local hashed = {}
hashed[100] = 7; hashed[200] = "y"; hashed[300] = 1.5
for j = 1, n do
  local r = kinds[j]
  for k = 1, 6 do
    r = arr[k]; io.write(show(r), " ")
    r = kinds[j]
  end
  r = arr[1]; io.write(show(r), " ")
  r = kinds[j]; r = arr[2]; io.write(show(r), " ")
  r = kinds[j]; r = arr[3]; io.write(show(r), " ")
  r = kinds[j]; r = arr[5]; io.write(show(r), " ")
  r = kinds[j]; r = hashed[100]; io.write(show(r), " ")
  r = kinds[j]; r = hashed[200]; io.write(show(r), " ")
  r = kinds[j]; r = hashed[300]; io.write(show(r), " ")
  r = kinds[j]; r = hashed[400]; io.write(show(r), "\n")
end
local idx = setmetatable({1}, {__index = function(_, k) return "idx" .. k end})
local r = 5
r = idx[1]; print(show(r)); r = idx[2]; print(show(r)); r = 1.5; r = idx[3]; print(show(r))

-- GETFIELD: present, absent, colliding keys, through __index
local obj = {a = 1, b = 2.5, c = "c", d = false}
for i = 1, 40 do obj["k" .. i] = i % 3 == 0 and i or i % 3 == 1 and i + 0.5 or "v" .. i end
for j = 1, n do
  local r = kinds[j]
  r = obj.a; io.write(show(r), " ")
  r = kinds[j]; r = obj.b; io.write(show(r), " ")
  r = kinds[j]; r = obj.c; io.write(show(r), " ")
  r = kinds[j]; r = obj.d; io.write(show(r), " ")
  r = kinds[j]; r = obj.missing; io.write(show(r), " ")
  r = kinds[j]; r = obj.k7; io.write(show(r), " ")
  r = kinds[j]; r = obj.k9; io.write(show(r), " ")
  r = kinds[j]; r = obj.k11; io.write(show(r), "\n")
end
local empty = {}
r = 3; r = empty.x; print(show(r))
local inh = setmetatable({}, {__index = {x = 4.5}})
r = 3; r = inh.x; print(show(r)); r = "s"; r = inh.y; print(show(r))

-- SELF: the object register held other kinds before the call
local C = {}
C.__index = C
function C:get() return self.v end
local objs = {setmetatable({v = 1}, C), setmetatable({v = 2.5}, C), {get = function(s) return "own" end}}
for round = 1, 2 do
  for j = 1, n do
    local o = kinds[j]
    local res = kinds[j]
    for i = 1, 3 do
      res = objs[i]:get()
      io.write(show(res), " ")
    end
  end
  print()
end
local s = "abc"
r = 1; r = s:upper(); print(show(r))

-- TAILCALL: arguments of changing kinds over the frame being replaced
local function last(a, b, c) return show(a) .. "," .. show(b) .. "," .. show(c) end
local function relay(a, b, c, depth)
  local x, y, z = 1, 2.5, "z" -- the callee's parameter slots held these
  if depth == 0 then return last(c, a, b) end
  return relay(c, a, b, depth - 1)
end
for j = 1, n - 2 do print(relay(kinds[j], kinds[j + 1], kinds[j + 2], j % 4)) end

-- SETTABUP, SETTABLE, SETI, SETFIELD: a slot of one kind overwritten by
-- values of each kind
for j = 1, n do
  local t = {1, 2.5, "x", true, k = 1, l = 2.5, m = "m"}
  t[100] = 1
  for i = 1, n do
    local v = kinds[i]
    G9 = kinds[j]; G9 = v
    t[1] = kinds[j]; t[1] = v
    t[2] = v
    local key = 100
    t[key] = kinds[j]; t[key] = v
    key = 3
    t[key] = v
    t.k = kinds[j]; t.k = v
    t.l = v
    io.write(show(G9), show(t[1]), show(t[2]), show(t[3]), show(t[100]), show(t.k), show(t.l), " ")
  end
  print()
end
local t = {1, 2, 3}
t[2] = nil; t[2] = 5.5; t[2] = nil; print(show(t[2]), #t >= 1)
t.f = 1; t.f = nil; t.f = "back"; print(show(t.f))

-- table library through metamethods, and its error messages
local log = {}
local store = {}
local proxy = setmetatable({}, {
  __index = function(_, k) return store[k] end,
  __newindex = function(_, k, v) log[#log + 1] = tostring(k) .. "=" .. tostring(v); store[k] = v end,
  __len = function() return #store end,
})
table.insert(proxy, "a")
table.insert(proxy, "b")
table.insert(proxy, 1, "c")
print(table.concat(log, " "), #proxy, table.concat(proxy, ","))
log = {}
print(table.remove(proxy, 1), table.concat(log, " "))
table.sort(proxy, function(x, y) return x > y end)
print(table.concat(proxy, ","), table.unpack(proxy))
print(table.move(proxy, 1, 2, 3)[4], #store)

-- a userdata-free non-table with the right metamethods is accepted
local str_mt = getmetatable("")
print(pcall(table.concat, "abc"))

-- lengths that are not integers
local bad = setmetatable({}, {__len = function() return 2.5 end})
print(pcall(table.insert, bad, 1))
local strlen = setmetatable({}, {__len = function() return "3" end, __index = function(_, i) return i end})
print(table.concat(strlen, "-"))

-- sort edge cases
local t = {5, 3, 1, 4, 2}
table.sort(t, nil)
print(table.concat(t, " "))
local words = {}
for w in ("the quick brown fox jumps over the lazy dog"):gmatch("%a+") do words[#words + 1] = w end
table.sort(words, function(a, b) return #a < #b or (#a == #b and a < b) end)
print(table.concat(words, " "))
local n = 0
local ok, err = pcall(table.sort, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, function(a, b) n = n + 1; return true end)
print(ok, (tostring(err):gsub("^.-:%d+: ", "")), n > 0)
print(pcall(table.sort, {1, nil, 3}))
local big = {}
for i = 1, 2000 do big[i] = (i * 7919) % 2003 end
table.sort(big, function(a, b) return a > b end)
print(big[1], big[1000], big[2000])

-- unpack and pack
print(table.unpack({1, 2, 3}, "2", 3.0))
print(pcall(table.unpack, {}, 1, 2.5))
local p = table.pack(table.unpack({1, nil, 3}, 1, 3))
print(p.n, p[1], p[2], p[3])
print(select("#", table.unpack({}, math.maxinteger, math.maxinteger)))

-- move with overlapping ranges and other tables
local m = {1, 2, 3, 4, 5}
table.move(m, 2, 5, 1)
print(table.concat(m, ","))
m = {1, 2, 3, 4, 5}
table.move(m, 1, 4, 2)
print(table.concat(m, ","))
print(pcall(table.move, {}, 1, 2, 3, 4))

-- concat with numbers and ranges
print(table.concat({1, 2.0, -0.0, 1e100, "s"}, "|"))
print(table.concat({"a", "b", "c"}, ", ", 2))
print(pcall(table.concat, {"a"}, ",", 1, 2))
print(pcall(table.concat, {}, {}))

-- remove at the border and beyond
local r = {1, 2, 3}
print(table.remove(r, 4), #r)
print(pcall(table.remove, r, 5))
r[#r + 1] = nil
print(table.remove({}, 0), table.remove({[0] = "z"}, 0))

-- the compiled matcher's shortcuts against the reference: start filters
-- (literal, class, frontier, %b), skipping a failed run of a leading
-- repetition, pruned backtracking, "pattern too complex" at the same depth,
-- malformed pieces reported only when reached, and one pattern text used
-- as many programs (cache).
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  print(table.concat(t, " | "))
end
local function try(label, f, ...)
  local ok, a, b, c = pcall(f, ...)
  print(label, ok, a, b, c)
end

local words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"}
local lines = {}
for i = 1, 60 do
  local w1, w2 = words[i % 10 + 1], words[(i * 7) % 10 + 1]
  lines[i] = string.format("%s=%d; %s=%d.%d (id:%04d) [tag%d] %s@example.com", w1, i * 3, w2, i, i % 10, i, i % 5, w1)
end
local text = table.concat(lines, "\n")

print("-- scanning")
local n, sum = 0, 0
for k, v in text:gmatch("(%a+)=(%d+)") do n = n + 1 sum = sum + #k + tonumber(v) end
show(n, sum)
for user, dom in text:gmatch("([%w%.]+)@([%w%.]+)%.com") do n = n + #user + #dom end
show(n)
show(select(2, text:gsub("%b[]", "")), #text:gsub("%d+", function(d) return #d end))
show(text:gsub("%a+", {alpha = "A", beta = false, gamma = 7}):sub(1, 120))
for id in text:gmatch("%(id:(%d+)%)") do sum = sum + tonumber(id) end
show(sum)
for i = 1, 60, 7 do
  local line = lines[i]
  show(line:find("^%a+=%d+"), line:find("%f[%d]%d+%.%d"), line:match("%[(.-)%]"), line:match("(%a+)@"))
end

print("-- leading repetitions")
show(("aaab aab ab b"):gsub("a+b", "<%0>"))
show(("aaab aab ab b"):gsub("a*b", "<%0>"))
show(("aaab aab ab b"):gsub("a-b", "<%0>"))
show(("xaaaay"):find("a+y"), ("xaaaay"):find("a-y"), ("xaaaay"):find("a*y"))
show(("aaaa"):find("a+$"), ("aaaa"):find("a-$"), ("ab"):find("a*$"))
show(("abab abab"):find("(ab)+%1"), ("aXaXa"):match("(a)X%1X%1"))
show(("aaa bbb aaa"):match("(%a+) %a+ %1"))
show(("  x  y"):gsub("%s*", "-"))
show(("abc"):gsub(".-", "."), ("abc"):gsub(".*", "[%0]"))
for k in ("one two  three"):gmatch("%a*") do io.write("<", k, ">") end print()
show(("hello world"):match("^(.-)o"), ("hello world"):match("(.-)o(.*)$"))
show(("a,b,,c"):gsub("[^,]*", "x"))

print("-- frontiers and balances")
show(("THE (quick) fox"):gsub("%f[%a]%a+", "W"))
show(("x1 22 x333"):gsub("%f[%w]%d+", "#"))
show(("end"):find("%f[%z]"), ("a b"):find("%f[^%a]"), ("abc"):find("%f[%l]", 2))
show(("f(a(b)c)d (e"):gsub("%b()", "_"))
show(("[[x]] [y"):match("%b[]"), ("((("):find("%b()"))
show(("0\232\3 \232x\3"):gsub("%b\232\3", "<%0>")) -- bytes above 127 start a match
show(("a\200\201b"):find("\200\201"), ("a\200\201b"):find("[\200-\255]+"), ("\255"):find("%f[\255]"))

print("-- depth")
local as = string.rep("a", 200)
for _, k in ipairs({198, 199}) do
  local q = string.rep("a?", k)
  try("a? " .. k, string.find, as, q)
  try("a?a+ " .. k, string.find, as, q .. "a+")
  try("a?a+b " .. k, string.find, as .. "b", q .. "a+b")
  if k == 199 then -- at 198, 2^198 ways to fail
    try("a?a+c " .. k, string.find, as .. "b", q .. "a+c")
  end
  try("a?.-b " .. k, string.find, as .. "xb", q .. ".-b")
  try("a?a-b " .. k, string.find, as .. "b", q .. "a-b")
  try("a?[ab]*b " .. k, string.find, as .. "b", q .. "[ab]*b")
end
for _, k in ipairs({196, 197, 198}) do -- captures between a repetition and what follows
  local q = string.rep("a?", k)
  try("(a+)b " .. k, string.find, as .. "b", q .. "(a+)b")
  try("(a*)()b " .. k, string.find, as .. "b", q .. "(a*)()b")
  try(".-(b) " .. k, string.find, as .. "xb", q .. ".-(b)")
  try("(.-)b " .. k, string.find, as .. "xb", q .. "(.-)b")
  try("((.-))b " .. k, string.find, as .. "xb", q .. "((.-))b")
end
try("caps 31", string.match, "x", string.rep("(", 31) .. "x" .. string.rep(")", 31))
try("caps 33", string.find, "xyz", string.rep("(", 33) .. "q")
try("caps 33 gmatch", function() return string.gmatch("xyz", string.rep("(", 33) .. "q")() end)
try("caps 33 gsub", string.gsub, "xyz", string.rep("(", 33) .. "q", "")

print("-- malformed pieces")
try("x[", string.find, "abc", "x[")
try("a[", string.find, "abc", "a[")
try("%f", string.gsub, "abc", "z%f", "")
try("%fa", string.gsub, "abc", "%fa", "")
try("%b", string.match, "abc", "c%b")
try("%", string.match, "abc", "b%")
try("(()", string.match, "abc", "(()")
try(")", string.match, "abc", "a)")
try("%1", string.match, "abc", "(a%1)")
try("%0", string.find, "abc", "%0")

print("-- one text, many programs")
local pats = {"%d+", "[%d]+", "(%d)(%d)", "%a+%d", "[^%s]+", "%w-%.", ".-(%d)"}
for round = 1, 3 do
  local out = {}
  for i, p in ipairs(pats) do
    local q = p .. string.rep("", round) -- the same text built again
    out[i] = tostring(select(2, text:gsub(q, "")))
  end
  print(table.concat(out, " "))
end

print("-- replacement values")
local proxy = setmetatable({a = "raw"}, {__index = function(_, k) return "<" .. k .. ">" end})
show(("a b c"):gsub("%a", proxy))
show(("a b c"):gsub("()%a", {[1] = "one", [3] = 3, [5] = 5.5}))
show(("a b c"):gsub("%a", {a = 10, b = -7, c = 2^63}))
show(("x1 y22 z333"):gsub("%d+", function(d) return #d * 1000 end))
show(("x1 y22"):gsub("%d+", function(d) return tonumber(d) / 4 end))
show(("x1 y22"):gsub("%d+", function(d) return math.mininteger end))
try("bad value", string.gsub, "abc", "%a", {a = {}})

-- pattern matching through the VM: function and table replacements,
-- gmatch in for loops, captures, anchors, frontier and balance.
local function show(...)
  local t = table.pack(...)
  for i = 1, t.n do t[i] = tostring(t[i]) end
  print(table.concat(t, " | "))
end
local function try(label, f, ...)
  local ok, err = pcall(f, ...)
  print(label, ok and "ok" or err)
end

print("-- find and match")
show(("hello world"):find("o w"))
show(("hello world"):find("l+"))
show(("hello world"):match("(%w+) (%w+)"))
show(("key = value"):match("^(%w+)%s*=%s*(%w+)$"))
show(("[[nested]]"):find("[[", 1, true))
show(("a.b.c"):find(".", 2, true))
show(("date: 2024-01-15"):match("(%d+)-(%d+)-(%d+)"))
show(("  padded  "):match("^%s*(.-)%s*$"))
show(("f(a(b)c)d"):match("%b()"))
show(("THE (quick) fox"):find("%f[%a]%a+", 5))
show(("hello"):match("()ll()"))
show(("abcabc"):find("(abc)%1"))
show(string.match("x = 1, y = 2", "y = (%d)"))
show(string.find("abc", "b", -1), string.find("abc", "b", -2))

print("-- gmatch")
for k, v in ("a=1, b=2, c=3"):gmatch("(%w+)=(%w+)") do io.write(k, ":", v, " ") end
print()
for w in ("one two  three"):gmatch("%a+") do io.write("<", w, ">") end
print()
for p in ("abc"):gmatch("()") do io.write(p, " ") end
print()
for w in ("one two three"):gmatch("%a+", 5) do io.write(w, ";") end
print()
local words = {}
for w in string.gmatch("The quick brown fox", "%a+") do words[#words + 1] = w:lower() end
print(table.concat(words, ","))

print("-- gsub")
show(("hello world"):gsub("o", "0"))
show(("hello world"):gsub("(%w+)", "<%1>"))
show(("hello world"):gsub("%w+", string.upper))
show(("hello world"):gsub("%w+", function(w) return #w end))
show(("hello world"):gsub("%w+", function(w) if w == "world" then return "there" end end))
show(("$name is $age"):gsub("%$(%w+)", {name = "Ann", age = 33}))
show(("$name is $unknown"):gsub("%$(%w+)", {name = "Ann"}))
show(("abc"):gsub("", "-"))
show(("abc"):gsub(".", {a = 1, b = true and "B"}))
show(("hello"):gsub("l", "L", 1))
show(("x = 1"):gsub("()", "%1"))
show(string.gsub("abc", "%w", "%0%0"))
show(string.gsub("hello world", "(o)", "[%1%1]"))
local count = 0
local out = ("a b c"):gsub("%a", function(c) count = count + 1 return c .. count end)
print(out, count)

print("-- pattern errors")
try("unfinished capture", string.find, "a", "(")
try("malformed %", string.find, "a", "%")
try("missing ]", string.match, "a", "[a")
try("bad capture index", string.match, "a", "%1")
try("invalid pattern capture", string.match, "a", "a)")
try("frontier without [", string.find, "a", "%fa")
try("%b without args", string.find, "a", "%b")
try("too many captures", string.find, "a", string.rep("()", 40))
try("pattern too complex", string.find, string.rep("a", 300), string.rep("a?", 300))
try("gsub bad %", string.gsub, "abc", "b", "%x")
try("gsub trailing %", string.gsub, "abc", "b", "%")
try("gsub bad value", string.gsub, "abc", "b", function() return {} end)
try("gsub bad repl", string.gsub, "abc", "b", true)
try("error in callback", string.gsub, "abc", "b", function() error("boom") end)
try("error position", function() return ("abc"):gsub("(", "%1") end)

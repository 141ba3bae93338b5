-- The io library on real files: open modes, write/read formats, lines,
-- seek, closing, handles' names, errors in luaL_fileresult form.

local name = os.tmpname()
-- the temporary name varies: messages show it as TMP
local function hide(...)
  local t = table.pack(...)
  for i = 1, t.n do
    if type(t[i]) == "string" then
      t[i] = t[i]:gsub(name:gsub("%p", "%%%0"), "TMP")
    end
  end
  return table.unpack(t, 1, t.n)
end

local f = assert(io.open(name, "w"))
print(io.type(f), io.type(io.stdout), io.type(42))
print(f:write("line one\n", 2, " ", 3.5, "\n", "12 0x1F -7.25e1 nan\n") == f)
f:write("last line without newline")
print(f:close())
print(io.type(f), tostring(f))
print(pcall(f.write, f, "x"))

f = assert(io.open(name, "r"))
print(f:read("l"))
print(f:read("n", "n"))
print(f:read("L"))
print(f:read("n", "n", "n"))
print(f:read("l"))
print(f:read("a"))
print(f:read("a"), f:read("l"), f:read(0))
f:close()

f = assert(io.open(name))
print(f:read(4), f:read(0), f:seek("cur"), f:seek("set", 5), f:read("l"))
print(f:seek("end"), f:read(1))
f:close()

for l in io.lines(name) do io.write("[", l, "]") end
print()
for a, b in io.lines(name, 4, "l") do print(a, b) end
for n in io.lines(name, "L") do io.write(n) end
print()

f = assert(io.open(name, "a+"))
f:write("\nappended")
f:seek("set")
print(select(2, f:read("a"):gsub("\n", "")))
f:close()

f = assert(io.open(name, "w+b"))
f:write("abc")
print(f:seek("set", 1), f:read("a"))
print(f:setvbuf("full", 1024), f:flush())
f:close()

print(pcall(io.open, name, "rw"))
print(pcall(io.open, name, "x"))
local nofile = name .. ".does-not-exist/x"
print(hide(io.open(nofile)))
print(select("#", io.open(nofile)))
print(hide(pcall(io.lines, nofile)))

print(os.remove(name))
print(hide(os.remove(name)))
print(io.type(io.stdin), io.type(io.stderr))
print(io.write("io.write returns the file\n") == io.stdout)
print(io.output() == io.stdout, io.input() == io.stdin)

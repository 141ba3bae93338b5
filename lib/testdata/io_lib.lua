-- io library on a temporary file
local name = os.tmpname()
local f = assert(io.open(name, "w"))
print(io.type(f), io.type(io.stdout), io.type(42), tostring(f):match("^file %(0x%x+%)$") ~= nil)
print(f:write("line 1\n", 2, " ", 3.5, " ", -0.0, " ", 1e300, "\n") == f)
print(f:write("0x1F 1e2 .5 -7 nan\n", "last line without newline") == f)
print(f:seek("cur"), f:seek("set", 2), f:seek("end"))
print(f:close(), io.type(f), tostring(f))
print(pcall(f.write, f, "x"))
print(pcall(io.close, f))

for l in io.lines(name) do io.write("[", l, "]") end
print()
for a, b in io.lines(name, 1, "l") do io.write("<", a, "|", tostring(b), ">") end
print()
for l in io.lines(name, "L") do io.write(l) end
print()

f = assert(io.open(name))
print(f:read("l", "n", "n"))
print(f:read("n", "n", "n", "n"))
print(f:read("n", "l"))
print(f:read(0), f:read(4), f:read("a"))
print(f:read(0), f:read("a"), f:read("l"), f:read("n"), f:read(1))
print(pcall(f.read, f, "x"))
print(pcall(f.read, f, {}))
print(f:seek("set", 0), f:read("L"))
local it = f:lines("n")
print(pcall(it))
f:close()
print(pcall(it))

-- default files
print(io.input() == io.stdin, io.output() == io.stdout)
io.input(name)
print(io.read("l"), io.read(3))
io.input():close()
print(pcall(io.read))
io.input(io.stdin)
local out = assert(io.open(name, "a+"))
io.output(out)
io.write("appended\n")
io.output(io.stdout)
out:seek("set", 0)
print(out:read("a"):match("appended\n$") ~= nil)
out:close()
print(pcall(io.output, out))

-- modes and errors
print(select("#", io.open(name .. ".missing")), (select(2, io.open(name .. ".missing")):gsub(".*: ", "")))
for _, mode in ipairs({"r", "rb", "r+b", "w+", "a+b", "rw", "rb+", "x", ""}) do
  io.write(mode, ":", tostring(pcall(io.open, name, mode)), " ")
end
print()
print((select(2, pcall(io.lines, name .. ".missing")):gsub(name, "NAME")))
print(io.stdout:close())
print(pcall(io.stdin.write, io.stdin, "x"))

-- popen
local p = io.popen("echo from popen; echo second")
print(p:read("l"), p:read("L"), p:read("a"), p:read("l"))
print(p:close())
print(io.popen("exit 7"):close())
local w = io.popen("cat > " .. name, "w")
w:write("through a pipe")
print(w:close())
print(io.open(name):read("a"))
print(pcall(io.popen, "ls", "r+"))

print(os.remove(name), (select(2, io.open(name)):gsub(name, "NAME")))
print(select("#", os.remove(name)))

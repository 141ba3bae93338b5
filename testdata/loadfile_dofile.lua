-- loadfile, dofile and load: environments, modes, chunk names in messages,
-- reader functions, the first '#' line of files.

greeting = "hello"
print(dofile("modules/chunk.lua"))
local f = assert(loadfile("modules/chunk.lua"))
print(f(1, nil, 3))
f = assert(loadfile("modules/chunk.lua", "t", {greeting = "from env", select = select}))
print(f("a"))
print(loadfile("modules/chunk.lua", "b"))
print(loadfile("modules/missing.lua"))
print(pcall(dofile, "modules/missing.lua"))
print(dofile("modules/shebang.lua"))

print(load("return 1 +"))
print(load("x = ", "=custom"))
print(load("x = ", "@file.lua"))
print(pcall(load("error('in chunk')", "a rather long chunk name that is going to be cut somewhere")))
print(pcall(load("error('in chunk')", "=a rather long chunk name that is going to be cut somewhere, beyond sixty")))
print(pcall(load("error('in chunk')", "@a/rather/long/file/name/that/is/going/to/be/cut/somewhere/beyond/sixty.lua")))
print(pcall(load("error('in chunk')", "line one\nline two")))
print(pcall(load("local x = ... error(x)")))

local pieces = {"return ", "'joined'", " .. ", "' text'"}
local i = 0
print(load(function() i = i + 1 return pieces[i] end)())
print(type(load(function() return nil end)))
-- (inside pcall: under lua.c's message handler, reader errors get a traceback)
print(pcall(load, function() return {} end))
print(pcall(load, function() error("reader failed") end))

local env = {}
local chunk = load("x = 10; return x", "env chunk", "t", env)
print(chunk(), env.x, x)
print(load("return _ENV", "c", "t", env)() == env)
print(load(string.dump(function() return "binary" end), "bin", "b")())
print(load(string.dump(function() return "binary" end), "bin", "t"))
print(load("return 1", "text", "b"))
print(pcall(load, "return 1", "c", "q"))

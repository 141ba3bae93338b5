-- loadfile and dofile on binary chunks written to files: plain, stripped,
-- after a '#' first line (which luaL_loadfile skips before checking for a
-- binary chunk), and refused by mode "t".

local name = os.tmpname()
local function write(...)
  local f = assert(io.open(name, "wb"))
  f:write(...)
  f:close()
end
local function hide(msg) return (msg:gsub(name:gsub("%p", "%%%0"), "TMP")) end

local function chunk(...) return "binary", select("#", ...), ... end

write(string.dump(chunk))
print(dofile(name))
print(loadfile(name)(1, 2))

write(string.dump(chunk, true))
print(loadfile(name, "b")("stripped"))

write("#!/usr/bin/env lua\n", string.dump(chunk))
print(pcall(dofile, name))

write("#!/usr/bin/env lua\nreturn 'text', debug.getinfo(1, 'l').currentline\n")
print(dofile(name))

write(string.dump(chunk))
local f, msg = loadfile(name, "t")
print(f, hide(msg))

write("\27Lua garbage")
f, msg = loadfile(name)
print(f, hide(msg))

os.remove(name)

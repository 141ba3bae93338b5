-- require, package.path, preload and searchers
package.path = "./mods/?.lua;./mods/?/init.lua"
package.cpath = "./mods/?.so"
local g, where = require("greet")
print(g.hello("you"), (where:gsub("^.*/", "")), require("greet") == g, select("#", require("greet")))
print(package.loaded.greet == g)
print(require("pkg"))
print(require("noreturn"), NORETURN_LOADED, require("noreturn"), NORETURN_LOADED)
print(pcall(require, "broken"))
print(pcall(require, "missing.mod"))
package.preload["virtual"] = function(...) print("preload args", ...) return {v = true} end
print(require("virtual").v)
package.loaded.virtual = nil
package.preload.virtual = function() return nil end
print(require("virtual"))
print(package.searchpath("greet", package.path))
print(package.searchpath("a.b.c", "./?.x;./?/y", ".", "_"))
print(package.config == "/\n;\n?\n!\n-\n", #package.searchers, type(package.loadlib))
table.insert(package.searchers, 2, function(name) return "\n\tcustom searcher says no to " .. name end)
print(pcall(require, "other"))
package.searchers = nil
print(pcall(require, "other2"))
package.loaded.math = "replaced"
print(require("math"))

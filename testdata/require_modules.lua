-- require and the package library: searchers, package.loaded caching, the
-- loader data, preload, error messages listing every path tried.

package.path = "./modules/?.lua;./modules/?/init.lua"
package.cpath = "./modules/?.so"

local m, where = require("counter")
print(m.name, m.file, where, m.inc(1), loads)
print(require("counter") == m, loads, package.loaded.counter == m)

print(require("noreturn"), noreturn_ran, package.loaded.noreturn)

local p = require("pkg")
print(p.kind, p.name, select(2, require("pkg")))

package.preload.virtual = function(name, extra)
  print("preload loader", name, extra)
  return {virtual = true}
end
print(require("virtual").virtual)
print(select("#", require("virtual")), select(2, require("virtual")))

print(pcall(require, "missing"))
print(pcall(require, "failing"))
print(pcall(require, "badsyntax"))

print(package.searchpath("counter", package.path))
print(package.searchpath("nope", "./modules/?.lua;./?.x"))
print(package.searchpath("a.b.c", "./?.lua"))
print(package.searchpath("a.b", "./?.lua", ".", "_"))

print(type(package.searchers), #package.searchers)
print(package.config)
print(type(package.loaded._G), package.loaded.string == string)

package.loaded.counter = nil
require("counter")
print(loads)

package.loaded.fake = "already"
print(require("fake"))

print(pcall(require))

return "pkg.init loaded as " .. select(1, ...)

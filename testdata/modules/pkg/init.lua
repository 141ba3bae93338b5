-- A package loaded through the ?/init.lua template.
return {kind = "package", name = ...}

-- A module: returns a table; counts how often its chunk runs.
loads = (loads or 0) + 1
local M = {name = ..., file = select(2, ...)}
function M.inc(n) return n + 1 end
return M

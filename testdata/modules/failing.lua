-- A module whose chunk raises an error.
error("failing module")

-- Queries over a collection whose fields mix types, written as the Lua
-- binding receives them. The chunk returns the collection, the indexes to
-- build, and cases: a spec, the keys it must return in order (or the
-- count), and the plan that must answer it when the indexes exist.

local users = {
  ann   = {score = 10,    name = "Ann",   tags = {lang = "lua"}},
  bob   = {score = 10.0,  name = "bob",   tags = {lang = "go"}},
  cid   = {score = 2.5,   name = "Cid"},
  dan   = {score = "10",  name = "Dan",   tags = "none"},
  eve   = {score = true,  name = "eve"},
  fay   = {score = 0/0,   name = "Fay"},           -- NaN: no value
  gus   = {score = {},    name = "Gus"},           -- a table: no value
  hal   = {name = "Hal"},                          -- no score at all
  ivy   = {score = -1,    name = "ivy",   tags = {lang = "lua"}},
  [1]   = {score = 9007199254740993, name = "big"},  -- 2^53 + 1
  [2]   = "not a record",
}

return {
  collection = users,
  indexes = {
    {field = "score", kind = "btree"},
    {field = "name", kind = "hash"},
    {field = "tags.lang", kind = "btree"},
  },
  cases = {
    -- 10 == 10.0, but not "10".
    {spec = {field = "score", op = "=", value = 10},
     keys = {"ann", "bob"}, plan = "btree lookup on score"},
    -- != needs a value: NaN, tables and missing fields never match.
    {spec = {field = "score", op = "!=", value = 10},
     keys = {1, "cid", "dan", "eve", "ivy"}, plan = "full scan (!=)"},
    -- Comparisons stay within a type: "10" is not > 3.
    {spec = {field = "score", op = ">", value = 3},
     keys = {"ann", "bob", 1}, plan = "btree range on score (3, +inf)"},
    {spec = {field = "score", op = ">=", value = "1"},
     keys = {"dan"}, plan = "btree range on score [\"1\", +inf)"},
    -- Integers beyond 2^53 compare exactly.
    {spec = {field = "score", op = ">", value = 2^53},
     keys = {1}, plan = "btree range on score (9.007199254741e+15, +inf)"},
    -- Sorting by the total order: numbers, strings, booleans, then the
    -- records without a value, by key.
    {spec = {sort = {field = "score", order = "asc"}},
     keys = {"ivy", "cid", "ann", "bob", 1, "dan", "eve", "fay", "gus", "hal"},
     plan = "btree order on score; then records without score"},
    {spec = {sort = {"score", "desc"}, limit = 4},
     keys = {"eve", "dan", 1, "bob"}, plan = "btree order on score desc"},
    -- Strings compare bytewise: uppercase before lowercase.
    {spec = {field = "name", op = "<", value = "a", sort = "asc"},
     keys = {"ann", "cid", "dan", "fay", "gus", "hal"}, plan = "full scan (<); sort by name"},
    {spec = {field = "name", op = "in", value = {"Ann", "eve", "nobody"}},
     keys = {"ann", "eve"}, plan = "hash lookup on name (3 values)"},
    -- Nested fields; tags = "none" is not a table, so dan has no tags.lang.
    {spec = {field = "tags.lang", op = "startsWith", value = "l"},
     keys = {"ann", "ivy"}, plan = "btree prefix on tags.lang \"l\""},
    {spec = {where = {{field = "tags.lang", op = "=", value = "lua"}, {field = "score", op = "<", value = 0}}},
     keys = {"ivy"}},
    {spec = {any = {{field = "name", op = "=", value = "Cid"}, {field = "score", op = "=", value = true}}},
     keys = {"cid", "eve"}, plan = "union (hash lookup on name | btree lookup on score)"},
    {spec = {field = "name", operator = "endsWith", value = "y", count = true},
     count = 2, plan = "full scan (endsWith); count"},
  },
}

// Package query is the query engine of persistent Memory: indexes over
// collections of records, and queries that use them.
//
// # Model
//
// A collection is a Lua table whose entries map a key to a record, itself
// a table (Memory.appUsers = {user_1 = {name = "Ann", score = 900}, ...});
// entries whose value is not a table are not records and no query sees
// them. A field is a dotted path of string keys: "address.city" reads
// record.address.city, and is missing when a step is not a table. All
// reads are raw: no metamethod runs, and nothing calls into the VM. (A
// read may give a record the query's string object in place of an equal
// key string, as the VM does with its constants: see path.lookup.)
//
// A field value is a number other than NaN, a string or a boolean. Field
// values have a total order, used by indexes and sorts: every number
// before every string before every boolean; numbers by mathematical value
// (1 == 1.0 and integers beyond 2^53 compare exactly with floats, as in
// Lua), strings bytewise (as Lua's < compares them), false before true. A
// field that is missing or holds NaN, a table or a function has no value:
// no index holds the record and no operator matches it, not even !=, which
// matches records whose field has a value different from the query's.
//
// Comparisons (< <= > >= between) match field values of the query value's
// type only: score > 800 never matches a string score, and = never
// converts between strings and numbers. A query value of the wrong type
// for its operator is an error naming the operator (startsWith with a
// number, between without two numbers or two strings, < with a boolean).
//
// Record keys are ordered the same way, followed by the keys that are not
// field values (tables, functions...) in an order stable while they live.
// Rows come in the order of a Sort when there is one; otherwise in index
// order when a B-tree answered (by the indexed field's value, then key),
// and by key when a hash index, a suffix index or a scan did.
//
// # Indexes
//
// A Catalog holds the indexes of the collections under one root. Indexes
// are built from a collection's contents and kept current by the
// maintenance calls the persistence layer makes on every write path
// (RecordChanged, CollectionReplaced); only their definitions (Indexes)
// need persisting, as rebuilding 10,000 records takes a few milliseconds.
// There are three kinds:
//
//   - btree: a B+-tree of (field value, record key) entries, so
//     duplicates are kept in a stable order (an entrySet: two levels, a
//     list of sorted leaves, built by sorting every entry at once, with a
//     radix sort of 64-bit digests: see sortEntries). It
//     answers = < <= > >= between startsWith in, and sorted output, by
//     walking a range and stopping as soon as the query has its rows: a
//     query taking 10 records of 100,000 reads about 10 entries.
//   - hash: a Go map from field value to the keys of its records (a lone
//     key held in the map's slot itself, a list once a value has several,
//     and a position map once it has many, so that writes stay O(1)). It
//     answers = and in, and counts them without reading a record.
//   - suffix: a B-tree of the field's strings reversed, answering endsWith
//     as a prefix range.
//
// Every index also maps each record key to the value it indexed, so that a
// write can remove a record's old entry without the old record, which the
// write has already replaced. A B-tree or suffix index makes that map on
// its first write: it costs as much time as the rest of the build, and
// more memory than the entries, which an index only read never needs.
//
// An index must not keep alive what Lua would collect. Field values are
// never collectable, and an index holds record keys, not records, so a
// collection with weak values loses its records as Lua says; the entry of
// a record the collector took leaves the index at the next maintenance
// call (the persistence layer reports it like a deletion). A collection
// with weak keys is different: a record whose key is an object (a table,
// a function...) lives only as long as its key, which an index entry
// would keep alive. So the indexes of such a collection leave those
// records out, remembering their keys weakly (WeakKey), and while any of
// them lives, queries on the collection scan rather than use the index
// (explain says so). Records with string, number or boolean keys are
// indexed as usual.
//
// # Planning
//
// Query compiles a Spec, chooses a plan (see Catalog.plan for the cost
// model), runs it and reports it in Result.Plan: "btree range on score
// [800, +inf) desc", "hash lookup on name; sort by score desc", "full scan
// (endsWith)". A scan reads each record once, walking each field path with
// keys prepared in advance (the very key strings of the first records that
// have the field, which records made by one Lua chunk share, so that a
// table finds them by identity), and allocates nothing per record but its
// rows. A scan for one condition runs a loop of its own, over batches of
// records whose independent memory reads overlap (see run.scanFor), and
// compares integers with an integer and strings with a string without
// classifying either. Rows ranked by a sort or by key are collected until
// there are offset+limit of them, and only then kept in a heap that each
// better row enters; once the heap is full, a match whose string key or
// integer sort value is not better than the heap's worst row is dropped
// there and then. Rows that came in order (a scan of an array-like
// collection, by key) are not sorted again. Walks of a collection resume
// from a position (Table.Iter) rather than re-hash each key as next does.
//
// # Measurements
//
// On the development machine (2 cores shared with up to fifteen other
// jobs, so wall-clock times varied tenfold: these are the process's CPU
// time, best of interleaved runs, wasm under node): building a btree
// index over 10,000 records takes 0.8 to 1.3 ms natively and 5 to 6 ms in
// wasm on integers, 1.3 to 2 and 6 ms on unique strings, 4.5 and 11 to 13
// ms on a nested field of four values; through the engine, on records
// loaded from a store as the browser has them, 0.8 and 1.2 ms. A hash
// index takes 1.8 to 3.7 ms natively, 7 to 11 ms in wasm. An indexed query
// returning 10 of 100,000 records takes 2 to 4 µs natively, 30 to 60 µs
// in wasm. A full scan of 10,000 records (BenchmarkFullScan) takes 0.2 to
// 0.7 ms natively, and in wasm 0.6 to 1.3 ms of CPU at best and 1 to 4 ms
// (median) while other jobs load the machine: memory reads then dominate,
// several per record (the record, its slot for the field, a nested table,
// a string's object and bytes), which scanFor's batches overlap. Before
// the batches, the loop for nested fields and the heap's bound, a scan
// took 0.2 to 4 ms natively, and in wasm 0.6 to 1.6 ms at best and 1 to 6
// ms median (a nested field 6.2, contains 5.5: now 3.9 and 3.9). On the browser benchmark's records (age = 42, 167 of 10,000),
// through the package under node, counting takes 0.3 ms and returning the
// rows 0.6 to 0.8 (of which encoding them for JS 0.1 and decoding them in
// JS 0.06); before the scan loop, the lazy heap and the encoder's local
// buffer, 0.6 and 1.4 to 2.3 ms: the heap alone, which moved every row
// (48 bytes, with write barriers while the collector marked) up to its
// root as rows came in key order and again to sort them, was 45% of it.
//
// In the same runs, sorting the entries themselves with sort.Sort made
// B-tree builds 3 to 4 times as slow in wasm (a comparison was half a
// dozen calls, and a swap four write barriers while the collector marked,
// which the build's own allocations start), and a hash index filled
// record by record (three map operations and an allocation each) 2 to 3
// times as slow; records holding their own copies of the field names (as
// loaded from a store) took up to 3 times as long to scan before lookups
// gave them the query's key objects. Earlier, the google/btree index this
// package had, filled one insert at a time, built 2 to 3 times slower
// still, and scans that re-hashed each key with Table.Next 1.3 to 2 times.
// A btree index costs 32 bytes per record while only read and 85 (11% of
// records of five fields, one nested: 748 bytes) once written; a hash
// index 16 bytes (status, two values) to 63 (name, unique) while only read
// and 69 to 116 (9 to 15%) once written; a suffix index 72 and 125 (17%).
// Go's maps cost more than their slots: a table of 1024 slots is one
// allocation, rounded up to 8 KB pages, so a 32-byte slot (a string key
// and a Value: the map from record key to value) takes 40 bytes, and 52
// per record at the map's load. A hash bucket holding its value, a key slice and a position map
// pointer made 64-byte slots and 110 bytes per unique record (22% once
// written); holding a lone key itself and no value (the map's key is the
// value), 40 and 63. The benchmarks of this package measure all of these.
//
// A scan for endsWith or contains over 100,000 records takes 45 to 80 ms
// here. A reversed-string B-tree answers a selective endsWith in a few
// microseconds for about the memory of a btree index, hence the suffix
// kind. A trigram index answered contains in 10 µs, but took 230 bytes per
// record before any structure for removing records (a third of the
// collection; well over half with one), and five times as long to build as
// the scan it saves, so contains scans: 10,000 records in 0.95 ms of
// CPU at best in wasm.
package query

// Package persist keeps a graph of Lua objects in a store.Backend: the
// object layer under persistent Memory. Everything reachable from a root
// table persists (tables with their metatables, closures with their
// upvalues, coroutines, userdata with a persist hook), shared references
// and cycles included, with the library functions and other permanent
// values stored by name (Registry).
//
// # The machine
//
// Open reads every record in one scan (load.go) and rebuilds the objects,
// each marked with a lua.Persistent: its stable id and the journal of the
// DB. From then on the VM logs, through that journal, the first write to
// each entry of a persistent object in the current transaction, with the
// old value: table entries and metatables, upvalue cells, closures'
// upvalue slots, and whole coroutines when they are resumed (package lua,
// journal.go).
//
// Commit (commit.go) walks the journal: a changed entry of a large table
// becomes a put or delete of that entry's record; a changed small table,
// cell, closure or coroutine is rewritten whole; any object a written
// value refers to that is not persistent yet gets an id and is written
// whole too, recursively. Everything goes to the backend as one atomic
// store.Batch, so the cost of a commit follows the size of the change,
// never the size of the graph, and a crash leaves the store at one commit
// or the next. A value that cannot persist fails the commit with an error
// naming its path from the root ("Memory.ui.onClick: cannot persist a
// host function"), and the graph is left as it was.
//
// Rollback replays the journal backwards, in memory; since only commits
// write, the store needs no undo.
//
// Weak tables and finalizers persist as their metatables say. A
// persistent weak table that loses an entry in a collection logs the loss
// (lua.ChangeLost) and the next commit deletes the entry's record (or
// rewrites the packed table), even when the transaction in which the
// collection ran is rolled back: the collected object is gone either way.
// Loading registers the tables whose metatables have __gc or __mode with
// the state's collector (lua.State.TrackMetatable), as setmetatable did
// when they were made, so a reloaded object is finalized when a later
// session drops it, and a reloaded weak table is weak.
//
// Objects that become unreachable keep their records until the next Open,
// which marks from the root and deletes the rest (gc.go); commits never
// pay for garbage.
//
// The storage format is documented field by field in format.go; Export
// and Import (export.go) write and restore a backup of a whole store.
package persist

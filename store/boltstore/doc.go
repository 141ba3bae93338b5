// Package boltstore is the store.Backend for native programs: one file on
// disk, managed by go.etcd.io/bbolt, a copy-on-write B+tree with a single
// writer. All keys live in one bucket; each Commit is one read-write
// transaction, which bbolt makes atomic and, unless Options.NoSync is set,
// durable (it fsyncs the data pages, then the meta page that switches to
// them, so a crash leaves the previous or the new state, never a mix).
//
// The package builds on every platform but js and wasip1, which bbolt does
// not support; the browser uses IndexedDB instead.
package boltstore

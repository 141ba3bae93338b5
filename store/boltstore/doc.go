// Package boltstore is the store.Backend for native programs: one file on
// disk, managed by go.etcd.io/bbolt, a copy-on-write B+tree with a single
// writer. All keys live in one bucket; each Commit is one read-write
// transaction, which bbolt makes atomic and, unless Options.NoSync is set,
// durable (it fsyncs the data pages, then the meta page that switches to
// them, so a crash leaves the previous or the new state, never a mix).
// TestCrashConsistency checks this by killing a writer process at random.
//
// A commit rewrites every B+tree page it touches, so its cost follows the
// number of distinct pages its keys fall in more than the bytes it
// changes. Commits of 60-byte values (BenchmarkCommit, minimum of five
// runs on a shared 2-core VM whose fdatasync takes about 1.3 ms):
//
//	puts     into        new keys appended   random keys   random, NoSync
//	1,000    empty            1.6 ms            6.0 ms         3.7 ms
//	10,000   empty           16 ms             58 ms          38 ms
//	1,000    100K keys         -               17 ms           8.3 ms
//	10,000   100K keys         -               53 ms          35 ms
//
// The file is mapped 1 GiB large from the start (InitialMmapSize): a
// commit that grows the file past its mapping would otherwise remap it,
// copying every node it touched out of the old mapping first: ten
// engine.Batch calls of 10,000 new records into a new file took 28% more
// CPU, and 14 times the allocations, than with the mapping in place.
//
// The alternative measured, cockroachdb/pebble (an LSM tree: a commit
// appends to a log and fsyncs once), took 0.9, 9.6, 2.7 and 14 ms for the
// random-key rows, but adds 15 MB to a binary against bbolt's 0.6 MB, 35
// modules, a directory of files and background compactions. bbolt was kept:
// one small file, no background work, and an object layer that gives new
// objects increasing keys pays the cheap column for inserts.
//
// The package builds on every platform but js and wasip1, which bbolt does
// not support; the browser uses IndexedDB instead.
package boltstore

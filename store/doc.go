// Package store is the byte-level storage layer under persistent Memory.
// It knows nothing of Lua: the object layer above it turns Lua values into
// byte strings, and this package keeps them safe.
//
// It has two parts:
//
//   - Backend, an ordered key-value space whose only write is an atomic
//     Batch of puts and deletes. Implementations: memstore (in memory),
//     boltstore (a bbolt file, native only) and, in the browser, IndexedDB
//     (each Commit one IndexedDB transaction). The interface asks for
//     nothing IndexedDB lacks. The conformance suite every backend passes
//     is store/internal/backendtest.
//
//   - The record (record.go), the framing of every stored value: format
//     version, payload codec, length, payload and CRC-32C. A damaged record
//     is reported as a *RecordError naming its key, so that a caller can
//     skip it and load everything else.
//
// # Compression
//
// Encoder.AppendRecord compresses payloads longer than a threshold (1 KiB
// in DefaultEncoder) with snappy, and keeps the result only if it saves at
// least an eighth; the codec byte of each record says which was used, so
// records stay readable whatever a later version chooses. Candidates were
// measured on payloads like Memory's (a Lua table of user records as text
// and as a compact binary serialization, Lua source, Lua bytecode), each
// chunk compressed on its own as a record would be; see
// store/internal/codecbench, a separate module so that the losers are not
// dependencies. Compressed/original size, with throughput when running as
// GOOS=js GOARCH=wasm under node, and what each adds to a wasm binary:
//
//	codec          ratio 512B   ratio 4K   ratio 64K   wasm enc/dec MB/s   +wasm gzip
//	flate (lvl 1)    0.60         0.38       0.31         31 /   61           +60 KB
//	zstd fastest     0.61         0.38       0.28         84 /  121          +336 KB
//	s2               0.74         0.50       0.37        248 /  484           +69 KB
//	snappy           0.72         0.48       0.38        188 /  423            +8 KB
//	lz4              0.74         0.50       0.37        219 /  714           +24 KB
//
// zstd and flate compress a fifth better but run two to six times slower
// in wasm, where a commit's budget is a few milliseconds, and zstd would add
// nearly half the size of a small Go wasm binary. snappy matches s2 and
// lz4 on ratio, comes close on speed, and costs a third of lz4's size and a
// ninth of s2's.
// Payloads of 1 KiB and less are left alone: they compress worst and are
// the bulk of a typical commit, where every microsecond counts.
package store

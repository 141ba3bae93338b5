package store

import (
	"errors"
	"slices"
)

// A Backend is an ordered key-value space whose only write is an atomic
// batch. Keys are compared as byte strings (bytes.Compare order).
//
// The interface asks for no more than IndexedDB gives (ordered keys, range
// cursors, atomic multi-put transactions): no compare-and-swap, no long
// transactions, no iteration in reverse.
//
// Implementations are safe for concurrent use. After Close, every method
// but Close returns ErrClosed.
type Backend interface {
	// Get returns a copy of the value stored under key, or ErrNotFound.
	Get(key []byte) ([]byte, error)

	// Scan calls fn for every key that starts with prefix, in key order,
	// over a consistent snapshot; a nil prefix visits everything, which is
	// how the contents are loaded at start-up. key and value are valid only
	// until fn returns and must not be modified. If fn returns an error,
	// Scan stops and returns that error unchanged. fn must not call the
	// backend's methods (a write would wait for the scan to finish).
	Scan(prefix []byte, fn func(key, value []byte) error) error

	// Commit applies every operation of b, in order, all or nothing: after
	// a crash at any moment, the backend holds either all of b or none of
	// it. When Commit returns nil, b is durable (unless the backend was
	// opened with an option that trades durability for speed). b may be
	// reset and reused as soon as Commit returns.
	Commit(b *Batch) error

	// Close releases the backend's resources. Closing twice is allowed.
	Close() error
}

// Limits on keys and values, shared by every backend so that a batch one
// backend accepts, all do (they are bbolt's).
const (
	MaxKeySize   = 32 << 10
	MaxValueSize = 1<<31 - 2
)

// These errors can be returned by any Backend.
var (
	// ErrNotFound is returned by Get when the key holds no value.
	ErrNotFound = errors.New("store: key not found")

	// ErrClosed is returned when a backend is used after Close.
	ErrClosed = errors.New("store: backend closed")

	// ErrKeyRequired is returned by Commit when a batch holds an empty key.
	ErrKeyRequired = errors.New("store: key required")

	// ErrKeyTooLarge is returned by Commit when a batch holds a key longer
	// than MaxKeySize.
	ErrKeyTooLarge = errors.New("store: key too large")

	// ErrValueTooLarge is returned by Commit when a batch holds a value
	// longer than MaxValueSize.
	ErrValueTooLarge = errors.New("store: value too large")
)

// A Batch is a list of puts and deletes that Backend.Commit applies
// atomically, in order (so the last operation on a key wins). The zero
// Batch is empty and ready to use.
//
// Put and Delete copy their arguments, so the caller may reuse its buffers
// at once; Add does not.
type Batch struct {
	ops []Op
	buf []byte // holds the copied keys and values of ops
}

// An Op is one operation of a Batch: a put of Value under Key, or, if
// Delete is set, the removal of Key.
type Op struct {
	Key, Value []byte
	Delete     bool
}

// Put adds the storing of value under key.
func (b *Batch) Put(key, value []byte) {
	k := b.copy(key)
	b.ops = append(b.ops, Op{Key: k, Value: b.copy(value)})
}

// Delete adds the removal of key; deleting an absent key is not an error.
func (b *Batch) Delete(key []byte) {
	b.ops = append(b.ops, Op{Key: b.copy(key), Delete: true})
}

// Add appends the operations ops as they are, without copying their keys
// and values: the caller must leave those unchanged until b is reset. It
// spares a writer that already holds its records in one buffer (as
// persist's commit does) a second copy of every byte.
func (b *Batch) Add(ops ...Op) {
	b.ops = append(b.ops, ops...)
}

// Reorder moves b's operations into a new order in place: from(k) is the
// index, in the current order, of the operation that goes to position k,
// and must be a permutation of 0..Len()-1. A writer that sorts its batch
// (persist orders its records by key) spares a second list of the
// operations: 1 MB for a commit of 20,000 records.
func (b *Batch) Reorder(from func(k int) int) {
	placed := make([]uint64, (len(b.ops)+63)/64) // a bit per position
	for start := range b.ops {
		if placed[start/64]&(1<<(start%64)) != 0 {
			continue
		}
		// Follow the cycle through start: each position takes the
		// operation of the position it comes from.
		first := b.ops[start]
		for k := start; ; {
			placed[k/64] |= 1 << (k % 64)
			src := from(k)
			if src == start {
				b.ops[k] = first
				break
			}
			b.ops[k] = b.ops[src]
			k = src
		}
	}
}

// Grow makes room for n more operations.
func (b *Batch) Grow(n int) { b.ops = slices.Grow(b.ops, n) }

// copy returns a copy of p inside b.buf. When b.buf is full it starts a new
// buffer rather than growing the old one, so earlier copies stay valid.
func (b *Batch) copy(p []byte) []byte {
	if len(p) > cap(b.buf)-len(b.buf) {
		b.buf = make([]byte, 0, max(len(p), 2*cap(b.buf), 4<<10))
	}
	start := len(b.buf)
	b.buf = append(b.buf, p...)
	return b.buf[start:len(b.buf):len(b.buf)]
}

// Len returns the number of operations in b.
func (b *Batch) Len() int { return len(b.ops) }

// Ops returns b's operations, in order, for a Backend to apply. The slices
// belong to b and are valid until b is reset.
func (b *Batch) Ops() []Op { return b.ops }

// Reset empties b, keeping its memory for reuse.
func (b *Batch) Reset() {
	clear(b.ops) // drop references into old buffers
	b.ops = b.ops[:0]
	b.buf = b.buf[:0]
}

// Check reports the first operation of b that no backend can apply. A
// Backend calls it before applying anything, so an invalid batch changes
// nothing.
func (b *Batch) Check() error {
	for _, op := range b.ops {
		switch {
		case len(op.Key) == 0:
			return ErrKeyRequired
		case len(op.Key) > MaxKeySize:
			return ErrKeyTooLarge
		case len(op.Value) > MaxValueSize:
			return ErrValueTooLarge
		}
	}
	return nil
}

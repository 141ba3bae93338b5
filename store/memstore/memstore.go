// Package memstore is a store.Backend held in memory: for tests, and for
// hosts that persist nothing (node, a throwaway page).
//
// The keys live in a B-tree (github.com/google/btree), which keeps a
// commit's cost logarithmic in the number of keys. A sorted slice scans
// twice as fast but inserts in linear time: 1,000 puts, half of them new
// keys, into 1M keys took 540 ms against 2 ms for the B-tree, which also
// measured a little faster than tidwall/btree at 1M keys and adds less to a
// wasm binary (17 KB gzipped against 23 KB).
package memstore

import (
	"bytes"
	"sync"

	"github.com/google/btree"

	"github.com/luawasm/luawasm/store"
)

// A Store is an in-memory store.Backend. The zero Store is not usable; call
// New.
type Store struct {
	mu     sync.RWMutex
	tree   *btree.BTreeG[entry]
	closed bool
}

type entry struct{ key, value []byte }

func less(a, b entry) bool { return bytes.Compare(a.key, b.key) < 0 }

// degree is the B-tree's branching factor (a node holds up to 2*degree-1
// entries); from 16 to 128 the commit benchmark could not tell them apart.
const degree = 32

// New returns an empty Store.
func New() *Store {
	return &Store{tree: btree.NewG(degree, less)}
}

// Get implements store.Backend.
func (s *Store) Get(key []byte) ([]byte, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, store.ErrClosed
	}
	e, ok := s.tree.Get(entry{key: key})
	if !ok {
		return nil, store.ErrNotFound
	}
	return bytes.Clone(e.value), nil
}

// Scan implements store.Backend. The read lock held during the scan is
// the snapshot: commits wait until it ends.
func (s *Store) Scan(prefix []byte, fn func(key, value []byte) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	var err error
	s.tree.AscendGreaterOrEqual(entry{key: prefix}, func(e entry) bool {
		if !bytes.HasPrefix(e.key, prefix) {
			return false
		}
		err = fn(e.key, e.value)
		return err == nil
	})
	return err
}

// Commit implements store.Backend. Each put is copied into its own
// allocation, never modified afterwards, so stored slices can be handed to
// Scan callbacks as they are, and an overwritten value frees its memory.
func (s *Store) Commit(b *store.Batch) error {
	if err := b.Check(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return store.ErrClosed
	}
	for _, op := range b.Ops() {
		if op.Delete {
			s.tree.Delete(entry{key: op.Key})
			continue
		}
		buf := make([]byte, len(op.Key)+len(op.Value))
		n := copy(buf, op.Key)
		copy(buf[n:], op.Value)
		s.tree.ReplaceOrInsert(entry{buf[:n:n], buf[n:]})
	}
	return nil
}

// Close implements store.Backend; it drops the contents.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	s.tree = nil
	return nil
}

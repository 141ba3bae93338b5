//go:build !js && !wasip1

package boltstore

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/luawasm/luawasm/store"
)

// bucket is the name of the one bucket that holds every key.
var bucket = []byte("store")

// Options configure Open. A nil *Options means the zero Options.
type Options struct {
	// NoSync skips the fsyncs at the end of each commit. Commits get about
	// twice as cheap, and a killed process still loses nothing, but a crash
	// of the machine may lose recent commits or damage the file.
	NoSync bool

	// LockTimeout is how long Open waits for another process to release
	// the file; zero means DefaultLockTimeout.
	LockTimeout time.Duration
}

// initialMmapSize is the size of the file's first mapping: 1 GiB where
// address space is plentiful, none (the file's size) on 32-bit systems.
const initialMmapSize = 1 << 30 * (strconv.IntSize / 64)

// DefaultLockTimeout is the LockTimeout used when Options leave it zero.
const DefaultLockTimeout = time.Second

// A Store is a store.Backend kept in a bbolt file.
type Store struct {
	db *bolt.DB

	// mu makes Close wait for operations in flight; bbolt alone would
	// report them as failing with its own error rather than store.ErrClosed.
	mu     sync.RWMutex
	closed bool
}

// Open opens the store in the file at path, creating it if needed. Only
// one process may have the file open at a time.
func Open(path string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = DefaultLockTimeout
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{
		Timeout: timeout,
		NoSync:  opts.NoSync,
		// The map freelist stays fast as a long-lived file fragments; the
		// default array one degrades (bbolt's own advice).
		FreelistType: bolt.FreelistMapType,
		// Mapping the file larger than it is spares the commits that grow
		// it a remap, which copies every node the transaction touched out
		// of the old mapping (see the package doc). Only address space is
		// reserved.
		InitialMmapSize: initialMmapSize,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("boltstore: open %s: %w (the file is in use by another process)", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	// Look before creating: even an empty write transaction costs fsyncs.
	var exists bool
	db.View(func(tx *bolt.Tx) error {
		exists = tx.Bucket(bucket) != nil
		return nil
	})
	if !exists {
		err = db.Update(func(tx *bolt.Tx) error {
			_, err := tx.CreateBucket(bucket)
			return err
		})
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// view runs fn in a read-only transaction, unless s is closed.
func (s *Store) view(fn func(b *bolt.Bucket) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	return s.db.View(func(tx *bolt.Tx) error { return fn(tx.Bucket(bucket)) })
}

// Get implements store.Backend.
func (s *Store) Get(key []byte) ([]byte, error) {
	var value []byte
	err := s.view(func(b *bolt.Bucket) error {
		// A cursor, unlike Bucket.Get, tells an empty value from none.
		k, v := b.Cursor().Seek(key)
		if k == nil || !bytes.Equal(k, key) {
			return store.ErrNotFound
		}
		// v lives in the memory map, only during the transaction.
		value = append(make([]byte, 0, len(v)), v...)
		return nil
	})
	return value, err
}

// Scan implements store.Backend. The read-only transaction is the
// snapshot.
func (s *Store) Scan(prefix []byte, fn func(key, value []byte) error) error {
	return s.view(func(b *bolt.Bucket) error {
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if err := fn(k, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// Commit implements store.Backend as one bbolt read-write transaction.
func (s *Store) Commit(batch *store.Batch) error {
	if err := batch.Check(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return store.ErrClosed
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for _, op := range batch.Ops() {
			var err error
			if op.Delete {
				err = b.Delete(op.Key)
			} else {
				err = b.Put(op.Key, op.Value)
			}
			if err != nil {
				return fmt.Errorf("boltstore: %w", err)
			}
		}
		return nil
	})
}

// Close implements store.Backend.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.db.Close()
}

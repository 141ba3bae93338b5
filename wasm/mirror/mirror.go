// Package mirror is the store.Backend of the WebAssembly build: every
// record is held in memory, and every committed batch is also handed to the
// host, which writes it to its own store (IndexedDB in a browser, a file in
// node; see js/store.js).
//
// The browser cannot answer a synchronous read from IndexedDB, and
// lua.eval is synchronous, so the host loads every record before the engine
// starts (Load) and the engine reads only from memory. Writes go to memory
// at once; the host writes them asynchronously, one transaction per batch,
// in commit order, and its flush() reports when they are durable. So Commit
// returning nil means applied, not yet durable: the durability the Backend
// interface allows a backend to trade for speed.
//
// Batches cross to the host as one message: for each op a byte (0 put, 1
// delete), the key (uvarint length, bytes) and, for a put, the value. The
// records the host loads, and those another tab committed (ApplyRemote,
// Reset), come back in the same format.
package mirror

import (
	"encoding/binary"
	"errors"

	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
)

// A Backend keeps records in memory and reports each commit to its sink.
type Backend struct {
	*memstore.Store
	sink func(msg []byte)
	msg  []byte
}

// New returns an empty Backend whose commits go to sink as batch messages
// (the slice is reused: sink must copy what it keeps).
func New(sink func(msg []byte)) *Backend {
	return &Backend{Store: memstore.New(), sink: sink}
}

// Commit applies b in memory, then hands it to the host.
func (m *Backend) Commit(b *store.Batch) error {
	if err := m.Store.Commit(b); err != nil {
		return err
	}
	m.msg = AppendBatch(m.msg[:0], b.Ops())
	m.sink(m.msg)
	return nil
}

// Load adds the records of a batch message to memory without handing them
// back to the host: the host's stored records at start-up.
func (m *Backend) Load(msg []byte) error {
	return m.apply(msg)
}

// ApplyRemote applies a batch message that another tab committed to the
// host's store, without handing it back.
func (m *Backend) ApplyRemote(msg []byte) error {
	return m.apply(msg)
}

// Reset replaces every record by those of a batch message, without
// handing them back: the host's whole store, reread after another tab's
// commit overtook this one's.
func (m *Backend) Reset(msg []byte) error {
	if _, err := ParseBatch(msg); err != nil {
		return err
	}
	m.Store = memstore.New()
	return m.apply(msg)
}

func (m *Backend) apply(msg []byte) error {
	ops, err := ParseBatch(msg)
	if err != nil {
		return err
	}
	var b store.Batch
	for _, op := range ops {
		if op.Delete {
			b.Delete(op.Key)
		} else {
			b.Put(op.Key, op.Value)
		}
	}
	return m.Store.Commit(&b)
}

// AppendBatch appends ops to dst as a batch message.
func AppendBatch(dst []byte, ops []store.Op) []byte {
	for _, op := range ops {
		if op.Delete {
			dst = append(dst, 1)
		} else {
			dst = append(dst, 0)
		}
		dst = binary.AppendUvarint(dst, uint64(len(op.Key)))
		dst = append(dst, op.Key...)
		if !op.Delete {
			dst = binary.AppendUvarint(dst, uint64(len(op.Value)))
			dst = append(dst, op.Value...)
		}
	}
	return dst
}

// ErrMalformed is returned for a batch message that does not follow the format.
var ErrMalformed = errors.New("mirror: malformed batch message")

// ParseBatch returns the ops of a batch message; their keys and values are
// slices of msg.
func ParseBatch(msg []byte) ([]store.Op, error) {
	var ops []store.Op
	for len(msg) > 0 {
		kind := msg[0]
		if kind > 1 {
			return nil, ErrMalformed
		}
		msg = msg[1:]
		var key, value []byte
		var ok bool
		if key, msg, ok = chunk(msg); !ok {
			return nil, ErrMalformed
		}
		if kind == 0 {
			if value, msg, ok = chunk(msg); !ok {
				return nil, ErrMalformed
			}
		}
		ops = append(ops, store.Op{Key: key, Value: value, Delete: kind == 1})
	}
	return ops, nil
}

// chunk splits a length-prefixed byte string off the front of msg.
func chunk(msg []byte) (b, rest []byte, ok bool) {
	n, w := binary.Uvarint(msg)
	if w <= 0 || n > uint64(len(msg)-w) {
		return nil, nil, false
	}
	end := w + int(n)
	return msg[w:end:end], msg[end:], true
}

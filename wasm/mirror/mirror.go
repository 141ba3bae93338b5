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
	ops := b.Ops()
	// Sized in advance: a batch of 10,000 records is a message of ~1 MB,
	// which growing by doubling copied twice over and left as garbage.
	if n := batchSize(ops); n > cap(m.msg) {
		m.msg = make([]byte, 0, n)
	}
	m.msg = AppendBatch(m.msg[:0], ops)
	m.sink(m.msg)
	if cap(m.msg) > keptMessage {
		m.msg = nil
	}
	return nil
}

// keptMessage is the largest message buffer kept for the next commit: one
// import or first save of a big Memory should not hold its size for good.
const keptMessage = 1 << 20

// Load adds the records of a batch message to memory without handing them
// back to the host: the host's stored records at start-up. msg is not
// retained.
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
	if _, err := countOps(msg); err != nil {
		return err
	}
	m.Store = memstore.New()
	return m.apply(msg)
}

// apply commits the ops of msg to memory. Their keys and values are
// handed over as slices of msg, without a copy of their own: the store
// copies each record once, into its own allocation (so msg is not
// retained).
func (m *Backend) apply(msg []byte) error {
	n, err := countOps(msg)
	if err != nil {
		return err
	}
	var b store.Batch
	b.Grow(n)
	for len(msg) > 0 {
		var op store.Op
		op, msg, _ = nextOp(msg)
		b.Add(op)
	}
	return m.Store.Commit(&b)
}

// batchSize returns the length of ops as a batch message.
func batchSize(ops []store.Op) int {
	n := 0
	for _, op := range ops {
		n += 1 + uvarintLen(len(op.Key)) + len(op.Key)
		if !op.Delete {
			n += uvarintLen(len(op.Value)) + len(op.Value)
		}
	}
	return n
}

func uvarintLen(x int) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
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
	n, err := countOps(msg)
	if err != nil {
		return nil, err
	}
	ops := make([]store.Op, n)
	for i := range ops {
		ops[i], msg, _ = nextOp(msg)
	}
	return ops, nil
}

// countOps returns the number of ops in a batch message, or ErrMalformed.
func countOps(msg []byte) (int, error) {
	n := 0
	for len(msg) > 0 {
		var ok bool
		if _, msg, ok = nextOp(msg); !ok {
			return 0, ErrMalformed
		}
		n++
	}
	return n, nil
}

// nextOp splits the first op off a batch message.
func nextOp(msg []byte) (op store.Op, rest []byte, ok bool) {
	kind := msg[0]
	if kind > 1 {
		return op, nil, false
	}
	if op.Key, msg, ok = chunk(msg[1:]); !ok {
		return op, nil, false
	}
	op.Delete = kind == 1
	if !op.Delete {
		if op.Value, msg, ok = chunk(msg); !ok {
			return op, nil, false
		}
	}
	return op, msg, true
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

// Package crashtest holds what the crash-consistency tests share. A
// Writer is a process that commits forever and reports each commit once
// durable; the test kills it at random moments and checks the store (see
// writer.go). For the store level, this file models a writer that commits
// numbered batches to a store.Backend, and the exact contents the store
// must hold after commit n, which a checker recomputes from n alone.
//
// Commit n rewrites or deletes a pseudo-random subset of NumKeys keys and
// sets SeqKey to n. Both the subset and the values derive from (seed, n),
// and every value names the commit and key it belongs to, so contents that
// mix two commits cannot pass for either.
package crashtest

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strconv"

	"github.com/luawasm/luawasm/store"
)

// NumKeys is the number of data keys besides SeqKey.
const NumKeys = 64

// SeqKey holds the number of the last commit, in decimal.
var SeqKey = []byte("seq")

// Encoder frames the values; its low threshold makes both raw and
// compressed records common.
var Encoder = store.Encoder{Codec: store.CodecSnappy, Threshold: 256}

// Key returns the i'th data key.
func Key(i int) []byte { return fmt.Appendf(nil, "k/%02d", i) }

// change calls fn for each data key that commit n changes, in key order,
// with the value it stores, or nil if it deletes the key.
func change(seed, n uint64, fn func(i int, value []byte)) {
	r := rand.New(rand.NewPCG(seed, n))
	for i := range NumKeys {
		switch r.IntN(10) {
		case 0, 1, 2:
			fn(i, value(seed, n, i))
		case 3:
			fn(i, nil)
		}
	}
}

// value returns what commit n stores under key i: usually a few hundred
// bytes, sometimes kilobytes (several pages), either text that compresses
// or random bytes that do not.
func value(seed, n uint64, i int) []byte {
	r := rand.New(rand.NewPCG(seed^n, uint64(i)))
	var size int
	switch p := r.IntN(20); {
	case p == 0:
		size = 10<<10 + r.IntN(30<<10)
	case p < 5:
		size = 1<<10 + r.IntN(3<<10)
	default:
		size = 8 + r.IntN(300)
	}
	v := fmt.Appendf(make([]byte, 0, size+32), "commit %d key %d:", n, i)
	text := r.IntN(2) == 0
	for len(v) < size {
		if text {
			v = fmt.Appendf(v, " n=%d k=%d", n, i)
		} else {
			v = append(v, byte(r.Uint32()))
		}
	}
	return v
}

// Write commits n = s+1, s+2, ... to b, where s is the last commit b holds
// (0 if empty), calling committed(n) each time Commit returns, until
// committed or Commit fails.
func Write(b store.Backend, seed uint64, committed func(n uint64) error) error {
	n, err := lastSeq(b)
	if err != nil {
		return err
	}
	var batch store.Batch
	var buf []byte
	for {
		n++
		batch.Reset()
		change(seed, n, func(i int, value []byte) {
			if value == nil {
				batch.Delete(Key(i))
				return
			}
			buf = Encoder.AppendRecord(buf[:0], value)
			batch.Put(Key(i), buf)
		})
		buf = Encoder.AppendRecord(buf[:0], strconv.AppendUint(nil, n, 10))
		batch.Put(SeqKey, buf)
		if err := b.Commit(&batch); err != nil {
			return err
		}
		if err := committed(n); err != nil {
			return err
		}
	}
}

func lastSeq(b store.Backend) (uint64, error) {
	rec, err := b.Get(SeqKey)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	v, err := store.DecodeRecord(SeqKey, rec)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(string(v), 10, 64)
}

// A Model is the expected contents of the store after some commit.
type Model struct {
	seed     uint64
	seq      uint64
	contents map[string][]byte // decoded values by key
}

// NewModel returns the model of an empty store written with seed.
func NewModel(seed uint64) *Model {
	return &Model{seed: seed, contents: map[string][]byte{}}
}

// Seq returns the number of the last commit applied to m.
func (m *Model) Seq() uint64 { return m.seq }

// Advance applies commits m.Seq()+1 through n to m.
func (m *Model) Advance(n uint64) {
	for ; m.seq < n; m.seq++ {
		change(m.seed, m.seq+1, func(i int, value []byte) {
			if value == nil {
				delete(m.contents, string(Key(i)))
			} else {
				m.contents[string(Key(i))] = value
			}
		})
		m.contents[string(SeqKey)] = strconv.AppendUint(nil, m.seq+1, 10)
	}
}

// Contents returns the decoded values m expects, by key.
func (m *Model) Contents() map[string][]byte { return maps.Clone(m.contents) }

// Load returns b's contents, each record decoded, and the sequence number
// they hold; any undecodable record is an error.
func Load(b store.Backend) (contents map[string][]byte, seq uint64, err error) {
	contents = map[string][]byte{}
	err = b.Scan(nil, func(key, rec []byte) error {
		v, err := store.DecodeRecord(key, rec)
		if err != nil {
			return err
		}
		contents[string(key)] = append([]byte(nil), v...)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if s, ok := contents[string(SeqKey)]; ok {
		if seq, err = strconv.ParseUint(string(s), 10, 64); err != nil {
			return nil, 0, fmt.Errorf("crashtest: bad %s value %q", SeqKey, s)
		}
	}
	return contents, seq, nil
}

package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestBatchCopies fills a batch past several buffer sizes from one reused
// buffer: every operation must keep the bytes it was given.
func TestBatchCopies(t *testing.T) {
	var b Batch
	buf := make([]byte, 0, 64<<10)
	sizes := []int{0, 1, 100, 4 << 10, 10 << 10, 3, 64 << 10, 7}
	for i, n := range sizes {
		buf = append(buf[:0], fmt.Sprintf("key%d", i)...)
		b.Put(buf, bytes.Repeat([]byte{byte('a' + i)}, n))
		buf = append(buf[:0], fmt.Sprintf("gone%d", i)...)
		b.Delete(buf)
	}
	if b.Len() != 2*len(sizes) {
		t.Fatalf("Len = %d, want %d", b.Len(), 2*len(sizes))
	}
	for i, n := range sizes {
		put, del := b.Ops()[2*i], b.Ops()[2*i+1]
		if string(put.Key) != fmt.Sprintf("key%d", i) || put.Delete || !bytes.Equal(put.Value, bytes.Repeat([]byte{byte('a' + i)}, n)) {
			t.Errorf("op %d: put %q (%d bytes, delete %t), want key%d with %d bytes", 2*i, put.Key, len(put.Value), put.Delete, i, n)
		}
		if string(del.Key) != fmt.Sprintf("gone%d", i) || !del.Delete || del.Value != nil {
			t.Errorf("op %d: %+v, want the delete of gone%d", 2*i+1, del, i)
		}
	}
	// Appending to a key must not spill into the value copied after it.
	op := b.Ops()[4] // key2, 100 bytes of 'c'
	_ = append(op.Key, 'X')
	if !bytes.Equal(op.Value, bytes.Repeat([]byte{'c'}, 100)) {
		t.Errorf("appending to a key changed the value after it: %.10q", op.Value)
	}
	b.Reset()
	if b.Len() != 0 || len(b.Ops()) != 0 {
		t.Errorf("after Reset, Len = %d", b.Len())
	}
	b.Put([]byte("again"), []byte("v"))
	if op := b.Ops()[0]; string(op.Key) != "again" || string(op.Value) != "v" {
		t.Errorf("after Reset and Put, op = %+v", op)
	}
}

func TestBatchCheck(t *testing.T) {
	tests := []struct {
		name string
		fill func(*Batch)
		want error
	}{
		{"empty", func(*Batch) {}, nil},
		{"valid", func(b *Batch) { b.Put([]byte("k"), nil); b.Delete([]byte("k")) }, nil},
		{"longest key", func(b *Batch) { b.Put(make([]byte, MaxKeySize), nil) }, nil},
		{"empty key", func(b *Batch) { b.Put([]byte("k"), nil); b.Put(nil, []byte("v")) }, ErrKeyRequired},
		{"empty delete key", func(b *Batch) { b.Delete([]byte{}) }, ErrKeyRequired},
		{"key too large", func(b *Batch) { b.Delete(make([]byte, MaxKeySize+1)) }, ErrKeyTooLarge},
	}
	for _, tt := range tests {
		var b Batch
		tt.fill(&b)
		if err := b.Check(); !errors.Is(err, tt.want) {
			t.Errorf("%s: Check = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestBatchReorder moves batches of several sizes (around the bitmap's
// 64-bit words) by random permutations, the identity and a reversal.
func TestBatchReorder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 63, 64, 65, 1000} {
		perms := map[string][]int{"identity": make([]int, n), "reversed": make([]int, n), "random": r.Perm(n)}
		for i := range n {
			perms["identity"][i], perms["reversed"][i] = i, n-1-i
		}
		for name, from := range perms {
			var b Batch
			for i := range n {
				b.Put([]byte(fmt.Sprint(i)), nil)
			}
			b.Reorder(func(k int) int { return from[k] })
			for k, op := range b.Ops() {
				if string(op.Key) != fmt.Sprint(from[k]) {
					t.Fatalf("n=%d %s: position %d holds %q, want %d", n, name, k, op.Key, from[k])
				}
			}
		}
	}
}

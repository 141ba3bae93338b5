// Package backendtest is the conformance suite every store.Backend must
// pass: each backend's tests call Run with a way to open a fresh instance.
package backendtest

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/luawasm/luawasm/store"
)

// A Factory opens instances of the backend under test.
type Factory struct {
	// Open returns a new, empty backend; the suite closes it.
	Open func(testing.TB) store.Backend

	// Reopen, for a backend that persists, closes b and opens it again
	// from its storage; nil for one that does not.
	Reopen func(t *testing.T, b store.Backend) store.Backend
}

// An op is one Batch operation in a test table.
type op struct {
	del        bool
	key, value string
}

func put(k, v string) op { return op{key: k, value: v} }
func del(k string) op    { return op{del: true, key: k} }

func batch(ops ...op) *store.Batch {
	b := new(store.Batch)
	for _, o := range ops {
		if o.del {
			b.Delete([]byte(o.key))
		} else {
			b.Put([]byte(o.key), []byte(o.value))
		}
	}
	return b
}

// kv is one stored pair, as Scan reports it.
type kv struct{ key, value string }

// Run runs the suite against the backend f opens.
func Run(t *testing.T, f Factory) {
	t.Run("Commits", func(t *testing.T) { testCommits(t, f) })
	t.Run("Scan", func(t *testing.T) { testScan(t, f) })
	t.Run("InvalidBatch", func(t *testing.T) { testInvalidBatch(t, f) })
	t.Run("Ownership", func(t *testing.T) { testOwnership(t, f) })
	t.Run("ScanError", func(t *testing.T) { testScanError(t, f) })
	t.Run("Closed", func(t *testing.T) { testClosed(t, f) })
	t.Run("Large", func(t *testing.T) { testLarge(t, f) })
	t.Run("Atomicity", func(t *testing.T) { testAtomicity(t, f) })
	if f.Reopen != nil {
		t.Run("Reopen", func(t *testing.T) { testReopen(t, f) })
	}
}

func open(t *testing.T, f Factory) store.Backend {
	b := f.Open(t)
	t.Cleanup(func() { b.Close() })
	return b
}

// contents returns everything in b, in Scan order.
func contents(t *testing.T, b store.Backend, prefix string) []kv {
	t.Helper()
	var got []kv
	err := b.Scan([]byte(prefix), func(k, v []byte) error {
		got = append(got, kv{string(k), string(v)})
		return nil
	})
	if err != nil {
		t.Fatalf("Scan(%q): %v", prefix, err)
	}
	return got
}

func testCommits(t *testing.T, f Factory) {
	tests := []struct {
		name    string
		batches [][]op
		want    []kv
	}{
		{"empty", nil, nil},
		{"empty batch", [][]op{{}}, nil},
		{"puts", [][]op{{put("b", "2"), put("a", "1"), put("c", "3")}}, []kv{{"a", "1"}, {"b", "2"}, {"c", "3"}}},
		{"overwrite across batches", [][]op{{put("a", "1")}, {put("a", "2")}}, []kv{{"a", "2"}}},
		{"last op wins", [][]op{{put("a", "1"), put("a", "2"), put("b", "1"), del("b"), del("c"), put("c", "3")}}, []kv{{"a", "2"}, {"c", "3"}}},
		{"delete", [][]op{{put("a", "1"), put("b", "2")}, {del("a")}}, []kv{{"b", "2"}}},
		{"delete absent", [][]op{{del("zz")}}, nil},
		{"empty value", [][]op{{put("a", "")}}, []kv{{"a", ""}}},
		{"binary keys", [][]op{{put("\xff", "ff"), put("\x00", "00"), put("\x00\x00", "0000"), put("a\x00", "a0"), put("a", "a")}},
			[]kv{{"\x00", "00"}, {"\x00\x00", "0000"}, {"a", "a"}, {"a\x00", "a0"}, {"\xff", "ff"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := open(t, f)
			for _, ops := range tt.batches {
				if err := b.Commit(batch(ops...)); err != nil {
					t.Fatalf("Commit: %v", err)
				}
			}
			if got := contents(t, b, ""); !slices.Equal(got, tt.want) {
				t.Errorf("contents = %q, want %q", got, tt.want)
			}
			for _, w := range tt.want {
				v, err := b.Get([]byte(w.key))
				if err != nil || string(v) != w.value || v == nil {
					t.Errorf("Get(%q) = %q (nil: %t), %v; want %q", w.key, v, v == nil, err, w.value)
				}
			}
			for _, k := range []string{"", "nope", "a\x00\x00", "\xfe"} {
				if _, err := b.Get([]byte(k)); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("Get(%q) error = %v, want ErrNotFound", k, err)
				}
			}
		})
	}
}

func testScan(t *testing.T, f Factory) {
	b := open(t, f)
	keys := []string{"a", "a/1", "a/2", "a/2/x", "a0", "ab", "b", "b\xff", "b\xff\xff", "c"}
	ops := make([]op, len(keys))
	for i, k := range keys {
		ops[len(keys)-1-i] = put(k, "v"+k) // commit out of order
	}
	if err := b.Commit(batch(ops...)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", keys},
		{"a", keys[:6]},
		{"a/", []string{"a/1", "a/2", "a/2/x"}},
		{"a/2", []string{"a/2", "a/2/x"}},
		{"a/3", nil},
		{"b\xff", []string{"b\xff", "b\xff\xff"}},
		{"c", []string{"c"}},
		{"d", nil},
		{"\x00", nil},
	}
	for _, tt := range tests {
		var want []kv
		for _, k := range tt.want {
			want = append(want, kv{k, "v" + k})
		}
		if got := contents(t, b, tt.prefix); !slices.Equal(got, want) {
			t.Errorf("Scan(%q) = %q, want %q", tt.prefix, got, want)
		}
	}

	// Many keys come back sorted.
	b = open(t, f)
	var big store.Batch
	for i := range 5000 {
		big.Put(fmt.Appendf(nil, "k%d", i*7919%5000), []byte{byte(i)})
	}
	if err := b.Commit(&big); err != nil {
		t.Fatal(err)
	}
	var got [][]byte
	b.Scan(nil, func(k, _ []byte) error {
		got = append(got, bytes.Clone(k))
		return nil
	})
	if len(got) != 5000 || !slices.IsSortedFunc(got, bytes.Compare) {
		t.Errorf("Scan(nil) returned %d keys, sorted: %t; want 5000 sorted", len(got), slices.IsSortedFunc(got, bytes.Compare))
	}
}

func testInvalidBatch(t *testing.T, f Factory) {
	long := string(make([]byte, store.MaxKeySize+1))
	tests := []struct {
		name string
		ops  []op
		want error
	}{
		{"empty key", []op{put("ok", "1"), put("", "x")}, store.ErrKeyRequired},
		{"empty key delete", []op{put("ok", "1"), del("")}, store.ErrKeyRequired},
		{"key too large", []op{put("ok", "1"), put(long, "x")}, store.ErrKeyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := open(t, f)
			if err := b.Commit(batch(put("before", "0"))); err != nil {
				t.Fatal(err)
			}
			if err := b.Commit(batch(tt.ops...)); !errors.Is(err, tt.want) {
				t.Fatalf("Commit error = %v, want %v", err, tt.want)
			}
			if got, want := contents(t, b, ""), []kv{{"before", "0"}}; !slices.Equal(got, want) {
				t.Errorf("after failed commit, contents = %q, want %q", got, want)
			}
		})
	}
	// The longest allowed key is accepted.
	b := open(t, f)
	key := bytes.Repeat([]byte{'k'}, store.MaxKeySize)
	if err := b.Commit(batch(put(string(key), "v"))); err != nil {
		t.Fatalf("Commit of a MaxKeySize key: %v", err)
	}
	if v, err := b.Get(key); err != nil || string(v) != "v" {
		t.Errorf("Get(MaxKeySize key) = %q, %v", v, err)
	}
}

// testOwnership checks that no buffer is shared across the interface: the
// caller's buffers after Put, the batch after Commit, the result of Get.
func testOwnership(t *testing.T, f Factory) {
	b := open(t, f)
	key, value := []byte("key"), []byte("value")
	var batch store.Batch
	batch.Put(key, value)
	copy(key, "xxx")
	copy(value, "XXXXX")
	if err := b.Commit(&batch); err != nil {
		t.Fatal(err)
	}
	batch.Reset()
	batch.Put([]byte("key"), []byte("other"))
	batch.Put([]byte("zzz"), []byte("ZZZZZ"))
	got, err := b.Get([]byte("key"))
	if err != nil || string(got) != "value" {
		t.Fatalf("Get = %q, %v; want \"value\"", got, err)
	}
	got[0] = 'V'
	if again, _ := b.Get([]byte("key")); string(again) != "value" {
		t.Errorf("modifying Get's result changed the store: %q", again)
	}
	if got := contents(t, b, ""); !slices.Equal(got, []kv{{"key", "value"}}) {
		t.Errorf("contents = %q", got)
	}
}

func testScanError(t *testing.T, f Factory) {
	b := open(t, f)
	if err := b.Commit(batch(put("a", "1"), put("b", "2"), put("c", "3"))); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	var seen []string
	err := b.Scan(nil, func(k, _ []byte) error {
		seen = append(seen, string(k))
		if string(k) == "b" {
			return stop
		}
		return nil
	})
	if err != stop || !slices.Equal(seen, []string{"a", "b"}) {
		t.Errorf("Scan stopped at b returned %v after %q; want the callback's error after [a b]", err, seen)
	}
}

func testClosed(t *testing.T, f Factory) {
	b := f.Open(t)
	if err := b.Commit(batch(put("a", "1"))); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := b.Get([]byte("a")); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Get after Close: %v, want ErrClosed", err)
	}
	if err := b.Scan(nil, func(_, _ []byte) error { return nil }); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Scan after Close: %v, want ErrClosed", err)
	}
	if err := b.Commit(batch(put("b", "2"))); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Commit after Close: %v, want ErrClosed", err)
	}
}

func testLarge(t *testing.T, f Factory) {
	b := open(t, f)
	big := make([]byte, 4<<20)
	for i := range big {
		big[i] = byte(i * 31 >> 8)
	}
	if err := b.Commit(batch(put("big", string(big)), put("small", "s"))); err != nil {
		t.Fatal(err)
	}
	if got, err := b.Get([]byte("big")); err != nil || !bytes.Equal(got, big) {
		t.Errorf("Get(big): %d bytes, %v; want the %d bytes stored", len(got), err, len(big))
	}
	if err := b.Commit(batch(del("big"))); err != nil {
		t.Fatal(err)
	}
	if got := contents(t, b, ""); !slices.Equal(got, []kv{{"small", "s"}}) {
		t.Errorf("contents = %q", got)
	}
}

// testAtomicity runs scans and gets concurrently with commits that each
// set every key to the same new value: a reader seeing two values at once
// would have seen half a commit.
func testAtomicity(t *testing.T, f Factory) {
	b := open(t, f)
	const keys, commits = 20, 200
	write := func(n int) *store.Batch {
		var batch store.Batch
		for k := range keys {
			batch.Put(fmt.Appendf(nil, "k%02d", k), fmt.Appendf(nil, "%d", n))
		}
		return &batch
	}
	if err := b.Commit(write(0)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	done := make(chan struct{})
	errs := make(chan error, 1)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				var values []string
				if err := b.Scan([]byte("k"), func(_, v []byte) error {
					values = append(values, string(v))
					return nil
				}); err != nil {
					report(err)
					return
				}
				if len(values) != keys || slices.ContainsFunc(values, func(v string) bool { return v != values[0] }) {
					report(fmt.Errorf("a scan saw a partial commit: %q", values))
					return
				}
			}
		}()
	}
	for n := 1; n <= commits; n++ {
		if err := b.Commit(write(n)); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
}

func testReopen(t *testing.T, f Factory) {
	b := f.Open(t)
	if err := b.Commit(batch(put("a", "1"), put("b", "2"), put("c", ""))); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(batch(del("b"), put("a", "one"))); err != nil {
		t.Fatal(err)
	}
	b = f.Reopen(t, b)
	defer b.Close()
	if got, want := contents(t, b, ""), []kv{{"a", "one"}, {"c", ""}}; !slices.Equal(got, want) {
		t.Errorf("after reopening, contents = %q, want %q", got, want)
	}
}

// BenchmarkCommit measures the latency of committing batches of small
// puts, half to new keys and half overwriting keys among preloaded ones,
// into a backend that already holds 0 or 100,000 keys.
func BenchmarkCommit(b *testing.B, open func(testing.TB) store.Backend) {
	value := make([]byte, 60) // a small table's record
	// Keys spread over the key space, made beforehand so that only the
	// backend is measured.
	keys := make([][]byte, 100_003)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "o/%08d", i*7919%len(keys))
	}
	key := func(i int) []byte { return keys[i%len(keys)] }
	for _, preload := range []int{0, 100_000} {
		for _, puts := range []int{1_000, 10_000} {
			b.Run(fmt.Sprintf("preload=%d/puts=%d", preload, puts), func(b *testing.B) {
				s := open(b)
				defer s.Close()
				var batch store.Batch
				next := 0
				for next < preload {
					batch.Reset()
					for ; batch.Len() < 10_000 && next < preload; next++ {
						batch.Put(key(next), value)
					}
					if err := s.Commit(&batch); err != nil {
						b.Fatal(err)
					}
				}
				r := rand.New(rand.NewPCG(1, 2))
				for b.Loop() {
					batch.Reset()
					for i := range puts {
						if i%2 == 0 && preload > 0 {
							batch.Put(key(r.IntN(preload)), value)
						} else {
							batch.Put(key(next), value)
							next++
						}
					}
					if err := s.Commit(&batch); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

package mirror

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/luawasm/luawasm/store"
)

func dump(t *testing.T, b store.Backend) string {
	t.Helper()
	var out []byte
	err := b.Scan(nil, func(k, v []byte) error {
		out = append(out, k...)
		out = append(out, '=')
		out = append(out, v...)
		out = append(out, ' ')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// The message format is shared with js/store.js, whose test pins the same
// bytes for a put of "k" = "v".
func TestBatchMessage(t *testing.T) {
	ops := []store.Op{
		{Key: []byte("k"), Value: []byte("v")},
		{Key: bytes.Repeat([]byte("x"), 200), Delete: true},
		{Key: []byte("e"), Value: []byte{}},
	}
	msg := AppendBatch(nil, ops)
	if got := hex.EncodeToString(msg[:5]); got != "00016b0176" {
		t.Errorf("first op %s, want 00016b0176", got)
	}
	back, err := ParseBatch(msg)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || string(back[0].Key) != "k" || string(back[0].Value) != "v" ||
		!back[1].Delete || len(back[1].Key) != 200 || back[2].Delete || len(back[2].Value) != 0 {
		t.Errorf("round trip: %+v", back)
	}
	for _, bad := range []string{"02016b", "00016b", "00056b0176", "0001"} {
		m, _ := hex.DecodeString(bad)
		if _, err := ParseBatch(m); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v, want ErrMalformed", bad, err)
		}
	}
}

func TestCommitReachesSinkAndMemory(t *testing.T) {
	var sent [][]store.Op
	m := New(func(msg []byte) {
		ops, err := ParseBatch(bytes.Clone(msg))
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, ops)
	})
	if err := m.Load(AppendBatch(nil, []store.Op{{Key: []byte("a"), Value: []byte("1")}})); err != nil {
		t.Fatal(err)
	}
	var b store.Batch
	b.Put([]byte("b"), []byte("2"))
	b.Delete([]byte("a"))
	if err := m.Commit(&b); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, m); got != "b=2 " {
		t.Errorf("memory holds %q", got)
	}
	if len(sent) != 1 || len(sent[0]) != 2 || string(sent[0][0].Key) != "b" || !sent[0][1].Delete {
		t.Errorf("sink got %+v (loads must not be sent back)", sent)
	}
	if err := m.ApplyRemote(AppendBatch(nil, []store.Op{{Key: []byte("c"), Value: []byte("3")}})); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, m); got != "b=2 c=3 " || len(sent) != 1 {
		t.Errorf("after a remote batch: %q, %d sent", got, len(sent))
	}
}

func TestInvalidBatchChangesNothing(t *testing.T) {
	m := New(func([]byte) { t.Error("an invalid batch reached the sink") })
	var b store.Batch
	b.Put([]byte("ok"), []byte("1"))
	b.Put(nil, []byte("no key"))
	if err := m.Commit(&b); !errors.Is(err, store.ErrKeyRequired) {
		t.Fatalf("got %v, want ErrKeyRequired", err)
	}
	if got := dump(t, m); got != "" {
		t.Errorf("memory holds %q", got)
	}
}

func TestResetReplacesEverything(t *testing.T) {
	m := New(func([]byte) { t.Fatal("Reset must not hand records back") })
	if err := m.Load(AppendBatch(nil, []store.Op{{Key: []byte("a"), Value: []byte("1")}, {Key: []byte("b"), Value: []byte("2")}})); err != nil {
		t.Fatal(err)
	}
	if err := m.Reset(AppendBatch(nil, []store.Op{{Key: []byte("c"), Value: []byte("3")}})); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"a": "", "b": "", "c": "3"} {
		got, err := m.Get([]byte(key))
		if want == "" {
			if err == nil {
				t.Errorf("Get(%q) = %q after Reset, want not found", key, got)
			}
			continue
		}
		if err != nil || string(got) != want {
			t.Errorf("Get(%q) = %q, %v; want %q", key, got, err, want)
		}
	}
	if err := m.Reset([]byte{9}); err != ErrMalformed {
		t.Errorf("Reset(malformed) = %v, want ErrMalformed", err)
	}
}

// The bridge hands Load its input buffer, which the host overwrites with
// the next message: the records must not be slices of it.
func TestLoadDoesNotRetainTheMessage(t *testing.T) {
	m := New(func([]byte) {})
	msg := AppendBatch(nil, []store.Op{{Key: []byte("a"), Value: []byte("1")}, {Key: []byte("b"), Value: []byte("2")}})
	if err := m.Load(msg); err != nil {
		t.Fatal(err)
	}
	for i := range msg {
		msg[i] = 'x'
	}
	if got := dump(t, m); got != "a=1 b=2 " {
		t.Errorf("after the message was overwritten, memory holds %q", got)
	}
	for _, bad := range []string{"00016b0176" + "02", "00016b0176" + "0001"} {
		b, _ := hex.DecodeString(bad)
		if err := m.Load(b); err != ErrMalformed {
			t.Errorf("Load(%s) = %v, want ErrMalformed", bad, err)
		}
	}
	if got := dump(t, m); got != "a=1 b=2 " {
		t.Errorf("a malformed message changed memory: %q", got)
	}
}

// Commit sizes its message in advance: the size must be exact, for
// batches of every op kind and length prefixes of one and two bytes.
func TestBatchSize(t *testing.T) {
	for _, ops := range [][]store.Op{
		nil,
		{{Key: []byte("k"), Value: []byte("v")}},
		{{Key: []byte("k"), Value: []byte{}}, {Key: []byte("d"), Delete: true}},
		{{Key: bytes.Repeat([]byte("k"), 127), Value: bytes.Repeat([]byte("v"), 128)}, {Key: bytes.Repeat([]byte("d"), 300), Delete: true}},
		{{Key: []byte("k"), Value: make([]byte, 70000)}},
	} {
		if got, want := batchSize(ops), len(AppendBatch(nil, ops)); got != want {
			t.Errorf("batchSize = %d, want %d (%d ops)", got, want, len(ops))
		}
	}
}

package crashtest

import (
	"bytes"
	"errors"
	"maps"
	"testing"

	"github.com/luawasm/luawasm/store/memstore"
)

// TestModelMatchesWriter checks the model against what the writer really
// stores, after every commit, and across a restart of the writer.
func TestModelMatchesWriter(t *testing.T) {
	const seed = 12345
	b := memstore.New()
	defer b.Close()
	model := NewModel(seed)
	stop := errors.New("stop")
	compressed := 0
	check := func(n uint64) error {
		got, seq, err := Load(b)
		if err != nil {
			t.Fatal(err)
		}
		model.Advance(n)
		if seq != n || !maps.EqualFunc(got, model.Contents(), bytes.Equal) {
			t.Fatalf("after commit %d (store says %d), the store differs from the model", n, seq)
		}
		b.Scan(nil, func(_, rec []byte) error {
			if rec[1] != 0 {
				compressed++
			}
			return nil
		})
		if n%50 == 0 {
			return stop // restart: Write resumes after the last commit
		}
		return nil
	}
	for range 4 {
		if err := Write(b, seed, check); err != stop {
			t.Fatal(err)
		}
	}
	if model.Seq() != 200 {
		t.Errorf("model at %d after four runs of 50 commits", model.Seq())
	}
	if compressed == 0 {
		t.Error("no record was compressed")
	}
}

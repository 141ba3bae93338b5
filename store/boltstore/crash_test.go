//go:build !js && !wasip1

package boltstore

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/luawasm/luawasm/internal/crashtest"
)

var crashKills = flag.Int("crash.kills", 50, "number of times TestCrashConsistency kills the writer")

// The crash test runs its writer as a copy of the test binary, told so by
// these environment variables.
const (
	writerPathEnv = "BOLTSTORE_CRASH_WRITER"
	writerSeedEnv = "BOLTSTORE_CRASH_SEED"
)

func TestMain(m *testing.M) {
	crashtest.WriterMain(writerPathEnv, runWriter)
	os.Exit(m.Run())
}

// runWriter commits to the store at path until killed, reporting each
// commit once Commit has returned.
func runWriter(path string, report func(n uint64) error) error {
	seed, err := strconv.ParseUint(os.Getenv(writerSeedEnv), 10, 64)
	if err != nil {
		return err
	}
	st, err := Open(path, &Options{LockTimeout: 10 * time.Second})
	if err != nil {
		return err
	}
	return crashtest.Write(st, seed, report)
}

// TestCrashConsistency kills a writer process with SIGKILL at random
// moments, and after each kill checks that the file holds exactly the state
// of the last commit the writer reported, or of the one it was making; that
// every record's checksum verifies; and that bbolt finds its own structure
// consistent.
func TestCrashConsistency(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, %d kills", seed, *crashKills)
	model := crashtest.NewModel(seed)
	r := rand.New(rand.NewPCG(seed, 0))
	inFlight, beforeCommit := 0, 0
	for i := range *crashKills {
		// One kill in five lands anywhere from start-up on, also while the
		// writer opens the file; the others after its first commit. Never
		// before the very first commit: a file bbolt is still creating is
		// not a store yet.
		early := i > 0 && r.IntN(5) == 0
		reported := writeUntilKilled(t, path, seed, r, early)
		if reported == 0 {
			beforeCommit++
			reported = model.Seq()
		}
		if check(t, path, model, reported) > reported {
			inFlight++
		}
	}
	t.Logf("%d commits; of %d kills, %d came before the run's first commit and %d hit a commit durable but not yet reported",
		model.Seq(), *crashKills, beforeCommit, inFlight)
}

// writeUntilKilled runs the writer on path and kills it at a random
// moment: within 20 ms of its first commit, or if early within 20 ms of its
// start. It returns the last commit number the writer reported, 0 if none.
func writeUntilKilled(t *testing.T, path string, seed uint64, r *rand.Rand, early bool) uint64 {
	w := crashtest.StartWriter(t, writerPathEnv+"="+path, fmt.Sprintf("%s=%d", writerSeedEnv, seed))
	if !early {
		w.WaitReport(30 * time.Second)
	}
	return w.KillAfter(time.Duration(r.Int64N(int64(20 * time.Millisecond))))
}

// check opens the store at path and compares it with the model, which it
// advances to the commit found. reported is the last commit the writer
// reported: the store must hold it or the next one.
func check(t *testing.T, path string, model *crashtest.Model, reported uint64) uint64 {
	t.Helper()
	s, err := Open(path, nil)
	if err != nil {
		t.Fatalf("reopening after kill: %v", err)
	}
	defer s.Close()
	err = s.db.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() {
			first = cmp.Or(first, err)
		}
		return first
	})
	if err != nil {
		t.Fatalf("bbolt consistency check: %v", err)
	}
	got, seq, err := crashtest.Load(s)
	if err != nil {
		t.Fatalf("loading after kill: %v", err)
	}
	if seq != reported && seq != reported+1 {
		t.Fatalf("store holds commit %d; the writer had reported %d", seq, reported)
	}
	model.Advance(seq)
	if want := model.Contents(); !maps.EqualFunc(got, want, bytes.Equal) {
		for k, v := range want {
			if !bytes.Equal(got[k], v) {
				t.Errorf("key %q: got %.40q, want %.40q", k, got[k], v)
			}
		}
		for k := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("key %q: present, want absent", k)
			}
		}
		t.Fatalf("store at commit %d differs from the model", seq)
	}
	return seq
}

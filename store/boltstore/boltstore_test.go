//go:build !js && !wasip1

package boltstore

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/internal/backendtest"
)

func openTemp(t testing.TB, opts *Options) *Store {
	s, err := Open(filepath.Join(t.TempDir(), "store.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	backendtest.Run(t, backendtest.Factory{
		Open: func(t testing.TB) store.Backend { return openTemp(t, nil) },
		Reopen: func(t *testing.T, b store.Backend) store.Backend {
			path := b.(*Store).db.Path()
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	})
}

func BenchmarkCommit(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("nosync=%t", noSync), func(b *testing.B) {
			backendtest.BenchmarkCommit(b, func(tb testing.TB) store.Backend {
				return openTemp(tb, &Options{NoSync: noSync})
			})
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	held := filepath.Join(dir, "held.db")
	s, err := Open(held, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	notBolt := filepath.Join(dir, "script.lua")
	if err := os.WriteFile(notBolt, bytes.Repeat([]byte("print('hello')\n"), 1000), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing", "x.db")
	tests := []struct {
		path string
		want string // the message, or just its start when is is set
		is   error
	}{
		{path: held, want: "boltstore: open " + held + ": timeout (the file is in use by another process)"},
		{path: notBolt, want: "boltstore: open " + notBolt + ": invalid database"},
		{path: missing, want: "boltstore: open " + missing + ": ", is: fs.ErrNotExist},
	}
	for _, tt := range tests {
		s, err := Open(tt.path, &Options{LockTimeout: 50 * time.Millisecond})
		if err == nil {
			s.Close()
			t.Errorf("Open(%s) succeeded", tt.path)
			continue
		}
		if tt.is != nil && (!errors.Is(err, tt.is) || !strings.HasPrefix(err.Error(), tt.want)) ||
			tt.is == nil && err.Error() != tt.want {
			t.Errorf("Open(%s):\n got %v\nwant %s (%v)", tt.path, err, tt.want, tt.is)
		}
	}
}

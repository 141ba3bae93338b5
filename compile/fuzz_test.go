package compile

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/luawasm/luawasm/syntax"
)

// addSeedPrograms adds the testdata programs to a fuzz corpus.
func addSeedPrograms(f *testing.F, add func(src string)) {
	files, _ := filepath.Glob("testdata/*.lua")
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		add(string(src))
	}
}

// FuzzUndump loads arbitrary and mutated binary chunks: loading must never
// panic, and what loads verifies again, lists, and survives another dump.
func FuzzUndump(f *testing.F) {
	addSeedPrograms(f, func(src string) {
		chunk, err := syntax.Parse("=seed", src)
		if err != nil {
			return
		}
		if p, err := Compile(chunk); err == nil {
			f.Add(Dump(p, false))
			f.Add(Dump(p, true))
		}
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Undump(data, "=fuzz")
		if err != nil {
			return
		}
		if err := Verify(p); err != nil {
			t.Fatalf("loaded function fails a second verification: %v", err)
		}
		Listing(p)
		q, err := Undump(Dump(p, false), "=fuzz")
		if err != nil {
			t.Fatalf("reloading a loaded function: %v", err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("reloaded function differs")
		}
	})
}

// FuzzCompile compiles arbitrary text: it must never panic, and whatever
// compiles verifies and survives a dump.
func FuzzCompile(f *testing.F) {
	addSeedPrograms(f, func(src string) { f.Add(src) })
	f.Fuzz(func(t *testing.T, src string) {
		chunk, err := syntax.Parse("=fuzz", src)
		if err != nil {
			return
		}
		p, err := Compile(chunk)
		if err != nil {
			if _, ok := err.(*syntax.Error); !ok {
				t.Fatalf("compile error of type %T", err)
			}
			return
		}
		if err := Verify(p); err != nil {
			t.Fatalf("compiled code fails verification: %v\n%s", err, Listing(p))
		}
		if _, err := Undump(Dump(p, true), "=fuzz"); err != nil {
			t.Fatalf("reloading compiled code: %v", err)
		}
	})
}

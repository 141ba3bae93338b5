package luatest

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestReadKnownFailures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known.txt")
	list := "# comment\n\nconformance/11_string_format %a conversion\ntestdata/io_files  no files in js\nconformance/30_error_messages\n"
	if err := os.WriteFile(path, []byte(list), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadKnownFailures(path, "conformance")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"11_string_format": "%a conversion", "30_error_messages": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if err := os.WriteFile(path, []byte("nosuite reason\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadKnownFailures(path, "conformance"); err == nil {
		t.Error("a line without suite/name: no error")
	}
}

// The project's list must parse.
func TestKnownFailuresFile(t *testing.T) {
	if _, err := ReadKnownFailures("known_failures.txt", "conformance"); err != nil {
		t.Fatal(err)
	}
}

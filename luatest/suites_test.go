package luatest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the project's testdata/*.expected from "+ReferenceName)

// sharedConformance is the shared conformance suite, beside the repository.
var sharedConformance = filepath.Join("..", "..", "shared", "conformance")

func knownFailures(t *testing.T, suite string) map[string]string {
	known, err := ReadKnownFailures("known_failures.txt", suite)
	if err != nil {
		t.Fatal(err)
	}
	return known
}

// TestConformance runs the shared conformance programs against their
// expected outputs (from Lua 5.4.7, which wins over the installed lua5.4
// where they differ, so there is no differential check here).
func TestConformance(t *testing.T) {
	if _, err := os.Stat(sharedConformance); err != nil {
		t.Skipf("no shared conformance suite: %v", err)
	}
	RunDir(t, sharedConformance, Options{KnownFailures: knownFailures(t, "conformance")})
}

// TestProjectScripts runs the project's own scripts in testdata/, also
// differentially against lua5.4 when it is installed; -update regenerates
// their expected outputs with it.
func TestProjectScripts(t *testing.T) {
	RunDir(t, filepath.Join("..", "testdata"), Options{
		Differential:  true,
		Update:        *update,
		KnownFailures: knownFailures(t, "testdata"),
	})
}

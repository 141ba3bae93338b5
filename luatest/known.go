package luatest

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// ReadKnownFailures reads the known failures of one suite from a list with
// a line "suite/name reason" per failing script ('#' starts a comment line)
// and returns them as a name -> reason map for Options.KnownFailures.
func ReadKnownFailures(path, suite string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	known := make(map[string]string)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		entry, reason, _ := strings.Cut(line, " ")
		s, name, ok := strings.Cut(entry, "/")
		if !ok || name == "" {
			return nil, fmt.Errorf("%s:%d: want \"suite/name reason\", got %q", path, n, line)
		}
		if s == suite {
			known[name] = strings.TrimSpace(reason)
		}
	}
	return known, sc.Err()
}

package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
)

// The --store FILE option: the script, the -e chunks and each line of the
// REPL run with a global Memory that persists in FILE (a bbolt file,
// created if needed). Each of them is one transaction: when it ends with
// an error (or os.exit with a failure status) its changes to Memory are
// rolled back; otherwise they are committed before the next one runs.

// storeOption removes "--store FILE" or "--store=FILE" from the options
// of argv (the words before the script) and returns FILE, or "" when the
// option is absent; bad is the malformed option, if any.
func storeOption(argv []string) (rest []string, path, bad string) {
	rest = append(rest, argv[0])
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "--store":
			if i+1 >= len(argv) || path != "" {
				return argv, "", a
			}
			path = argv[i+1]
			i++
		case strings.HasPrefix(a, "--store="):
			if path != "" || a == "--store=" {
				return argv, "", a
			}
			path = strings.TrimPrefix(a, "--store=")
		default:
			if a == "--" || a == "-" || a == "" || a[0] != '-' {
				return append(rest, argv[i:]...), path, ""
			}
			rest = append(rest, a)
			if (a == "-e" || a == "-l") && i+1 < len(argv) {
				i++
				rest = append(rest, argv[i])
			}
		}
	}
	return rest, path, ""
}

// newState returns the interpreter's state: a plain one with the
// standard libraries, or with a store path, the state of an engine whose
// Memory persists there.
func newState(path string, stdout io.Writer, noEnv bool) (*lua.State, *engine.Engine, error) {
	prepare := func(s *lua.State) {
		s.Stdout = stdout
		s.SetGCMode("generational") // as lua.c does
		if noEnv {
			// Tells the package library to ignore LUA_PATH and LUA_CPATH, as lua.c does.
			s.Registry().SetStr("LUA_NOENV", lua.True)
		}
	}
	if path == "" {
		s := lua.NewState()
		prepare(s)
		lib.OpenAll(s)
		return s, nil, nil
	}
	b, err := openBackend(path)
	if err != nil {
		return nil, nil, err
	}
	eng, err := engine.Open(engine.Options{Backend: b, Prepare: prepare})
	if err != nil {
		b.Close()
		return nil, nil, fmt.Errorf("cannot open store %s: %v", path, err)
	}
	return eng.State(), eng, nil
}

// callIn calls fn: through the engine, as a transaction, when there is a
// store.
func (in *interpreter) callIn(fn lua.Value, args ...lua.Value) ([]lua.Value, error) {
	if in.eng != nil {
		return in.eng.Call(fn, args...)
	}
	return in.s.Call(fn, args...)
}

// storeWarnings prints the records of the store that could not be loaded.
func (in *interpreter) storeWarnings() {
	if in.eng == nil {
		return
	}
	for _, w := range in.eng.Warnings() {
		fmt.Fprintf(in.stderr, "%s: warning: %v\n", in.progname, w)
	}
}

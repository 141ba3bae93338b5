//go:build js

package lib

import "github.com/luawasm/luawasm/lua"

func removeFile(name string) error { return errUnavailable }

func renameFile(from, to string) error { return errUnavailable }

func tempName() (string, error) {
	return "", lua.Errorf("unable to generate a unique filename (%s)", errUnavailable)
}

// exitProcess cannot end the process of a WebAssembly host: it returns an
// *ExitError, fatal so that no pcall stops it, which the host recognizes
// when the state's run fails.
func exitProcess(code int) error { return lua.Fatal(&ExitError{Code: code}) }

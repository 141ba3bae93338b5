//go:build !js

package lib

import (
	"os"

	"github.com/luawasm/luawasm/lua"
)

func removeFile(name string) error { return os.Remove(name) }

func renameFile(from, to string) error { return os.Rename(from, to) }

// tempName creates an empty temporary file and returns its name, as the
// reference's mkstemp does, or the error os.tmpname raises.
func tempName() (string, error) {
	f, err := os.CreateTemp("", "lua_")
	if err != nil {
		return "", lua.Errorf("unable to generate a unique filename")
	}
	f.Close()
	return f.Name(), nil
}

// exitProcess ends the process; it does not return.
func exitProcess(code int) error {
	os.Exit(code)
	return nil
}

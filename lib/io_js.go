//go:build js

package lib

import "errors"

// Under GOOS=js there is no file system or process to reach: operations
// that need one fail with errUnavailable, in luaL_fileresult's shape.
var errUnavailable = errors.New("file access is not available in this environment")

func openFile(name, mode string) (handle, error) { return nil, errUnavailable }

func openTempFile() (handle, error) { return nil, errUnavailable }

func startProcess(prog, mode string) (handle, func() (string, int, error), error) {
	return nil, nil, errProcessesUnavailable
}

var errProcessesUnavailable = errors.New("running commands is not available in this environment")

func runCommand(command string) (string, int, error) { return "", 0, errProcessesUnavailable }

func shellAvailable() bool { return false }

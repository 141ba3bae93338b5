//go:build !js

package lib

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

// openFile opens name with an fopen mode (already validated).
func openFile(name, mode string) (handle, error) {
	var flag int
	switch strings.TrimRight(mode, "b") {
	case "r":
		flag = os.O_RDONLY
	case "w":
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	case "a":
		flag = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	case "r+":
		flag = os.O_RDWR
	case "w+":
		flag = os.O_RDWR | os.O_CREATE | os.O_TRUNC
	default: // "a+"
		flag = os.O_RDWR | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(name, flag, 0o666)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// openTempFile opens an anonymous read-write file, removed once created
// (C's tmpfile).
func openTempFile() (handle, error) {
	f, err := os.CreateTemp("", "lua_")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	return f, nil
}

// shell runs command lines, as C's popen and system do.
const shell = "/bin/sh"

// startProcess runs prog with the shell, connected to the returned handle:
// its standard output for mode "r", its standard input for mode "w". wait
// closes nothing; it waits for the process and reports how it ended.
func startProcess(prog, mode string) (h handle, wait func() (how string, code int, err error), err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(shell, "-c", prog)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	parentEnd, childEnd := oneWay{f: r}, w
	if mode == "w" {
		parentEnd, childEnd = oneWay{f: w, write: true}, r
		cmd.Stdin = childEnd
	} else {
		cmd.Stdout = childEnd
	}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, nil, err
	}
	childEnd.Close()
	return parentEnd, func() (string, int, error) { return exitStatus(cmd.Wait()) }, nil
}

// runCommand runs a command line with the shell, sharing the standard
// streams (C's system).
func runCommand(command string) (how string, code int, err error) {
	cmd := exec.Command(shell, "-c", command)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return exitStatus(cmd.Run())
}

// shellAvailable reports whether commands can be run (system(NULL)).
func shellAvailable() bool {
	_, err := os.Stat(shell)
	return err == nil
}

// exitStatus interprets the result of running a process as
// luaL_execresult does: "exit" and the status, or "signal" and the signal.
func exitStatus(err error) (how string, code int, _ error) {
	if err == nil {
		return "exit", 0, nil
	}
	ee, ok := errors.AsType[*exec.ExitError](err)
	if !ok {
		return "", 0, err
	}
	if ws, ok := ee.Sys().(interface {
		Signaled() bool
		Signal() syscall.Signal
	}); ok && ws.Signaled() {
		return "signal", int(ws.Signal()), nil
	}
	return "exit", ee.ExitCode(), nil
}

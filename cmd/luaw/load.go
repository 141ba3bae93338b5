package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/syntax"
)

// loadFile loads a chunk from a file as luaL_loadfile does: name "" means
// standard input (chunk name "=stdin"); a UTF-8 byte-order mark and a first
// line starting with '#' are skipped (the line's newline is kept so line
// numbers stay right); the file may hold source or a binary chunk.
func loadFile(s *lua.State, name string) (lua.Value, error) {
	chunkname, shown := "=stdin", "stdin"
	f := os.Stdin
	if name != "" {
		chunkname, shown = "@"+name, name
		var err error
		if f, err = os.Open(name); err != nil {
			return lua.Nil, fileError("open", shown, err)
		}
		defer f.Close()
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return lua.Nil, fileError("read", shown, err)
	}
	src := syntax.TrimFileHeader(string(data))
	// luaL_loadfile also drops the comment line's newline when a binary
	// chunk follows it; TrimFileHeader keeps it.
	if strings.HasPrefix(src, "\n\x1b") {
		src = src[1:]
	}
	return s.Load(src, chunkname, "bt")
}

// fileError is luaL_loadfile's message for a file that cannot be opened or
// read: "cannot open name: No such file or directory".
func fileError(what, name string, err error) error {
	return fmt.Errorf("cannot %s %s: %s", what, name, strerror(err))
}

// strerror renders err as C's strerror does for the underlying errno
// (capitalized: "No such file or directory").
func strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	msg := errno.Error()
	if msg != "" && 'a' <= msg[0] && msg[0] <= 'z' {
		msg = string(msg[0]-'a'+'A') + msg[1:]
	}
	return msg
}

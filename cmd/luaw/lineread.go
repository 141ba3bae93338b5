package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// A lineReader reads the REPL's input a line at a time.
type lineReader interface {
	// readLine shows prompt and returns the next line without its end of
	// line; io.EOF at the end of the input, errInterrupted when the user
	// abandons the line.
	readLine(prompt string) (string, error)
}

// errInterrupted is Ctrl-C at the prompt: the REPL drops the statement
// being typed and prompts again.
var errInterrupted = errors.New("interrupted")

// newLineReader returns a line editor with history when both in and out
// are terminals, else a plain reader that writes prompts to out.
//
// The editor is golang.org/x/term's Terminal: maintained with Go itself,
// pure Go (it builds for every GOOS, js included, where the plain reader is
// used), and it has what the REPL needs: cursor movement, word and line
// editing, history recall with the arrow keys.
func newLineReader(in, out *os.File) lineReader {
	if term.IsTerminal(int(in.Fd())) && term.IsTerminal(int(out.Fd())) {
		r := &terminalReader{fd: int(in.Fd()), keys: &keyWatcher{r: in}, out: out}
		r.reset()
		return r
	}
	return &plainReader{r: bufio.NewReader(in), w: out}
}

// terminalReader edits lines in raw mode; the terminal is back in its
// normal mode while Lua code runs, so that output and io.read behave.
type terminalReader struct {
	fd   int
	keys *keyWatcher
	out  io.Writer
	t    *term.Terminal
}

// reset starts a fresh editor keeping the history: term.Terminal ends a
// line on Ctrl-C or Ctrl-D without clearing its state.
func (r *terminalReader) reset() {
	rw := struct {
		io.Reader
		io.Writer
	}{r.keys, r.out}
	t := term.NewTerminal(rw, "")
	if r.t != nil {
		t.History = r.t.History
	}
	r.t = t
}

func (r *terminalReader) readLine(prompt string) (string, error) {
	saved, err := term.MakeRaw(r.fd)
	if err != nil {
		return "", err
	}
	defer term.Restore(r.fd, saved)
	if w, h, err := term.GetSize(r.fd); err == nil {
		r.t.SetSize(w, h)
	}
	r.t.SetPrompt(prompt)
	line, err := r.t.ReadLine()
	switch {
	case err == term.ErrPasteIndicator: // a pasted line is still a line
		return line, nil
	case err == io.EOF && r.keys.interrupted:
		r.keys.interrupted = false
		r.reset()
		io.WriteString(r.out, "^C\r\n")
		return "", errInterrupted
	case err != nil:
		r.reset()
	}
	return line, err
}

// keyWatcher passes the terminal's input to the editor and notes a Ctrl-C,
// which term.Terminal reports as io.EOF just like Ctrl-D.
type keyWatcher struct {
	r           io.Reader
	interrupted bool
}

func (k *keyWatcher) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	if bytes.IndexByte(p[:n], 3) >= 0 {
		k.interrupted = true
	}
	return n, err
}

// plainReader reads lines from a pipe or file, as lua.c does without
// readline: the prompt is written, the input is not echoed.
type plainReader struct {
	r *bufio.Reader
	w io.Writer
}

func (r *plainReader) readLine(prompt string) (string, error) {
	io.WriteString(r.w, prompt)
	line, err := r.r.ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimSuffix(line, "\n"), nil
}

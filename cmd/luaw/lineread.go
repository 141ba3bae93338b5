package main

import (
	"bufio"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// A lineReader reads the REPL's input a line at a time.
type lineReader interface {
	// readLine shows prompt and returns the next line without its end of
	// line; io.EOF at the end of the input.
	readLine(prompt string) (string, error)
}

// newLineReader returns a line editor with history when both in and out
// are terminals, else a plain reader that writes prompts to out.
//
// The editor is golang.org/x/term's Terminal: maintained with Go itself,
// pure Go (it builds for every GOOS, js included, where the plain reader is
// used), and it has what the REPL needs: cursor movement, word and line
// editing, history recall with the arrow keys. Like lua.c under readline,
// Ctrl-D on an empty line and Ctrl-C leave the REPL.
func newLineReader(in, out *os.File) lineReader {
	if term.IsTerminal(int(in.Fd())) && term.IsTerminal(int(out.Fd())) {
		rw := struct {
			io.Reader
			io.Writer
		}{in, out}
		return &terminalReader{fd: int(in.Fd()), t: term.NewTerminal(rw, "")}
	}
	return &plainReader{r: bufio.NewReader(in), w: out}
}

// terminalReader edits lines in raw mode; the terminal is back in its
// normal mode while Lua code runs, so that output and io.read behave.
type terminalReader struct {
	fd int
	t  *term.Terminal
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
	if err == term.ErrPasteIndicator { // a pasted line is still a line
		err = nil
	}
	return line, err
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

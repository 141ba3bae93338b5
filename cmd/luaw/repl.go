package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/luawasm/luawasm/lua"
)

// repl runs lua.c's read-eval-print loop until the end of input: each line
// is first tried as an expression ("return line;") whose values are
// printed, then as a statement that continues on more lines while the
// syntax error is at <eof>. Errors are reported without the program name.
func (in *interpreter) repl() {
	saved := in.progname
	in.progname = ""
	defer func() { in.progname = saved }()
	lines := newLineReader(os.Stdin, os.Stdout)
	for {
		fn, err := in.loadLine(lines)
		if err == io.EOF {
			break
		}
		if err == errInterrupted {
			continue
		}
		if err == nil {
			var res []lua.Value
			if res, err = in.call(fn); err == nil {
				in.printResults(res)
				continue
			}
		}
		in.report(err)
	}
	fmt.Fprintln(in.s.Stdout)
	flush(in.s.Stdout)
}

// loadLine reads and compiles one complete input (lua.c's loadline); io.EOF
// means there is no more input, errInterrupted that the user dropped it.
func (in *interpreter) loadLine(lines lineReader) (lua.Value, error) {
	line, err := in.readLine(lines, true)
	if err != nil {
		return lua.Nil, err
	}
	if fn, err := in.s.Load("return "+line+";", "=stdin", "bt"); err == nil {
		return fn, nil
	}
	for {
		fn, err := in.s.Load(line, "=stdin", "bt")
		if err == nil || !incomplete(err) {
			return fn, err
		}
		more, rerr := in.readLine(lines, false)
		if rerr == errInterrupted {
			return lua.Nil, rerr
		}
		if rerr != nil { // the input ended inside the statement
			return fn, err
		}
		line += "\n" + more
	}
}

// incomplete reports whether a load error means the input stopped in the
// middle of a statement: the syntax error is at the end of the text.
func incomplete(err error) bool {
	return strings.HasSuffix(err.Error(), "<eof>")
}

// readLine reads a line with the prompt _PROMPT (first line) or _PROMPT2
// (continuation lines). A first line "=expr" means "return expr", as in
// Lua 5.2. The error is errInterrupted or, when the input cannot be read
// further, io.EOF.
func (in *interpreter) readLine(lines lineReader, firstLine bool) (string, error) {
	flush(in.s.Stdout)
	line, err := lines.readLine(in.prompt(firstLine))
	if err == errInterrupted {
		return "", err
	}
	if err != nil {
		return "", io.EOF
	}
	if firstLine && strings.HasPrefix(line, "=") {
		line = "return " + line[1:]
	}
	return line, nil
}

// prompt returns tostring(_PROMPT) or tostring(_PROMPT2), or the default
// when the global is nil.
func (in *interpreter) prompt(firstLine bool) string {
	name, def := "_PROMPT", "> "
	if !firstLine {
		name, def = "_PROMPT2", ">> "
	}
	v := in.s.GetGlobal(name)
	if v.IsNil() {
		return def
	}
	p, err := in.s.MainThread().ToString(v)
	if err != nil {
		return def
	}
	return p
}

// printResults passes the values of an expression line to the global print.
func (in *interpreter) printResults(res []lua.Value) {
	if len(res) == 0 {
		return
	}
	if _, err := in.s.Call(in.s.GetGlobal("print"), res...); err != nil {
		msg := "(null)" // what lua.c's "%s" shows for an error object that is no string
		if le, ok := errors.AsType[*lua.Error](err); ok {
			if s, ok := le.Value.ToStringCoerce(); ok {
				msg = s
			}
		} else {
			msg = err.Error()
		}
		in.report(fmt.Errorf("error calling 'print' (%s)", msg))
	}
}

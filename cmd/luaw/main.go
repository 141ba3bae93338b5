// Command luaw is a Lua 5.4 interpreter with the command line of the
// reference lua program (lua.c of Lua 5.4.7):
//
//	luaw [options] [script [args]]
//
// It handles the options -e, -l (also g=mod), -i, -v, -E, -W, "--" and "-",
// builds the arg table (the script at index 0, the interpreter and options at
// negative indexes, the script's arguments at positive ones, which are also
// passed as "..."), runs LUA_INIT_5_4 or LUA_INIT first, and reports errors
// as lua.c does: "progname: message" and a traceback on standard error,
// exit status 1. Without a script, it starts the read-eval-print loop when
// standard input is a terminal and runs standard input as a chunk otherwise.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"

	"golang.org/x/term"

	"github.com/luawasm/luawasm/engine"
	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
)

// versionLine is what -v and the interactive banner print: the language
// version this interpreter follows, marked as luaw.
const versionLine = "Lua 5.4.7  Copyright (C) 1994-2024 Lua.org, PUC-Rio (luaw)"

func main() {
	if os.Getenv("GOGC") == "" {
		// Lua programs allocate many small objects: collecting at 5x the
		// live heap instead of 2x measured 1.2-2.2x faster on the
		// allocation-heavy benchmarks (binary_trees, string_build).
		debug.SetGCPercent(400)
	}
	os.Exit(run(os.Args))
}

// An interpreter is one run of the command: a state and where its messages go.
type interpreter struct {
	s        *lua.State
	eng      *engine.Engine // with --store: runs each chunk as a transaction (store.go)
	progname string         // prefix of error messages; "" in the REPL, as lua.c does
	stderr   io.Writer
}

// run executes the command line argv and returns the exit status.
func run(argv []string) int {
	progname := "lua"
	if len(argv) > 0 && argv[0] != "" {
		progname = argv[0]
	}
	out := stdoutWriter(os.Stdout)
	defer flush(out)
	argv, storePath, badStore := storeOption(argv)
	if badStore != "" {
		printUsage(os.Stderr, progname, badStore)
		return 1
	}
	opts := parseOptions(argv)
	if opts.bad != "" {
		printUsage(os.Stderr, progname, opts.bad)
		return 1
	}
	if opts.version {
		fmt.Fprintln(out, versionLine)
	}

	s, eng, err := newState(storePath, out, opts.noEnv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", progname, err)
		return 1
	}
	if eng != nil {
		defer eng.Close()
	}
	defer closeState(s)
	s.SetGlobal("arg", argTable(argv, opts.script).Value())

	in := &interpreter{s: s, eng: eng, progname: progname, stderr: os.Stderr}
	in.storeWarnings()
	// lua.c runs its programs with the collector in generational mode,
	// which collectgarbage reports.
	if _, err := s.Call(s.GetGlobal("collectgarbage"), lua.String("generational")); err != nil {
		in.report(err)
		return 1
	}
	if !opts.noEnv && !in.runInit() {
		return 1
	}
	if !in.runOptions(argv[:opts.optionEnd(argv)]) {
		return 1
	}
	if opts.script > 0 && !in.runScript(argv, opts.script) {
		return 1
	}
	switch {
	case opts.interactive:
		in.repl()
	case opts.script == 0 && !opts.exec && !opts.version:
		if term.IsTerminal(int(os.Stdin.Fd())) {
			fmt.Fprintln(out, versionLine)
			in.repl()
		} else {
			// lua.c ignores the outcome here: an error in a piped chunk
			// is reported but the exit status stays 0.
			in.doFile("")
		}
	}
	return 0
}

// argTable builds the global arg: argv[script] at index 0, the words before
// it at negative indexes, the script's arguments at positive ones. Without a
// script the whole command line counts from the program name at index 0.
func argTable(argv []string, script int) *lua.Table {
	t := lua.NewTable(len(argv)-script-1, script+1)
	for i, a := range argv {
		t.SetInt(int64(i-script), lua.String(a))
	}
	return t
}

// runInit runs LUA_INIT_5_4, or else LUA_INIT: "@file" names a file to run,
// anything else is Lua code.
func (in *interpreter) runInit() bool {
	name := "LUA_INIT_5_4"
	code, ok := os.LookupEnv(name)
	if !ok {
		name = "LUA_INIT"
		if code, ok = os.LookupEnv(name); !ok {
			return true
		}
	}
	if len(code) > 0 && code[0] == '@' {
		return in.doFile(code[1:])
	}
	return in.doString(code, "="+name)
}

// runOptions executes -e, -l and -W in command-line order; opts holds the
// arguments before the script.
func (in *interpreter) runOptions(opts []string) bool {
	for i := 1; i < len(opts); i++ {
		a := opts[i]
		switch a[1] {
		case 'e', 'l':
			extra := a[2:]
			if extra == "" {
				i++
				extra = opts[i]
			}
			ok := false
			if a[1] == 'e' {
				ok = in.doString(extra, "=(command line)")
			} else {
				ok = in.requireLibrary(extra)
			}
			if !ok {
				return false
			}
		case 'W':
			in.s.SetWarnings(true)
		}
	}
	return true
}

// requireLibrary handles "-l mod" (global mod = require "mod"; a suffix
// after '-' is dropped from the global name) and "-l g=mod".
func (in *interpreter) requireLibrary(spec string) bool {
	global, mod := spec, spec
	for i := 0; i < len(spec); i++ {
		if spec[i] == '=' {
			global, mod = spec[:i], spec[i+1:]
			break
		}
	}
	if global == spec {
		for i := 0; i < len(spec); i++ {
			if spec[i] == '-' {
				global = spec[:i]
				break
			}
		}
	}
	res, err := in.call(in.s.GetGlobal("require"), lua.String(mod))
	if err != nil {
		return in.report(err)
	}
	in.s.SetGlobal(global, first(res))
	return true
}

// runScript loads argv[script] ("-" is standard input unless it follows
// "--") and calls it with the script arguments.
func (in *interpreter) runScript(argv []string, script int) bool {
	name := argv[script]
	if name == "-" && argv[script-1] != "--" {
		name = ""
	}
	fn, err := in.s.LoadFile(name, "bt")
	if err != nil {
		return in.report(err)
	}
	args := argv[script+1:]
	vals := make([]lua.Value, len(args))
	for i, a := range args {
		vals[i] = lua.String(a)
	}
	_, err = in.call(fn, vals...)
	return in.report(err)
}

// doFile loads and runs a file ("" for standard input) with no arguments.
func (in *interpreter) doFile(name string) bool {
	fn, err := in.s.LoadFile(name, "bt")
	if err == nil {
		_, err = in.call(fn)
	}
	return in.report(err)
}

// doString loads and runs a chunk of code.
func (in *interpreter) doString(code, chunkname string) bool {
	fn, err := in.s.Load(code, chunkname, "bt")
	if err == nil {
		_, err = in.call(fn)
	}
	return in.report(err)
}

// call calls fn on the main thread. A Lua error comes back with its message
// made as lua.c's message handler makes it.
func (in *interpreter) call(fn lua.Value, args ...lua.Value) ([]lua.Value, error) {
	stop := interruptOnSignal(in.s)
	res, err := in.callIn(fn, args...)
	stop()
	if _, ok := errors.AsType[*lib.ExitError](err); ok {
		return nil, err // report ends the program
	}
	if err != nil {
		return nil, errorMessage(in.s, err)
	}
	return res, nil
}

// interruptOnSignal makes Ctrl-C stop the running chunk with lua.c's
// "interrupted!" error until stop is called. Only the first Ctrl-C is
// caught: a second one ends the program, as in lua.c.
func interruptOnSignal(s *lua.State) (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			signal.Stop(ch)
			s.Interrupt("interrupted!")
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// report prints err (if any) on standard error, prefixed by the program
// name outside the REPL, and tells whether there was none. An os.exit that
// could not end the process itself (GOOS=js) ends it here.
func (in *interpreter) report(err error) bool {
	if err == nil {
		return true
	}
	if exit, ok := errors.AsType[*lib.ExitError](err); ok {
		closeState(in.s)
		os.Exit(exit.Code)
	}
	flush(in.s.Stdout) // what the program printed comes before its error
	if in.progname != "" {
		fmt.Fprintf(in.stderr, "%s: ", in.progname)
	}
	fmt.Fprintf(in.stderr, "%s\n", err.Error())
	return false
}

// closeState ends s as lua_close does: pending finalizers run, then every
// open file and standard output are flushed.
func closeState(s *lua.State) {
	s.Close()
	lib.FlushAll(s)
}

func first(vs []lua.Value) lua.Value {
	if len(vs) == 0 {
		return lua.Nil
	}
	return vs[0]
}

// stdoutWriter returns what the state writes standard output to: f itself
// when it is a terminal (so that a prompt written with io.write shows before
// io.read waits), else a buffer over it, as C's stdio does for files and pipes.
func stdoutWriter(f *os.File) io.Writer {
	if term.IsTerminal(int(f.Fd())) {
		return f
	}
	return bufio.NewWriterSize(f, 64<<10)
}

// flush writes out what the state's standard output buffers.
func flush(w io.Writer) {
	if b, ok := w.(*bufio.Writer); ok {
		b.Flush()
	}
}

package main

import (
	"fmt"
	"io"
)

// options is the outcome of scanning the command line the way lua.c's
// collectargs does: options stop at the first non-option argument (the
// script), at "--" or at "-".
type options struct {
	script      int    // index in argv of the script; 0 when there is none
	exec        bool   // -e seen: suppresses the REPL when there is no script
	interactive bool   // -i
	version     bool   // -v, or implied by -i
	noEnv       bool   // -E
	bad         string // the offending argument when the command line is malformed
}

// parseOptions scans argv (argv[0] is the program name).
func parseOptions(argv []string) options {
	var o options
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if len(a) == 0 || a[0] != '-' {
			o.script = i
			return o
		}
		if len(a) == 1 { // "-": the script is standard input
			o.script = i
			return o
		}
		flag, rest := a[1], a[2:]
		switch flag {
		case '-':
			if rest != "" {
				o.bad = a
				return o
			}
			// A lone trailing "--" leaves no script (lua.c treats it so).
			if i+1 < len(argv) {
				o.script = i + 1
			}
			return o
		case 'E', 'W', 'i', 'v':
			if rest != "" {
				o.bad = a
				return o
			}
			switch flag {
			case 'E':
				o.noEnv = true
			case 'i':
				o.interactive, o.version = true, true
			case 'v':
				o.version = true
			}
		case 'e', 'l':
			if flag == 'e' {
				o.exec = true
			}
			if rest == "" { // the argument is the next word, which must not look like an option
				i++
				if i >= len(argv) || (argv[i] != "" && argv[i][0] == '-') {
					o.bad = a
					return o
				}
			}
		default:
			o.bad = a
			return o
		}
	}
	return o
}

// optionEnd returns the index of the first argument that is not an option:
// the script, or len(argv) when there is none.
func (o options) optionEnd(argv []string) int {
	if o.script > 0 {
		return o.script
	}
	return len(argv)
}

// printUsage writes lua.c's usage message for a malformed command line.
func printUsage(w io.Writer, progname, bad string) {
	if len(bad) > 1 && (bad[1] == 'e' || bad[1] == 'l') {
		fmt.Fprintf(w, "%s: '%s' needs argument\n", progname, bad)
	} else {
		fmt.Fprintf(w, "%s: unrecognized option '%s'\n", progname, bad)
	}
	fmt.Fprintf(w, `usage: %s [options] [script [args]]
Available options are:
  -e stat   execute string 'stat'
  -i        enter interactive mode after executing 'script'
  -l mod    require library 'mod' into global 'mod'
  -l g=mod  require library 'mod' into global 'g'
  -v        show version information
  -E        ignore environment variables
  -W        turn warnings on
  --        stop handling options
  -         stop handling options and execute stdin
`, progname)
}

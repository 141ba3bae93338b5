package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// luaw is the command built for the tests.
var luaw string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "luaw-test")
	if err != nil {
		panic(err)
	}
	luaw = filepath.Join(dir, "luaw")
	build := exec.Command("go", "build", "-o", luaw, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building luaw: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// files are written into each case's working directory.
var files = map[string]string{
	"args.lua":        "print(...)\nfor i = -3, #arg do print(i, arg[i]) end\n",
	"error.lua":       "local function inner() error('deep') end\nfunction outer() inner() end\nouter()\n",
	"exit.lua":        "print('before exit')\nos.exit(7)\n",
	"shebang.lua":     "#!/usr/bin/env lua\nprint(debug.getinfo(1, 'l').currentline)\n",
	"bom.lua":         "\xEF\xBB\xBFprint('bom skipped')\n",
	"syntax.lua":      "x = = 1\n",
	"init.lua":        "print('init file', ...)\n",
	"mods/mod.lua":    "return {name = ..., file = select(2, ...)}\n",
	"mods/mod-v2.lua": "return 'version 2'\n",
	"warn.lua":        "warn('@on') warn('visible ', 'warning') warn('@off') warn('hidden')\n",
	"big.lua":         "for i = 1, 20000 do print(i) end\nerror('after output')\n",
	"tostr.lua":       "error(setmetatable({}, {__tostring = function() return 'custom error' end}))\n",
	"number.lua":      "error(42)\n",
	"table.lua":       "error({})\n",
	"nil.lua":         "error()\n",
	"level.lua":       "local function f() error('no position', 0) end\nf()\n",
	"binary.lua":      "print(string.dump(load('print(\"from binary\")')))\n",
}

// A cliCase runs the command with args (argv[0] is "lua"), standard input
// and extra environment variables in a directory holding files.
type cliCase struct {
	name  string
	args  []string
	stdin string
	env   []string
	// stdout547 is Lua 5.4.7's standard output where the installed lua5.4
	// (an older 5.4) differs.
	stdout547 string
}

// cliCases are run under luaw and under the reference lua5.4.
var cliCases = []cliCase{
	{name: "script args", args: []string{"args.lua", "x", "y"}},
	{name: "options before script", args: []string{"-e", "x=1", "args.lua", "p"}},
	{name: "no script", args: []string{"-e", "for i = -3, 3 do print(i, arg[i]) end"}},
	{name: "concatenated -e", args: []string{"-eprint('glued')"}},
	{name: "stdin script", args: []string{"-", "q", "r"}, stdin: "print('stdin', ...) for i = -2, 2 do print(i, arg[i]) end"},
	{name: "dash dash alone", args: []string{"--"}, stdin: "for i = -2, 2 do print(i, arg[i]) end"},
	{name: "dash after dash dash", args: []string{"--", "-", "z"}},
	{name: "piped stdin", stdin: "print('piped', ...)"},
	{name: "piped stdin error exits 0", stdin: "error('x')"},
	{name: "unknown option", args: []string{"-x"}},
	{name: "unknown long option", args: []string{"--x"}},
	{name: "option with extra", args: []string{"-vx"}},
	{name: "missing -e argument", args: []string{"-e"}},
	{name: "missing -l argument", args: []string{"-l"}},
	{name: "-e argument looks like an option", args: []string{"-e", "-x"}},
	{name: "error in -e", args: []string{"-e", "error('boom')"}},
	{name: "syntax error in -e", args: []string{"-e", "x="}},
	{name: "syntax error in script", args: []string{"syntax.lua"}},
	{name: "error traceback", args: []string{"error.lua"}},
	{name: "error table", args: []string{"table.lua"}},
	{name: "error __tostring", args: []string{"tostr.lua"}},
	{name: "error number", args: []string{"number.lua"}},
	{name: "error nil", args: []string{"nil.lua"}},
	{name: "error level 0", args: []string{"level.lua"}},
	{name: "missing script", args: []string{"nofile.lua"}},
	{name: "script is a directory", args: []string{"mods"}},
	{name: "stops at first error", args: []string{"-e", "print(1)", "-e", "error('two')", "-e", "print(3)"}},
	{name: "os.exit code", args: []string{"exit.lua"}},
	{name: "os.exit false", args: []string{"-e", "os.exit(false)"}},
	{name: "os.exit true", args: []string{"-e", "io.write('x') os.exit(true)"}},
	{name: "output then error", args: []string{"big.lua"}},
	{name: "shebang line", args: []string{"shebang.lua"}},
	{name: "byte order mark", args: []string{"bom.lua"}},
	{name: "LUA_INIT code", args: []string{"-e", "print(2)"}, env: []string{"LUA_INIT=print('init', ...)"}},
	{name: "LUA_INIT file", args: []string{"-e", "print(2)"}, env: []string{"LUA_INIT=@init.lua"}},
	{name: "LUA_INIT error", args: []string{"-e", "print(2)"}, env: []string{"LUA_INIT=error('ie')"}},
	{name: "LUA_INIT missing file", args: []string{"-e", "print(2)"}, env: []string{"LUA_INIT=@nofile"}},
	{name: "LUA_INIT_5_4 first", args: []string{"-e", "print(2)"}, env: []string{"LUA_INIT_5_4=print(54)", "LUA_INIT=print(0)"}},
	{name: "-E ignores LUA_INIT", args: []string{"-E", "-e", "print(2)"}, env: []string{"LUA_INIT=print(0)"}},
	{name: "-l module", args: []string{"-l", "mod", "-e", "print(mod.name, mod.file)"}, env: []string{"LUA_PATH=mods/?.lua"}},
	{name: "-l g=mod", args: []string{"-lg=mod", "-e", "print(g.name, mod)"}, env: []string{"LUA_PATH=mods/?.lua"}},
	{name: "-l suffix", args: []string{"-l", "mod-v2", "-e", "print(mod)"}, env: []string{"LUA_PATH=mods/?.lua"},
		stdout547: "version 2\n"}, // lua.c of 5.4.4 has no suffix rule: it prints nil
	{name: "-l missing suffix", args: []string{"-l", "nomod-v2"}, env: []string{"LUA_PATH=mods/?.lua", "LUA_CPATH=mods/?.so"}},
	{name: "-l missing", args: []string{"-l", "nomod"}, env: []string{"LUA_PATH=mods/?.lua", "LUA_CPATH=mods/?.so"}},
	{name: "-E ignores LUA_PATH", args: []string{"-E", "-e", "print(package.path:find('mods') == nil)"}, env: []string{"LUA_PATH=mods/?.lua"}},
	{name: "warnings off", args: []string{"-e", "warn('not shown')"}},
	{name: "-W", args: []string{"-W", "-e", "warn('shown ', 'twice') warn('@off') warn('hidden')"}},
	{name: "warn control", args: []string{"warn.lua"}},
	{name: "finalizers run at exit", args: []string{"-e", "setmetatable({}, {__gc = function() print('finalized') end}) print('end of chunk')"}},
	{name: "finalizers run after an error", args: []string{"-e", "x = setmetatable({}, {__gc = function() print('finalized') end}) error('e')"}},
	{name: "collector in generational mode", args: []string{"-e", "print(collectgarbage('incremental'), collectgarbage('incremental'))"}},
	{name: "binary script", args: []string{"-e", "local f = io.open('chunk.out', 'wb') f:write(string.dump(load('print(\"binary script\", ...)'))) f:close()", "chunk.out", "a1"}},
	{name: "binary script after a comment line", args: []string{"-e", "local f = io.open('chunk.out', 'wb') f:write('#!/usr/bin/lua\\n', string.dump(load('print(\"binary script\", ...)'))) f:close()", "chunk.out", "a1"}},
	{name: "binary chunk file", stdin: "", args: []string{"-e", "local f = io.open('chunk.out', 'wb') f:write(string.dump(load('print(\"from binary\")'))) f:close()", "-e", "dofile('chunk.out')"}},
}

type result struct {
	stdout, stderr string
	code           int
}

// runIn runs prog with c's arguments in dir, with a minimal environment.
func runIn(t *testing.T, dir, prog string, c cliCase) result {
	t.Helper()
	cmd := exec.Command(prog, c.args...)
	cmd.Args[0] = "lua" // both interpreters name themselves so in messages
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "TZ=UTC"}, c.env...)
	cmd.Stdin = strings.NewReader(c.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{stdout.String(), stderr.String(), code}
}

func writeFiles(t *testing.T) string {
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestDifferential runs every case under luaw and under lua5.4 and wants
// the same standard output, standard error and exit status.
func TestDifferential(t *testing.T) {
	ref, err := exec.LookPath("lua5.4")
	if err != nil {
		t.Skip("lua5.4 is not installed")
	}
	for _, c := range cliCases {
		t.Run(c.name, func(t *testing.T) {
			want := runIn(t, writeFiles(t), ref, c)
			if c.stdout547 != "" {
				want.stdout = c.stdout547
			}
			got := runIn(t, writeFiles(t), luaw, c)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("lua %s\n got: stdout %q\n      stderr %q\n      exit %d\nwant: stdout %q\n      stderr %q\n      exit %d",
					strings.Join(c.args, " "), got.stdout, got.stderr, got.code, want.stdout, want.stderr, want.code)
			}
		})
	}
}

// TestREPL drives the read-eval-print loop through a pipe (-i), where it
// reads plain lines and echoes nothing, as lua.c built without readline.
func TestREPL(t *testing.T) {
	tests := []struct {
		name, input, stdout, stderr string
	}{
		{"expressions print their values", "x = 1\nx\n=x + 1\n1, nil, 'three'\n",
			"> > 1\n> 2\n> 1\tnil\tthree\n> \n", ""},
		{"statements continue on more lines", "function f()\nreturn 5\nend\nf()\nif x then\n",
			"> >> >> > 5\n> >> > \n", "stdin:1: 'end' expected near <eof>\n"},
		{"errors have no program name", "error('e')\nerror({})\nx = = 1\n",
			"> > > > \n",
			"stdin:1: e\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in main chunk\n\t[C]: in ?\n" +
				"(error object is a table value)\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in main chunk\n\t[C]: in ?\n" +
				"stdin:1: unexpected symbol near '='\n"},
		{"prompts come from _PROMPT and _PROMPT2", "_PROMPT = 'P '\n_PROMPT2 = setmetatable({}, {__tostring = function() return 'Q ' end})\nfor i = 1, 2 do\nprint(i)\nend\n",
			"> P P Q Q 1\n2\nP \n", ""},
		{"print is the global print", "print = function(...) io.write('[', select('#', ...), ']\\n') end\n1, 2\n",
			"> > [2]\n> \n", ""},
		{"a failing print is reported", "print = nil\n1\n",
			"> > > \n", "error calling 'print' (attempt to call a nil value)\n"},
		{"a last line without newline", "1 + 1",
			"> 2\n> \n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runIn(t, t.TempDir(), luaw, cliCase{args: []string{"-i"}, stdin: tt.input})
			want := result{versionLine + "\n" + tt.stdout, tt.stderr, 0}
			if r != want {
				t.Errorf("input %q\n got: stdout %q\n      stderr %q\n      exit %d\nwant: stdout %q\n      stderr %q\n      exit %d",
					tt.input, r.stdout, r.stderr, r.code, want.stdout, want.stderr, want.code)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"-v"}, {"-v", "-e", "print(1)"}} {
		r := runIn(t, t.TempDir(), luaw, cliCase{args: args})
		want := versionLine + "\n"
		if len(args) > 1 {
			want += "1\n"
		}
		if r.stdout != want || r.stderr != "" || r.code != 0 {
			t.Errorf("luaw %v: got %+v, want stdout %q", args, r, want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	tests := []struct {
		argv []string
		want options
	}{
		{[]string{"lua"}, options{}},
		{[]string{"lua", "s.lua", "-e"}, options{script: 1}},
		{[]string{"lua", "-e", "x", "-l", "m", "s.lua"}, options{script: 5, exec: true}},
		{[]string{"lua", "-ex", "-lm"}, options{exec: true}},
		{[]string{"lua", "-i", "-E", "-W"}, options{interactive: true, version: true, noEnv: true}},
		{[]string{"lua", "-v", "-"}, options{script: 2, version: true}},
		{[]string{"lua", "--", "-e"}, options{script: 2}},
		{[]string{"lua", "--"}, options{}},
		{[]string{"lua", "-e"}, options{exec: true, bad: "-e"}},
		{[]string{"lua", "-l", "-e", "x"}, options{bad: "-l"}},
		{[]string{"lua", "-iv"}, options{bad: "-iv"}},
		{[]string{"lua", "--x"}, options{bad: "--x"}},
		{[]string{"lua", "-y", "s.lua"}, options{bad: "-y"}},
		{[]string{"lua", "", "x"}, options{script: 1}},
	}
	for _, tt := range tests {
		if got := parseOptions(tt.argv); got != tt.want {
			t.Errorf("parseOptions(%q) = %+v, want %+v", tt.argv, got, tt.want)
		}
	}
}

//go:build js && wasm

package engine

import (
	"errors"
	"strings"
	"syscall/js"
)

// patternSyntax names the syntax of schema patterns in error messages.
const patternSyntax = "JavaScript RegExp"

// compilePattern compiles a schema pattern with the host's RegExp, which
// the page has anyway: Go's regexp and its Unicode tables would add a
// tenth to the module. A leading (?flags) group (the form js/memory-api.js
// gives a RegExp's i, m and s flags, and RE2's) becomes the RegExp's flags,
// since JavaScript has no such group.
func compilePattern(pattern string) (match func(string) bool, err error) {
	source, flags := pattern, ""
	if rest, ok := strings.CutPrefix(pattern, "(?"); ok {
		if end := strings.IndexByte(rest, ')'); end > 0 && strings.Trim(rest[:end], "ims") == "" {
			source, flags = rest[end+1:], rest[:end]
		}
	}
	defer func() {
		// A syntax error is a JS exception, which syscall/js raises as a
		// panic of js.Error.
		if r := recover(); r != nil {
			jsErr, ok := r.(js.Error)
			if !ok {
				panic(r)
			}
			match, err = nil, errors.New(jsErr.Get("message").String())
		}
	}()
	re := js.Global().Get("RegExp").New(source, flags)
	return func(s string) bool { return re.Call("test", s).Bool() }, nil
}

//go:build !(js && wasm)

package engine

import "regexp"

// patternSyntax names the syntax of schema patterns in error messages.
const patternSyntax = "Go RE2"

// compilePattern compiles a schema pattern with Go's regexp (RE2 syntax).
// The WebAssembly build uses the host's RegExp instead (pattern_js.go),
// which keeps regexp and its Unicode tables out of the module.
func compilePattern(pattern string) (func(string) bool, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	return re.MatchString, nil
}

package syntax

import (
	"errors"
	"testing"
)

// FuzzParse checks that no input makes the parser panic and that every
// failure is an *Error.
func FuzzParse(f *testing.F) {
	for _, test := range errorTests {
		f.Add(test.src)
	}
	for _, src := range validPrograms {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		chunk, err := Parse("=fuzz", src)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Msg == "" || chunk != nil {
				t.Fatalf("Parse(%q) = %v, %v", src, chunk, err)
			}
			return
		}
		if chunk == nil || chunk.Body == nil {
			t.Fatalf("Parse(%q) returned no chunk", src)
		}
		ParseNumber(src)
	})
}

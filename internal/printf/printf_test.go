package printf

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"testing"
)

type stringer struct{}

func (stringer) String() string { return "str" }

type (
	name  string
	flag  bool
	small int8
	real  float64
)

type kind uint8

func (k kind) String() string { return "kind" + strconv.Itoa(int(k)) }

// Every case prints as fmt prints it.
func TestSprintfMatchesFmt(t *testing.T) {
	tests := []struct {
		format string
		args   []any
	}{
		{"plain", nil},
		{"100%%", nil},
		{"%s and %s", []any{"a", []byte("b")}},
		{"%d %d %d %d", []any{-1, int64(1) << 62, uint8(255), uint64(1) << 63}},
		{"%v %v %v %v", []any{3, true, 1.5, 1e21}},
		{"%v %v", []any{float32(0.1), 100.0}},
		{"%q", []any{"a\"b\n\x00é"}},
		{"%x %x %#x %#x", []any{255, "hi", uint8(0x2a), []byte{1, 0xab}}},
		{"%x", []any{-255}},
		{"%c%c", []any{'é', 65}},
		{"%v / %s", []any{errors.New("boom"), io.EOF}},
		{"%v %s %d %x", []any{stringer{}, kind(3), kind(3), kind(10)}},
		{"%s %v %d %v", []any{name("n"), flag(true), small(-2), real(0.5)}},
		{"%v %s %d", []any{nil, nil, nil}},
		{"%s %v %q", []any{[]byte("ab"), []byte("ab"), []byte("ab")}},
		{"%s=%v", []any{"k", int32(-7)}},
		{"%s %s", []any{"missing"}},
		{"é%sé", []any{"x"}},
	}
	for _, tt := range tests {
		got, want := Sprintf(tt.format, tt.args...), fmt.Sprintf(tt.format, tt.args...)
		if got != want {
			t.Errorf("Sprintf(%q, %v) = %q, want %q", tt.format, tt.args, got, want)
		}
	}
}

// Misuse prints without the argument's type.
func TestSprintfMisuse(t *testing.T) {
	tests := []struct {
		format string
		args   []any
		want   string
	}{
		{"%d", []any{"not a number"}, "%!d(BADTYPE)"},
		{"%s", []any{"extra", 1}, "extra%!(EXTRA 1)"},
		{"%v", []any{struct{}{}}, "%!v(BADTYPE)"},
		{"%", nil, "%!(NOVERB)"},
	}
	for _, tt := range tests {
		if got := Sprintf(tt.format, tt.args...); got != tt.want {
			t.Errorf("Sprintf(%q, %v) = %q, want %q", tt.format, tt.args, got, tt.want)
		}
	}
}

func TestErrorfWraps(t *testing.T) {
	err := Errorf("query: %w", io.EOF)
	if err.Error() != "query: EOF" || !errors.Is(err, io.EOF) {
		t.Errorf("Errorf(%%w) = %v, unwraps to EOF: %v", err, errors.Is(err, io.EOF))
	}
	err = Errorf("%d%%: %s: %w", 5, "x", io.ErrUnexpectedEOF)
	if err.Error() != "5%: x: unexpected EOF" || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("Errorf = %v, unwraps: %v", err, errors.Is(err, io.ErrUnexpectedEOF))
	}
	if err := Errorf("no wrap %v", io.EOF); errors.Is(err, io.EOF) {
		t.Errorf("Errorf without %%w unwraps to its %%v argument")
	}
}

package lua_test

import (
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// TestStringConstructors checks that strings built in place (StringBytes,
// MakeString), whose bytes share their object's allocation when short,
// are equal to strings made from Go strings: same contents, same table key.
func TestStringConstructors(t *testing.T) {
	for _, n := range []int{0, 1, 8, 9, 24, 25, 40, 41, 72, 73, 104, 105, 1000} {
		want := strings.Repeat("k", n)
		fromBytes := lua.StringBytes([]byte(want))
		made, b := lua.MakeString(n)
		if len(b) != n {
			t.Fatalf("MakeString(%d) gave %d bytes", n, len(b))
		}
		copy(b, want)
		tb := lua.NewTable(0, 0)
		tb.Set(lua.String(want), lua.Int(int64(n)))
		for _, v := range []lua.Value{fromBytes, made} {
			if s, ok := v.AsString(); !ok || s != want {
				t.Errorf("size %d: got %q, %v", n, s, ok)
			}
			if !lua.RawEqual(v, lua.String(want)) {
				t.Errorf("size %d: not equal to String", n)
			}
			if got := tb.Get(v); !lua.RawEqual(got, lua.Int(int64(n))) {
				t.Errorf("size %d: table lookup gave %v", n, got)
			}
		}
	}
}

// TestCall1 checks Thread.Call1: the first result, nil when there is none,
// and errors as Call returns them.
func TestCall1(t *testing.T) {
	s, _ := newState()
	tests := []struct {
		src     string
		want    lua.Value
		wantErr string
	}{
		{"return function(a, b) return a + b, 'extra' end", lua.Int(5), ""},
		{"return function() end", lua.Nil, ""},
		{"return function(a) return a < 3 end", lua.True, ""},
		{"return function() error('boom') end", lua.Nil, "boom"},
		{"return string.rep", lua.String("222"), ""},
	}
	for _, tt := range tests {
		res, err := s.DoString(tt.src, "=call1")
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.MainThread().Call1(res[0], lua.Int(2), lua.Int(3))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.src, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !lua.RawEqual(got, tt.want) {
			t.Errorf("%s: got %v, %v; want %v", tt.src, got, err, tt.want)
		}
	}
}

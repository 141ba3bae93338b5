//go:build !js

package lib

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/luawasm/luawasm/lua"
)

// inUTC runs the test with the local time zone set to UTC, as the
// conformance programs run (TZ=UTC).
func inUTC(t *testing.T) {
	saved := time.Local
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = saved })
}

// TestDateDifferential compares every conversion os.date accepts, for
// several times, UTC and local, with the reference.
func TestDateDifferential(t *testing.T) {
	inUTC(t)
	var formats []string
	for _, c := range dateConversions1 {
		formats = append(formats, "%"+string(c))
	}
	for i := 0; i < len(dateConversions2); i += 2 {
		formats = append(formats, "%"+dateConversions2[i:i+2])
	}
	format := "[" + strings.Join(formats, "|") + "]"
	times := []int64{0, 951782400, 1234567890, 1700000000, -1000000000, 4102444800, 1609459199, 1 << 40, -62135596800, 1230768000}
	var src strings.Builder
	for _, tm := range times {
		for _, prefix := range []string{"!", ""} {
			fmt.Fprintf(&src, "print(os.date(%q, %d))\n", prefix+format, tm)
			fmt.Fprintf(&src, "do local d = os.date(%q, %d) print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst) end\n", prefix+"*t", tm)
		}
	}
	want := referenceLua(t, src.String())

	s := newTestState()
	th := s.MainThread()
	date := libFunc(t, s, "os", "date")
	var got strings.Builder
	for _, tm := range times {
		for _, prefix := range []string{"!", ""} {
			res, err := th.Call(date, lua.String(prefix+format), lua.Int(tm))
			if err != nil {
				t.Fatal(err)
			}
			got.WriteString(show(res) + "\n")
			res, err = th.Call(date, lua.String(prefix+"*t"), lua.Int(tm))
			if err != nil {
				t.Fatal(err)
			}
			d := res[0].AsTable()
			var fields []string
			for _, k := range []string{"year", "month", "day", "hour", "min", "sec", "wday", "yday", "isdst"} {
				fields = append(fields, showValue(d.GetStr(k)))
			}
			got.WriteString(strings.Join(fields, "\t") + "\n")
		}
	}
	gotLines, wantLines := strings.Split(got.String(), "\n"), strings.Split(want, "\n")
	for i := range max(len(gotLines), len(wantLines)) {
		if g, w := lineAt(gotLines, i), lineAt(wantLines, i); g != w {
			t.Errorf("line %d:\ngot  %q\nwant %q", i+1, g, w)
		}
	}
}

// dateTable returns a table with the given integer fields.
func dateTable(fields map[string]int64) *lua.Table {
	tb := lua.NewTable(0, len(fields))
	for k, v := range fields {
		tb.SetStr(k, lua.Int(v))
	}
	return tb
}

func TestOSTime(t *testing.T) {
	inUTC(t)
	tests := []struct {
		fields map[string]int64
		extra  map[string]lua.Value
		want   string
	}{
		{map[string]int64{"year": 2000, "month": 1, "day": 1, "hour": 0}, nil, "946684800"},
		{map[string]int64{"year": 1970, "month": 1, "day": 2}, nil, "129600"},
		{map[string]int64{"year": 2024, "month": 2, "day": 29, "hour": 13, "min": 45, "sec": 30}, nil, "1709214330"},
		{map[string]int64{"year": 2021, "month": 13, "day": 1, "hour": 0}, nil, "1640995200"},
		{map[string]int64{"year": 2021, "month": 1, "day": 1, "hour": 0, "sec": -1}, nil, "1609459199"},
		{map[string]int64{"year": 1969, "month": 12, "day": 31, "hour": 23, "min": 59, "sec": 59}, nil, "error: time result cannot be represented in this installation"},
		{map[string]int64{"year": 2000}, nil, "error: field 'month' missing in date table"},
		{map[string]int64{"year": 2000, "day": 1}, map[string]lua.Value{"month": lua.String("x")}, "error: field 'month' is not an integer"},
		{map[string]int64{"year": 2000, "day": 1}, map[string]lua.Value{"month": lua.Float(1.5)}, "error: field 'month' is not an integer"},
		{map[string]int64{"year": 2000, "month": 1, "day": 1}, map[string]lua.Value{"hour": lua.String("12")}, "946728000"},
		{map[string]int64{"year": 2000, "month": 1, "day": 1 << 40}, nil, "error: field 'day' is out-of-bound"},
		{map[string]int64{"year": 1 << 40, "month": 1, "day": 1}, nil, "error: field 'year' is out-of-bound"},
		{map[string]int64{"year": 2000, "month": 1, "day": 1, "hour": 0}, map[string]lua.Value{"isdst": lua.True}, "946681200"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.fields, tc.extra), func(t *testing.T) {
			tb := dateTable(tc.fields)
			for k, v := range tc.extra {
				tb.SetStr(k, v)
			}
			if got := callLib(t, newTestState(), "os", "time", tb.Value()); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}

	// The table is normalized in place.
	tb := dateTable(map[string]int64{"year": 2000, "month": 14, "day": -3, "hour": 30})
	callLib(t, newTestState(), "os", "time", tb.Value())
	var fields []string
	for _, k := range []string{"year", "month", "day", "hour", "min", "sec", "wday", "yday", "isdst"} {
		fields = append(fields, k+"="+showValue(tb.GetStr(k)))
	}
	if got, want := strings.Join(fields, " "), "year=2001 month=1 day=29 hour=6 min=0 sec=0 wday=2 yday=29 isdst=false"; got != want {
		t.Errorf("normalized table: got %q, want %q", got, want)
	}
}

func TestOSFunctions(t *testing.T) {
	inUTC(t)
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing")
	if err := os.WriteFile(existing, []byte("x"), 0o666); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		fn   string
		args []lua.Value
		want string
	}{
		{"date", []lua.Value{lua.String("%Ez"), lua.Int(0)}, "error: bad argument #1 (invalid conversion specifier '%Ez')"},
		{"date", []lua.Value{lua.String("%Qabc"), lua.Int(0)}, "error: bad argument #1 (invalid conversion specifier '%Qabc')"},
		{"date", []lua.Value{lua.String("x%"), lua.Int(0)}, "error: bad argument #1 (invalid conversion specifier '%')"},
		{"date", []lua.Value{lua.String("%E"), lua.Int(0)}, "error: bad argument #1 (invalid conversion specifier '%E')"},
		{"date", []lua.Value{lua.String("*t"), lua.Float(1.5)}, "error: bad argument #2 (number has no integer representation)"},
		{"date", []lua.Value{lua.String("!%c"), lua.Int(1 << 60)}, "error: date result cannot be represented in this installation"},
		{"date", []lua.Value{lua.Nil, lua.Int(0)}, "Thu Jan  1 00:00:00 1970"},
		{"date", []lua.Value{lua.String("!"), lua.Int(0)}, ""},
		{"difftime", ints(10, 100), "-90.0"},
		{"difftime", ints(5), "error: bad argument #2 (number expected, got no value)"},
		{"getenv", strs("LUAWASM_SURELY_UNSET_VARIABLE"), "nil"},
		{"getenv", nil, "error: bad argument #1 (string expected, got no value)"},
		{"setlocale", nil, "C"},
		{"setlocale", strs("C"), "C"},
		{"setlocale", strs(""), "C"},
		{"setlocale", strs("fr_FR"), "nil"},
		{"setlocale", strs("C", "bad"), "error: bad argument #2 (invalid option 'bad')"},
		{"setlocale", strs("C", "numeric"), "C"},
		{"remove", strs(missing), "nil\t" + missing + ": No such file or directory\t2"},
		{"rename", strs(missing, existing), "nil\tNo such file or directory\t2"},
		{"rename", strs(existing, existing+"2"), "true"},
		{"remove", strs(existing + "2"), "true"},
		{"execute", strs("exit 3"), "nil\texit\t3"},
		{"execute", strs("true"), "true\texit\t0"},
		{"execute", strs("kill -9 $$"), "nil\tsignal\t9"},
		{"execute", nil, "true"},
		{"exit", strs("x"), "error: bad argument #1 (number expected, got string)"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.fn, tc.args), func(t *testing.T) {
			if got := callLib(t, newTestState(), "os", tc.fn, tc.args...); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOSMisc(t *testing.T) {
	s := newTestState()
	th := s.MainThread()
	res, err := th.Call(libFunc(t, s, "os", "clock"))
	if err != nil || !res[0].IsFloat() {
		t.Errorf("clock: %v %v", show(res), err)
	}
	res, err = th.Call(libFunc(t, s, "os", "time"))
	if now := time.Now().Unix(); err != nil || !res[0].IsInt() || func() bool { n, _ := res[0].AsInt(); return n < now-5 || n > now+5 }() {
		t.Errorf("time: %v %v", show(res), err)
	}
	res, err = th.Call(libFunc(t, s, "os", "tmpname"))
	if err != nil {
		t.Fatal(err)
	}
	name, _ := res[0].AsString()
	if _, err := os.Stat(name); err != nil {
		t.Errorf("tmpname %q: %v", name, err)
	}
	os.Remove(name)
}

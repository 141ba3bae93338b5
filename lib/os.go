package lib

import (
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
)

// OpenOS returns the os library.
func OpenOS(s *lua.State) *lua.Table {
	return newLib("os", map[string]lua.GoFunc{
		"clock":     osClock,
		"date":      osDate,
		"difftime":  osDifftime,
		"execute":   osExecute,
		"exit":      osExit,
		"getenv":    osGetenv,
		"remove":    osRemove,
		"rename":    osRename,
		"setlocale": osSetlocale,
		"time":      osTime,
		"tmpname":   osTmpname,
	})
}

// checkOption returns the index in options of argument n (or of def when
// the argument is absent and def is not ""), as luaL_checkoption does.
func checkOption(args []lua.Value, n int, def string, options []string) (int, error) {
	var name string
	var err error
	if def != "" {
		name, err = lua.OptString(args, n, def)
	} else {
		name, err = lua.CheckString(args, n)
	}
	if err != nil {
		return 0, err
	}
	for i, o := range options {
		if o == name {
			return i, nil
		}
	}
	return 0, lua.ArgError(n, printf.Sprintf("invalid option '%s'", name))
}

func osClock(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	return t.Ret(lua.Float(processCPUTime().Seconds()))
}

func osGetenv(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	if v, ok := os.LookupEnv(name); ok {
		return t.Ret(lua.String(v))
	}
	return t.Ret(lua.Nil)
}

var localeCategories = []string{"all", "collate", "ctype", "monetary", "numeric", "time"}

// osSetlocale supports only the C locale, which is the one in force:
// querying or selecting it ("C", "POSIX" or the default "") gives "C", and
// any other locale fails.
func osSetlocale(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.OptString(args, 1, "")
	query := lua.Arg(args, 1).IsNil()
	if err != nil {
		return nil, err
	}
	if _, err := checkOption(args, 2, "all", localeCategories); err != nil {
		return nil, err
	}
	if query || name == "" || name == "C" || name == "POSIX" {
		return t.Ret(lua.String("C"))
	}
	return t.Ret(lua.Nil)
}

// osExit ends the program after flushing the io library's buffers, as C's
// exit flushes every stream.
func osExit(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	code := 0
	if b, ok := lua.Arg(args, 1).AsBool(); ok {
		if !b {
			code = 1
		}
	} else {
		c, err := lua.OptInt(args, 1, 0)
		if err != nil {
			return nil, err
		}
		code = int(c)
	}
	FlushAll(t.State())
	return nil, exitProcess(code)
}

// An ExitError is the error os.exit returns where it cannot end the
// process (GOOS=js): the host stops running the state and takes Code as
// the program's exit status.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return printf.Sprintf("exit status %d", e.Code) }

func osExecute(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if lua.Arg(args, 1).IsNil() {
		return t.Ret(lua.Bool(shellAvailable()))
	}
	command, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	FlushAll(t.State()) // the command writes to the same output
	how, code, err := runCommand(command)
	if err != nil {
		return fileResult(t, err, "")
	}
	return execResult(t, how, code)
}

func osRemove(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	return fileResult(t, removeFile(name), name)
}

func osRename(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	from, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	to, err := lua.CheckString(args, 2)
	if err != nil {
		return nil, err
	}
	return fileResult(t, renameFile(from, to), "")
}

func osTmpname(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	name, err := tempName()
	if err != nil {
		return nil, err
	}
	return t.Ret(lua.String(name))
}

// ---- time and date ----

// checkTime is l_checktime: a time argument must be an integer.
func checkTime(args []lua.Value, n int) (int64, error) {
	return lua.CheckInt(args, n)
}

func osDifftime(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	t1, err := checkTime(args, 1)
	if err != nil {
		return nil, err
	}
	t2, err := checkTime(args, 2)
	if err != nil {
		return nil, err
	}
	return t.Ret(lua.Float(float64(t1) - float64(t2)))
}

// A brokenTime is C's struct tm, with the time it came from.
type brokenTime struct {
	tm     time.Time
	year   int // full year
	month  int // 1..12
	day    int
	hour   int
	min    int
	sec    int
	wday   int // 0..6, Sunday = 0
	yday   int // 0..365
	isdst  bool
	zone   string
	offset int // seconds east of UTC
}

// maxTmYear bounds the years C's struct tm can hold (tm_year is an int
// counting from 1900).
const maxTmYear = math.MaxInt32 + 1900

func breakTime(tm time.Time, utc bool) (brokenTime, bool) {
	b := brokenTime{
		tm:    tm,
		year:  tm.Year(),
		month: int(tm.Month()),
		day:   tm.Day(),
		hour:  tm.Hour(),
		min:   tm.Minute(),
		sec:   tm.Second(),
		wday:  int(tm.Weekday()),
		yday:  tm.YearDay() - 1,
	}
	if utc {
		b.zone = "GMT" // what gmtime reports
	} else {
		b.zone, b.offset = tm.Zone()
		b.isdst = tm.IsDST()
	}
	return b, b.year <= maxTmYear && b.year >= math.MinInt32+1900
}

// maxDateSeconds keeps time.Unix far from overflow; any time beyond it is
// past the years a struct tm can hold anyway.
const maxDateSeconds = 1 << 58

func dateOf(sec int64, utc bool) (brokenTime, error) {
	errRange := func() error { return lua.Errorf("date result cannot be represented in this installation") }
	if sec > maxDateSeconds || sec < -maxDateSeconds {
		return brokenTime{}, errRange()
	}
	tm := time.Unix(sec, 0)
	if utc {
		tm = tm.UTC()
	} else {
		tm = tm.In(time.Local)
	}
	b, ok := breakTime(tm, utc)
	if !ok {
		return brokenTime{}, errRange()
	}
	return b, nil
}

func osDate(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	format, err := lua.OptString(args, 1, "%c")
	if err != nil {
		return nil, err
	}
	sec := time.Now().Unix()
	if !lua.Arg(args, 2).IsNil() {
		if sec, err = checkTime(args, 2); err != nil {
			return nil, err
		}
	}
	utc := strings.HasPrefix(format, "!")
	if utc {
		format = format[1:]
	}
	b, err := dateOf(sec, utc)
	if err != nil {
		return nil, err
	}
	if format == "*t" {
		tb := lua.NewTable(0, 9)
		if err := b.setFields(t, tb.Value()); err != nil {
			return nil, err
		}
		return t.Ret(tb.Value())
	}
	out := make([]byte, 0, len(format)+16)
	for i := 0; i < len(format); {
		if format[i] != '%' {
			out = append(out, format[i])
			i++
			continue
		}
		conv, ok := dateConversion(format[i+1:])
		if !ok {
			return nil, lua.ArgError(1, printf.Sprintf("invalid conversion specifier '%s'", format[i:]))
		}
		out = b.strftime(out, conv)
		i += 1 + len(conv)
	}
	return t.Ret(lua.String(string(out)))
}

// The conversions os.date accepts: C99's strftime conversions and their E
// and O modified forms.
const (
	dateConversions1 = "aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%"
	dateConversions2 = "EcECExEXEyEYOdOeOHOIOmOMOSOuOUOVOwOWOy"
)

// dateConversion returns the conversion at the start of s (the text after
// a '%'), if it is a valid one.
func dateConversion(s string) (string, bool) {
	if len(s) >= 1 && strings.IndexByte(dateConversions1, s[0]) >= 0 {
		return s[:1], true
	}
	if len(s) >= 2 {
		for i := 0; i < len(dateConversions2); i += 2 {
			if dateConversions2[i:i+2] == s[:2] {
				return s[:2], true
			}
		}
	}
	return "", false
}

var (
	weekdayNames = [...]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	monthNames   = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// strftime appends conversion conv (without '%') of b as C's strftime
// does in the C locale.
func (b *brokenTime) strftime(out []byte, conv string) []byte {
	c := conv[len(conv)-1] // E and O modifiers change nothing in the C locale
	num := func(v, width int, pad byte) {
		s := strconv.Itoa(v)
		for n := len(s); n < width; n++ {
			out = append(out, pad)
		}
		out = append(out, s...)
	}
	switch c {
	case 'a':
		out = append(out, weekdayNames[b.wday][:3]...)
	case 'A':
		out = append(out, weekdayNames[b.wday]...)
	case 'b', 'h':
		out = append(out, monthNames[b.month-1][:3]...)
	case 'B':
		out = append(out, monthNames[b.month-1]...)
	case 'c':
		out = b.strftime(out, "a")
		out = append(out, ' ')
		out = b.strftime(out, "b")
		out = append(out, ' ')
		out = b.strftime(out, "e")
		out = append(out, ' ')
		out = b.strftime(out, "T")
		out = append(out, ' ')
		out = b.strftime(out, "Y")
	case 'C':
		num(floorDiv(b.year, 100), 0, '0')
	case 'd':
		num(b.day, 2, '0')
	case 'D', 'x':
		out = b.strftime(out, "m")
		out = append(out, '/')
		out = b.strftime(out, "d")
		out = append(out, '/')
		out = b.strftime(out, "y")
	case 'e':
		num(b.day, 2, ' ')
	case 'F':
		out = b.strftime(out, "Y")
		out = append(out, '-')
		out = b.strftime(out, "m")
		out = append(out, '-')
		out = b.strftime(out, "d")
	case 'g':
		y, _ := b.tm.ISOWeek()
		num(floorMod(y, 100), 2, '0')
	case 'G':
		y, _ := b.tm.ISOWeek()
		num(y, 0, '0')
	case 'H':
		num(b.hour, 2, '0')
	case 'I':
		num((b.hour+11)%12+1, 2, '0')
	case 'j':
		num(b.yday+1, 3, '0')
	case 'm':
		num(b.month, 2, '0')
	case 'M':
		num(b.min, 2, '0')
	case 'n':
		out = append(out, '\n')
	case 'p':
		if b.hour < 12 {
			out = append(out, "AM"...)
		} else {
			out = append(out, "PM"...)
		}
	case 'r':
		out = b.strftime(out, "I")
		out = append(out, ':')
		out = b.strftime(out, "M")
		out = append(out, ':')
		out = b.strftime(out, "S")
		out = append(out, ' ')
		out = b.strftime(out, "p")
	case 'R':
		out = b.strftime(out, "H")
		out = append(out, ':')
		out = b.strftime(out, "M")
	case 'S':
		num(b.sec, 2, '0')
	case 't':
		out = append(out, '\t')
	case 'T', 'X':
		out = b.strftime(out, "H")
		out = append(out, ':')
		out = b.strftime(out, "M")
		out = append(out, ':')
		out = b.strftime(out, "S")
	case 'u':
		num((b.wday+6)%7+1, 0, '0')
	case 'U':
		num((b.yday+7-b.wday)/7, 2, '0')
	case 'V':
		_, w := b.tm.ISOWeek()
		num(w, 2, '0')
	case 'w':
		num(b.wday, 0, '0')
	case 'W':
		num((b.yday+7-(b.wday+6)%7)/7, 2, '0')
	case 'y':
		num(floorMod(b.year, 100), 2, '0')
	case 'Y':
		num(b.year, 0, '0')
	case 'z':
		off := b.offset
		sign := byte('+')
		if off < 0 {
			sign, off = '-', -off
		}
		out = append(out, sign)
		num(off/3600*100+off/60%60, 4, '0')
	case 'Z':
		out = append(out, b.zone...)
	case '%':
		out = append(out, '%')
	}
	return out
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int) int { return a - floorDiv(a, b)*b }

// setFields stores b's fields in the table tb as os.date("*t") and
// os.time's normalization do (the reference's setallfields).
func (b *brokenTime) setFields(t *lua.Thread, tb lua.Value) error {
	fields := [...]struct {
		key string
		val int
	}{
		{"year", b.year}, {"month", b.month}, {"day", b.day},
		{"hour", b.hour}, {"min", b.min}, {"sec", b.sec},
		{"yday", b.yday + 1}, {"wday", b.wday + 1},
	}
	for _, f := range fields {
		if err := t.SetIndex(tb, lua.String(f.key), lua.Int(int64(f.val))); err != nil {
			return err
		}
	}
	return t.SetIndex(tb, lua.String("isdst"), lua.Bool(b.isdst))
}

// dateField reads an integer field of os.time's table argument, where
// delta is the offset C's struct tm subtracts (1900 for the year, 1 for
// the month) and def the value of an absent field (-1: required).
func dateField(t *lua.Thread, tb lua.Value, key string, def, delta int64) (int64, error) {
	v, err := t.Index(tb, lua.String(key))
	if err != nil {
		return 0, err
	}
	res, ok := v.ToInteger()
	if !ok {
		if !v.IsNil() {
			return 0, lua.Errorf("field '%s' is not an integer", key)
		}
		if def < 0 {
			return 0, lua.Errorf("field '%s' missing in date table", key)
		}
		return def, nil
	}
	if res >= 0 && res-delta > math.MaxInt32 || res < 0 && res < math.MinInt32+delta {
		return 0, lua.Errorf("field '%s' is out-of-bound", key)
	}
	return res - delta, nil
}

func osTime(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if lua.Arg(args, 1).IsNil() {
		return t.Ret(lua.Int(time.Now().Unix()))
	}
	if _, err := lua.CheckTable(args, 1); err != nil {
		return nil, err
	}
	tb := args[0]
	var f [6]int64 // year, month, day, hour, min, sec as struct tm holds them
	specs := [6]struct {
		key        string
		def, delta int64
	}{{"year", -1, 1900}, {"month", -1, 1}, {"day", -1, 0}, {"hour", 12, 0}, {"min", 0, 0}, {"sec", 0, 0}}
	for i, sp := range specs {
		v, err := dateField(t, tb, sp.key, sp.def, sp.delta)
		if err != nil {
			return nil, err
		}
		f[i] = v
	}
	dst, err := t.Index(tb, lua.String("isdst"))
	if err != nil {
		return nil, err
	}
	tm := time.Date(int(f[0])+1900, time.Month(f[1]+1), int(f[2]), int(f[3]), int(f[4]), int(f[5]), 0, time.Local)
	// mktime with an explicit isdst that the zone does not have at that
	// time shifts the result by the daylight-saving hour.
	if !dst.IsNil() {
		switch want := dst.Truthy(); {
		case want && !tm.IsDST():
			tm = tm.Add(-time.Hour)
		case !want && tm.IsDST():
			tm = tm.Add(time.Hour)
		}
	}
	b, ok := breakTime(tm, false)
	sec := tm.Unix()
	if !ok || sec == -1 { // mktime's error value
		return nil, lua.Errorf("time result cannot be represented in this installation")
	}
	if err := b.setFields(t, tb); err != nil {
		return nil, err
	}
	return t.Ret(lua.Int(sec))
}

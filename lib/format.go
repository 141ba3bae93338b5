package lib

// string.format follows lstrlib.c's str_format: each conversion
// specification is checked against the flags its conversion accepts (at
// most two digits of width and of precision), then formatted as C's printf
// formats it with glibc, which this file reimplements: integers in any base
// with sign, prefix, precision and padding; floats in %e, %f, %g (decimal,
// correctly rounded, ties to even) and %a (hexadecimal) forms; %q writes a
// literal that reads back as the same value.

import (
	"math"
	"strconv"
	"strings"

	"github.com/luawasm/luawasm/lua"
)

// Flags accepted by each group of conversions (lstrlib's L_FMTFLAGS*).
const (
	flagsFloat = "-+ #0" // a A e E f g G (Lua has no %F)
	flagsHex   = "-#0"   // o x X
	flagsInt   = "-+ 0"  // d i
	flagsUint  = "-0"    // u
	flagsChar  = "-"     // c p s

	// maxFormatSpec bounds a specification's flags, digits and conversion
	// (MAX_FORMAT - 10 in lstrlib.c).
	maxFormatSpec = 22
)

// isSpecByte marks the bytes that may come between '%' and the
// conversion: flags, digits and '.'.
var isSpecByte = func() (set [256]bool) {
	for _, c := range []byte(flagsFloat + "123456789.") {
		set[c] = true
	}
	return
}()

// A spec is a parsed conversion specification.
type spec struct {
	minus, plus, space, alt, zero bool
	width                         int
	prec                          int // -1 when absent
}

func strFormat(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	f, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	b := builder{t: t}
	arg := 1
	owned := false // args is a private copy
	for i := 0; i < len(f); {
		j := strings.IndexByte(f[i:], '%')
		if j < 0 {
			b.add(f[i:])
			break
		}
		b.add(f[i : i+j])
		i += j + 1
		if i < len(f) && f[i] == '%' {
			b.addByte('%')
			i++
			continue
		}
		arg++
		if arg > len(args) {
			return nil, lua.ArgError(arg, "no value")
		}
		// The specification spans flags, digits and '.', then the conversion.
		end := i
		for end < len(f) && isSpecByte[f[end]] {
			end++
		}
		if end-i+1 >= maxFormatSpec {
			return nil, lua.Errorf("invalid format (too long)")
		}
		var conv byte // 0 at the end of the format, as C's terminator
		if end < len(f) {
			conv = f[end]
		}
		form := f[i-1 : end] // "%" and the specification, for messages
		if conv != 0 {
			form = f[i-1 : end+1]
		}
		i = end + 1
		if n, ok := args[arg-1].AsInt(); ok && conv == 'd' && len(form) == 2 {
			// A plain %d of an integer, the most frequent conversion.
			if b.room(20) {
				b.buf = strconv.AppendInt(b.buf, n, 10)
			}
			continue
		}
		if v := args[arg-1]; !owned && (conv == 's' || conv == 'q') && !v.IsString() && !v.IsNumber() {
			// tostring may run a __tostring metamethod, after which args
			// (which may alias the VM stack) is no longer valid.
			args = append([]lua.Value(nil), args...)
			owned = true
		}
		if err := formatItem(t, &b, conv, form, args, arg); err != nil {
			return nil, err
		}
		if b.err != nil {
			return nil, b.err
		}
	}
	if b.err != nil {
		return nil, b.err
	}
	return t.Ret(lua.String(b.String()))
}

// formatItem formats argument arg with conversion conv and specification form.
func formatItem(t *lua.Thread, b *builder, conv byte, form string, args []lua.Value, arg int) error {
	var scratch [128]byte
	switch conv {
	case 'c':
		sp, err := checkSpec(form, flagsChar, false)
		if err != nil {
			return err
		}
		n, err := lua.CheckInt(args, arg)
		if err != nil {
			return err
		}
		scratch[0] = byte(n)
		pad(b, sp, "", "", scratch[:1], false)
	case 'd', 'i', 'u', 'o', 'x', 'X':
		n, err := lua.CheckInt(args, arg)
		if err != nil {
			return err
		}
		flags := flagsHex
		switch conv {
		case 'd', 'i':
			flags = flagsInt
		case 'u':
			flags = flagsUint
		}
		sp, err := checkSpec(form, flags, true)
		if err != nil {
			return err
		}
		formatInt(b, sp, conv, n, scratch[:0])
	case 'a', 'A':
		sp, err := checkSpec(form, flagsFloat, true)
		if err != nil {
			return err
		}
		x, err := lua.CheckFloat(args, arg)
		if err != nil {
			return err
		}
		formatFloat(b, sp, conv, x, scratch[:0])
	case 'e', 'E', 'f', 'g', 'G':
		x, err := lua.CheckFloat(args, arg)
		if err != nil {
			return err
		}
		sp, err := checkSpec(form, flagsFloat, true)
		if err != nil {
			return err
		}
		formatFloat(b, sp, conv, x, scratch[:0])
	case 'p':
		sp, err := checkSpec(form, flagsChar, false)
		if err != nil {
			return err
		}
		p := lua.Arg(args, arg).Pointer()
		if p == 0 {
			pad(b, sp, "", "", []byte("(null)"), false)
		} else {
			pad(b, sp, "", "0x", strconv.AppendUint(scratch[:0], uint64(p), 16), false)
		}
	case 'q':
		if len(form) > 2 {
			return lua.Errorf("specifier '%%q' cannot have modifiers")
		}
		return addLiteral(t, b, args, arg)
	case 's':
		s, err := t.ToString(lua.Arg(args, arg))
		if err != nil {
			return err
		}
		if len(form) == 2 {
			b.add(s)
			return nil
		}
		if strings.IndexByte(s, 0) >= 0 {
			return lua.ArgError(arg, "string contains zeros")
		}
		sp, err := checkSpec(form, flagsChar, true)
		if err != nil {
			return err
		}
		if sp.prec < 0 && len(s) >= 100 {
			b.add(s) // too long to be formatted: kept whole
			return nil
		}
		if sp.prec >= 0 && len(s) > sp.prec {
			s = s[:sp.prec]
		}
		padString(b, sp, s)
	default:
		return lua.Errorf("invalid conversion '%s' to 'format'", form)
	}
	return nil
}

// checkSpec validates form ("%" flags width [. precision] conversion)
// against the accepted flags, as lstrlib's checkformat, and parses it.
func checkSpec(form, flags string, precision bool) (spec, error) {
	sp := spec{prec: -1}
	i := 1
	for i < len(form) && strings.IndexByte(flags, form[i]) >= 0 {
		switch form[i] {
		case '-':
			sp.minus = true
		case '+':
			sp.plus = true
		case ' ':
			sp.space = true
		case '#':
			sp.alt = true
		case '0':
			sp.zero = true
		}
		i++
	}
	if i >= len(form) || form[i] != '0' { // a width cannot start with '0'
		i, sp.width = twoDigits(form, i)
		if i < len(form) && form[i] == '.' && precision {
			i, sp.prec = twoDigits(form, i+1)
		}
	}
	if i >= len(form) || !isAlpha(form[i]) {
		return sp, lua.Errorf("invalid conversion specification: '%s'", form)
	}
	return sp, nil
}

// twoDigits reads at most two decimal digits of s from i.
func twoDigits(s string, i int) (next, n int) {
	for k := 0; k < 2 && i < len(s) && isDigit(s[i]); k++ {
		n = n*10 + int(s[i]-'0')
		i++
	}
	return i, n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlpha(c byte) bool { return ctype[c]&ctAlpha != 0 }

// pad writes sign, prefix and body in a field of sp.width: left-justified
// with '-', else right-justified with spaces, or with zeros between prefix
// and body when zeros is set.
func pad(b *builder, sp spec, sign, prefix string, body []byte, zeros bool) {
	n := len(sign) + len(prefix) + len(body)
	fill := max(sp.width-n, 0)
	if !b.room(n + fill) {
		return
	}
	buf := b.buf // the appends below stay within the room made
	if !sp.minus && !zeros {
		buf = appendRepeated(buf, ' ', fill)
	}
	buf = append(buf, sign...)
	buf = append(buf, prefix...)
	if !sp.minus && zeros {
		buf = appendRepeated(buf, '0', fill)
	}
	buf = append(buf, body...)
	if sp.minus {
		buf = appendRepeated(buf, ' ', fill)
	}
	b.buf = buf
}

func appendRepeated(buf []byte, c byte, n int) []byte {
	for range n {
		buf = append(buf, c)
	}
	return buf
}

// padString writes s in a field of sp.width (strings never pad with zeros).
func padString(b *builder, sp spec, s string) {
	fill := sp.width - len(s)
	if fill > 0 && !sp.minus {
		b.addRepeated(' ', fill)
	}
	b.add(s)
	if fill > 0 && sp.minus {
		b.addRepeated(' ', fill)
	}
}

func bytesRepeat(c byte, n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = c
	}
	return p
}

// formatInt formats n for %d %i %u %o %x %X.
func formatInt(b *builder, sp spec, conv byte, n int64, digits []byte) {
	sign, prefix := "", ""
	u := uint64(n)
	base := 10
	switch conv {
	case 'd', 'i':
		if n < 0 {
			sign, u = "-", -u
		} else if sp.plus {
			sign = "+"
		} else if sp.space {
			sign = " "
		}
	case 'o':
		base = 8
	case 'x', 'X':
		base = 16
		if sp.alt && n != 0 {
			prefix = "0" + string(conv)
		}
	}
	if sp.prec != 0 || u != 0 { // precision 0 prints nothing for zero
		digits = strconv.AppendUint(digits, u, base)
	}
	if conv == 'X' {
		for i, c := range digits {
			if c >= 'a' {
				digits[i] = c - 'a' + 'A'
			}
		}
	}
	if z := sp.prec - len(digits); z > 0 { // the precision is a minimum digit count
		digits = append(bytesRepeat('0', z), digits...)
	}
	if conv == 'o' && sp.alt && (len(digits) == 0 || digits[0] != '0') {
		digits = append([]byte{'0'}, digits...)
	}
	pad(b, sp, sign, prefix, digits, sp.zero && sp.prec < 0)
}

// formatFloat formats x for %a %A %e %E %f %g %G.
func formatFloat(b *builder, sp spec, conv byte, x float64, body []byte) {
	sign := ""
	if math.Signbit(x) {
		sign = "-"
		x = -x
	} else if sp.plus {
		sign = "+"
	} else if sp.space {
		sign = " "
	}
	upper := conv == 'A' || conv == 'E' || conv == 'G'
	if math.IsInf(x, 0) || math.IsNaN(x) {
		word := "inf"
		if math.IsNaN(x) {
			word = "nan"
		}
		if upper {
			word = strings.ToUpper(word)
		}
		pad(b, sp, sign, "", append(body, word...), false)
		return
	}
	prefix := ""
	switch conv {
	case 'a', 'A':
		prefix = "0x"
		body = appendHexFloat(body, x, sp.prec, sp.alt)
	case 'e', 'E':
		body = appendExp(body, x, precOr6(sp.prec), sp.alt)
	case 'f':
		body = appendFixed(body, x, precOr6(sp.prec), sp.alt)
	case 'g', 'G':
		body = appendGeneral(body, x, precOr6(sp.prec), sp.alt)
	}
	if upper {
		for i, c := range body {
			if c >= 'a' && c <= 'z' {
				body[i] = c - 'a' + 'A'
			}
		}
		if prefix != "" {
			prefix = "0X"
		}
	}
	pad(b, sp, sign, prefix, body, sp.zero)
}

func precOr6(prec int) int {
	if prec < 0 {
		return 6
	}
	return prec
}

// appendExp appends x >= 0 in %e form: d.ddde±XX.
func appendExp(dst []byte, x float64, prec int, alt bool) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, x, 'e', prec, 64)
	if alt && prec == 0 { // "#" keeps the point: "1.e+05"
		dst = append(dst, 0)
		copy(dst[start+2:], dst[start+1:])
		dst[start+1] = '.'
	}
	return dst
}

// appendFixed appends x >= 0 in %f form.
func appendFixed(dst []byte, x float64, prec int, alt bool) []byte {
	dst = strconv.AppendFloat(dst, x, 'f', prec, 64)
	if alt && prec == 0 {
		dst = append(dst, '.')
	}
	return dst
}

// appendGeneral appends x >= 0 in %g form: %e or %f depending on the
// exponent, with trailing zeros removed unless alt.
func appendGeneral(dst []byte, x float64, prec int, alt bool) []byte {
	if prec == 0 {
		prec = 1
	}
	if !alt {
		// Go's %g makes the same choice between %e and %f and drops the
		// same trailing zeros.
		return strconv.AppendFloat(dst, x, 'g', prec, 64)
	}
	exp := 0
	if x != 0 {
		// The exponent %e would print, after rounding to prec digits.
		var tmp [128]byte
		e := strconv.AppendFloat(tmp[:0], x, 'e', prec-1, 64)
		k := len(e) - 1
		for e[k] != 'e' {
			k--
		}
		for _, c := range e[k+2:] {
			exp = exp*10 + int(c-'0')
		}
		if e[k+1] == '-' {
			exp = -exp
		}
	}
	switch {
	case exp == prec && x < math.Pow10(prec):
		// glibc formats a number of prec integer digits as %f with no
		// fraction digits; when rounding carries to prec+1 digits it
		// switches to %e but keeps the empty fraction: "1.e+06".
		return appendExp(dst, x, 0, true)
	case exp < -4 || exp >= prec:
		return appendExp(dst, x, prec-1, true)
	}
	return appendFixed(dst, x, prec-1-exp, true)
}

// appendHexFloat appends the part after "0x" of x >= 0 in glibc's %a form:
// a leading digit (1 for normal numbers, 0 for zero and subnormals), the
// fraction in hexadecimal rounded to prec digits (ties to even) or, when
// prec < 0, as many as needed, and a binary exponent.
func appendHexFloat(dst []byte, x float64, prec int, alt bool) []byte {
	const fracDigits = 13 // 52 bits
	bits := math.Float64bits(x)
	frac := bits & (1<<52 - 1)
	exp := int(bits>>52) & 0x7ff
	lead := uint64(1)
	switch {
	case exp == 0 && frac == 0:
		lead, exp = 0, 0
	case exp == 0:
		lead, exp = 0, -1022
	default:
		exp -= 1023
	}
	digits := fracDigits
	if prec >= 0 && prec < fracDigits {
		// Round lead.frac to prec hex digits, ties to even; the carry may
		// make the leading digit 2 (glibc does not renormalize).
		shift := uint(fracDigits-prec) * 4
		v := lead<<52 | frac
		rem := v & (1<<shift - 1)
		v >>= shift
		half := uint64(1) << (shift - 1)
		if rem > half || (rem == half && v&1 == 1) {
			v++
		}
		lead, frac = v>>(uint(prec)*4), v&(1<<(uint(prec)*4)-1)
		digits = prec
	}
	dst = strconv.AppendUint(dst, lead, 16)
	var hex [fracDigits]byte
	for i := digits - 1; i >= 0; i-- {
		hex[i] = "0123456789abcdef"[frac&15]
		frac >>= 4
	}
	fr := hex[:digits]
	if prec < 0 {
		for len(fr) > 0 && fr[len(fr)-1] == '0' {
			fr = fr[:len(fr)-1]
		}
	}
	if len(fr) > 0 || alt || prec > 0 {
		dst = append(dst, '.')
	}
	dst = append(dst, fr...)
	for i := digits; i < prec; i++ {
		dst = append(dst, '0')
	}
	dst = append(dst, 'p')
	if exp >= 0 {
		dst = append(dst, '+')
	}
	return strconv.AppendInt(dst, int64(exp), 10)
}

// addLiteral writes argument arg as %q does: a Lua literal that reads back
// as the same value.
func addLiteral(t *lua.Thread, b *builder, args []lua.Value, arg int) error {
	v := lua.Arg(args, arg)
	var scratch [64]byte
	switch v.Type() {
	case lua.TypeString:
		s, _ := v.AsString()
		addQuoted(b, s)
	case lua.TypeNumber:
		if n, ok := v.AsInt(); ok {
			if n == math.MinInt64 { // its decimal form would read back as a float
				b.add("0x8000000000000000")
			} else {
				b.addBytes(strconv.AppendInt(scratch[:0], n, 10))
			}
			return nil
		}
		f, _ := v.AsFloat()
		switch {
		case math.IsInf(f, 1):
			b.add("1e9999")
		case math.IsInf(f, -1):
			b.add("-1e9999")
		case math.IsNaN(f):
			b.add("(0/0)")
		default:
			out := scratch[:0]
			if math.Signbit(f) {
				out = append(out, '-')
				f = -f
			}
			out = append(out, "0x"...)
			b.addBytes(appendHexFloat(out, f, -1, false))
		}
	case lua.TypeNil, lua.TypeBoolean:
		s, err := t.ToString(v)
		if err != nil {
			return err
		}
		b.add(s)
	default:
		return lua.ArgError(arg, "value has no literal form")
	}
	return nil
}

// addQuoted writes s as a double-quoted Lua string: quotes, backslashes and
// newlines escaped, control bytes as decimal escapes (three digits when a
// digit follows), other bytes as they are.
func addQuoted(b *builder, s string) {
	b.addByte('"')
	start := 0 // s[start:i] needs no escape and is not yet written
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '"' && c != '\\' && c != '\n' && ctype[c]&ctCntrl == 0 {
			continue
		}
		b.add(s[start:i])
		start = i + 1
		if c == '"' || c == '\\' || c == '\n' {
			b.addByte('\\')
			b.addByte(c)
			continue
		}
		var esc [4]byte
		e := append(esc[:0], '\\')
		if i+1 < len(s) && isDigit(s[i+1]) {
			e = append(e, '0'+c/100, '0'+c/10%10, '0'+c%10)
		} else {
			e = strconv.AppendUint(e, uint64(c), 10)
		}
		b.addBytes(e)
	}
	b.add(s[start:])
	b.addByte('"')
}

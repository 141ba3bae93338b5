package compile

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// eventNames are the metamethod names MMBIN instructions refer to
// (ltm.c's luaT_eventname).
var eventNames = [...]string{
	"__index", "__newindex", "__gc", "__mode", "__len", "__eq",
	"__add", "__sub", "__mul", "__mod", "__pow", "__div", "__idiv",
	"__band", "__bor", "__bxor", "__shl", "__shr",
	"__unm", "__bnot", "__lt", "__le", "__concat", "__call", "__close",
}

func eventName(e int) string {
	if e < len(eventNames) {
		return eventNames[e]
	}
	return "?"
}

// Listing returns p and its nested functions in the format of `luac -l -l`:
// a header per function, its instructions with lines and operands, then its
// constants, locals and upvalues. Addresses are the prototypes' Go
// addresses.
func Listing(p *Proto) string {
	var b strings.Builder
	listFunction(&b, p)
	return b.String()
}

func listFunction(b *strings.Builder, p *Proto) {
	listHeader(b, p)
	listCode(b, p)
	listDebug(b, p)
	for _, child := range p.Protos {
		listFunction(b, child)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func listHeader(b *strings.Builder, p *Proto) {
	s := p.Source
	switch {
	case s == "":
		s = "?"
	case s[0] == '@' || s[0] == '=':
		s = s[1:]
	case s[0] == 0x1b:
		s = "(bstring)"
	default:
		s = "(string)"
	}
	kind := "function"
	if p.LineDefined == 0 {
		kind = "main"
	}
	fmt.Fprintf(b, "\n%s <%s:%d,%d> (%d instruction%s at %p)\n",
		kind, s, p.LineDefined, p.LastLineDefined, len(p.Code), plural(len(p.Code)), p)
	vararg := ""
	if p.IsVararg {
		vararg = "+"
	}
	fmt.Fprintf(b, "%d%s param%s, %d slot%s, %d upvalue%s, ",
		p.NumParams, vararg, plural(p.NumParams), p.MaxStackSize, plural(p.MaxStackSize),
		len(p.Upvalues), plural(len(p.Upvalues)))
	fmt.Fprintf(b, "%d local%s, %d constant%s, %d function%s\n",
		len(p.LocVars), plural(len(p.LocVars)), len(p.Constants), plural(len(p.Constants)),
		len(p.Protos), plural(len(p.Protos)))
}

func (p *Proto) upvalueName(i int) string {
	if i < len(p.Upvalues) && p.Upvalues[i].Name != "" {
		return p.Upvalues[i].Name
	}
	return "-"
}

func (p *Proto) constantText(i int) string {
	if i < len(p.Constants) {
		return constantString(p.Constants[i])
	}
	return "?"
}

func listCode(b *strings.Builder, p *Proto) {
	for pc, i := range p.Code {
		op := i.Op()
		a, bb, c := i.A(), i.B(), i.C()
		bx, sbx := i.Bx(), i.SBx()
		isk := b2i(i.K())
		ks := ""
		if i.K() {
			ks = "k"
		}
		extra := 0 // EXTRAARG*(MAXARG_C+1) for NEWTABLE and SETLIST
		if pc+1 < len(p.Code) {
			extra = p.Code[pc+1].Ax() * (MaxArgC + 1)
		}
		fmt.Fprintf(b, "\t%d\t", pc+1)
		if line := p.Line(pc); line > 0 {
			fmt.Fprintf(b, "[%d]\t", line)
		} else {
			b.WriteString("[-]\t")
		}
		fmt.Fprintf(b, "%-9s\t", op.String())
		switch op {
		case OP_MOVE:
			fmt.Fprintf(b, "%d %d", a, bb)
		case OP_LOADI, OP_LOADF:
			fmt.Fprintf(b, "%d %d", a, sbx)
		case OP_LOADK:
			fmt.Fprintf(b, "%d %d\t; %s", a, bx, p.constantText(bx))
		case OP_LOADKX:
			k := 0
			if pc+1 < len(p.Code) {
				k = p.Code[pc+1].Ax()
			}
			fmt.Fprintf(b, "%d\t; %s", a, p.constantText(k))
		case OP_LOADFALSE, OP_LFALSESKIP, OP_LOADTRUE, OP_CLOSE, OP_TBC, OP_RETURN1, OP_VARARGPREP:
			fmt.Fprintf(b, "%d", a)
		case OP_LOADNIL:
			fmt.Fprintf(b, "%d %d\t; %d out", a, bb, bb+1)
		case OP_GETUPVAL, OP_SETUPVAL:
			fmt.Fprintf(b, "%d %d\t; %s", a, bb, p.upvalueName(bb))
		case OP_GETTABUP:
			fmt.Fprintf(b, "%d %d %d\t; %s %s", a, bb, c, p.upvalueName(bb), p.constantText(c))
		case OP_GETTABLE, OP_GETI, OP_ADD, OP_SUB, OP_MUL, OP_MOD, OP_POW, OP_DIV, OP_IDIV,
			OP_BAND, OP_BOR, OP_BXOR, OP_SHL, OP_SHR:
			fmt.Fprintf(b, "%d %d %d", a, bb, c)
		case OP_GETFIELD, OP_ADDK, OP_SUBK, OP_MULK, OP_MODK, OP_POWK, OP_DIVK, OP_IDIVK,
			OP_BANDK, OP_BORK, OP_BXORK:
			fmt.Fprintf(b, "%d %d %d\t; %s", a, bb, c, p.constantText(c))
		case OP_SETTABUP:
			fmt.Fprintf(b, "%d %d %d%s\t; %s %s", a, bb, c, ks, p.upvalueName(a), p.constantText(bb))
			if i.K() {
				fmt.Fprintf(b, " %s", p.constantText(c))
			}
		case OP_SETTABLE, OP_SETI, OP_SELF:
			fmt.Fprintf(b, "%d %d %d%s", a, bb, c, ks)
			if i.K() {
				fmt.Fprintf(b, "\t; %s", p.constantText(c))
			}
		case OP_SETFIELD:
			fmt.Fprintf(b, "%d %d %d%s\t; %s", a, bb, c, ks, p.constantText(bb))
			if i.K() {
				fmt.Fprintf(b, " %s", p.constantText(c))
			}
		case OP_NEWTABLE:
			if !i.K() {
				extra = 0
			}
			fmt.Fprintf(b, "%d %d %d\t; %d", a, bb, c, c+extra)
		case OP_ADDI, OP_SHRI, OP_SHLI:
			fmt.Fprintf(b, "%d %d %d", a, bb, i.SC())
		case OP_MMBIN:
			fmt.Fprintf(b, "%d %d %d\t; %s", a, bb, c, eventName(c))
		case OP_MMBINI:
			fmt.Fprintf(b, "%d %d %d %d\t; %s", a, i.SB(), c, isk, eventName(c))
			if i.K() {
				b.WriteString(" flip")
			}
		case OP_MMBINK:
			fmt.Fprintf(b, "%d %d %d %d\t; %s %s", a, bb, c, isk, eventName(c), p.constantText(bb))
			if i.K() {
				b.WriteString(" flip")
			}
		case OP_UNM, OP_BNOT, OP_NOT, OP_LEN, OP_CONCAT:
			fmt.Fprintf(b, "%d %d", a, bb)
		case OP_JMP:
			fmt.Fprintf(b, "%d\t; to %d", i.SJ(), i.SJ()+pc+2)
		case OP_EQ, OP_LT, OP_LE, OP_TESTSET:
			fmt.Fprintf(b, "%d %d %d", a, bb, isk)
		case OP_EQK:
			fmt.Fprintf(b, "%d %d %d\t; %s", a, bb, isk, p.constantText(bb))
		case OP_EQI, OP_LTI, OP_LEI, OP_GTI, OP_GEI:
			fmt.Fprintf(b, "%d %d %d", a, i.SB(), isk)
		case OP_TEST:
			fmt.Fprintf(b, "%d %d", a, isk)
		case OP_CALL:
			fmt.Fprintf(b, "%d %d %d\t; ", a, bb, c)
			if bb == 0 {
				b.WriteString("all in ")
			} else {
				fmt.Fprintf(b, "%d in ", bb-1)
			}
			if c == 0 {
				b.WriteString("all out")
			} else {
				fmt.Fprintf(b, "%d out", c-1)
			}
		case OP_TAILCALL:
			fmt.Fprintf(b, "%d %d %d%s\t; %d in", a, bb, c, ks, bb-1)
		case OP_RETURN:
			fmt.Fprintf(b, "%d %d %d%s\t; ", a, bb, c, ks)
			if bb == 0 {
				b.WriteString("all out")
			} else {
				fmt.Fprintf(b, "%d out", bb-1)
			}
		case OP_RETURN0:
		case OP_FORLOOP, OP_TFORLOOP:
			fmt.Fprintf(b, "%d %d\t; to %d", a, bx, pc-bx+2)
		case OP_FORPREP:
			fmt.Fprintf(b, "%d %d\t; exit to %d", a, bx, pc+bx+3)
		case OP_TFORPREP:
			fmt.Fprintf(b, "%d %d\t; to %d", a, bx, pc+bx+2)
		case OP_TFORCALL:
			fmt.Fprintf(b, "%d %d", a, c)
		case OP_SETLIST:
			fmt.Fprintf(b, "%d %d %d", a, bb, c)
			if i.K() {
				fmt.Fprintf(b, "\t; %d", c+extra)
			}
		case OP_CLOSURE:
			var child *Proto
			if bx < len(p.Protos) {
				child = p.Protos[bx]
			}
			fmt.Fprintf(b, "%d %d\t; %p", a, bx, child)
		case OP_VARARG:
			fmt.Fprintf(b, "%d %d\t; ", a, c)
			if c == 0 {
				b.WriteString("all out")
			} else {
				fmt.Fprintf(b, "%d out", c-1)
			}
		case OP_EXTRAARG:
			fmt.Fprintf(b, "%d", i.Ax())
		default:
			fmt.Fprintf(b, "%d %d %d\t; not handled", a, bb, c)
		}
		b.WriteByte('\n')
	}
}

func listDebug(b *strings.Builder, p *Proto) {
	fmt.Fprintf(b, "constants (%d) for %p:\n", len(p.Constants), p)
	for i, k := range p.Constants {
		fmt.Fprintf(b, "\t%d\t%s\t%s\n", i, constantType(k), constantString(k))
	}
	fmt.Fprintf(b, "locals (%d) for %p:\n", len(p.LocVars), p)
	for i, v := range p.LocVars {
		fmt.Fprintf(b, "\t%d\t%s\t%d\t%d\n", i, v.Name, v.StartPC+1, v.EndPC+1)
	}
	fmt.Fprintf(b, "upvalues (%d) for %p:\n", len(p.Upvalues), p)
	for i, u := range p.Upvalues {
		fmt.Fprintf(b, "\t%d\t%s\t%d\t%d\n", i, p.upvalueName(i), b2i(u.InStack), u.Index)
	}
}

func constantType(k Constant) string {
	switch k.(type) {
	case nil:
		return "N"
	case bool:
		return "B"
	case float64:
		return "F"
	case int64:
		return "I"
	case string:
		return "S"
	}
	return "?"
}

// constantString shows a constant as luac does: floats with "%.14g" (and
// ".0" when that looks like an integer), strings quoted with C escapes.
func constantString(k Constant) string {
	switch k := k.(type) {
	case nil:
		return "nil"
	case bool:
		return strconv.FormatBool(k)
	case int64:
		return strconv.FormatInt(k, 10)
	case float64:
		s := formatG14(k)
		if strings.Trim(s, "-0123456789") == "" {
			s += ".0"
		}
		return s
	case string:
		return quoteC(k)
	}
	return "?"
}

// formatG14 is C's "%.14g".
func formatG14(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return fmt.Sprintf("%.14g", f)
}

func quoteC(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\v':
			b.WriteString(`\v`)
		default:
			if 0x20 <= c && c < 0x7f {
				b.WriteByte(c)
			} else {
				fmt.Fprintf(&b, `\%03d`, c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

package compile

import (
	"strings"
	"testing"
)

// verifySource is compiled and then damaged in the ways below.
const verifySource = `
local t = {1, 2, x = 3}
local a, b = ...
for i = 1, 3 do t[i] = t[i] + 1 end
for k, v in pairs(t) do print(k, v) end
if a == 1 then b = a .. "x" end
local function f() return t end
return f(a)
`

// findOp returns the pc of the first instruction with opcode op.
func findOp(t *testing.T, p *Proto, op Opcode) int {
	t.Helper()
	for pc, i := range p.Code {
		if i.Op() == op {
			return pc
		}
	}
	t.Fatalf("no %s in test function", op)
	return 0
}

func TestVerifyRejectsHostileCode(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, p *Proto)
	}{
		{"register beyond frame", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_MOVE)
			p.Code[pc] = CreateABCk(OP_MOVE, p.MaxStackSize, 0, 0, false)
		}},
		{"stack too big", func(t *testing.T, p *Proto) { p.MaxStackSize = 256 }},
		{"constant out of range", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_GETTABUP)
			i := p.Code[pc]
			p.Code[pc] = CreateABCk(OP_GETTABUP, i.A(), i.B(), len(p.Constants), false)
		}},
		{"field key not a string", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_GETTABUP)
			p.Constants[p.Code[pc].C()] = int64(1)
		}},
		{"upvalue out of range", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_GETTABUP)
			i := p.Code[pc]
			p.Code[pc] = CreateABCk(OP_GETTABUP, i.A(), 5, i.C(), false)
		}},
		{"invalid opcode", func(t *testing.T, p *Proto) { p.Code[1] = Instruction(NumOpcodes) }},
		{"jump outside code", func(t *testing.T, p *Proto) {
			p.Code[findOp(t, p, OP_JMP)] = CreateSJ(OP_JMP, len(p.Code))
		}},
		{"jump backwards outside code", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_JMP)
			p.Code[pc] = CreateSJ(OP_JMP, -pc-2)
		}},
		{"jump onto EXTRAARG", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_JMP)
			p.Code[pc] = CreateSJ(OP_JMP, findOp(t, p, OP_EXTRAARG)-pc-1)
		}},
		{"jump onto MMBIN", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_JMP)
			p.Code[pc] = CreateSJ(OP_JMP, findOp(t, p, OP_MMBINI)-pc-1)
		}},
		{"no final return", func(t *testing.T, p *Proto) {
			p.Code[len(p.Code)-1] = CreateABCk(OP_LOADNIL, 0, 0, 0, false)
		}},
		{"test without jump", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_EQI)
			p.Code[pc+1] = CreateABCk(OP_LOADNIL, 0, 0, 0, false)
		}},
		{"arithmetic without MMBIN", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_ADDI)
			p.Code[pc+1] = CreateABCk(OP_LOADNIL, 0, 0, 0, false)
		}},
		{"stray MMBIN", func(t *testing.T, p *Proto) {
			p.Code[1] = CreateABCk(OP_MMBIN, 0, 0, tmAdd, false)
		}},
		{"NEWTABLE without EXTRAARG", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_NEWTABLE)
			p.Code[pc+1] = CreateABCk(OP_LOADNIL, 0, 0, 0, false)
		}},
		{"huge table", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_NEWTABLE)
			p.Code[pc] = CreateABCk(OP_NEWTABLE, 0, 0, 0, true)
			p.Code[pc+1] = CreateAx(OP_EXTRAARG, MaxArgAx)
		}},
		{"huge hash", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_NEWTABLE)
			p.Code[pc] = CreateABCk(OP_NEWTABLE, 0, 60, 0, false)
		}},
		{"FORPREP not matching FORLOOP", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_FORPREP)
			p.Code[pc] = CreateABx(OP_FORPREP, p.Code[pc].A(), 0)
		}},
		{"FORLOOP without FORPREP", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_FORLOOP)
			p.Code[pc] = CreateABx(OP_FORLOOP, p.Code[pc].A(), 1)
		}},
		{"TFORCALL without TFORLOOP", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_TFORCALL)
			p.Code[pc+1] = CreateABCk(OP_LOADNIL, 0, 0, 0, false)
		}},
		{"open call arguments without producer", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_CALL)
			i := p.Code[pc]
			p.Code[pc] = CreateABCk(OP_CALL, i.A(), 0, i.C(), false)
		}},
		{"open results not consumed", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_CALL)
			i := p.Code[pc]
			p.Code[pc] = CreateABCk(OP_CALL, i.A(), i.B(), 0, false)
		}},
		{"RETURN0 in vararg function", func(t *testing.T, p *Proto) {
			p.Code[len(p.Code)-1] = CreateABCk(OP_RETURN0, 0, 0, 0, false)
		}},
		{"missing VARARGPREP", func(t *testing.T, p *Proto) {
			p.Code[0] = CreateABCk(OP_LOADNIL, 0, 0, 0, false)
		}},
		{"closure index out of range", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_CLOSURE)
			p.Code[pc] = CreateABx(OP_CLOSURE, p.Code[pc].A(), 7)
		}},
		{"bad upvalue capture", func(t *testing.T, p *Proto) {
			p.Protos[0].Upvalues[0].Index = p.MaxStackSize
		}},
		{"nested function damaged", func(t *testing.T, p *Proto) {
			p.Protos[0].Code = p.Protos[0].Code[:1]
		}},
		{"bad line information", func(t *testing.T, p *Proto) { p.LineInfo = p.LineInfo[1:] }},
		{"bad local range", func(t *testing.T, p *Proto) { p.LocVars[0].EndPC = len(p.Code) + 1 }},
		{"bad constant type", func(t *testing.T, p *Proto) { p.Constants[0] = []int{} }},
		{"CONCAT of one value", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_CONCAT)
			p.Code[pc] = CreateABCk(OP_CONCAT, p.Code[pc].A(), 1, 0, false)
		}},
		{"return flags", func(t *testing.T, p *Proto) {
			pc := findOp(t, p, OP_TAILCALL)
			i := p.Code[pc]
			p.Code[pc] = CreateABCk(OP_TAILCALL, i.A(), i.B(), 0, i.K())
		}},
	}
	for _, test := range tests {
		p := compileString(t, verifySource)
		if err := Verify(p); err != nil {
			t.Fatalf("undamaged function: %v", err)
		}
		test.damage(t, p)
		if err := Verify(p); err == nil {
			t.Errorf("%s: damaged function verifies", test.name)
		}
		// a damaged dump must not load either
		if _, err := Undump(Dump(p, false), "=x"); err == nil && test.name != "bad constant type" {
			t.Errorf("%s: damaged dump loads", test.name)
		} else if err != nil && !strings.HasPrefix(err.Error(), "x: bad binary format (") {
			t.Errorf("%s: error %q", test.name, err)
		}
	}
}

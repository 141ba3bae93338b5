package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

func table(pairs ...lua.Value) lua.Value {
	t := lua.NewTable(0, 0)
	for i := 0; i < len(pairs); i += 2 {
		if err := t.Set(pairs[i], pairs[i+1]); err != nil {
			panic(err)
		}
	}
	return t.Value()
}

func seq(vals ...lua.Value) lua.Value {
	t := lua.NewTable(len(vals), 0)
	for i, v := range vals {
		t.SetInt(int64(i+1), v)
	}
	return t.Value()
}

func newEncoder(held *[]lua.Value) *Encoder {
	return &Encoder{
		Hold: func(v lua.Value) uint32 {
			*held = append(*held, v)
			return uint32(len(*held))
		},
		JSFunc: func(lua.Value) (uint32, bool) { return 0, false },
	}
}

func TestEncodeBytes(t *testing.T) {
	tests := []struct {
		name string
		v    lua.Value
		want string // hex
	}{
		{"nil", lua.Nil, "00"},
		{"false", lua.False, "01"},
		{"true", lua.True, "02"},
		{"small int", lua.Int(-2), "03feffffff"},
		{"int53", lua.Int(1 << 40), "040000000000007042"},
		{"int64", lua.Int(1<<62 + 1), "050100000000000040"},
		{"float", lua.Float(0.5), "06000000000000e03f"},
		{"string", lua.String("hé"), "0703" + "68c3a9"},
		{"sequence", seq(lua.Int(1), lua.String("a")), "0902" + "0301000000" + "070161"},
		{"empty table", table(), "0a00"},
		{"object", table(lua.String("k"), lua.True), "0a01" + "07016b" + "02"},
		{"sequence with a hole is an object", table(lua.Int(1), lua.True, lua.Int(3), lua.True), ""},
		{"keys from 2 are an object", table(lua.Int(2), lua.True, lua.Int(3), lua.True), ""},
		{"sequence and a name are an object", table(lua.Int(1), lua.True, lua.Int(2), lua.True, lua.String("n"), lua.True), ""},
		{"sequence and a negative key are an object", table(lua.Int(1), lua.True, lua.Int(-1), lua.True), ""},
		{"sequence and a float key are an object", table(lua.Int(1), lua.True, lua.Float(1.5), lua.True), ""},
		{"sequence set out of order", table(lua.Int(3), lua.Int(3), lua.Int(1), lua.Int(1), lua.Int(2), lua.Int(2)), "0903" + "0301000000" + "0302000000" + "0303000000"},
		{"boolean key", table(lua.True, lua.Int(1)), "0a01" + "070474727565" + "0301000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var held []lua.Value
			got, err := newEncoder(&held).Encode(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if got[0] != TagObject {
					t.Errorf("tag %d, want Object", got[0])
				}
				return
			}
			if hex.EncodeToString(got) != tt.want {
				t.Errorf("got %x, want %s", got, tt.want)
			}
		})
	}
}

// A key with no JS name (a table) is left out and the count fixed.
func TestEncodeDropsUnnamedKeys(t *testing.T) {
	var held []lua.Value
	v := table(table(), lua.Int(1), lua.String("a"), lua.Int(2))
	got, err := newEncoder(&held).Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := "0a01" + "070161" + "0302000000"; hex.EncodeToString(got) != want {
		t.Errorf("got %x, want %s", got, want)
	}
}

func TestEncodeCycleAndSharing(t *testing.T) {
	var held []lua.Value
	inner := seq(lua.Int(7))
	outer := lua.NewTable(0, 0)
	outer.SetStr("self", outer.Value())
	outer.SetStr("a", inner)
	outer.SetStr("b", inner)
	got, err := newEncoder(&held).Encode(outer.Value())
	if err != nil {
		t.Fatal(err)
	}
	// self refers to container 0; the second of a/b refers to container 1.
	if !bytes.Contains(got, []byte{TagRef, 0}) || !bytes.Contains(got, []byte{TagRef, 1}) {
		t.Errorf("no refs in %x", got)
	}
	back, err := (&Decoder{}).Decode(got)
	if err != nil {
		t.Fatal(err)
	}
	bt := back[0].AsTable()
	if bt.GetStr("self").AsTable() != bt {
		t.Error("cycle not restored")
	}
	if bt.GetStr("a").AsTable() != bt.GetStr("b").AsTable() {
		t.Error("sharing not restored")
	}
}

func TestEncodeHeldValues(t *testing.T) {
	var held []lua.Value
	fn := lua.NewGoFunction("f", nil).Value()
	co := lua.NewState().NewCoroutine(fn).Value()
	got, err := newEncoder(&held).Encode(fn, co)
	if err != nil {
		t.Fatal(err)
	}
	if want := "0c0100" + "0c0202"; hex.EncodeToString(got) != want {
		t.Errorf("got %x, want %s", got, want)
	}
	d := &Decoder{Held: func(h uint32) (lua.Value, bool) {
		if int(h) > len(held) {
			return lua.Nil, false
		}
		return held[h-1], true
	}}
	back, err := d.Decode(got)
	if err != nil {
		t.Fatal(err)
	}
	if back[0] != fn || back[1] != co {
		t.Error("held values do not come back as themselves")
	}
	if _, err := d.Decode([]byte{TagLuaRef, 9, RefFunction}); err == nil {
		t.Error("a released handle decoded")
	}
}

func TestEncodeTooDeep(t *testing.T) {
	v := seq()
	for i := 0; i < MaxDepth+1; i++ {
		v = seq(v)
	}
	var held []lua.Value
	if _, err := newEncoder(&held).Encode(v); !errors.Is(err, ErrTooDeep) {
		t.Errorf("got %v, want ErrTooDeep", err)
	}
}

func TestDecode(t *testing.T) {
	jsFn := lua.NewGoFunction("js", nil).Value()
	d := &Decoder{JSFunc: func(id uint32) lua.Value {
		if id != 5 {
			t.Errorf("JSFunc id %d", id)
		}
		return jsFn
	}}
	tests := []struct {
		name string
		msg  string // hex
		want []lua.Value
	}{
		{"empty list", "", nil},
		{"scalars", "000102", []lua.Value{lua.Nil, lua.False, lua.True}},
		{"int53 is an integer", "040000000000007042", []lua.Value{lua.Int(1 << 40)}},
		{"float stays float", "06000000000000f03f", []lua.Value{lua.Float(1)}},
		{"bytes are a string", "0802ff00", []lua.Value{lua.String("\xff\x00")}},
		{"js function", "0d05", []lua.Value{jsFn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, _ := hex.DecodeString(tt.msg)
			got, err := d.Decode(msg)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d values, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if !lua.RawEqual(got[i], tt.want[i]) || got[i].IsInt() != tt.want[i].IsInt() {
					t.Errorf("value %d: got %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestDecodeContainers(t *testing.T) {
	// [ "x", { k = [ref 0] } ]
	msg, _ := hex.DecodeString("0902" + "070178" + "0a01" + "07016b" + "0b00")
	got, err := (&Decoder{}).Decode(msg)
	if err != nil {
		t.Fatal(err)
	}
	arr := got[0].AsTable()
	if arr.Len() != 2 {
		t.Fatalf("len %d", arr.Len())
	}
	if s, _ := arr.GetInt(1).AsString(); s != "x" {
		t.Errorf("[1] = %q", s)
	}
	if arr.GetInt(2).AsTable().GetStr("k").AsTable() != arr {
		t.Error("ref does not point at the outer array")
	}
}

// TestDecodeInternsKeys checks that the objects of one message, and of
// the next, share the string objects of their short keys, and that keys
// too long to intern still decode.
func TestDecodeInternsKeys(t *testing.T) {
	long := strings.Repeat("k", maxInternedName+1)
	record := func(i int64) lua.Value {
		return table(lua.String("name"), lua.String("name"), lua.String("id"), lua.Int(i), lua.String(long), lua.True)
	}
	var held []lua.Value
	enc := newEncoder(&held)
	d := &Decoder{}
	var recs []*lua.Table
	for _, msgVals := range [][]lua.Value{{seq(record(1), record(2))}, {record(3)}} {
		msg, err := enc.Encode(msgVals...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Decode(msg)
		if err != nil {
			t.Fatal(err)
		}
		if list := got[0].AsTable(); list.Len() == 2 {
			recs = append(recs, list.GetInt(1).AsTable(), list.GetInt(2).AsTable())
		} else {
			recs = append(recs, list)
		}
	}
	// keys returns the key objects of rec by their text.
	keys := func(rec *lua.Table) map[string]lua.Value {
		m := map[string]lua.Value{}
		for pos, k, _ := rec.Iter(0); pos != 0; pos, k, _ = rec.Iter(pos) {
			s, _ := k.AsString()
			m[s] = k
		}
		return m
	}
	first := keys(recs[0])
	for i, rec := range recs {
		if id, _ := rec.GetStr("id").AsInt(); id != int64(i+1) {
			t.Fatalf("record %d: id %d", i, id)
		}
		if v, _ := rec.GetStr("name").AsString(); v != "name" || rec.GetStr(long) != lua.True {
			t.Fatalf("record %d decoded wrong", i)
		}
		k := keys(rec)
		for _, name := range []string{"name", "id"} {
			if k[name] != first[name] {
				t.Errorf("record %d: key %q is another string object than record 1's", i, name)
			}
		}
		if i > 0 && k[long] == first[long] {
			t.Errorf("record %d: a key of %d bytes was interned", i, len(long))
		}
	}
}

func TestDecodeMalformed(t *testing.T) {
	for _, m := range []string{"03ff", "07", "0705ab", "0b00", "0a01", "0a010000", "ff", "09ffffffff0f"} {
		msg, _ := hex.DecodeString(m)
		if _, err := (&Decoder{}).Decode(msg); err == nil {
			t.Errorf("%s decoded", m)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte{TagArray, 2, TagTrue, TagRef, 0})
	f.Add([]byte{TagObject, 1, TagString, 1, 'k', TagFloat, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f})
	f.Fuzz(func(t *testing.T, msg []byte) {
		d := &Decoder{
			Held:   func(uint32) (lua.Value, bool) { return lua.Nil, false },
			JSFunc: func(uint32) lua.Value { return lua.True },
		}
		vals, err := d.Decode(msg)
		if err != nil {
			return
		}
		// Whatever decodes encodes again.
		var held []lua.Value
		if _, err := newEncoder(&held).Encode(vals...); err != nil && !errors.Is(err, ErrTooDeep) {
			t.Fatal(err)
		}
	})
}

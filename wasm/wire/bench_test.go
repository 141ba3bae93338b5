package wire

import (
	"fmt"
	"testing"

	"github.com/luawasm/luawasm/lua"
)

// benchRecords returns n records shaped like the browser benchmark's
// ({id, name, email, age, score, active}), sharing their field names as
// records decoded from one batch do.
func benchRecords(n int) lua.Value {
	names := []lua.Value{lua.String("id"), lua.String("name"), lua.String("email"), lua.String("age"), lua.String("score"), lua.String("active")}
	rows := lua.NewTable(n, 0)
	for i := range n {
		rec := lua.NewTable(0, len(names))
		rec.Set(names[0], lua.Int(int64(i+1)))
		rec.Set(names[1], lua.String(fmt.Sprintf("user%06d", i+1)))
		rec.Set(names[2], lua.String(fmt.Sprintf("user%d@example.com", i+1)))
		rec.Set(names[3], lua.Int(int64(18+i%60)))
		rec.Set(names[4], lua.Int(int64(i*7919%10000)))
		rec.Set(names[5], lua.Bool(i%3 != 0))
		rows.SetInt(int64(i+1), rec.Value())
	}
	return rows.Value()
}

// BenchmarkEncodeRecords encodes the rows of the browser benchmark's full
// scan (167 records).
func BenchmarkEncodeRecords(b *testing.B) {
	rows := benchRecords(167)
	var held []lua.Value
	enc := newEncoder(&held)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := enc.Encode(rows); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeQueryArgs decodes a queryTable call's arguments, as every
// query does.
func BenchmarkDecodeQueryArgs(b *testing.B) {
	spec := table(lua.String("table"), lua.String("records"), lua.String("limit"), lua.Int(1000000),
		lua.String("field"), lua.String("age"), lua.String("operator"), lua.String("="), lua.String("value"), lua.Int(42))
	var held []lua.Value
	msg, err := newEncoder(&held).Encode(lua.String("records"), spec)
	if err != nil {
		b.Fatal(err)
	}
	msg = append([]byte(nil), msg...)
	var d Decoder
	b.ReportAllocs()
	for b.Loop() {
		if _, err := d.Decode(msg); err != nil {
			b.Fatal(err)
		}
	}
}

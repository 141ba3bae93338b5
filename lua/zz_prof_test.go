package lua_test

import (
	"fmt"
	"os"
	"sort"
	"testing"

	"github.com/luawasm/luawasm/compile"
	"github.com/luawasm/luawasm/lua"
)

func TestZZProf(t *testing.T) {
	src, _ := os.ReadFile(os.Getenv("LUAFILE"))
	s, _ := newState()
	lua.SlowCounts = map[compile.Opcode]int{}
	if _, err := s.DoString(string(src), "=x"); err != nil {
		t.Fatal(err)
	}
	type kv struct {
		op compile.Opcode
		n  int
	}
	var kvs []kv
	for k, v := range lua.SlowCounts {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].n > kvs[j].n })
	for _, x := range kvs[:min(12, len(kvs))] {
		fmt.Println(x.op, x.n)
	}
}

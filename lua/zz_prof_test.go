package lua_test

import (
	"os"
	"testing"
)

func TestZZProf(t *testing.T) {
	src, _ := os.ReadFile(os.Getenv("LUAFILE"))
	s, _ := newState()
	if _, err := s.DoString(string(src), "=x"); err != nil {
		t.Fatal(err)
	}
}

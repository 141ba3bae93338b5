package main

import (
	"errors"
	"fmt"

	"github.com/luawasm/luawasm/lua"
)

// errorMessage turns the error of a call into the text lua.c's message
// handler produces: a string or number error object followed by the
// traceback; an object whose __tostring gives a string, as that string
// alone; any other object as "(error object is a T value)" and the
// traceback. Errors that are not Lua errors keep their text.
func errorMessage(s *lua.State, err error) error {
	le, ok := errors.AsType[*lua.Error](err)
	if !ok {
		return err
	}
	msg, ok := le.Value.ToStringCoerce()
	if !ok {
		if str, ok := metaToString(s, le.Value); ok {
			return errors.New(str)
		}
		msg = fmt.Sprintf("(error object is a %s value)", le.Value.TypeName())
	}
	if le.Traceback != "" {
		msg += "\n" + le.Traceback
	}
	return errors.New(msg)
}

// metaToString calls v's __tostring metamethod, if any, and returns its
// result when that is a string.
func metaToString(s *lua.State, v lua.Value) (string, bool) {
	mt := s.Metatable(v)
	if mt == nil {
		return "", false
	}
	h := mt.GetStr("__tostring")
	if h.IsNil() {
		return "", false
	}
	res, err := s.Call(h, v)
	if err != nil || len(res) == 0 {
		return "", false
	}
	return res[0].AsString()
}

package syntax

import "github.com/luawasm/luawasm/internal/printf"

// An Error is a lexical or syntax error. Its text is the reference
// implementation's: "chunkid:line: message near 'token'".
//
// Line is 0 for the errors the reference raises as runtime errors from
// inside the parser ("C stack overflow" when the chunk nests too deeply):
// their message has no position.
type Error struct {
	Chunk string // chunk id as shown in messages (see ChunkID)
	Line  int
	Msg   string // message including the "near ..." part, if any
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return printf.Sprintf("%s:%d: %s", e.Chunk, e.Line, e.Msg)
}

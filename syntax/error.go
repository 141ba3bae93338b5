package syntax

import "fmt"

// An Error is a lexical or syntax error. Its text is the reference
// implementation's: "chunkid:line: message near 'token'".
type Error struct {
	Chunk string // chunk id as shown in messages (see ChunkID)
	Line  int
	Msg   string // message including the "near ..." part, if any
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.Chunk, e.Line, e.Msg) }

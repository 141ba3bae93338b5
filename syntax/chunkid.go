package syntax

import "strings"

// idSize is the reference's LUA_IDSIZE: the buffer size for a chunk id,
// including C's terminating NUL.
const idSize = 60

// ChunkID returns the form of a chunk name used in messages, as the
// reference's luaO_chunkid builds it: "=name" gives name (cut to fit),
// "@file" gives file (shortened from the left with "..."), and anything
// else is source text, shown as [string "first line..."].
func ChunkID(source string) string {
	source = chunkName(source)
	var id string
	switch {
	case strings.HasPrefix(source, "="):
		id = source[1:]
		if len(source) > idSize {
			id = source[1:idSize]
		}
	case strings.HasPrefix(source, "@"):
		id = source[1:]
		if len(source) > idSize {
			const dots = "..."
			id = dots + source[len(source)-(idSize-len(dots)-1):]
		}
	default:
		const pre, dots, post = `[string "`, "...", `"]`
		room := idSize - len(pre+dots+post) - 1
		line, _, multiline := strings.Cut(source, "\n")
		if !multiline && len(line) < room {
			id = pre + line + post
		} else {
			if len(line) > room {
				line = line[:room]
			}
			id = pre + line + dots + post
		}
	}
	return id
}

// chunkName returns a chunk name as the reference keeps it: load takes the
// name as a C string, so an embedded NUL ends it.
func chunkName(name string) string {
	if i := strings.IndexByte(name, 0); i >= 0 {
		return name[:i]
	}
	return name
}

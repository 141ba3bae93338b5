package lib

import (
	"bufio"
	"errors"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unsafe"
	"weak"

	"github.com/luawasm/luawasm/lua"
)

// fileTypeName is the __name of file handles (LUA_FILEHANDLE), which
// argument errors show: "FILE* expected, got nil".
const fileTypeName = "FILE*"

// defaultBufferSize is LUAL_BUFFERSIZE, setvbuf's default size.
const defaultBufferSize = 1024

// A handle is what a stream reads, writes and seeks: an *os.File, a pipe
// end or a standard stream. Operations a handle does not support fail with
// the errno C's stdio would report (EBADF, ESPIPE).
type handle interface {
	io.Reader
	io.Writer
	io.Seeker
	io.Closer
}

// bufMode is a stream's write buffering (setvbuf's modes).
type bufMode int

const (
	bufFull bufMode = iota
	bufLine
	bufNone
)

// A stream is an open file of the io library (C's FILE* inside an
// LStream): a handle with C stdio's buffering, reading through r and
// writing through w.
type stream struct {
	mu     sync.Mutex // taken only by FlushAll and the collection cleanup
	h      handle
	r      *bufio.Reader // created on the first read
	w      *bufio.Writer // nil when writes are unbuffered
	mode   bufMode
	closed bool
	// closeFn closes the handle and returns io.close's results; nil marks
	// a standard stream, which cannot be closed.
	closeFn func(t *lua.Thread) ([]lua.Value, error)
}

// ioState is one Lua state's io library: the file metatable, the default
// input and output files, and the open streams FlushAll must flush.
type ioState struct {
	meta          *lua.Table
	input, output lua.Value
	streams       []weak.Pointer[stream]
	pruneAt       int // length of streams at which collected ones are dropped
}

// ioStateKey is the registry key of the ioState, which FlushAll finds.
const ioStateKey = "luawasm.io"

// OpenIO returns the io library with io.stdin, io.stdout (which writes to
// State.Stdout) and io.stderr.
func OpenIO(s *lua.State) *lua.Table {
	ios := &ioState{}
	m := newLib("io", map[string]lua.GoFunc{
		"close":   ios.close,
		"flush":   ios.flush,
		"input":   ios.input_,
		"lines":   ios.lines,
		"open":    ios.open,
		"output":  ios.output_,
		"popen":   ios.popen,
		"read":    ios.read,
		"tmpfile": ios.tmpfile,
		"type":    ioType,
		"write":   ios.write,
	})
	methods := newLib(fileTypeName, map[string]lua.GoFunc{
		"close":   ios.fileClose,
		"flush":   fileFlush,
		"lines":   ios.fileLines,
		"read":    ios.fileRead,
		"seek":    fileSeek,
		"setvbuf": fileSetvbuf,
		"write":   fileWrite,
	})
	ios.meta = lua.NewTable(0, 8)
	ios.meta.SetStr("__name", lua.String(fileTypeName))
	ios.meta.SetStr("__index", methods.Value())
	gc := lua.NewGoFunction("FILE*.__gc", fileGC).Value()
	ios.meta.SetStr("__gc", gc)
	ios.meta.SetStr("__close", gc)
	ios.meta.SetStr("__tostring", lua.NewGoFunction("FILE*.__tostring", fileToString).Value())
	s.Registry().SetStr(fileTypeName, ios.meta.Value())

	stdin := ios.newStandard(oneWay{f: os.Stdin})
	ios.input = stdin
	ios.output = ios.newStandard(stdoutHandle{s})
	m.SetStr("stdin", stdin)
	m.SetStr("stdout", ios.output)
	m.SetStr("stderr", ios.newStandard(oneWay{f: os.Stderr, write: true}))

	holder := lua.NewUserdata(ios)
	s.Registry().SetStr(ioStateKey, holder.Value())
	return m
}

// newStandard wraps a standard stream, which is unbuffered at this level
// (State.Stdout's owner decides how stdout is buffered) and cannot be
// closed.
func (ios *ioState) newStandard(h handle) lua.Value {
	st := &stream{h: h, mode: bufNone}
	u := lua.NewUserdata(st)
	u.SetMetatable(ios.meta)
	return u.Value()
}

// newFile wraps a handle opened by the library in a file value. Its buffer
// is flushed and its handle closed when the value is collected unclosed,
// as the reference's __gc does.
func (ios *ioState) newFile(h handle, closeFn func(*lua.Thread, *stream) ([]lua.Value, error)) lua.Value {
	st := &stream{h: h}
	st.closeFn = func(t *lua.Thread) ([]lua.Value, error) { return closeFn(t, st) }
	u := lua.NewUserdata(st)
	u.SetMetatable(ios.meta)
	runtime.AddCleanup(u, closeCollected, st)
	if len(ios.streams) >= ios.pruneAt { // drop collected streams now and then
		live := ios.streams[:0]
		for _, p := range ios.streams {
			if p.Value() != nil {
				live = append(live, p)
			}
		}
		clear(ios.streams[len(live):])
		ios.streams = live
		ios.pruneAt = 2*len(live) + 16
	}
	ios.streams = append(ios.streams, weak.Make(st))
	return u.Value()
}

// closeCollected flushes and closes the stream of a collected file value.
func closeCollected(st *stream) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if !st.closed {
		st.closed = true
		if st.w != nil {
			st.w.Flush()
		}
		st.h.Close()
	}
}

// FlushAll writes out the buffered output of every open file of s and
// flushes State.Stdout when it has a Flush method. Hosts call it when they
// are done with a state (the reference's lua_close closes every file);
// os.exit calls it before exiting.
func FlushAll(s *lua.State) {
	if u := s.Registry().GetStr(ioStateKey).AsUserdata(); u != nil {
		if ios, ok := u.Data.(*ioState); ok {
			for _, p := range ios.streams {
				if st := p.Value(); st != nil {
					st.mu.Lock()
					if !st.closed && st.w != nil {
						st.w.Flush()
					}
					st.mu.Unlock()
				}
			}
		}
	}
	flushWriter(s.Stdout)
}

// flushWriter flushes w if it buffers.
func flushWriter(w io.Writer) error {
	if f, ok := w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// oneWay restricts a file to reading or writing, as a FILE* opened in one
// direction is: the other direction fails with EBADF.
type oneWay struct {
	f     *os.File
	write bool
}

func (h oneWay) Read(p []byte) (int, error) {
	if h.write {
		return 0, syscall.EBADF
	}
	return h.f.Read(p)
}

func (h oneWay) Write(p []byte) (int, error) {
	if !h.write {
		return 0, syscall.EBADF
	}
	return h.f.Write(p)
}

func (h oneWay) Seek(offset int64, whence int) (int64, error) { return h.f.Seek(offset, whence) }
func (h oneWay) Close() error                                 { return h.f.Close() }

// stdoutHandle is io.stdout's handle: it writes to State.Stdout, looked
// up at each write so that a host can redirect output after opening.
type stdoutHandle struct{ s *lua.State }

func (h stdoutHandle) Write(p []byte) (int, error)       { return h.s.Stdout.Write(p) }
func (h stdoutHandle) WriteString(s string) (int, error) { return io.WriteString(h.s.Stdout, s) }
func (h stdoutHandle) Read([]byte) (int, error)          { return 0, syscall.EBADF }
func (h stdoutHandle) Close() error                      { return nil }
func (h stdoutHandle) Flush() error                      { return flushWriter(h.s.Stdout) }

func (h stdoutHandle) Seek(offset int64, whence int) (int64, error) {
	if sk, ok := h.s.Stdout.(io.Seeker); ok {
		return sk.Seek(offset, whence)
	}
	return 0, syscall.ESPIPE
}

// ---- stream operations ----

// beforeRead flushes pending writes so that reads see them.
func (st *stream) beforeRead() error {
	if st.w != nil && st.w.Buffered() > 0 {
		if err := st.w.Flush(); err != nil {
			return err
		}
	}
	if st.r == nil {
		st.r = bufio.NewReader(st.h)
	}
	return nil
}

// beforeWrite drops read-ahead data, moving the file position back to
// what the program has read, so that writes land where it expects.
func (st *stream) beforeWrite() {
	if st.r != nil && st.r.Buffered() > 0 {
		if _, err := st.h.Seek(-int64(st.r.Buffered()), io.SeekCurrent); err == nil {
			st.r.Reset(st.h)
		}
	}
}

func (st *stream) writeString(s string) error {
	st.beforeWrite()
	if st.mode == bufNone {
		_, err := io.WriteString(st.h, s)
		return err
	}
	if st.w == nil {
		st.w = bufio.NewWriterSize(st.h, 4096)
	}
	if _, err := st.w.WriteString(s); err != nil {
		return err
	}
	if st.mode == bufLine && strings.IndexByte(s, '\n') >= 0 {
		return st.w.Flush()
	}
	return nil
}

func (st *stream) flush() error {
	if st.w != nil {
		if err := st.w.Flush(); err != nil {
			return err
		}
	}
	if st.closeFn == nil { // a standard stream: flush what is behind it
		if h, ok := st.h.(interface{ Flush() error }); ok {
			return h.Flush()
		}
	}
	return nil
}

func (st *stream) seek(offset int64, whence int) (int64, error) {
	if err := st.flush(); err != nil {
		return 0, err
	}
	if whence == io.SeekCurrent && st.r != nil {
		offset -= int64(st.r.Buffered())
	}
	pos, err := st.h.Seek(offset, whence)
	if err != nil {
		return 0, err
	}
	if st.r != nil {
		st.r.Reset(st.h)
	}
	return pos, nil
}

// closeHandle flushes and closes a library-opened stream.
func (st *stream) closeHandle() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.closed = true
	var err error
	if st.w != nil {
		err = st.w.Flush()
	}
	if cerr := st.h.Close(); err == nil {
		err = cerr
	}
	return err
}

// ---- results in the reference's shapes ----

// errnoOf returns the C errno behind err, or 0.
func errnoOf(err error) syscall.Errno {
	en, _ := errors.AsType[syscall.Errno](err)
	return en
}

// strerror returns C's text for err: glibc's message for an errno (Go's
// are the same, uncapitalized), else the error's own text.
func strerror(err error) string {
	if en := errnoOf(err); en != 0 {
		msg := en.Error()
		if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
			msg = string(msg[0]-'a'+'A') + msg[1:]
		}
		return msg
	}
	return err.Error()
}

// fileResult returns luaL_fileresult's results: true on success, else
// fail, the message (prefixed with "fname: " when fname is not ""), and
// the errno.
func fileResult(t *lua.Thread, err error, fname string) ([]lua.Value, error) {
	if err == nil {
		return t.Ret(lua.True)
	}
	msg := strerror(err)
	if fname != "" {
		msg = fname + ": " + msg
	}
	return t.Ret(lua.Nil, lua.String(msg), lua.Int(int64(errnoOf(err))))
}

// execResult returns luaL_execresult's results for a finished command:
// true or fail, "exit" or "signal", and the exit status or signal number.
func execResult(t *lua.Thread, how string, code int) ([]lua.Value, error) {
	ok := lua.Nil
	if how == "exit" && code == 0 {
		ok = lua.True
	}
	return t.Ret(ok, lua.String(how), lua.Int(int64(code)))
}

// ---- argument access ----

// typeErrorAt is lua.TypeError for argument n whose value is v.
func typeErrorAt(n int, expected string, v lua.Value) error {
	args := make([]lua.Value, n)
	args[n-1] = v
	return lua.TypeError(n, expected, args)
}

// toStream returns argument n's stream if it is a file value.
func toStream(args []lua.Value, n int) (*stream, error) {
	if u := lua.Arg(args, n).AsUserdata(); u != nil {
		if st, ok := u.Data.(*stream); ok {
			return st, nil
		}
	}
	return nil, lua.TypeError(n, fileTypeName, args)
}

// checkOpen returns argument 1's stream, which must not be closed.
func checkOpen(args []lua.Value) (*stream, error) {
	st, err := toStream(args, 1)
	if err != nil {
		return nil, err
	}
	if st.closed {
		return nil, lua.Errorf("attempt to use a closed file")
	}
	return st, nil
}

// defaultFile returns the default input or output file, which must be open.
func defaultFile(v lua.Value, which string) (*stream, error) {
	st := v.AsUserdata().Data.(*stream)
	if st.closed {
		return nil, lua.Errorf("default %s file is closed", which)
	}
	return st, nil
}

// ---- the io table ----

// checkMode reports whether mode is a valid fopen mode: [rwa]%+?b*.
func checkMode(mode string) bool {
	if mode == "" || strings.IndexByte("rwa", mode[0]) < 0 {
		return false
	}
	mode = mode[1:]
	mode = strings.TrimPrefix(mode, "+")
	return strings.Trim(mode, "b") == ""
}

func (ios *ioState) open(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	mode, err := lua.OptString(args, 2, "r")
	if err != nil {
		return nil, err
	}
	if !checkMode(mode) {
		return nil, lua.ArgError(2, "invalid mode")
	}
	h, err := openFile(name, mode)
	if err != nil {
		return fileResult(t, err, name)
	}
	return t.Ret(ios.newFile(h, closeFile))
}

// closeFile is the close function of files opened by io.open and io.tmpfile.
func closeFile(t *lua.Thread, st *stream) ([]lua.Value, error) {
	return fileResult(t, st.closeHandle(), "")
}

// openChecked opens a file for io.lines, io.input and io.output, raising
// an error when it cannot.
func (ios *ioState) openChecked(name, mode string) (lua.Value, error) {
	h, err := openFile(name, mode)
	if err != nil {
		return lua.Nil, lua.Errorf("cannot open file '%s' (%s)", name, strerror(err))
	}
	return ios.newFile(h, closeFile), nil
}

func (ios *ioState) popen(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	prog, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	mode, err := lua.OptString(args, 2, "r")
	if err != nil {
		return nil, err
	}
	if mode != "r" && mode != "w" {
		return nil, lua.ArgError(2, "invalid mode")
	}
	flushWriter(t.State().Stdout) // the command writes to the same output
	h, wait, err := startProcess(prog, mode)
	if err != nil {
		return fileResult(t, err, prog)
	}
	return t.Ret(ios.newFile(h, func(t *lua.Thread, st *stream) ([]lua.Value, error) {
		st.closeHandle()
		how, code, err := wait()
		if err != nil {
			return fileResult(t, err, "")
		}
		return execResult(t, how, code)
	}))
}

func (ios *ioState) tmpfile(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	h, err := openTempFile()
	if err != nil {
		return fileResult(t, err, "")
	}
	return t.Ret(ios.newFile(h, closeFile))
}

func ioType(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if _, err := lua.CheckAny(args, 1); err != nil {
		return nil, err
	}
	st, err := toStream(args, 1)
	switch {
	case err != nil:
		return t.Ret(lua.Nil)
	case st.closed:
		return t.Ret(lua.String("closed file"))
	}
	return t.Ret(lua.String("file"))
}

// ioFile is io.input and io.output: with a file name or a file, it sets
// the default file; it returns the current one.
func (ios *ioState) ioFile(args []lua.Value, def *lua.Value, mode string) (lua.Value, error) {
	if v := lua.Arg(args, 1); !v.IsNil() {
		if name, ok := v.ToStringCoerce(); ok {
			f, err := ios.openChecked(name, mode)
			if err != nil {
				return lua.Nil, err
			}
			*def = f
		} else {
			if _, err := checkOpen(args); err != nil {
				return lua.Nil, err
			}
			*def = v
		}
	}
	return *def, nil
}

func (ios *ioState) input_(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	f, err := ios.ioFile(args, &ios.input, "r")
	if err != nil {
		return nil, err
	}
	return t.Ret(f)
}

func (ios *ioState) output_(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	f, err := ios.ioFile(args, &ios.output, "w")
	if err != nil {
		return nil, err
	}
	return t.Ret(f)
}

func (ios *ioState) close(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if len(args) == 0 {
		return ios.fileClose(t, []lua.Value{ios.output})
	}
	return ios.fileClose(t, args)
}

func (ios *ioState) flush(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := defaultFile(ios.output, "output")
	if err != nil {
		return nil, err
	}
	return fileResult(t, st.flush(), "")
}

func (ios *ioState) read(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := defaultFile(ios.input, "input")
	if err != nil {
		return nil, err
	}
	return readFormats(t, st, args, 1)
}

func (ios *ioState) write(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := defaultFile(ios.output, "output")
	if err != nil {
		return nil, err
	}
	return writeValues(t, st, ios.output, args, 1)
}

// maxLinesFormats is the most formats io.lines accepts (MAXARGLINE).
const maxLinesFormats = 250

func (ios *ioState) lines(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if lua.Arg(args, 1).IsNil() { // the default input, left open at the end
		f := ios.input
		if _, err := checkOpen([]lua.Value{f}); err != nil {
			return nil, err
		}
		return linesIterator(t, f, args[min(len(args), 1):], false)
	}
	name, err := lua.CheckString(args, 1)
	if err != nil {
		return nil, err
	}
	f, err := ios.openChecked(name, "r")
	if err != nil {
		return nil, err
	}
	iter, err := linesIterator(t, f, args[1:], true)
	if err != nil {
		return nil, err
	}
	// The file is also the generic for's closing value.
	return t.Ret(iter[0], lua.Nil, lua.Nil, f)
}

// linesIterator returns the function that reads formats from file f on each
// call, closing f at the end when toClose is set.
func linesIterator(t *lua.Thread, f lua.Value, formats []lua.Value, toClose bool) ([]lua.Value, error) {
	if len(formats) > maxLinesFormats {
		return nil, lua.ArgError(maxLinesFormats+2, "too many arguments")
	}
	formats = append([]lua.Value(nil), formats...)
	st := f.AsUserdata().Data.(*stream)
	iter := lua.NewGoFunction("io.lines iterator", func(t *lua.Thread, _ []lua.Value) ([]lua.Value, error) {
		if st.closed {
			return nil, lua.Errorf("file is already closed")
		}
		res, err := readFormats(t, st, formats, 2)
		if err != nil {
			return nil, err
		}
		if len(res) > 0 && res[0].Truthy() {
			return res, nil
		}
		if len(res) > 1 { // fail, message, errno: a read error
			msg, _ := res[1].ToStringCoerce()
			return nil, lua.Errorf("%s", msg)
		}
		if toClose {
			if _, err := st.closeFn(t); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	return t.Ret(iter.Value())
}

// ---- file methods ----

func (ios *ioState) fileClose(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := checkOpen(args)
	if err != nil {
		return nil, err
	}
	if st.closeFn == nil {
		return t.Ret(lua.Nil, lua.String("cannot close standard file"))
	}
	return st.closeFn(t)
}

func fileFlush(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := checkOpen(args)
	if err != nil {
		return nil, err
	}
	return fileResult(t, st.flush(), "")
}

func (ios *ioState) fileLines(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if _, err := checkOpen(args); err != nil {
		return nil, err
	}
	return linesIterator(t, args[0], args[1:], false)
}

func (ios *ioState) fileRead(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := checkOpen(args)
	if err != nil {
		return nil, err
	}
	return readFormats(t, st, args[1:], 2)
}

func fileWrite(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := checkOpen(args)
	if err != nil {
		return nil, err
	}
	return writeValues(t, st, args[0], args[1:], 2)
}

var seekModes = []string{"set", "cur", "end"}

func fileSeek(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := checkOpen(args)
	if err != nil {
		return nil, err
	}
	op, err := checkOption(args, 2, "cur", seekModes)
	if err != nil {
		return nil, err
	}
	offset, err := lua.OptInt(args, 3, 0)
	if err != nil {
		return nil, err
	}
	whence := [...]int{io.SeekStart, io.SeekCurrent, io.SeekEnd}[op]
	pos, err := st.seek(offset, whence)
	if err != nil {
		return fileResult(t, err, "")
	}
	return t.Ret(lua.Int(pos))
}

var bufModes = []string{"no", "full", "line"}

func fileSetvbuf(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := checkOpen(args)
	if err != nil {
		return nil, err
	}
	op, err := checkOption(args, 2, "", bufModes)
	if err != nil {
		return nil, err
	}
	size, err := lua.OptInt(args, 3, defaultBufferSize)
	if err != nil {
		return nil, err
	}
	if err := st.flush(); err != nil {
		return fileResult(t, err, "")
	}
	if st.closeFn == nil { // standard streams stay unbuffered at this level
		return t.Ret(lua.True)
	}
	st.mode = [...]bufMode{bufNone, bufFull, bufLine}[op]
	st.w = nil
	if st.mode != bufNone {
		st.w = bufio.NewWriterSize(st.h, int(max(min(size, 1<<20), 16)))
	}
	return t.Ret(lua.True)
}

func fileGC(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	if st, err := toStream(args, 1); err == nil && !st.closed && st.closeFn != nil {
		st.closeFn(t)
	}
	return nil, nil
}

func fileToString(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
	st, err := toStream(args, 1)
	if err != nil {
		return nil, err
	}
	if st.closed {
		return t.Ret(lua.String("file (closed)"))
	}
	// C Lua prints the FILE pointer (%p).
	return t.Ret(lua.String("file (0x" + strconv.FormatUint(uint64(uintptr(unsafe.Pointer(st))), 16) + ")"))
}

// ---- writing ----

// writeValues writes strings and numbers (integers as "%d", floats as
// "%.14g") and returns the file, or luaL_fileresult's failure. argBase is
// the argument number of vals[0], for error messages.
func writeValues(t *lua.Thread, st *stream, file lua.Value, vals []lua.Value, argBase int) ([]lua.Value, error) {
	var werr error
	for i, v := range vals {
		var s string
		switch {
		case v.IsInt():
			n, _ := v.AsInt()
			s = strconv.FormatInt(n, 10)
		case v.IsFloat():
			f, _ := v.AsFloat()
			s = strings.TrimSuffix(lua.FormatFloat(f), ".0")
		default:
			var ok bool
			if s, ok = v.AsString(); !ok {
				return nil, typeErrorAt(argBase+i, "string", v)
			}
		}
		if werr == nil {
			werr = st.writeString(s)
		}
	}
	if werr != nil {
		return fileResult(t, werr, "")
	}
	return t.Ret(file)
}

// ---- reading ----

// readChunk is the unit in which long reads grow their buffer (and charge
// the memory budget).
const readChunk = 64 << 10

// readFormats reads each format in formats from st, stopping at the first
// that fails, whose result becomes nil. argBase is the argument number of
// formats[0] (for an io.lines iterator, 2, as the reference numbers the
// saved formats). A read error gives luaL_fileresult's failure.
func readFormats(t *lua.Thread, st *stream, formats []lua.Value, argBase int) ([]lua.Value, error) {
	if err := st.beforeRead(); err != nil {
		return fileResult(t, err, "")
	}
	if len(formats) == 0 {
		v, ok, err := readLine(t, st.r, true)
		if err != nil {
			return fileResult(t, err, "")
		}
		if !ok {
			v = lua.Nil
		}
		return t.Ret(v)
	}
	out := make([]lua.Value, 0, len(formats))
	for i, f := range formats {
		var v lua.Value
		var ok bool
		var err error
		if f.IsNumber() {
			count, isInt := f.ToInteger()
			if !isInt {
				return nil, lua.ArgError(argBase+i, "number has no integer representation")
			}
			if count == 0 {
				v, ok, err = testEOF(st.r)
			} else {
				v, ok, err = readCount(t, st.r, uint64(count))
			}
		} else {
			p, isStr := f.ToStringCoerce()
			if !isStr {
				return nil, typeErrorAt(argBase+i, "string", f)
			}
			p = strings.TrimPrefix(p, "*") // optional '*' of 5.1-5.2 formats
			switch {
			case strings.HasPrefix(p, "n"):
				v, ok, err = readNumber(st.r)
			case strings.HasPrefix(p, "l"):
				v, ok, err = readLine(t, st.r, true)
			case strings.HasPrefix(p, "L"):
				v, ok, err = readLine(t, st.r, false)
			case strings.HasPrefix(p, "a"):
				v, err = readAll(t, st.r)
				ok = err == nil
			default:
				return nil, lua.ArgError(argBase+i, "invalid format")
			}
		}
		if err != nil {
			return fileResult(t, err, "")
		}
		if !ok {
			out = append(out, lua.Nil)
			break
		}
		out = append(out, v)
	}
	return out, nil
}

// readLine reads a line, without its newline when chop is set; ok is false
// at the end of the file.
func readLine(t *lua.Thread, r *bufio.Reader, chop bool) (lua.Value, bool, error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(buf)+len(chunk) > readChunk {
			if cerr := t.Charge(int64(len(chunk))); cerr != nil {
				return lua.Nil, false, cerr
			}
		}
		buf = append(buf, chunk...)
		switch err {
		case nil:
			if chop {
				buf = buf[:len(buf)-1]
			}
			return lua.String(string(buf)), true, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			return lua.String(string(buf)), len(buf) > 0, nil
		default:
			return lua.Nil, false, err
		}
	}
}

// readCount reads up to n bytes; ok is false if none could be read.
func readCount(t *lua.Thread, r *bufio.Reader, n uint64) (lua.Value, bool, error) {
	var buf []byte
	for uint64(len(buf)) < n {
		want := min(n-uint64(len(buf)), readChunk)
		if err := t.Charge(int64(want)); err != nil {
			return lua.Nil, false, err
		}
		start := len(buf)
		buf = append(buf, make([]byte, want)...)
		got, err := io.ReadFull(r, buf[start:])
		buf = buf[:start+got]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return lua.Nil, false, err
		}
	}
	return lua.String(string(buf)), len(buf) > 0, nil
}

// readAll reads the rest of the file (possibly nothing).
func readAll(t *lua.Thread, r *bufio.Reader) (lua.Value, error) {
	var buf []byte
	for {
		if len(buf) == cap(buf) {
			grow := max(len(buf), 512)
			if err := t.Charge(int64(grow)); err != nil {
				return lua.Nil, err
			}
			buf = slices.Grow(buf, grow)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return lua.String(string(buf)), nil
		}
		if err != nil {
			return lua.Nil, err
		}
	}
}

// testEOF is read(0): an empty string unless at the end of the file.
func testEOF(r *bufio.Reader) (lua.Value, bool, error) {
	_, err := r.Peek(1)
	if err == io.EOF {
		return lua.Nil, false, nil
	}
	if err != nil {
		return lua.Nil, false, err
	}
	return lua.String(""), true, nil
}

// maxNumeral is the longest numeral read("n") accepts (L_MAXLENNUM).
const maxNumeral = 200

// numeralReader accumulates the characters of a numeral with one
// character of look-ahead, as the reference's read_number does.
type numeralReader struct {
	r    *bufio.Reader
	c    int // look-ahead character, -1 at the end of the file
	buf  []byte
	over bool // the numeral was too long
	err  error
}

func (n *numeralReader) getc() {
	b, err := n.r.ReadByte()
	if err != nil {
		if err != io.EOF {
			n.err = err
		}
		n.c = -1
		return
	}
	n.c = int(b)
}

// next accepts the look-ahead character and reads another.
func (n *numeralReader) next() bool {
	if len(n.buf) >= maxNumeral {
		n.over = true
		return false
	}
	n.buf = append(n.buf, byte(n.c))
	n.getc()
	return true
}

// test2 accepts the look-ahead character if it is one of set's two.
func (n *numeralReader) test2(set string) bool {
	if n.c == int(set[0]) || n.c == int(set[1]) {
		return n.next()
	}
	return false
}

func (n *numeralReader) digits(hex bool) int {
	count := 0
	for n.c >= 0 && isDigitByte(byte(n.c), hex) && n.next() {
		count++
	}
	return count
}

func isDigitByte(c byte, hex bool) bool {
	if c >= '0' && c <= '9' {
		return true
	}
	return hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')
}

// readNumber reads a numeral; ok is false (and the result nil) when the
// characters read do not form a number.
func readNumber(r *bufio.Reader) (lua.Value, bool, error) {
	n := &numeralReader{r: r}
	n.getc()
	for n.c == ' ' || n.c >= '\t' && n.c <= '\r' { // skip spaces
		n.getc()
	}
	n.test2("-+")
	count, hex := 0, false
	if n.test2("00") {
		if n.test2("xX") {
			hex = true
		} else {
			count = 1 // the initial '0' is a digit
		}
	}
	count += n.digits(hex)
	if n.test2("..") {
		count += n.digits(hex)
	}
	if count > 0 {
		exp := "eE"
		if hex {
			exp = "pP"
		}
		if n.test2(exp) {
			n.test2("-+")
			n.digits(false)
		}
	}
	if n.c >= 0 {
		r.UnreadByte()
	}
	if n.err != nil {
		return lua.Nil, false, n.err
	}
	if n.over {
		return lua.Nil, false, nil
	}
	v, ok := lua.StringToNumber(string(n.buf))
	return v, ok, nil
}

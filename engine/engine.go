// Package engine is the product facade: one Lua state with its persistent
// Memory, the collections' schemas and indexes, the audit log and the
// function-persistence API, used alike by the command line (luaw --store)
// and the WebAssembly bridge.
//
// # Transactions
//
// Every API call that runs Lua code or changes Memory is a transaction:
// Eval runs a chunk, Batch applies its operations, PersistFunction defines
// a function, SetSchema and CreateIndex change definitions. When the call
// succeeds, the changes it made to the persistent graph are committed to
// the backend as one atomic batch (package persist); when it fails (a Lua
// error, a schema violation, a value that cannot persist, a backend error)
// they are rolled back in memory, and the store never saw them.
//
// # The persistent root
//
// The store's root table holds the user's Memory and the engine's own
// persistent state, so that schemas, index definitions and the audit log
// persist, roll back and are backed up exactly as Memory is:
//
//	root.Memory                    the global Memory
//	root.engine.schemas[name]      a collection's schema, as a Lua table
//	root.engine.indexes[i]         {collection = name, field = f, kind = k}
//	root.engine.audit              the audit log (see audit.go)
//
// # Collections
//
// A collection is an entry of Memory holding a table of records
// (Memory.users = {u1 = {...}, ...}). Schemas and indexes are attached to
// a collection's name: replacing the table (Memory.users = {...}) moves
// them to the new table. The journal's dirty stream feeds both: every
// write path (plain Lua assignment, Batch, the table library, rawset) ends
// up in the journal, whose entries for collections, records and their
// nested tables are mapped back to (collection, record key) to maintain
// the indexes before each query and to check the schemas at commit.
package engine

import (
	"errors"
	"io"
	"sync"
	"time"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lib"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/persist"
	"github.com/luawasm/luawasm/query"
	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
)

// Options configure Open.
type Options struct {
	// Backend stores Memory; nil means a fresh in-memory store.
	Backend store.Backend
	// MaxInstructions bounds the steps (back-jumps, calls, returns) of
	// each transaction's Lua code, and MemoryLimit the bytes the state's
	// values may hold (see lua.State.SetInstructionLimit and
	// SetMemoryLimit); zero means no limit. Running out fails the
	// transaction, which rolls back.
	MaxInstructions int64
	MemoryLimit     int64
	// CompressionThreshold: stored values longer than this many bytes are
	// compressed (snappy). 0 means store.DefaultEncoder's threshold
	// (1 KiB); a negative value disables compression.
	CompressionThreshold int
	// MaxBatchOps bounds the operations of one Batch; 0 means 10,000.
	MaxBatchOps int
	// Stdout receives print and io.write output; nil means os.Stdout.
	Stdout io.Writer
	// Prepare, when set, is called with the new state before the
	// libraries are opened (the command line sets LUA_NOENV there).
	Prepare func(*lua.State)
	// Sandbox opens only the libraries that cannot reach the host
	// (lib.OpenSafe): no io, package/require, dofile/loadfile or debug,
	// and of os only time, clock, date, difftime and the engine's exit.
	// For untrusted scripts, with MaxInstructions and MemoryLimit.
	Sandbox bool
}

// DefaultMaxBatchOps is the batch limit when Options.MaxBatchOps is 0.
const DefaultMaxBatchOps = 10_000

// An Engine is a Lua state whose global Memory persists in a backend.
// Its methods may be called from several goroutines; they run one at a
// time.
type Engine struct {
	mu       sync.Mutex
	opts     Options
	state    *lua.State
	backend  store.Backend
	registry *persist.Registry
	db       *persist.DB
	memory   *lua.Table // root.Memory
	sys      *lua.Table // root.engine
	catalog  *query.Catalog
	colls    *collections
	audit    auditConfig
	onCommit []func(CommitInfo)
	pending  []AuditEntry // audit entries of the current transaction
	envMaker lua.Value    // makes the environments of persisted functions (function.go)
	warnings []error
	inTx     bool
	closed   bool
}

// CommitInfo describes a committed transaction, for OnCommit listeners.
type CommitInfo struct {
	Operation  string // "eval", "batch", "persistFunction", "setSchema", "createIndex", "import", "audit"
	Puts       int    // records written
	Deletes    int    // records deleted
	Bytes      int    // bytes written
	NewObjects int    // objects that became persistent
	Duration   time.Duration
}

// ErrClosed is returned by the methods of a closed Engine.
var ErrClosed = errors.New("engine: closed")

// Open creates the engine: a Lua state with the standard libraries and
// the store library, and Memory loaded from opts.Backend. Records that
// could not be loaded are reported by Warnings.
func Open(opts Options) (*Engine, error) {
	if opts.Backend == nil {
		opts.Backend = memstore.New()
	}
	if opts.MaxBatchOps == 0 {
		opts.MaxBatchOps = DefaultMaxBatchOps
	}
	e := &Engine{opts: opts, backend: opts.Backend, catalog: query.NewCatalog()}
	e.state = lua.NewState()
	if opts.Stdout != nil {
		e.state.Stdout = opts.Stdout
	}
	if opts.Prepare != nil {
		opts.Prepare(e.state)
	}
	if opts.Sandbox {
		lib.OpenSafe(e.state)
	} else {
		lib.OpenAll(e.state)
	}
	e.state.SetInstructionLimit(opts.MaxInstructions)
	e.state.SetMemoryLimit(opts.MemoryLimit)
	e.replaceExit()
	e.openStoreLib()
	e.registry = persist.NewRegistry(e.state)
	if err := e.load(); err != nil {
		return nil, err
	}
	return e, nil
}

// encoder returns the record encoder the options ask for.
func (o *Options) encoder() store.Encoder {
	switch {
	case o.CompressionThreshold < 0:
		return store.Encoder{}
	case o.CompressionThreshold == 0:
		return store.DefaultEncoder
	}
	return store.Encoder{Codec: store.CodecSnappy, Threshold: o.CompressionThreshold}
}

// load opens the persistent graph and sets up Memory, the schemas, the
// indexes and the audit log from it.
func (e *Engine) load() error {
	db, err := persist.Open(e.state, e.backend, persist.Options{Encoder: e.opts.encoder(), Registry: e.registry})
	if err != nil {
		return err
	}
	e.db = db
	e.warnings = db.Warnings()
	root := db.Root()
	if root.GetStr("Memory").AsTable() == nil {
		root.SetStr("Memory", lua.NewTable(0, 0).Value())
	}
	if root.GetStr("engine").AsTable() == nil {
		root.SetStr("engine", lua.NewTable(0, 4).Value())
	}
	e.memory = root.GetStr("Memory").AsTable()
	e.sys = root.GetStr("engine").AsTable()
	e.state.SetGlobal("Memory", e.memory.Value())
	e.catalog = query.NewCatalog()
	e.colls = newCollections(e)
	if err := e.loadDefinitions(); err != nil {
		return err
	}
	e.audit = loadAuditConfig(e.sys)
	if db.Dirty() {
		if _, err := db.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// State returns the Lua state, for hosts that register functions or
// inspect values. Calls into it must not overlap with the Engine's.
func (e *Engine) State() *lua.State { return e.state }

// Memory returns the Memory table.
func (e *Engine) Memory() *lua.Table {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.memory
}

// Warnings returns the problems found when Memory was loaded (damaged or
// missing records; everything else loaded).
func (e *Engine) Warnings() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.warnings
}

// Register defines a global Go function that can also persist (stored by
// its name, like the library functions).
func (e *Engine) Register(name string, fn lua.GoFunc) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := lua.NewGoFunction(name, fn).Value()
	if err := e.registry.Register(name, f); err != nil {
		return err
	}
	e.state.SetGlobal(name, f)
	return nil
}

// Cancel stops the transaction in progress, if any, which fails with the
// error "cancelled" and rolls back. It may be called from any goroutine.
func (e *Engine) Cancel() { e.state.Cancel() }

// OnCommit registers fn to be called after each committed transaction.
func (e *Engine) OnCommit(fn func(CommitInfo)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.onCommit = append(e.onCommit, fn)
}

// Close stops the engine and closes its backend.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	e.db.Close()
	return e.backend.Close()
}

// Eval runs code as a chunk (named like load(code) names it) in one
// transaction and returns its results. On error the chunk's changes to
// Memory are rolled back and the error is a *lua.Error.
func (e *Engine) Eval(code string) ([]lua.Value, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var res []lua.Value
	err := e.transaction("eval", func() error {
		var err error
		res, err = e.state.DoString(code, code)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Call calls fn (a function of the engine's state) as one transaction,
// as Eval runs a chunk: the command line runs its script and -e chunks so.
func (e *Engine) Call(fn lua.Value, args ...lua.Value) ([]lua.Value, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var res []lua.Value
	err := e.transaction("eval", func() error {
		var err error
		res, err = e.state.Call(fn, args...)
		return err
	})
	return res, err
}

// transaction runs fn as one transaction named op: commit when it
// succeeds, roll back when it fails. Errors come back as *lua.Error, but
// for os.exit's *lib.ExitError, which ends a transaction too: with status
// 0 it commits.
func (e *Engine) transaction(op string, fn func() error) error {
	if e.closed {
		return ErrClosed
	}
	if e.inTx {
		return luaError("engine: a transaction is already running (nested call from Lua code?)")
	}
	e.inTx = true
	defer func() { e.inTx = false }()
	err := fn()
	exit := exitRequest(err)
	if exit != nil {
		err = exit
	}
	commit := err == nil || exit != nil && exit.Code == 0
	if commit {
		e.appendAudit(op, nil)
		if cerr := e.commit(op); cerr != nil {
			err, commit = asLuaError(cerr), false
		}
	}
	if !commit {
		e.rollback()
	}
	if exit == nil {
		err = asLuaError(err)
	}
	if !commit && e.appendAudit(op, err) {
		e.commitAudit()
	}
	e.pending = nil
	return err
}

// commit checks and commits the current transaction.
func (e *Engine) commit(op string) error {
	if err := e.rebindMemory(); err != nil {
		return err
	}
	e.colls.sync()
	if err := e.colls.validate(); err != nil {
		return err
	}
	if !e.db.Dirty() {
		e.colls.committed()
		return nil
	}
	st, err := e.db.Commit()
	if err != nil {
		return err
	}
	e.colls.committed()
	e.notify(op, st)
	return nil
}

func (e *Engine) notify(op string, st persist.CommitStats) {
	info := CommitInfo{Operation: op, Puts: st.Puts, Deletes: st.Deletes, Bytes: st.Bytes, NewObjects: st.NewObjects, Duration: st.Duration}
	for _, fn := range e.onCommit {
		fn(info)
	}
}

// rollback undoes the current transaction in memory.
func (e *Engine) rollback() {
	e.db.Rollback()
	if m := e.db.Root().GetStr("Memory").AsTable(); m != e.memory {
		e.memory = m // a replacement of Memory was rolled back too
		e.colls.memoryReplaced()
	}
	e.state.SetGlobal("Memory", e.memory.Value())
	e.colls.rolledBack()
}

// rebindMemory follows an assignment to the global Memory: the new table
// becomes the persistent Memory.
func (e *Engine) rebindMemory() error {
	g := e.state.GetGlobal("Memory")
	t := g.AsTable()
	if t == e.memory {
		return nil
	}
	if t == nil {
		return printf.Errorf("the global Memory must be a table (got %s)", g.TypeName())
	}
	e.db.Root().SetStr("Memory", g)
	e.memory = t
	e.colls.memoryReplaced()
	return nil
}

// luaError wraps a message as a Lua error.
func luaError(msg string) *lua.Error { return &lua.Error{Value: lua.String(msg)} }

// asLuaError returns err as a *lua.Error (nil stays nil).
func asLuaError(err error) error {
	if err == nil {
		return nil
	}
	if le, ok := errors.AsType[*lua.Error](err); ok {
		return le
	}
	return luaError(err.Error())
}

// replaceExit makes os.exit end the running transaction instead of the
// process: the engine is a library, and its host decides (the command
// line exits once the transaction committed). The request travels up as
// a fatal Lua error (lua.Fatal) wrapping a *lib.ExitError, so no pcall
// catches it; transaction returns it.
func (e *Engine) replaceExit() {
	osLib := e.state.Globals().GetStr("os").AsTable()
	if osLib == nil {
		return
	}
	osLib.SetStr("exit", lua.NewGoFunction("exit", func(t *lua.Thread, args []lua.Value) ([]lua.Value, error) {
		code := 0
		switch v := lua.Arg(args, 1); {
		case v.IsNil():
		case v.Type() == lua.TypeBoolean:
			if !v.Truthy() {
				code = 1
			}
		default:
			c, err := lua.CheckInt(args, 1)
			if err != nil {
				return nil, err
			}
			code = int(c)
		}
		return nil, lua.Fatal(&lib.ExitError{Code: code})
	}).Value())
}

// exitRequest returns the os.exit request err carries, or nil.
func exitRequest(err error) *lib.ExitError {
	exit, _ := errors.AsType[*lib.ExitError](err)
	return exit
}

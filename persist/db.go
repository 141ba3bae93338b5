package persist

import (
	"errors"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/store"
)

// Options configure Open.
type Options struct {
	// Encoder frames the records; its codec and threshold decide which
	// payloads are compressed. The zero Encoder compresses nothing.
	Encoder store.Encoder
	// Registry names the permanent values; nil means NewRegistry(s).
	Registry *Registry
}

// A DB keeps the object graph reachable from a root table in a
// store.Backend: it loads the graph when opened, journals every write to
// it, and commits or rolls back the changes of a transaction.
//
// A DB is used from the goroutine that runs its Lua state.
type DB struct {
	state    *lua.State
	backend  store.Backend
	encoder  store.Encoder
	registry *Registry
	journal  *lua.Journal
	root     *lua.Table
	next     uint64 // next object number

	// Identity of the objects that carry no Persistent mark.
	userdata map[*lua.Userdata]uint64
	wraps    map[*lua.GoFunction]uint64
	// openCells maps each persistent cell that is open on a persistent
	// coroutine's stack to that coroutine, whose image holds its value.
	openCells map[*lua.UpVal]*lua.Thread
	// Prototypes: hashes of the ones stored, and of those seen so far.
	protoStored map[protoHash]bool
	protoHashes protoCache
	// touched lists userdata marked by Touch since the last commit.
	touched []*lua.Userdata
	scratch *scratch // buffers kept for the next commit

	warnings  []error
	collected int // records deleted as garbage by Open
	closed    bool
}

// Open loads the graph stored in b into s (creating an empty root table
// when b is empty) and starts journaling it. Records that cannot be
// loaded do not stop the load: each is reported by Warnings, naming its
// key and, when it can be derived, its path from the root.
func Open(s *lua.State, b store.Backend, opts Options) (*DB, error) {
	db := &DB{
		state:       s,
		backend:     b,
		encoder:     opts.Encoder,
		registry:    opts.Registry,
		journal:     lua.NewJournal(),
		userdata:    make(map[*lua.Userdata]uint64),
		wraps:       make(map[*lua.GoFunction]uint64),
		openCells:   make(map[*lua.UpVal]*lua.Thread),
		protoStored: make(map[protoHash]bool),
	}
	if db.registry == nil {
		db.registry = NewRegistry(s)
	}
	if err := db.load(); err != nil {
		return nil, err
	}
	return db, nil
}

// Root returns the root table. Everything reachable from it persists.
func (db *DB) Root() *lua.Table { return db.root }

// Registry returns the registry of permanent values.
func (db *DB) Registry() *Registry { return db.registry }

// Journal returns the journal of the graph's writes since the last commit.
func (db *DB) Journal() *lua.Journal { return db.journal }

// Warnings returns the problems found while loading: records that could
// not be read or referred to missing objects. Each is a *LoadError.
func (db *DB) Warnings() []error { return db.warnings }

// Collected returns the number of garbage records Open deleted.
func (db *DB) Collected() int { return db.collected }

// Dirty reports whether anything changed since the last commit.
func (db *DB) Dirty() bool { return db.journal.Len() > 0 || len(db.touched) > 0 }

// Touch marks userdata u, whose Persistable contents changed, for the next
// commit. It does nothing when u is not persistent.
func (db *DB) Touch(u *lua.Userdata) {
	if _, ok := db.userdata[u]; ok {
		db.touched = append(db.touched, u)
	}
}

// Rollback undoes every change since the last commit, in memory. The
// store, which only commits change, is untouched.
func (db *DB) Rollback() {
	db.journal.Rollback()
	db.touched = db.touched[:0]
}

// Close stops journaling (the objects stay usable as ordinary values). It
// does not close the backend, which belongs to the caller.
func (db *DB) Close() {
	if !db.closed {
		db.closed = true
		db.journal.Detach()
	}
}

// ErrClosed is returned by the methods of a closed DB.
var ErrClosed = errors.New("persist: the database is closed")

// ErrNoRoot is returned by Open when the store has records but its root
// table, from which everything is reached, is missing or damaged. Open
// changes nothing then: an empty root committed in its place would make
// every other record garbage.
var ErrNoRoot = errors.New("persist: the store's root table is missing or damaged; the store was left unchanged (restore a backup)")

// A LoadError reports a record that could not be loaded, or an object
// that a record refers to but that could not be found.
type LoadError struct {
	Key  []byte // the record's key
	Path string // the path from the root to the object, when known ("Memory.users.u1")
	Err  error
}

func (e *LoadError) Error() string {
	where := describeKey(e.Key)
	if e.Path != "" {
		where = e.Path + " (" + where + ")"
	}
	return printf.Sprintf("persist: %s: %v", where, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// An UnpersistableError reports a value that a commit cannot store.
type UnpersistableError struct {
	Path   string // where the value is reachable from the root: "Memory.ui.onClick"
	Reason string // "cannot persist a host function"
}

func (e *UnpersistableError) Error() string { return e.Path + ": " + e.Reason }

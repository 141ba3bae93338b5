package persist

import (
	"bytes"
	"encoding/binary"
	"errors"

	"github.com/luawasm/luawasm/compile"
	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/lua"
	"github.com/luawasm/luawasm/store"
)

// Loading reads the whole store in one scan, in key order: the meta
// record, the prototypes, then the objects whose creation needs other
// records (closures need their prototype, wrap functions their
// coroutine), then cells, tables, coroutines, userdata and finally table
// entries. A reference to a table, cell, coroutine or userdata whose
// record comes later creates an empty shell that its record fills; a
// closure or wrap function always exists by the time anything refers to
// it. So the load is one pass with no copies of the records.

// A loader holds the state of one load.
type loader struct {
	db         *DB
	objs       objects // the objects and cells by id
	protoRaw   map[protoHash][]byte
	protos     map[protoHash]*lua.Prototype
	images     []pendingImage
	metaSeen   bool
	damageSeen bool // the store has had damage (damageKey)
	rootID     uint64
	maxN       uint64
	records    int
	problems   []*LoadError
	problemObj map[*LoadError]any // the object a problem concerns, for its path
	protoUsed  map[protoHash]bool
	// The table whose entries are being read (they come in a run).
	entryID     uint64
	entryTable  *lua.Table
	entryMisses int         // the keys of the run not found in names
	pairs       []lua.Value // a packed table's keys and values, decoded
	names       names       // the short string keys read so far
	fields      []lua.Value // the string keys of the last packed table, by position
}

// A pendingImage is a coroutine image whose values are resolved; it is
// set once every object exists.
type pendingImage struct {
	id  uint64
	key []byte
	img *lua.ThreadImage
}

// errNewer is returned when the store was written by a newer format.
var errNewer = errors.New("persist: the store was written by a newer version of the program")

func (db *DB) load() error {
	db.journal.SetPaused(true)
	defer db.journal.SetPaused(false)
	l := &loader{
		db:         db,
		protoRaw:   make(map[protoHash][]byte),
		protos:     make(map[protoHash]*lua.Prototype),
		problemObj: make(map[*LoadError]any),
		protoUsed:  make(map[protoHash]bool),
	}
	if err := db.backend.Scan(nil, l.record); err != nil {
		return err
	}
	l.markTables()
	for _, p := range l.images {
		co := l.objs.get(p.id).v.AsThread()
		if err := co.SetImage(p.img); err != nil {
			l.problem(p.key, co.Value(), err)
			continue
		}
		for _, oc := range p.img.Open {
			db.openCells[oc.Cell] = co
		}
	}
	l.checkShells()
	db.next = l.maxN
	if l.records == 0 {
		return db.create()
	}
	if !l.metaSeen {
		l.rootID = makeID(1, kindTable)
	}
	var root *lua.Table
	if s := l.objs.get(l.rootID); s != nil {
		root = s.v.AsTable()
	}
	if root == nil {
		return printf.Errorf("%w: no record of it among %d records", ErrNoRoot, l.records)
	}
	rootKey := appendHeaderKey(nil, l.rootID)
	for _, p := range l.problems {
		if bytes.Equal(p.Key, rootKey) || bytes.Equal(p.Key, metaKey) {
			return printf.Errorf("%w: %v", ErrNoRoot, p)
		}
	}
	db.root = root
	for h := range l.protoRaw {
		db.protoStored[h] = true
	}
	for h, p := range l.protos {
		db.protoHashes.put(p.Proto(), h)
	}
	l.reportProblems()
	if len(l.problems) == 0 && !l.damageSeen {
		return l.collect() // which tracks the live tables' metatables
	}
	l.objs.each(func(s *objSlot) {
		if p := persistentOf(s.v); p != nil {
			p.Aux &^= auxLeaf // no garbage walk
		}
		l.trackMetatable(s.v)
	})
	if len(l.problems) > 0 && !l.damageSeen {
		var b store.Batch
		b.Put(damageKey, db.encoder.AppendRecord(nil, []byte(l.problems[0].Error())))
		return db.backend.Commit(&b)
	}
	return nil
}

// trackMetatable registers table v with the collector when its metatable
// asks for it (__gc, __mode), as setmetatable did before it was stored:
// the loader sets metatables with Table.SetMetatable, which does not.
func (l *loader) trackMetatable(v lua.Value) {
	if t := v.AsTable(); t != nil && t.Metatable() != nil {
		l.db.state.TrackMetatable(t)
	}
}

// create initializes an empty store: a root table, committed.
func (db *DB) create() error {
	db.root = lua.NewTable(0, 4)
	db.next = 1
	db.root.SetPersistent(db.journal.Mark(makeID(1, kindTable)))
	c := newCommitter(db)
	c.nextBefore = 0
	if err := c.writeTable(db.root, true); err != nil {
		return err
	}
	c.writeMeta()
	return db.backend.Commit(c.sortedBatch())
}

// problem records a load problem with the record at key, about obj when
// known (its path is derived at the end).
func (l *loader) problem(key []byte, obj any, err error) {
	e := &LoadError{Key: bytes.Clone(key), Err: err}
	l.problems = append(l.problems, e)
	if obj != nil {
		l.problemObj[e] = obj
	}
}

// reportProblems derives the paths of the problems' objects and hands
// them to the DB.
func (l *loader) reportProblems() {
	targets := make(map[any]bool)
	for _, obj := range l.problemObj {
		targets[obj] = true
	}
	paths := map[any]string{}
	if len(targets) > 0 {
		paths = l.db.pathsTo(targets)
	}
	for _, e := range l.problems {
		if obj, ok := l.problemObj[e]; ok {
			e.Path = paths[obj]
		}
		l.db.warnings = append(l.db.warnings, e)
	}
}

// yieldEvery is how many records a load or a commit handles between
// yields to Go's collector: in WebAssembly a mark phase that begins during
// one, inside a single call from the host that never blocks, could only
// advance when the call ends, with every pointer store paying the write
// barrier meanwhile (lua.YieldToCollector; natively a no-op). Measured in
// node (CPU time, median of 5 alternated runs): restoring 10,000 records
// and querying them all 131 -> 105 ms, writing them in one batch 195 ->
// 181 ms.
const yieldEvery = 512

// record loads one record.
func (l *loader) record(key, value []byte) error {
	l.records++
	if l.records%yieldEvery == 0 {
		lua.YieldToCollector()
	}
	payload, err := store.DecodeRecord(key, value)
	if err != nil {
		var obj any
		if len(key) == 9 && key[0] >= keyClosure && key[0] <= keyUserdata {
			id := binary.BigEndian.Uint64(key[1:])
			obj = l.shell(id)
			if s := l.objs.get(id); s != nil {
				s.filled = true // reported here, not as missing
			}
		}
		l.problem(key, obj, err)
		return nil
	}
	if len(key) == 0 {
		return nil
	}
	switch key[0] {
	case keyMeta:
		if bytes.Equal(key, damageKey) {
			l.damageSeen = true
			return nil
		}
		return l.meta(payload)
	case keyProto:
		l.proto(key, payload)
		return nil
	case keyEntry:
		l.entry(key, payload)
		return nil
	}
	if len(key) != 9 || key[0] < keyClosure || key[0] > keyUserdata {
		l.problem(key, nil, errors.New("unknown record"))
		return nil
	}
	id := binary.BigEndian.Uint64(key[1:])
	if k := idKind(id); id>>3 == 0 || int(k) >= len(headerPrefix) || headerPrefix[k] != key[0] {
		l.problem(key, nil, printf.Errorf("bad object id %d", id))
		return nil
	}
	l.maxN = max(l.maxN, id>>3)
	r := &reader{b: payload}
	switch idKind(id) {
	case kindClosure:
		l.closure(key, id, r)
	case kindWrap:
		co := l.resolve(valueRef{id: r.uvarint()}, key)
		if err := r.end(); err != nil || co.AsThread() == nil {
			l.problem(key, nil, printf.Errorf("bad wrap function record: %v", err))
			return nil
		}
		w := l.db.state.NewWrapFunction(co.AsThread())
		l.objs.add(id, l.room()).v = w.Value()
		l.db.wraps[w] = id
	case kindCell:
		l.cell(key, id, r)
	case kindTable:
		l.table(key, id, r)
	case kindThread:
		l.thread(key, id, r)
	case kindUserdata:
		l.userdataRecord(key, id, r)
	}
	l.objs.add(id, l.room()).filled = true
	return nil
}

// markTables marks the loaded tables persistent. Their entries are set
// before (a write to a persistent table reads the entry's old value for
// the journal, even a paused one: a million-record load spent a fifth of
// its time on those reads).
func (l *loader) markTables() {
	j := l.db.journal
	l.objs.each(func(s *objSlot) {
		if t := s.v.AsTable(); t != nil {
			p := j.Mark(s.id)
			if s.spread {
				p.Aux |= auxSpread
			}
			if s.leaf {
				p.Aux |= auxLeaf
			}
			t.SetPersistent(p)
		}
	})
}

// room is how far the dense part of the object index may grow: ids stay
// close to the number of records.
func (l *loader) room() uint64 { return 2*uint64(l.records) + 1<<16 }

func (l *loader) meta(payload []byte) error {
	r := &reader{b: payload}
	version := r.uvarint()
	next := r.uvarint()
	root := r.uvarint()
	if r.err == nil && version > FormatVersion {
		return printf.Errorf("%w (format %d, this one reads %d)", errNewer, version, FormatVersion)
	}
	if err := r.end(); err != nil || idKind(root) != kindTable {
		l.problem(metaKey, nil, printf.Errorf("bad meta record: %v", err))
		return nil
	}
	l.metaSeen = true
	l.rootID = root
	l.maxN = max(l.maxN, next)
	l.objs.reserve(next + 1) // the ids given so far
	return nil
}

func (l *loader) proto(key, payload []byte) {
	if len(key) != 1+len(protoHash{}) {
		l.problem(key, nil, errors.New("bad prototype key"))
		return
	}
	h := protoHash(key[1:])
	if hashProto(payload) != h {
		l.problem(key, nil, errors.New("prototype does not match its hash"))
		return
	}
	l.protoRaw[h] = bytes.Clone(payload)
}

// prototype returns the prepared prototype with hash h, undumping (and
// verifying) it on first use.
func (l *loader) prototype(h protoHash) (*lua.Prototype, error) {
	if p, ok := l.protos[h]; ok {
		return p, nil
	}
	raw, ok := l.protoRaw[h]
	if !ok {
		return nil, printf.Errorf("missing prototype %x", h[:])
	}
	cp, err := compile.Undump(raw, "=?")
	if err != nil {
		return nil, printf.Errorf("prototype %x: %v", h[:], err)
	}
	p := l.db.state.NewPrototype(cp)
	l.protos[h] = p
	return p, nil
}

// shell returns the object with the given id, creating an empty one of
// its kind when it does not exist yet: a *lua.UpVal for a cell, else a
// lua.Value (see object), or nil.
func (l *loader) shell(id uint64) any {
	if idKind(id) == kindCell {
		return l.cellShell(id)
	}
	if v := l.object(id); !v.IsNil() {
		return v
	}
	return nil
}

// object returns the object with the given id, which is not a cell,
// creating an empty one of its kind when it does not exist yet. Closures
// and wrap functions cannot be shells: without their record they do not
// exist (Nil).
func (l *loader) object(id uint64) lua.Value {
	if s := l.objs.get(id); s != nil && s.v.Type() != lua.TypeNil {
		return s.v
	}
	j := l.db.journal
	var v lua.Value
	switch idKind(id) {
	case kindTable:
		v = lua.NewTable(0, 0).Value() // marked persistent by markTables
	case kindThread:
		co := l.db.state.NewCoroutine(lua.Nil)
		co.SetPersistent(j.Mark(id))
		v = co.Value()
	case kindUserdata:
		u := lua.NewUserdata(nil)
		l.db.userdata[u] = id
		v = u.Value()
	default:
		return lua.Nil
	}
	l.maxN = max(l.maxN, id>>3)
	l.objs.add(id, l.room()).v = v
	return v
}

func (l *loader) cellShell(id uint64) *lua.UpVal {
	s := l.objs.add(id, l.room())
	if s.cell != nil {
		return s.cell
	}
	u := lua.NewUpVal(lua.Nil)
	u.SetPersistent(l.db.journal.Mark(id))
	l.maxN = max(l.maxN, id>>3)
	s.cell = u
	return u
}

// resolve turns a decoded value into a Lua value; a dangling reference or
// an unknown permanent is a problem of the record at key, and nil.
func (l *loader) resolve(v valueRef, key []byte) lua.Value {
	switch {
	case v.id != 0:
		if idKind(v.id) == kindCell {
			l.problem(key, nil, printf.Errorf("an upvalue cell (%d) used as a value", v.id))
			return lua.Nil
		}
		obj := l.object(v.id)
		if obj.IsNil() {
			l.problem(key, nil, printf.Errorf("refers to %s %d, which is missing", idKind(v.id), v.id))
		}
		return obj
	case v.perm != "":
		if pv, ok := l.db.registry.Value(v.perm); ok {
			return pv
		}
		return l.db.registry.stub(v.perm)
	}
	return v.v
}

// value reads and resolves one value.
func (l *loader) value(r *reader, key []byte) lua.Value {
	v := r.value()
	if r.err != nil {
		return lua.Nil
	}
	return l.resolve(v, key)
}

func (l *loader) closure(key []byte, id uint64, r *reader) {
	var h protoHash
	copy(h[:], r.bytes(len(h)))
	n := r.count(1)
	cells := make([]*lua.UpVal, n)
	for i := range cells {
		cid := r.uvarint()
		if r.err == nil && (idKind(cid) != kindCell || cid>>3 == 0) {
			r.fail(printf.Errorf("upvalue %d: bad cell id %d", i+1, cid))
		}
		if r.err != nil {
			break
		}
		cells[i] = l.cellShell(cid)
	}
	if err := r.end(); err != nil {
		l.problem(key, nil, err)
		return
	}
	p, err := l.prototype(h)
	if err == nil {
		var f *lua.LuaFunction
		if f, err = lua.NewLuaFunction(p, cells); err == nil {
			f.SetPersistent(l.db.journal.Mark(id))
			l.objs.add(id, l.room()).v = f.Value()
			l.protoUsed[h] = true
			return
		}
	}
	l.problem(key, nil, err)
}

func (l *loader) cell(key []byte, id uint64, r *reader) {
	u := l.cellShell(id)
	switch state := r.byte(); state {
	case 0:
		u.Set(l.value(r, key))
	case 1:
		// Open: the coroutine's image re-opens it on its stack.
	default:
		r.fail(printf.Errorf("bad cell state %d", state))
	}
	if err := r.end(); err != nil {
		l.problem(key, u, err)
	}
}

func (l *loader) table(key []byte, id uint64, r *reader) {
	mt := l.value(r, key)
	// A packed table's entries are decoded first, so that a table met for
	// the first time is made at its size (most are: a table's record comes
	// before the entries that refer to it).
	pairs := l.pairs[:0]
	layout := r.byte()
	if layout == 0 {
		for i := range r.count(2) {
			k := l.field(r, key, i)
			v := l.value(r, key)
			if r.err != nil {
				break
			}
			pairs = append(pairs, k, v)
		}
	}
	var t *lua.Table
	if s := l.objs.get(id); s != nil {
		t = s.v.AsTable()
	}
	if t == nil {
		narr := 0 // the keys 1..n of n entries go to the array part
		for i := 0; i < len(pairs); i += 2 {
			if k, ok := pairs[i].AsInt(); ok && k >= 1 && k <= int64(len(pairs)/2) {
				narr++
			}
		}
		t = lua.NewTable(narr, len(pairs)/2-narr) // marked persistent by markTables
		l.maxN = max(l.maxN, id>>3)
		l.objs.add(id, l.room()).v = t.Value()
	}
	if !mt.IsNil() {
		if mt.AsTable() == nil {
			r.fail(printf.Errorf("metatable is a %s", mt.TypeName()))
		} else {
			t.SetMetatable(mt.AsTable())
		}
	}
	switch layout {
	case 0:
		leaf := mt.IsNil() && r.err == nil
		for i := 0; i < len(pairs); i += 2 {
			leaf = leaf && !isObject(pairs[i]) && !isObject(pairs[i+1])
			if err := t.Set(pairs[i], pairs[i+1]); err != nil {
				l.problem(key, t.Value(), printf.Errorf("entry with %v", err))
			}
		}
		l.objs.get(id).leaf = leaf
	case 1:
		l.objs.get(id).spread = true
	default:
		r.fail(printf.Errorf("bad table layout %d", layout))
	}
	clear(pairs)
	l.pairs = pairs[:0]
	if err := r.end(); err != nil {
		l.problem(key, t.Value(), err)
	}
}

// isObject reports whether v is an object the garbage walk follows (or
// may: a function may be a wrap function).
func isObject(v lua.Value) bool {
	switch v.Type() {
	case lua.TypeTable, lua.TypeFunction, lua.TypeThread, lua.TypeUserdata:
		return true
	}
	return false
}

func (l *loader) entry(key, payload []byte) {
	if len(key) < 10 {
		l.problem(key, nil, errors.New("bad entry key"))
		return
	}
	id := binary.BigEndian.Uint64(key[1:9])
	if idKind(id) != kindTable || id>>3 == 0 {
		l.problem(key, nil, printf.Errorf("entry of a %s", idKind(id)))
		return
	}
	t := l.entryTable
	if id != l.entryID {
		t = l.object(id).AsTable()
		l.entryID, l.entryTable, l.entryMisses = id, t, 0
	}
	kr := &reader{b: key[9:]}
	var k lua.Value
	if l.entryMisses < maxEntryMisses {
		var known bool
		if k, known = l.key(kr, key); !known {
			l.entryMisses++
		}
	} else {
		k = l.value(kr, key)
	}
	if err := kr.end(); err != nil {
		l.problem(key, t.Value(), printf.Errorf("bad entry key: %v", err))
		return
	}
	r := &reader{b: payload}
	v := l.value(r, key)
	if err := r.end(); err != nil {
		l.problem(key, t.Value(), err)
		return
	}
	if err := t.Set(k, v); err != nil {
		l.problem(key, t.Value(), err)
	}
	if isObject(k) || isObject(v) {
		// (Entries are a spread table's: a stray one of a packed table
		// must not leave it a leaf.)
		l.objs.get(id).leaf = false
	}
}

func (l *loader) thread(key []byte, id uint64, r *reader) {
	co := l.object(id)
	img := &lua.ThreadImage{}
	flags := r.byte()
	img.Dead = flags&1 != 0
	img.Body = l.value(r, key)
	img.Top = r.int()
	img.Stack = make([]lua.Value, r.count(1))
	for i := range img.Stack {
		img.Stack[i] = l.value(r, key)
	}
	img.Frames = make([]lua.FrameImage, r.count(12))
	for i := range img.Frames {
		f := &img.Frames[i]
		f.Func = l.value(r, key)
		f.Flags = lua.FrameFlags(r.uvarint())
		f.FuncIdx, f.Base, f.Top, f.PC = r.int(), r.int(), r.int(), r.int()
		f.NResults = int(r.varint())
		f.NExtra, f.Aux, f.PcallDst = r.int(), r.int(), r.int()
		f.Handler = l.value(r, key)
		f.SavedNC = r.int()
	}
	img.Open = make([]lua.OpenCell, r.count(2))
	for i := range img.Open {
		img.Open[i].Slot = r.int()
		cid := r.uvarint()
		if r.err == nil && idKind(cid) != kindCell {
			r.fail(printf.Errorf("open upvalue %d: bad cell id %d", i, cid))
		}
		if r.err != nil {
			break
		}
		img.Open[i].Cell = l.cellShell(cid)
	}
	img.TBC = make([]int, r.count(1))
	for i := range img.TBC {
		img.TBC[i] = r.int()
	}
	img.ErrFunc = l.value(r, key)
	img.NPCall = r.int()
	if flags&2 != 0 {
		img.Death = &lua.Error{Value: l.value(r, key)}
	}
	if flags&^3 != 0 {
		r.fail(printf.Errorf("bad coroutine flags %#x", flags))
	}
	if err := r.end(); err != nil {
		l.problem(key, co, err)
		return
	}
	l.images = append(l.images, pendingImage{id, bytes.Clone(key), img})
}

func (l *loader) userdataRecord(key []byte, id uint64, r *reader) {
	uv := l.object(id)
	u := uv.AsUserdata()
	typeName := r.string()
	data := r.bytes(r.count(0))
	mt := l.value(r, key)
	u.UserValue = l.value(r, key)
	if err := r.end(); err != nil {
		l.problem(key, uv, err)
		return
	}
	if mt.AsTable() != nil {
		u.SetMetatable(mt.AsTable())
	}
	decode, ok := l.db.registry.decoders[typeName]
	if !ok {
		l.problem(key, uv, printf.Errorf("no persist hook for userdata type %q", typeName))
		return
	}
	d, err := decode(data)
	if err != nil {
		l.problem(key, uv, printf.Errorf("userdata %q: %v", typeName, err))
		return
	}
	u.Data = d
}

// checkShells reports the objects that were referred to but whose own
// record never came, and makes such coroutines dead.
func (l *loader) checkShells() {
	l.objs.each(func(s *objSlot) {
		if s.filled || s.id == l.rootID && !l.metaSeen {
			return
		}
		key := appendHeaderKey(nil, s.id)
		if s.cell != nil {
			l.problem(key, s.cell, errors.New("missing record"))
			return
		}
		if s.v.Type() == lua.TypeNil {
			return // a record that failed to load, reported already
		}
		if co := s.v.AsThread(); co != nil {
			co.SetImage(&lua.ThreadImage{Dead: true, Stack: []lua.Value{lua.Nil}, Top: 1})
		}
		l.problem(key, s.v, errors.New("missing record"))
	})
}

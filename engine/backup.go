package engine

import "github.com/luawasm/luawasm/persist"

// Export returns a backup of everything committed: Memory, schemas,
// index definitions and the audit log (see persist.Export for the format).
func (e *Engine) Export() ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, ErrClosed
	}
	return persist.Export(e.backend)
}

// Import replaces everything with a backup made by Export, atomically: a
// damaged backup changes nothing. Memory then is the backup's; other
// globals are left alone.
func (e *Engine) Import(data []byte) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if e.inTx {
		return luaError("engine: Import during a transaction")
	}
	e.db.Close()
	err := persist.Import(e.backend, data)
	if lerr := e.load(); lerr != nil && err == nil {
		err = lerr
	}
	if err == nil {
		e.pending = append(e.pending, AuditEntry{Operation: "import"})
		if e.appendAudit("import", nil) {
			e.commitAudit()
		}
		e.pending = nil
	}
	return asLuaError(err)
}

// Reload rereads Memory, schemas, indexes and the audit log from the
// backend, for a host whose backend changed underneath (another browser
// tab's commits applied to the mirror). Values held from before are
// detached: they no longer persist.
func (e *Engine) Reload() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	if e.inTx {
		return luaError("engine: Reload during a transaction")
	}
	e.db.Close()
	return asLuaError(e.load())
}

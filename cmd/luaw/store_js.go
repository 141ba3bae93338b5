//go:build js

package main

import (
	"errors"

	"github.com/luawasm/luawasm/store"
)

// openBackend fails: there are no files to store Memory in under
// GOOS=js (the browser build persists through IndexedDB instead).
func openBackend(path string) (store.Backend, error) {
	return nil, errors.New("--store is not available in this build")
}

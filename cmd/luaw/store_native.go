//go:build !js

package main

import (
	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/boltstore"
)

// openBackend opens the bbolt file behind --store.
func openBackend(path string) (store.Backend, error) { return boltstore.Open(path, nil) }

package main

import (
	"os"
	"runtime/debug"
)

// Lua programs allocate many small short-lived objects (closures, tables,
// boxed upvalues) while their live heap stays small, so with Go's default
// GOGC=100 the collector runs very often: the closures and oop_methods
// benchmarks spent 30-45% of their CPU time in it. A larger growth factor
// trades a few megabytes for far fewer cycles. An explicit GOGC wins.
const defaultGCPercent = 400

func init() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(defaultGCPercent)
	}
}

//go:build js && wasm

package main

import (
	"testing"
	"time"
)

// GOOS=js GOARCH=wasm go test ./wasm runs this under node.
func TestISOTimeMatchesRFC3339Nano(t *testing.T) {
	tests := []time.Time{
		time.Date(2026, 11, 22, 4, 5, 6, 0, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 120000000, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2000, 2, 29, 12, 0, 0, 1, time.FixedZone("x", 5*3600+1800)),
		time.Date(12345, 6, 7, 8, 9, 10, 11, time.UTC),
		time.Date(-44, 3, 15, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0),
	}
	for _, tm := range tests {
		if got, want := isoTime(tm), tm.UTC().Format(time.RFC3339Nano); got != want {
			t.Errorf("isoTime(%v) = %s, want %s", tm, got, want)
		}
	}
}

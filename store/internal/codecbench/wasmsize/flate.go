//go:build flate

package main

import (
	"bytes"
	"compress/flate"
	"io"
)

func roundTrip(b []byte) []byte {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	w.Write(b)
	w.Close()
	out, err := io.ReadAll(flate.NewReader(&buf))
	if err != nil {
		panic(err)
	}
	return out
}

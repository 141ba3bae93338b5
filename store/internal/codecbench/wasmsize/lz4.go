//go:build lz4

package main

import "github.com/pierrec/lz4/v4"

func roundTrip(b []byte) []byte {
	buf := make([]byte, lz4.CompressBlockBound(len(b)))
	n, err := lz4.CompressBlock(b, buf, nil)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(b))
	m, err := lz4.UncompressBlock(buf[:n], out)
	if err != nil {
		panic(err)
	}
	return out[:m]
}

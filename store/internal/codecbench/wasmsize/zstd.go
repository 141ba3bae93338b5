//go:build zstd

package main

import "github.com/klauspost/compress/zstd"

func roundTrip(b []byte) []byte {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	out, err := dec.DecodeAll(enc.EncodeAll(b, nil), nil)
	if err != nil {
		panic(err)
	}
	return out
}

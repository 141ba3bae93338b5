//go:build s2

package main

import "github.com/klauspost/compress/s2"

func roundTrip(b []byte) []byte {
	out, err := s2.Decode(nil, s2.Encode(nil, b))
	if err != nil {
		panic(err)
	}
	return out
}

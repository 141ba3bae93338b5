//go:build snappy

package main

import "github.com/golang/snappy"

func roundTrip(b []byte) []byte {
	out, err := snappy.Decode(nil, snappy.Encode(nil, b))
	if err != nil {
		panic(err)
	}
	return out
}

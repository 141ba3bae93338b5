// Command wasmsize is the program TestWasmSize builds for GOOS=js
// GOARCH=wasm once per compression candidate (selected by build tag) and
// once without any, to measure what each candidate adds to the binary. It
// round-trips its input through the candidate, as a store both writes and
// reads records.
package main

import (
	"fmt"
	"hash/crc32"
	"io"
	"os"
)

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	out := roundTrip(in)
	fmt.Println(len(out), crc32.Checksum(out, crc32.MakeTable(crc32.Castagnoli)))
}

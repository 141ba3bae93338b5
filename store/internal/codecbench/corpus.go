package codecbench

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
)

// A corpus is one kind of payload, cut into chunks of one size: each chunk
// stands for one stored record and is compressed on its own.
type corpus struct {
	name   string
	chunks [][]byte
}

// Chunk sizes: a small table or closure, a medium table or function, a large
// array or long string.
var chunkSizes = []int{512, 4 << 10, 64 << 10}

// corpora returns every kind of payload cut at size.
func corpora(size int) []corpus {
	kinds := []struct {
		name string
		data []byte
	}{
		{"records-text", recordsText(256 << 10)},
		{"records-binary", recordsBinary(256 << 10)},
		{"source", readFile("testdata/source.lua")},
		{"bytecode", readFile("testdata/bytecode.luac")},
	}
	var out []corpus
	for _, k := range kinds {
		out = append(out, corpus{k.name, chunk(k.data, size)})
	}
	return out
}

func chunk(data []byte, size int) [][]byte {
	var chunks [][]byte
	for len(data) > 0 {
		n := min(size, len(data))
		chunks = append(chunks, data[:n:n])
		data = data[n:]
	}
	return chunks
}

func readFile(name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return data
}

var (
	firstNames = strings.Fields("ana bruno carla diego elena felipe gabriela hugo irene joao karina lucas marta nuno olga pedro")
	lastNames  = strings.Fields("silva souza costa santos oliveira pereira lima carvalho ferreira rodrigues almeida nunes")
	tagWords   = strings.Fields("admin beta churned enterprise free lead premium trial vip")
	cities     = strings.Fields("lisboa porto recife curitiba salvador manaus natal belem")
)

// recordsText is a Lua table constructor of user records, the JSON-like
// shape the batch and schema examples store in Memory collections.
func recordsText(size int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.WriteString("{\n")
	for id := 1; b.Len() < size; id++ {
		first, last := pick(r, firstNames), pick(r, lastNames)
		fmt.Fprintf(&b, "  [%d] = {id = %d, name = %q, email = \"%s.%s%d@example.com\", age = %d, score = %.2f, active = %t, city = %q, created = %d, tags = {",
			id, id, first+" "+last, first, last, r.IntN(1000), 18+r.IntN(60), r.Float64()*100, r.IntN(4) != 0, pick(r, cities), 1700000000+r.IntN(30000000))
		for range r.IntN(4) {
			fmt.Fprintf(&b, "%q, ", pick(r, tagWords))
		}
		b.WriteString("}},\n")
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

// recordsBinary holds the same records in the shape a compact binary
// serializer of tables would give: a tag byte per value, varint integers,
// raw float bits, length-prefixed strings, and references to already
// written key strings by index.
func recordsBinary(size int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	const (
		tagInt = iota + 1
		tagFloat
		tagString
		tagKeyRef
		tagTrue
		tagFalse
		tagTable
	)
	var b []byte
	str := func(s string) {
		b = append(b, tagString)
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for id := 1; len(b) < size; id++ {
		first, last := pick(r, firstNames), pick(r, lastNames)
		b = append(b, tagTable, 9)
		b = append(b, tagKeyRef, 0, tagInt)
		b = binary.AppendVarint(b, int64(id))
		b = append(b, tagKeyRef, 1)
		str(first + " " + last)
		b = append(b, tagKeyRef, 2)
		str(fmt.Sprintf("%s.%s%d@example.com", first, last, r.IntN(1000)))
		b = append(b, tagKeyRef, 3, tagInt)
		b = binary.AppendVarint(b, int64(18+r.IntN(60)))
		b = append(b, tagKeyRef, 4, tagFloat)
		b = binary.LittleEndian.AppendUint64(b, uint64(r.Uint64()>>12))
		b = append(b, tagKeyRef, 5, tagTrue+byte(r.IntN(2)))
		b = append(b, tagKeyRef, 6)
		str(pick(r, cities))
		b = append(b, tagKeyRef, 7, tagInt)
		b = binary.AppendVarint(b, int64(1700000000+r.IntN(30000000)))
		n := r.IntN(4)
		b = append(b, tagKeyRef, 8, tagTable, byte(n))
		for range n {
			str(pick(r, tagWords))
		}
	}
	return b
}

func pick(r *rand.Rand, words []string) string { return words[r.IntN(len(words))] }

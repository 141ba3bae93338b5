package store_test

import (
	"errors"
	"fmt"

	"github.com/luawasm/luawasm/store"
	"github.com/luawasm/luawasm/store/memstore"
)

// Values are framed as records on the way in, and verified one by one on
// the way out: a damaged record is reported and the others still load.
func Example() {
	db := memstore.New()
	defer db.Close()

	var b store.Batch
	for _, kv := range [][2]string{{"users/1", "ana"}, {"users/2", "bruno"}, {"users/3", "carla"}} {
		b.Put([]byte(kv[0]), store.DefaultEncoder.AppendRecord(nil, []byte(kv[1])))
	}
	b.Put([]byte("users/4"), []byte("not a record"))
	if err := db.Commit(&b); err != nil {
		panic(err)
	}

	err := db.Scan([]byte("users/"), func(key, rec []byte) error {
		value, err := store.DecodeRecord(key, rec)
		if errors.Is(err, store.ErrCorrupt) || errors.Is(err, store.ErrTruncated) {
			fmt.Println("skipped:", err)
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Printf("%s = %s\n", key, value)
		return nil
	})
	if err != nil {
		panic(err)
	}
	// Output:
	// users/1 = ana
	// users/2 = bruno
	// users/3 = carla
	// skipped: store: record "users/4": checksum mismatch
}

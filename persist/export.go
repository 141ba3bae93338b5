package persist

import (
	"encoding/binary"
	"errors"
	"hash/crc32"

	"github.com/luawasm/luawasm/internal/printf"
	"github.com/luawasm/luawasm/store"
)

// Backups: Export writes every record of a store into one byte string and
// Import replaces a store's contents with such a string, atomically.
//
// Export format, version 1:
//
//	8 bytes   magic "LUAWMEMX"
//	uvarint   version (1)
//	repeated: uvarint key length k (> 0), k bytes key,
//	          uvarint record length r, r bytes record (as stored: framed
//	          and checksummed, see store.Encoder.AppendRecord)
//	uvarint   0 (end of records)
//	4 bytes   CRC-32C (Castagnoli) of every byte before it, little-endian
//
// The records keep their own framing, so a backup is as compact as the
// store and every record is verified again on import.

const exportMagic = "LUAWMEMX"

const exportVersion = 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Export returns a backup of everything committed to b.
func Export(b store.Backend) ([]byte, error) {
	out := append([]byte(exportMagic), exportVersion)
	err := b.Scan(nil, func(k, v []byte) error {
		out = binary.AppendUvarint(out, uint64(len(k)))
		out = append(out, k...)
		out = binary.AppendUvarint(out, uint64(len(v)))
		out = append(out, v...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out = binary.AppendUvarint(out, 0)
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli)), nil
}

// ErrBadBackup is returned by Import for data that is not an intact backup.
var ErrBadBackup = errors.New("persist: not a valid backup")

// Import replaces the contents of b with the backup data, in one atomic
// commit. The backup is checked whole (its checksum and every record's)
// before anything changes. A DB open on b must be closed first and opened
// again after.
func Import(b store.Backend, data []byte) error {
	fail := func(format string, args ...any) error {
		return printf.Errorf("%w: %s", ErrBadBackup, printf.Sprintf(format, args...))
	}
	if len(data) < len(exportMagic)+2+4 || string(data[:len(exportMagic)]) != exportMagic {
		return fail("missing header")
	}
	body := len(data) - 4
	if crc32.Checksum(data[:body], castagnoli) != binary.LittleEndian.Uint32(data[body:]) {
		return fail("checksum mismatch")
	}
	r := &reader{b: data[len(exportMagic):body]}
	if v := r.uvarint(); v != exportVersion {
		return fail("unknown version %d", v)
	}
	var batch store.Batch
	incoming := make(map[string]bool)
	err := b.Scan(nil, func(k, _ []byte) error {
		batch.Delete(k)
		return nil
	})
	if err != nil {
		return err
	}
	for {
		n := r.uvarint()
		if r.err != nil || n == 0 {
			break
		}
		key := r.bytes(int(min(n, uint64(len(r.b)+1))))
		rec := r.bytes(int(min(r.uvarint(), uint64(len(r.b)+1))))
		if r.err != nil {
			break
		}
		if _, err := store.DecodeRecord(key, rec); err != nil {
			return fail("%v", err)
		}
		incoming[string(key)] = true
		batch.Put(key, rec)
	}
	if err := r.end(); err != nil {
		return fail("%v", err)
	}
	if !incoming[string(metaKey)] {
		return fail("no meta record")
	}
	return b.Commit(&batch)
}

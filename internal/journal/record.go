package journal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// checksumBytes is the length of the checksum in front of every record
// of a Bolt file of format 3.
const checksumBytes = 4

// castagnoli is the CRC-32C table. CRC-32C, not IEEE: it detects more
// error patterns at the lengths of records, and amd64 and arm64 compute
// it in hardware (several GB/s), so checking every record on every read
// costs next to nothing. It is never written after initialisation.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// framedLen returns the length of rec stored with its checksum.
func framedLen(rec []byte) int { return checksumBytes + len(rec) }

// frame appends rec, preceded by its CRC-32C (4 bytes, big-endian), to
// dst, and returns the extended slice.
func frame(dst, rec []byte) []byte {
	dst = binary.BigEndian.AppendUint32(dst, crc32.Checksum(rec, castagnoli))
	return append(dst, rec...)
}

// unframe returns the record in v, a value of the log bucket, once its
// checksum matches; the record is a slice of v. The error says what is
// wrong, for a message that names the file and the LSN.
func unframe(v []byte) ([]byte, error) {
	if len(v) < checksumBytes {
		return nil, fmt.Errorf("a value of %d bytes is too short for a checksum", len(v))
	}
	rec := v[checksumBytes:]
	if want, got := binary.BigEndian.Uint32(v), crc32.Checksum(rec, castagnoli); want != got {
		return nil, fmt.Errorf("checksum mismatch (stored %08x, computed %08x)", want, got)
	}
	return rec, nil
}

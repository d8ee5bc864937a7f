package journal

import (
	"bytes"
	"context"
	"hash/crc32"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

func TestFrame(t *testing.T) {
	tests := []struct {
		name string
		give []byte
	}{
		{name: "empty", give: []byte{}},
		{name: "one byte", give: []byte{0}},
		{name: "text", give: []byte("hold A")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := frame(nil, tt.give)
			require.Len(t, v, framedLen(tt.give))
			require.Equal(t, crc32.Checksum(tt.give, crc32.MakeTable(crc32.Castagnoli)), uint32(v[0])<<24|uint32(v[1])<<16|uint32(v[2])<<8|uint32(v[3]))
			rec, err := unframe(v)
			require.NoError(t, err)
			require.Equal(t, tt.give, rec)
			for i := range v { // every single flipped bit is found
				for bit := range 8 {
					bad := bytes.Clone(v)
					bad[i] ^= 1 << bit
					_, err := unframe(bad)
					require.ErrorContains(t, err, "checksum mismatch", "byte %d bit %d", i, bit)
				}
			}
		})
	}
	_, err := unframe([]byte{1, 2, 3})
	require.ErrorContains(t, err, "too short")
}

// TestBoltReadFindsChecksumMismatch changes one byte of a stored record
// and checks that Read stops there with ErrCorrupt naming its LSN, having
// yielded only the records before it.
func TestBoltReadFindsChecksumMismatch(t *testing.T) {
	path := tempPath(t)
	b := openTestBolt(t, path, testOpts)
	appendBatch(t, b, "a", "bcd", "e")
	require.NoError(t, b.Close())
	rawBolt(t, path, func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketLog)
		v := bytes.Clone(bk.Get(lsnKey(2)))
		v[len(v)-1] ^= 0x20 // "bcd" reads "bcD"
		return bk.Put(lsnKey(2), v)
	})
	for _, readOnly := range []bool{false, true} {
		b := openTestBolt(t, path, &BoltOptions{ReadOnly: readOnly, NoSync: true})
		var got []string
		err := b.Read(1, func(_ uint64, rec []byte) error {
			got = append(got, string(rec))
			return nil
		})
		require.ErrorIs(t, err, ErrCorrupt)
		require.ErrorContains(t, err, "LSN 2: checksum mismatch")
		require.Equal(t, []string{"a"}, got, "read-only %v", readOnly)
		_, err = b.Backup(context.Background(), &bytes.Buffer{})
		require.ErrorIs(t, err, ErrCorrupt, "a backup does not copy damage")
		require.NoError(t, b.Close())
	}
}

// writeFormat2 writes a journal of format 2: bare records, no last LSN.
func writeFormat2(t *testing.T, path string, recs ...string) {
	t.Helper()
	log := map[string]string{}
	for i, r := range recs {
		log[string(lsnKey(uint64(i+1)))] = r
	}
	rawJournal(t, path, []byte{fileFormatNoChecksum}, nil, log)
}

func TestBoltConvertsFormat2(t *testing.T) {
	path := tempPath(t)
	writeFormat2(t, path, "a", "", "c")

	b := openTestBolt(t, path, testOpts)
	last, _ := b.Last()
	require.Equal(t, uint64(3), last)
	lsns, recs := readFrom(t, b, 1)
	require.Equal(t, []uint64{1, 2, 3}, lsns)
	require.Equal(t, []string{"a", "", "c"}, recs)
	appendBatch(t, b, "d")
	require.NoError(t, b.Close())

	rawBolt(t, path, func(tx *bolt.Tx) error { // what is on disk now
		require.Equal(t, []byte{fileFormat}, tx.Bucket(bucketJournal).Get(keyFormat))
		require.Equal(t, lsnKey(4), tx.Bucket(bucketJournal).Get(keyLast))
		require.Equal(t, framed("c"), string(tx.Bucket(bucketLog).Get(lsnKey(3))))
		return nil
	})
	b = openTestBolt(t, path, &BoltOptions{ReadOnly: true})
	_, recs = readFrom(t, b, 1)
	require.Equal(t, []string{"a", "", "c", "d"}, recs)
}

func TestBoltReadsFormat2ReadOnlyInMemory(t *testing.T) {
	path := tempPath(t)
	writeFormat2(t, path, "a", "b")
	before := fileBytes(t, path)

	b := openTestBolt(t, path, &BoltOptions{ReadOnly: true})
	last, _ := b.Last()
	require.Equal(t, uint64(2), last)
	_, recs := readFrom(t, b, 2)
	require.Equal(t, []string{"b"}, recs)
	var backup bytes.Buffer
	_, err := b.Backup(context.Background(), &backup)
	require.NoError(t, err)
	require.NoError(t, b.Close())
	require.Equal(t, before, fileBytes(t, path), "byte for byte")

	copyPath := tempPath(t)
	require.NoError(t, os.WriteFile(copyPath, backup.Bytes(), 0o600))
	c := openTestBolt(t, copyPath, &BoltOptions{ReadOnly: true})
	_, recs = readFrom(t, c, 1)
	require.Equal(t, []string{"a", "b"}, recs, "the copy is of format 3")
	require.False(t, c.inMemory)
}

func TestBoltRefusesFormat2WithGap(t *testing.T) {
	path := tempPath(t)
	rawJournal(t, path, []byte{fileFormatNoChecksum}, nil, map[string]string{
		string(lsnKey(1)): "a", string(lsnKey(3)): "c",
	})
	before := fileBytes(t, path)
	for _, readOnly := range []bool{false, true} {
		_, err := OpenBolt(path, &BoltOptions{ReadOnly: readOnly, NoSync: true})
		require.ErrorIs(t, err, ErrCorrupt, "read-only %v", readOnly)
		require.ErrorContains(t, err, "LSN 3 where 2 belongs")
	}
	require.Equal(t, before, fileBytes(t, path), "the conversion rolled back")
}

package journal

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// writeLegacy writes a file of kuota's format-1 layout with n bookings:
// a "meta" bucket and three others, bookings under 8-byte keys.
func writeLegacy(t *testing.T, path string, n int) {
	t.Helper()
	rawBolt(t, path, func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		if err := meta.Put([]byte("format"), []byte{1}); err != nil {
			return err
		}
		offices, err := tx.CreateBucket([]byte("offices"))
		if err != nil {
			return err
		}
		if err := offices.Put([]byte("JKT"), []byte("Jakarta")); err != nil {
			return err
		}
		if _, err := tx.CreateBucket([]byte("overrides")); err != nil {
			return err
		}
		bookings, err := tx.CreateBucket([]byte("bookings"))
		if err != nil {
			return err
		}
		for i := range n {
			if err := bookings.Put(lsnKey(uint64(i+1)), fmt.Appendf(nil, "booking %d", i+1)); err != nil {
				return err
			}
		}
		return nil
	})
}

// upgradeBookings is an Upgrade that makes one record of each booking.
// It returns the file's own memory, as an Upgrade may.
func upgradeBookings(tx *bolt.Tx) ([][]byte, error) {
	var recs [][]byte
	err := tx.Bucket([]byte("bookings")).ForEach(func(_, v []byte) error {
		recs = append(recs, v)
		return nil
	})
	return recs, err
}

// bucketNames lists the top-level buckets of the file at path.
func bucketNames(t *testing.T, path string) []string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	require.NoError(t, err)
	defer db.Close()
	var names []string
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			names = append(names, string(name))
			return nil
		})
	}))
	return names
}

func wantBookings(n int) []string {
	var recs []string
	for i := range n {
		recs = append(recs, fmt.Sprintf("booking %d", i+1))
	}
	return recs
}

func TestBoltUpgrade(t *testing.T) {
	const n = 300 // enough for several pages
	path := tempPath(t)
	writeLegacy(t, path, n)

	b, err := OpenBolt(path, &BoltOptions{NoSync: true, Upgrade: upgradeBookings})
	require.NoError(t, err)
	last, _ := b.Last()
	require.Equal(t, uint64(n), last)
	lsns, recs := readFrom(t, b, 1)
	require.Equal(t, wantBookings(n), recs)
	require.Equal(t, uint64(1), lsns[0])
	require.Equal(t, uint64(n), lsns[n-1])
	appendBatch(t, b, "after")
	require.NoError(t, b.Close())

	require.ElementsMatch(t, []string{"journal", "log"}, bucketNames(t, path), "the old buckets are gone")
	b = openTestBolt(t, path, testOpts) // no Upgrade needed now
	_, recs = readFrom(t, b, n)
	require.Equal(t, []string{fmt.Sprintf("booking %d", n), "after"}, recs)
}

func TestBoltUpgradeReadOnlyLeavesFile(t *testing.T) {
	path := tempPath(t)
	writeLegacy(t, path, 5)
	before := fileBytes(t, path)

	b := openTestBolt(t, path, &BoltOptions{ReadOnly: true, Upgrade: upgradeBookings})
	last, _ := b.Last()
	require.Equal(t, uint64(5), last)
	lsns, recs := readFrom(t, b, 1)
	require.Equal(t, []uint64{1, 2, 3, 4, 5}, lsns)
	require.Equal(t, wantBookings(5), recs)
	_, recs = readFrom(t, b, 4)
	require.Equal(t, wantBookings(5)[3:], recs)
	require.ErrorIs(t, b.Append([]Entry{{LSN: 6}}), ErrReadOnly)
	require.NoError(t, b.Close())

	require.Equal(t, before, fileBytes(t, path), "byte for byte")
}

func TestBoltUpgradeFailureLeavesFile(t *testing.T) {
	path := tempPath(t)
	writeLegacy(t, path, 5)
	before := fileBytes(t, path)
	bad := errors.New("booking 3 does not decode")

	_, err := OpenBolt(path, &BoltOptions{NoSync: true, Upgrade: func(*bolt.Tx) ([][]byte, error) { return nil, bad }})
	require.ErrorIs(t, err, bad)
	require.ErrorContains(t, err, path)
	require.Equal(t, before, fileBytes(t, path))
}

func TestBoltUpgradeOfEmptyLegacyFile(t *testing.T) {
	path := tempPath(t)
	writeLegacy(t, path, 0)
	b := openTestBolt(t, path, &BoltOptions{NoSync: true, Upgrade: upgradeBookings})
	last, _ := b.Last()
	require.Zero(t, last)
	appendBatch(t, b, "first")
	_, recs := readFrom(t, b, 1)
	require.Equal(t, []string{"first"}, recs)
}

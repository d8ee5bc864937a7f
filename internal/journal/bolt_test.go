package journal

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// testOpts are options for fast tests: no fsync, a short lock wait.
var testOpts = &BoltOptions{NoSync: true, LockTimeout: 50 * time.Millisecond}

// tempPath returns the path of a journal file in a new directory.
func tempPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "journal.db")
}

// openTestBolt opens path, closing it when the test ends.
func openTestBolt(t *testing.T, path string, opts *BoltOptions) *Bolt {
	t.Helper()
	b, err := OpenBolt(path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { b.Close() })
	return b
}

// appendBatch appends recs as one batch after b's last record.
func appendBatch(t *testing.T, b *Bolt, recs ...string) {
	t.Helper()
	last, err := b.Last()
	require.NoError(t, err)
	batch := make([]Entry, len(recs))
	for i, r := range recs {
		batch[i] = Entry{LSN: last + 1 + uint64(i), Data: []byte(r)}
	}
	require.NoError(t, b.Append(batch))
}

// readFrom collects what b.Read(from) yields.
func readFrom(t *testing.T, b *Bolt, from uint64) (lsns []uint64, recs []string) {
	t.Helper()
	require.NoError(t, b.Read(from, func(lsn uint64, rec []byte) error {
		lsns = append(lsns, lsn)
		recs = append(recs, string(rec))
		return nil
	}))
	return lsns, recs
}

// rawBolt opens path with bbolt itself and runs fn in a write
// transaction, to build files the journal would never write.
func rawBolt(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	require.NoError(t, err)
	require.NoError(t, db.Update(fn))
	require.NoError(t, db.Close())
}

func lsnKey(lsn uint64) []byte { return binary.BigEndian.AppendUint64(nil, lsn) }

func TestBoltRoundTrip(t *testing.T) {
	path := tempPath(t)
	b, err := OpenBolt(path, testOpts)
	require.NoError(t, err)
	last, err := b.Last()
	require.NoError(t, err)
	require.Zero(t, last)
	appendBatch(t, b, "a")
	appendBatch(t, b, "b", "c", "d")
	require.NoError(t, b.Append(nil), "an empty batch")
	appendBatch(t, b, "", "f")
	require.NoError(t, b.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())

	b = openTestBolt(t, path, testOpts)
	last, err = b.Last()
	require.NoError(t, err)
	require.Equal(t, uint64(6), last)
	tests := []struct {
		give     uint64
		wantLSNs []uint64
		wantRecs []string
	}{
		{give: 0, wantLSNs: []uint64{1, 2, 3, 4, 5, 6}, wantRecs: []string{"a", "b", "c", "d", "", "f"}},
		{give: 1, wantLSNs: []uint64{1, 2, 3, 4, 5, 6}, wantRecs: []string{"a", "b", "c", "d", "", "f"}},
		{give: 4, wantLSNs: []uint64{4, 5, 6}, wantRecs: []string{"d", "", "f"}},
		{give: 6, wantLSNs: []uint64{6}, wantRecs: []string{"f"}},
		{give: 7, wantLSNs: nil, wantRecs: nil},
		{give: 1 << 40, wantLSNs: nil, wantRecs: nil},
	}
	for _, tt := range tests {
		lsns, recs := readFrom(t, b, tt.give)
		require.Equal(t, tt.wantLSNs, lsns, "from %d", tt.give)
		require.Equal(t, tt.wantRecs, recs, "from %d", tt.give)
	}
	appendBatch(t, b, "g")
	_, recs := readFrom(t, b, 7)
	require.Equal(t, []string{"g"}, recs, "numbering continues after reopen")
}

func TestBoltAppendRefusesOutOfOrder(t *testing.T) {
	tests := []struct {
		name string
		give []uint64 // the LSNs of a batch after records 1 and 2
	}{
		{name: "gap before", give: []uint64{4}},
		{name: "repeat", give: []uint64{2}},
		{name: "zero", give: []uint64{0}},
		{name: "gap inside", give: []uint64{3, 5}},
		{name: "backwards", give: []uint64{3, 4, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := openTestBolt(t, tempPath(t), testOpts)
			appendBatch(t, b, "1", "2")
			var batch []Entry
			for _, lsn := range tt.give {
				batch = append(batch, Entry{LSN: lsn, Data: []byte("x")})
			}
			require.ErrorIs(t, b.Append(batch), ErrOutOfOrder)
			last, _ := b.Last()
			require.Equal(t, uint64(2), last)
			_, recs := readFrom(t, b, 1)
			require.Equal(t, []string{"1", "2"}, recs, "nothing written")
		})
	}
}

func TestBoltRefusesLoosePermissions(t *testing.T) {
	tests := []struct {
		give            fs.FileMode
		allowSharedRead bool
		want            error
	}{
		{give: 0o600, want: nil},
		{give: 0o700, want: nil},
		{give: 0o400, want: nil},
		{give: 0o644, want: ErrFilePermissions},
		{give: 0o640, want: ErrFilePermissions},
		{give: 0o604, want: ErrFilePermissions},
		{give: 0o620, want: ErrFilePermissions},
		{give: 0o602, want: ErrFilePermissions},
		{give: 0o666, want: ErrFilePermissions},
		{give: 0o644, allowSharedRead: true, want: nil},
		{give: 0o640, allowSharedRead: true, want: nil},
		{give: 0o620, allowSharedRead: true, want: ErrFilePermissions},
		{give: 0o602, allowSharedRead: true, want: ErrFilePermissions},
		{give: 0o666, allowSharedRead: true, want: ErrFilePermissions},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%v shared read %v", tt.give, tt.allowSharedRead), func(t *testing.T) {
			path := tempPath(t)
			b := openTestBolt(t, path, testOpts)
			require.NoError(t, b.Close())
			require.NoError(t, os.Chmod(path, tt.give))
			for _, readOnly := range []bool{false, true} {
				if !readOnly && tt.give&0o200 == 0 {
					continue // the owner cannot write it either
				}
				b, err := OpenBolt(path, &BoltOptions{ReadOnly: readOnly, AllowSharedRead: tt.allowSharedRead, LockTimeout: 50 * time.Millisecond})
				require.ErrorIs(t, err, tt.want, "read-only %v", readOnly)
				if err == nil {
					require.NoError(t, b.Close())
				} else {
					require.ErrorContains(t, err, path)
				}
			}
		})
	}
}

func TestBoltRefusesCorruptFiles(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
	}{
		{name: "text", make: func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, []byte("this is not a bbolt file, not at all, not even close......"), 0o600))
		}},
		{name: "random bytes", make: func(t *testing.T, path string) {
			buf := make([]byte, 64<<10)
			r := rand.NewChaCha8([32]byte{7})
			_, _ = r.Read(buf)
			require.NoError(t, os.WriteFile(path, buf, 0o600))
		}},
		{name: "another program's buckets", make: func(t *testing.T, path string) {
			rawBolt(t, path, func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
		}},
		{name: "no buckets", make: func(t *testing.T, path string) {
			rawBolt(t, path, func(*bolt.Tx) error { return nil })
		}},
		{name: "format 4", make: func(t *testing.T, path string) {
			rawJournal(t, path, []byte{4}, lsnKey(0), nil)
		}},
		{name: "no format", make: func(t *testing.T, path string) {
			rawJournal(t, path, nil, lsnKey(0), nil)
		}},
		{name: "log bucket only", make: func(t *testing.T, path string) {
			rawBolt(t, path, func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucketLog); return err })
		}},
		{name: "short log key", make: func(t *testing.T, path string) {
			rawJournal(t, path, []byte{fileFormat}, lsnKey(1), map[string]string{"\x01": framed("a")})
		}},
		{name: "format 2 with a last LSN", make: func(t *testing.T, path string) { // a flipped bit of format 3
			rawJournal(t, path, []byte{fileFormatNoChecksum}, lsnKey(1), framedLog(map[uint64]string{1: "a"}))
		}},
		{name: "no last LSN", make: func(t *testing.T, path string) {
			rawJournal(t, path, []byte{fileFormat}, nil, framedLog(map[uint64]string{1: "a"}))
		}},
		{name: "log ends before its last LSN", make: func(t *testing.T, path string) {
			rawJournal(t, path, []byte{fileFormat}, lsnKey(3), framedLog(map[uint64]string{1: "a", 2: "b"}))
		}},
		{name: "log ends after its last LSN", make: func(t *testing.T, path string) {
			rawJournal(t, path, []byte{fileFormat}, lsnKey(1), framedLog(map[uint64]string{1: "a", 2: "b"}))
		}},
		{name: "format 1 without Upgrade", make: func(t *testing.T, path string) {
			writeLegacy(t, path, 2)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			tt.make(t, path)
			before := fileBytes(t, path)
			for _, readOnly := range []bool{false, true} {
				_, err := OpenBolt(path, &BoltOptions{ReadOnly: readOnly, LockTimeout: 50 * time.Millisecond})
				require.ErrorIs(t, err, ErrCorrupt, "read-only %v", readOnly)
				require.ErrorContains(t, err, path)
			}
			require.Equal(t, before, fileBytes(t, path), "the file is untouched")
		})
	}
}

func TestBoltCorruptErrorNamesFormat(t *testing.T) {
	path := tempPath(t)
	rawJournal(t, path, []byte{4}, lsnKey(0), nil)
	_, err := OpenBolt(path, testOpts)
	require.ErrorContains(t, err, "format 4")
}

// TestBoltEmptyBoltFileSaysWhatToDo checks that the refusal of a bbolt
// file without buckets tells the operator to delete it if kuota made it.
func TestBoltEmptyBoltFileSaysWhatToDo(t *testing.T) {
	path := tempPath(t)
	rawBolt(t, path, func(*bolt.Tx) error { return nil })
	_, err := OpenBolt(path, testOpts)
	require.ErrorIs(t, err, ErrCorrupt)
	require.ErrorContains(t, err, "delete it")
}

func TestBoltReadFindsGaps(t *testing.T) {
	tests := []struct {
		name     string
		give     map[string]string
		from     uint64
		wantRead []string // before the gap
	}{
		{name: "missing middle", give: map[string]string{"1": "a", "2": "b", "4": "d"}, from: 1, wantRead: []string{"a", "b"}},
		{name: "missing first", give: map[string]string{"2": "b", "3": "c"}, from: 0, wantRead: nil},
		{name: "missing from", give: map[string]string{"1": "a", "3": "c"}, from: 2, wantRead: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tempPath(t)
			recs := map[uint64]string{}
			var last uint64
			for k, v := range tt.give {
				var lsn uint64
				for _, c := range k {
					lsn = lsn*10 + uint64(c-'0')
				}
				recs[lsn], last = v, max(last, lsn)
			}
			rawJournal(t, path, []byte{fileFormat}, lsnKey(last), framedLog(recs))
			b := openTestBolt(t, path, testOpts)
			var got []string
			err := b.Read(tt.from, func(_ uint64, rec []byte) error {
				got = append(got, string(rec))
				return nil
			})
			require.ErrorIs(t, err, ErrCorrupt)
			require.Equal(t, tt.wantRead, got)
		})
	}
}

// rawJournal writes a file with the journal's buckets, format and last
// LSN (none if nil), and the given log keys and values as they are.
func rawJournal(t *testing.T, path string, format, last []byte, log map[string]string) {
	t.Helper()
	rawBolt(t, path, func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketJournal)
		if err != nil {
			return err
		}
		if format != nil {
			if err := meta.Put(keyFormat, format); err != nil {
				return err
			}
		}
		if last != nil {
			if err := meta.Put(keyLast, last); err != nil {
				return err
			}
		}
		bk, err := tx.CreateBucket(bucketLog)
		if err != nil {
			return err
		}
		for k, v := range log {
			if err := bk.Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
}

// framed returns rec after its checksum, as format 3 stores it.
func framed(rec string) string { return string(frame(nil, []byte(rec))) }

// framedLog returns the log bucket of format 3 holding recs by LSN.
func framedLog(recs map[uint64]string) map[string]string {
	log := make(map[string]string, len(recs))
	for lsn, rec := range recs {
		log[string(lsnKey(lsn))] = framed(rec)
	}
	return log
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	buf, err := os.ReadFile(path)
	require.NoError(t, err)
	return buf
}

func TestBoltReadOnly(t *testing.T) {
	t.Run("missing file", func(t *testing.T) {
		path := tempPath(t)
		_, err := OpenBolt(path, &BoltOptions{ReadOnly: true})
		require.ErrorIs(t, err, fs.ErrNotExist)
		require.NoFileExists(t, path, "a reader never creates the file")
	})
	t.Run("file of no bytes", func(t *testing.T) {
		path := tempPath(t)
		require.NoError(t, os.WriteFile(path, nil, 0o600))
		_, err := OpenBolt(path, &BoltOptions{ReadOnly: true})
		require.ErrorIs(t, err, ErrCorrupt, "not a journal until a writer makes it one")
		require.Empty(t, fileBytes(t, path))

		w := openTestBolt(t, path, testOpts) // a writer makes it a journal
		appendBatch(t, w, "a")
		require.NoError(t, w.Close())
		r := openTestBolt(t, path, &BoltOptions{ReadOnly: true})
		_, recs := readFrom(t, r, 1)
		require.Equal(t, []string{"a"}, recs)
	})
	t.Run("new journal without records", func(t *testing.T) {
		path := tempPath(t)
		require.NoError(t, openTestBolt(t, path, testOpts).Close())
		before := fileBytes(t, path)
		b := openTestBolt(t, path, &BoltOptions{ReadOnly: true})
		last, err := b.Last()
		require.NoError(t, err)
		require.Zero(t, last)
		lsns, _ := readFrom(t, b, 1)
		require.Empty(t, lsns)
		require.ErrorIs(t, b.Append([]Entry{{LSN: 1}}), ErrReadOnly)
		require.NoError(t, b.Close())
		require.Equal(t, before, fileBytes(t, path))
	})
	t.Run("readers share a file", func(t *testing.T) {
		path := tempPath(t)
		w := openTestBolt(t, path, testOpts)
		appendBatch(t, w, "a", "b")
		require.NoError(t, w.Close())
		r1 := openTestBolt(t, path, &BoltOptions{ReadOnly: true, LockTimeout: 50 * time.Millisecond})
		r2 := openTestBolt(t, path, &BoltOptions{ReadOnly: true, LockTimeout: 50 * time.Millisecond})
		for _, r := range []*Bolt{r1, r2} {
			_, recs := readFrom(t, r, 1)
			require.Equal(t, []string{"a", "b"}, recs)
			require.ErrorIs(t, r.Append([]Entry{{LSN: 3}}), ErrReadOnly)
		}
	})
}

func TestBoltLocked(t *testing.T) {
	path := tempPath(t)
	openTestBolt(t, path, testOpts)
	// bbolt's flock belongs to an open file description, so a second
	// open in this process waits for the first as another process would.
	for _, readOnly := range []bool{false, true} {
		_, err := OpenBolt(path, &BoltOptions{ReadOnly: readOnly, LockTimeout: 100 * time.Millisecond})
		require.ErrorIs(t, err, ErrLocked, "read-only %v", readOnly)
		require.ErrorContains(t, err, path)
	}
}

func TestBoltClosed(t *testing.T) {
	b, err := OpenBolt(tempPath(t), testOpts)
	require.NoError(t, err)
	appendBatch(t, b, "a")
	require.NoError(t, b.Close())
	require.NoError(t, b.Close(), "twice")
	require.ErrorIs(t, b.Append([]Entry{{LSN: 2}}), ErrClosed)
	require.ErrorIs(t, b.Read(1, func(uint64, []byte) error { return nil }), ErrClosed)
	_, err = b.Backup(context.Background(), &bytes.Buffer{})
	require.ErrorIs(t, err, ErrClosed)
}

func TestBoltSyncTime(t *testing.T) {
	b := openTestBolt(t, tempPath(t), nil)
	require.Zero(t, b.SyncTime())
	appendBatch(t, b, "a")
	require.Positive(t, b.SyncTime())
}

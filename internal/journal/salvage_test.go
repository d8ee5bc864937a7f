package journal

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// salvageChecked salvages src into a new file and checks what that file
// holds: the report's Copied records, each as the fixture wrote it. When
// Salvage fails, it checks that no file was written.
func salvageChecked(t *testing.T, fx damageFixture, src string) (SalvageReport, error) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "salvaged.db")
	rep, err := Salvage(src, dst)
	if err != nil {
		require.NoFileExists(t, dst)
		return rep, err
	}
	fi, err := os.Stat(dst)
	require.NoError(t, err)
	require.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	b, err := OpenBolt(dst, &BoltOptions{ReadOnly: true})
	require.NoError(t, err)
	defer b.Close()
	n, err := fx.readAll(t, b, src, 0)
	require.NoError(t, err)
	require.Equal(t, rep.Copied, uint64(n))
	require.Equal(t, rep.ProblemCount == 0, rep.Complete())
	require.LessOrEqual(t, len(rep.Problems), SalvageProblemsMax)
	if rep.Complete() {
		require.Equal(t, len(fx.recs), n, "complete, yet records are missing")
	}
	return rep, nil
}

// writeFixture writes file at a new path.
func writeFixture(t *testing.T, file []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.db")
	require.NoError(t, os.WriteFile(path, file, 0o600))
	return path
}

func TestSalvageIntactFile(t *testing.T) {
	fx := newDamageFixture(t)
	rep, err := salvageChecked(t, fx, writeFixture(t, fx.file))
	require.NoError(t, err)
	require.True(t, rep.Complete(), rep.Problems)
	require.Equal(t, uint64(len(fx.recs)), rep.Copied)
	require.Equal(t, uint64(len(fx.recs)), rep.Last)
	require.True(t, rep.Checksums)
	require.Zero(t, rep.Damaged+rep.Skipped+rep.UnreachablePages)
}

func TestSalvageStopsAtDamage(t *testing.T) {
	fx := newDamageFixture(t)
	branch, leaf := fixturePages(t, fx)
	tests := []struct {
		name          string
		damage        func(t *testing.T, path string)
		wantCopiedMax uint64     // at most
		want          string     // in the problems
		wantCounts    *[4]uint64 // Last, Damaged, Skipped, UnreachablePages, if known
	}{
		{name: "a damaged record", damage: func(t *testing.T, path string) {
			rawBolt(t, path, func(tx *bolt.Tx) error {
				bk := tx.Bucket(bucketLog)
				v := bytes.Clone(bk.Get(lsnKey(10)))
				v[5] ^= 1
				return bk.Put(lsnKey(10), v)
			})
			// A second commit, so that neither meta page leads to the
			// record as it was.
			rawBolt(t, path, func(*bolt.Tx) error { return nil })
		}, wantCopiedMax: 9, want: "LSN 10: checksum mismatch", wantCounts: &[4]uint64{43, 1, 33, 0}},
		{name: "a zeroed leaf", damage: func(t *testing.T, path string) {
			zeroPage(t, path, fx.pageSize, leaf)
		}, wantCopiedMax: 0, want: "page"}, // the first leaf: both commits' trees hold it
		{name: "a zeroed branch of the latest commit", damage: func(t *testing.T, path string) {
			zeroPage(t, path, fx.pageSize, branch)
		}, wantCopiedMax: uint64(fx.commits[len(fx.commits)-2]), want: "the commit before"},
		{name: "cut inside the pages in use", damage: func(t *testing.T, path string) {
			fi, err := os.Stat(path)
			require.NoError(t, err)
			bf, err := readBoltFile(bytes.NewReader(fx.file), fi.Size())
			require.NoError(t, err)
			require.NoError(t, os.Truncate(path, int64(bf.current().hwm-1)*int64(fx.pageSize)))
		}, wantCopiedMax: uint64(len(fx.recs)), want: "beyond the end of the file"}, // in the latest commit's tree
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFixture(t, fx.file)
			tt.damage(t, path)
			rep, err := salvageChecked(t, fx, path)
			require.NoError(t, err)
			require.False(t, rep.Complete())
			require.LessOrEqual(t, rep.Copied, tt.wantCopiedMax)
			require.Contains(t, strings.Join(rep.Problems, "\n"), tt.want)
			if tt.wantCounts != nil {
				require.Equal(t, *tt.wantCounts, [4]uint64{rep.Last, rep.Damaged, rep.Skipped, rep.UnreachablePages}, "last, damaged, skipped, unreachable")
			}
		})
	}
}

func zeroPage(t *testing.T, path string, pageSize, page int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.WriteAt(make([]byte, pageSize), int64(page*pageSize))
	require.NoError(t, err)
}

// TestSalvageDamagedCopies salvages every damaged copy of
// TestOpenDamagedFiles: it must never panic or fault, everything it
// copies must be the records as written, from LSN 1, and a report it
// calls complete must have them all.
func TestSalvageDamagedCopies(t *testing.T) {
	fx := newDamageFixture(t)
	var complete, partial, refused, older int
	var copied uint64
	for i, d := range fx.damages() {
		if testing.Short() && i%10 != 0 {
			continue
		}
		rep, err := salvageChecked(t, fx, writeFixture(t, d.file))
		if err != nil {
			require.ErrorIs(t, err, ErrCorrupt, d.what)
			refused++
			continue
		}
		copied += rep.Copied
		if rep.Complete() {
			complete++
		} else {
			partial++
		}
		if bf, err := readBoltFile(bytes.NewReader(d.file), int64(len(d.file))); err == nil && rep.Meta != bf.current().page {
			older++
		}
	}
	t.Logf("complete %d, partial %d, nothing to salvage %d; the older meta page read %d times; %d records copied",
		complete, partial, refused, older, copied)
	require.Positive(t, complete)
	require.Positive(t, partial)
}

func TestSalvageFormat2(t *testing.T) {
	src := tempPath(t)
	writeFormat2(t, src, "a", "b")
	dst := filepath.Join(t.TempDir(), "salvaged.db")
	rep, err := Salvage(src, dst)
	require.NoError(t, err)
	require.True(t, rep.Complete(), rep.Problems)
	require.False(t, rep.Checksums)
	require.Equal(t, uint64(2), rep.Copied)
	b := openTestBolt(t, dst, &BoltOptions{ReadOnly: true})
	_, recs := readFrom(t, b, 1)
	require.Equal(t, []string{"a", "b"}, recs)
	require.False(t, b.inMemory, "the copy is of format 3")
}

func TestSalvageRefuses(t *testing.T) {
	t.Run("an existing destination", func(t *testing.T) {
		fx := newDamageFixture(t)
		src := writeFixture(t, fx.file)
		dst := filepath.Join(t.TempDir(), "there.db")
		require.NoError(t, os.WriteFile(dst, []byte("keep me"), 0o600))
		_, err := Salvage(src, dst)
		require.ErrorIs(t, err, fs.ErrExist)
		require.Equal(t, []byte("keep me"), fileBytes(t, dst))
	})
	t.Run("no valid meta page", func(t *testing.T) {
		src := writeFixture(t, make([]byte, 8192))
		dst := filepath.Join(t.TempDir(), "salvaged.db")
		_, err := Salvage(src, dst)
		require.ErrorIs(t, err, ErrCorrupt)
		require.ErrorContains(t, err, "neither meta page is valid")
		require.NoFileExists(t, dst)
	})
	t.Run("a missing source", func(t *testing.T) {
		_, err := Salvage(tempPath(t), tempPath(t))
		require.ErrorIs(t, err, fs.ErrNotExist)
	})
	t.Run("a file in use", func(t *testing.T) {
		src := tempPath(t)
		openTestBolt(t, src, testOpts) // holds the lock
		start := time.Now()
		_, err := Salvage(src, tempPath(t))
		require.ErrorIs(t, err, ErrLocked)
		require.GreaterOrEqual(t, time.Since(start), lockTimeoutDefault)
	})
}

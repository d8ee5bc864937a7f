package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kuota/kuota/internal/journal"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

// lastLSN returns the number of changes in the booking file at path.
func lastLSN(t *testing.T, path string) uint64 {
	t.Helper()
	var n uint64
	withBolt(t, path, func(tx *bolt.Tx) error {
		n = uint64(tx.Bucket([]byte("log")).Stats().KeyN)
		return nil
	})
	return n
}

// withBolt runs fn in a bbolt write transaction on the file at path.
func withBolt(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(fn))
	require.NoError(t, db.Close())
}

// damageChange flips a byte of change lsn where the file keeps it, and
// commits once more, so that neither of the file's two last commits
// leads to the change as it was.
func damageChange(t *testing.T, path string, lsn uint64) {
	t.Helper()
	key := []byte{0, 0, 0, 0, 0, 0, 0, byte(lsn)}
	withBolt(t, path, func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("log"))
		v := bytes.Clone(bk.Get(key))
		v[len(v)-1] ^= 1
		return bk.Put(key, v)
	})
	withBolt(t, path, func(*bolt.Tx) error { return nil })
}

func TestSalvage(t *testing.T) {
	t.Run("an intact file", func(t *testing.T) {
		f := newFixture(t)
		n := lastLSN(t, f.path)
		out := filepath.Join(t.TempDir(), "salvaged.db")
		status, stdout, errOut := kuota(t, "salvage", "-db", f.path, "-out", out)
		require.Equal(t, exitOK, status, errOut)
		require.Equal(t, fmt.Sprintf("salvaged %d changes (1 to %d) from %s into %s\ncomplete: nothing was lost\n", n, n, f.path, out), stdout)
		_, orig, _ := kuota(t, "stats", "-db", f.path, "-now", at(t1))
		_, copied, _ := kuota(t, "stats", "-db", out, "-now", at(t1))
		require.Equal(t, strings.SplitN(orig, "\n", 2)[1], strings.SplitN(copied, "\n", 2)[1], "all but the file's name")
	})
	t.Run("a damaged change", func(t *testing.T) {
		f := newFixture(t)
		n := lastLSN(t, f.path)
		damageChange(t, f.path, n-2)
		status, stdout, errOut := kuota(t, "check", "-db", f.path, "-now", at(t1))
		require.Equal(t, exitTrouble, status)
		require.Empty(t, stdout)
		require.Contains(t, errOut, fmt.Sprintf("LSN %d: checksum mismatch", n-2))
		require.Contains(t, errOut, "kuota salvage -db "+f.path+" -out NEW")

		out := filepath.Join(t.TempDir(), "salvaged.db")
		status, stdout, errOut = kuota(t, "salvage", "-db", f.path, "-out", out)
		require.Equal(t, exitViolations, status, errOut)
		require.Regexp(t, "^"+regexp.QuoteMeta(fmt.Sprintf(
			"salvaged %d changes (1 to %d) from %s into %s\nlost: changes %d to %d\n"+
				"found: 1 damaged change, 2 intact changes after the damage, 0 unreadable pages\n"+
				"problem: LSN %d: checksum mismatch", n-3, n-3, f.path, out, n-2, n, n-2))+
			`.*\n`+regexp.QuoteMeta(out+" holds the changes made before the damage: kuota check -db "+out+", then start the service on it\n")+"$", stdout)
		status, stdout, errOut = kuota(t, "check", "-db", out, "-now", at(t1))
		require.Equal(t, exitOK, status, errOut)
		require.Contains(t, stdout, "ok: ")
	})
	t.Run("a journal of no change", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "empty.db")
		j, err := journal.OpenBolt(path, nil)
		require.NoError(t, err)
		require.NoError(t, j.Close())
		out := filepath.Join(t.TempDir(), "salvaged.db")
		status, stdout, errOut := kuota(t, "salvage", "-db", path, "-out", out)
		require.Equal(t, exitViolations, status, errOut)
		require.Equal(t, fmt.Sprintf("salvaged nothing from %s: it holds no change, not even the keys of the booking codes; %s is not written\n"+
			"restore the latest backup (kuota backup) instead\n", path, out), stdout)
		require.NoFileExists(t, out)
	})
	t.Run("its first change damaged", func(t *testing.T) {
		// The first change holds the keys of the booking codes: without
		// it nothing else can be read, so no file is written.
		f := newFixture(t)
		n := lastLSN(t, f.path)
		damageChange(t, f.path, 1)
		out := filepath.Join(t.TempDir(), "salvaged.db")
		status, stdout, errOut := kuota(t, "salvage", "-db", f.path, "-out", out)
		require.Equal(t, exitViolations, status, errOut)
		require.True(t, strings.HasPrefix(stdout, fmt.Sprintf(
			"salvaged nothing from %s: its first change, which holds the keys of the booking codes, is damaged; %s is not written\nlost: changes 1 to %d\n", f.path, out, n)), stdout)
		require.True(t, strings.HasSuffix(stdout, "restore the latest backup (kuota backup) instead\n"), stdout)
		require.NoFileExists(t, out)
	})
}

func TestSalvageProblems(t *testing.T) {
	f := newFixture(t)
	exists := filepath.Join(t.TempDir(), "exists.db")
	require.NoError(t, os.WriteFile(exists, nil, 0o600))
	notBolt := filepath.Join(t.TempDir(), "text.db")
	require.NoError(t, os.WriteFile(notBolt, bytes.Repeat([]byte("not a booking file "), 1000), 0o600))
	tests := []struct {
		name string
		give []string
		want string // stderr
	}{
		{"no -db", []string{"-out", "x"}, "kuota salvage: missing -db"},
		{"no -out", []string{"-db", f.path}, "kuota salvage: missing -out"},
		{"-out exists", []string{"-db", f.path, "-out", exists}, exists + " exists: salvage writes a new file and never replaces one"},
		{"not a bbolt file", []string{"-db", notBolt, "-out", filepath.Join(t.TempDir(), "x.db")}, "nothing can be salvaged: neither meta page is valid"},
		{"missing", []string{"-db", filepath.Join(t.TempDir(), "nope.db"), "-out", filepath.Join(t.TempDir(), "x.db")}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out, errOut := kuota(t, append([]string{"salvage"}, tt.give...)...)
			require.Equal(t, exitTrouble, status)
			require.Empty(t, out)
			require.Contains(t, errOut, tt.want)
		})
	}
}

// TestDamagedFiles runs check and salvage on damaged copies of a booking
// file — every page zeroed, cut at many lengths, bytes flipped at random
// from a fixed seed — and then check on what salvage wrote. None may
// panic (it would end the test binary); each must end with one of the
// three exit statuses, saying why on stderr when it is trouble; and no
// output may show a NIK (kuota checks every output for one).
func TestDamagedFiles(t *testing.T) {
	f := newFixture(t)
	orig, err := os.ReadFile(f.path)
	require.NoError(t, err)
	pageSize := os.Getpagesize()
	var copies [][]byte
	for page := range len(orig) / pageSize {
		c := bytes.Clone(orig)
		clear(c[page*pageSize : (page+1)*pageSize])
		copies = append(copies, c)
	}
	for n := 0; n < len(orig); n += len(orig) / 20 {
		copies = append(copies, bytes.Clone(orig[:n]))
	}
	r := rand.New(rand.NewPCG(5, 5))
	for range 150 {
		c := bytes.Clone(orig)
		for range 1 + r.IntN(3) {
			c[r.IntN(pageSize*(2+r.IntN(len(c)/pageSize-1)))] ^= byte(1 + r.IntN(255))
		}
		copies = append(copies, c)
	}
	dir := t.TempDir()
	statuses := map[string]*[3]int{"check": {}, "salvage": {}, "check of the salvaged": {}}
	nothing := 0
	for i, c := range copies {
		path := filepath.Join(dir, fmt.Sprintf("damaged-%d.db", i))
		require.NoError(t, os.WriteFile(path, c, 0o600))
		status, _, errOut := kuota(t, "check", "-db", path, "-now", at(t1))
		require.True(t, status == exitOK || status == exitViolations || errOut != "", "copy %d: trouble unexplained", i)
		statuses["check"][status]++

		out := filepath.Join(dir, fmt.Sprintf("salvaged-%d.db", i))
		status, _, errOut = kuota(t, "salvage", "-db", path, "-out", out)
		statuses["salvage"][status]++
		if status == exitTrouble {
			require.NotEmpty(t, errOut, "copy %d", i)
			require.NoFileExists(t, out)
			continue
		}
		if _, err := os.Stat(out); os.IsNotExist(err) {
			nothing++ // the first change was lost: no file written
			continue
		}
		// What salvage writes is a booking file the engine opens.
		status, _, errOut = kuota(t, "check", "-db", out, "-now", at(t1))
		require.NotEqual(t, exitTrouble, status, "copy %d: the salvaged file: %s", i, errOut)
		statuses["check of the salvaged"][status]++
	}
	for _, name := range []string{"check", "salvage", "check of the salvaged"} {
		s := statuses[name]
		t.Logf("%-22s exit 0: %3d, exit 1: %3d, exit 2: %3d", name, s[0], s[1], s[2])
	}
	t.Logf("salvage wrote no file for %d copies (their first change lost)", nothing)
	require.Positive(t, statuses["check"][exitTrouble], "damage was found")
	require.Positive(t, statuses["salvage"][exitViolations], "salvage lost changes of some copies")
}

// A file opened from one of its two meta pages — its last commit lost,
// or cut short by a crash — is checked as it opens, and kuota says so on
// stderr: the loss itself leaves nothing for check to find.
func TestCheckWarnsOfAMetaPageLost(t *testing.T) {
	f := newFixture(t)
	status, _, errOut := kuota(t, "check", "-db", f.path, "-now", at(t1))
	require.Equal(t, exitOK, status, errOut)
	require.Empty(t, errOut, "an intact file")

	file, err := os.ReadFile(f.path)
	require.NoError(t, err)
	const checksumAt = 16 + 56                // the page header, then the meta's checksum
	file[os.Getpagesize()+checksumAt] ^= 0xff // meta page 1
	require.NoError(t, os.WriteFile(f.path, file, 0o600))
	status, stdout, errOut := kuota(t, "check", "-db", f.path, "-now", at(t1))
	require.Equal(t, exitOK, status, errOut)
	require.Contains(t, stdout, "ok: ")
	require.Contains(t, errOut, "kuota=warning")
	require.Contains(t, errOut, "meta page 1")
	require.NotContains(t, errOut, "time=", "a terminal's line")
}

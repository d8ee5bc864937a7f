package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
)

// requireMode checks a file's permission bits.
func requireMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, want, fi.Mode().Perm(), "it holds NIKs")
}

// TestBackupFile copies a file no process holds, and refuses one a
// service holds, leaving no partial copy.
func TestBackupFile(t *testing.T) {
	f := newFixture(t)
	out := filepath.Join(t.TempDir(), "copy.db")
	status, stdout, errOut := kuota(t, "backup", "-db", f.path, "-out", out)
	require.Equal(t, exitOK, status, errOut)
	require.Regexp(t, `^backup: \d+ bytes of `+regexp.QuoteMeta(f.path)+` written to `+regexp.QuoteMeta(out)+`, opened: 9 bookings\n$`, stdout)
	requireMode(t, out, 0o600)
	status, _, errOut = kuota(t, "check", "-db", out, "-now", at(t1))
	require.Equal(t, exitOK, status, errOut)

	e := kt.OpenEngine(t, f.path, kt.NewClock(t1), nil)
	held := filepath.Join(t.TempDir(), "held.db")
	status, _, errOut = kuota(t, "backup", "-db", f.path, "-out", held, "-timeout", "50ms")
	require.Equal(t, exitTrouble, status)
	require.Contains(t, errOut, f.path+" is held by a running process (kuota serve?); use -addr URL to ask the service")
	require.NoFileExists(t, held, "no partial copy is left")
	require.NoError(t, e.Close())
}

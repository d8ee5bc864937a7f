//go:build linux

package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// tmpfsBytes is the size of the file system TestGroupOverBoltOnFullDisk
// fills: a few hundred KiB, so that filling it is quick.
const tmpfsBytes = 512 << 10

// mountTmpfs mounts a tmpfs of size bytes on a new directory and
// unmounts it when the test ends, however it ends. It skips the test
// when it cannot mount (it needs root, or CAP_SYS_ADMIN), except under
// .ci/run (KUOTA_CI set), which runs as root: there the test must run.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir() // removed after the unmount below: cleanups run last first
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		if os.Getenv("KUOTA_CI") != "" {
			t.Fatalf("cannot mount a tmpfs to fill, under .ci/run: %v", err)
		}
		t.Skipf("cannot mount a tmpfs to fill (it takes root or CAP_SYS_ADMIN; .ci/run runs it): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			// Something still holds a file there: detach the mount, which
			// goes once that is closed.
			if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
				t.Errorf("unmount %s: %v", dir, err)
			}
		}
	})
	return dir
}

// fill writes a file at path until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	require.NoError(t, err)
	defer f.Close()
	chunk := make([]byte, 4096)
	for range tmpfsBytes / len(chunk) * 2 {
		if _, err := f.Write(chunk); err != nil {
			require.ErrorIs(t, err, syscall.ENOSPC)
			return
		}
	}
	t.Fatal("the file system did not fill")
}

// TestGroupOverBoltOnFullDisk runs a Group over a bbolt file on a small
// tmpfs, fills the file system until a commit fails with ENOSPC, frees
// it, and checks that the Group resumes: the record that was waiting is
// written, new ones are taken, and after a reopen the file holds every
// acknowledged record, in order.
func TestGroupOverBoltOnFullDisk(t *testing.T) {
	dir := mountTmpfs(t, tmpfsBytes)
	path := filepath.Join(dir, "journal.db")
	file, err := OpenBolt(path, nil)
	require.NoError(t, err)
	g, err := NewGroup(file)
	require.NoError(t, err)
	t.Cleanup(func() { g.Close() }) // before the unmount
	g.mu.Lock()
	g.retryDelayMin, g.retryDelayMax = time.Millisecond, 20*time.Millisecond
	g.mu.Unlock()

	var acked []string
	appendWait := func(rec string, timeout time.Duration) (uint64, error) {
		lsn, err := g.Append([]byte(rec))
		if err != nil {
			return 0, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if err := g.Wait(ctx, lsn); err != nil {
			return lsn, err
		}
		acked = append(acked, rec)
		return lsn, nil
	}
	rec := func(i int) string { return fmt.Sprintf("%04d %0900d", i, i) }
	for i := range 50 {
		_, err := appendWait(rec(i), 5*time.Second)
		require.NoError(t, err)
	}

	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	var pending uint64 // the record the full disk holds up
	for i := 50; pending == 0; i++ {
		require.Less(t, i, 50+4*tmpfsBytes/900, "the journal never hit the full disk")
		lsn, err := appendWait(rec(i), 200*time.Millisecond)
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			pending = lsn
		case err != nil:
			require.ErrorIs(t, err, syscall.ENOSPC) // refused: the previous commit failed
			require.ErrorIs(t, err, ErrFailed)
		}
	}
	st := g.Stats()
	require.True(t, st.Failing)
	require.ErrorIs(t, st.Err, syscall.ENOSPC)
	_, err = g.Append([]byte("refused"))
	require.ErrorIs(t, err, syscall.ENOSPC)

	require.NoError(t, os.Remove(filler))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, g.Wait(ctx, pending), "written once there is room")
	acked = append(acked, rec(int(pending)-1))
	for i := range 50 {
		_, err := appendWait(rec(int(pending)+i), 5*time.Second)
		require.NoError(t, err, "after the disk was freed")
	}
	st = g.Stats()
	require.False(t, st.Failing)
	require.Positive(t, st.Retries)
	require.NoError(t, g.Close())

	b := openTestBolt(t, path, &BoltOptions{ReadOnly: true})
	lsns, recs := readFrom(t, b, 1)
	require.Equal(t, acked, recs)
	require.Equal(t, uint64(len(acked)), lsns[len(lsns)-1])
	require.NoError(t, b.Close())
	t.Logf("%d records acknowledged, the disk full at LSN %d, %d retries", len(acked), pending, st.Retries)
}

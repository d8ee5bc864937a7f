package journal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGroupOverBolt runs concurrent appenders through a Group into a
// file, reopens it and checks that every acknowledged record is there,
// under its LSN, and that Backup and the storage's timings come through.
func TestGroupOverBolt(t *testing.T) {
	const appenders, perAppender = 8, 50
	path := tempPath(t)
	file, err := OpenBolt(path, testOpts)
	require.NoError(t, err)
	g, err := NewGroup(file)
	require.NoError(t, err)

	want := make(map[uint64]string)
	var mu sync.Mutex // guards want
	var wg sync.WaitGroup
	for a := range appenders {
		wg.Go(func() { // assert, not require: FailNow belongs to the test's goroutine
			for i := range perAppender {
				rec := fmt.Sprintf("%d/%d", a, i)
				lsn, err := g.Append([]byte(rec))
				if !assert.NoError(t, err) || !assert.NoError(t, g.Wait(nil, lsn)) {
					return
				}
				mu.Lock()
				want[lsn] = rec
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	st := g.Stats()
	require.Equal(t, uint64(appenders*perAppender), st.Records)
	require.Positive(t, st.LastSync, "from Bolt.SyncTime")
	require.GreaterOrEqual(t, st.LastCommit, st.LastSync)

	var backup bytes.Buffer
	_, err = g.Backup(context.Background(), &backup)
	require.NoError(t, err)
	require.NoError(t, g.Close())

	copyPath := tempPath(t)
	require.NoError(t, os.WriteFile(copyPath, backup.Bytes(), 0o600))
	for _, p := range []string{path, copyPath} {
		file, err := OpenBolt(p, testOpts)
		require.NoError(t, err)
		g, err := NewGroup(file)
		require.NoError(t, err)
		n := 0
		require.NoError(t, g.Replay(func(lsn uint64, rec []byte) error {
			n++
			if want[lsn] != string(rec) {
				return fmt.Errorf("LSN %d holds %q, want %q", lsn, rec, want[lsn])
			}
			return nil
		}))
		require.Equal(t, len(want), n)
		lsn, err := g.Append([]byte("next"))
		require.NoError(t, err)
		require.Equal(t, uint64(len(want)+1), lsn)
		require.NoError(t, g.Close())
	}
}

// TestGroupOverBoltReplayStops checks that Replay returns the error of
// its function, and stops there.
func TestGroupOverBoltReplayStops(t *testing.T) {
	file := openTestBolt(t, tempPath(t), testOpts)
	appendBatch(t, file, "a", "b", "c")
	g, err := NewGroup(file)
	require.NoError(t, err)
	defer g.Close()
	stop := errors.New("stop")
	var seen []uint64
	err = g.Replay(func(lsn uint64, _ []byte) error {
		seen = append(seen, lsn)
		if lsn == 2 {
			return stop
		}
		return nil
	})
	require.Equal(t, stop, err, "as it is")
	require.Equal(t, []uint64{1, 2}, seen)
}

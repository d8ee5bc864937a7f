package journal

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// backupOf writes buf to a new file and returns what it holds.
func backupOf(t *testing.T, buf []byte) []string {
	t.Helper()
	path := tempPath(t)
	require.NoError(t, os.WriteFile(path, buf, 0o600))
	c := openTestBolt(t, path, &BoltOptions{ReadOnly: true})
	_, recs := readFrom(t, c, 1)
	return recs
}

// dirNames lists the directory of path.
func dirNames(t *testing.T, path string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestBoltBackup(t *testing.T) {
	path := tempPath(t)
	b := openTestBolt(t, path, testOpts)
	appendBatch(t, b, "a", "b")
	appendBatch(t, b, "c")
	var buf bytes.Buffer
	n, err := b.Backup(context.Background(), &buf)
	require.NoError(t, err)
	require.Equal(t, int64(buf.Len()), n)
	require.Equal(t, []string{"a", "b", "c"}, backupOf(t, buf.Bytes()))
	require.Equal(t, []string{"journal.db"}, dirNames(t, path), "the temporary copy is gone")

	empty := openTestBolt(t, tempPath(t), testOpts)
	buf.Reset()
	_, err = empty.Backup(nil, &buf) // a nil ctx never ends
	require.NoError(t, err)
	require.Empty(t, backupOf(t, buf.Bytes()))
}

// TestBoltBackupOfManyBatches copies more records than one batch holds.
func TestBoltBackupOfManyBatches(t *testing.T) {
	b := openTestBolt(t, tempPath(t), testOpts)
	var want []string
	for i := range 3*backupBatchRecordsMax + 5 {
		want = append(want, string(rune('a'+i%26)))
	}
	for i := 0; i < len(want); i += 1000 {
		appendBatch(t, b, want[i:min(i+1000, len(want))]...)
	}
	var buf bytes.Buffer
	_, err := b.Backup(context.Background(), &buf)
	require.NoError(t, err)
	require.Equal(t, want, backupOf(t, buf.Bytes()))
}

// gateWriter blocks its first Write until the test opens the gate.
type gateWriter struct {
	entered, gate chan struct{}
	once          sync.Once
	mu            sync.Mutex // guards buf
	buf           bytes.Buffer
}

func newGateWriter() *gateWriter {
	return &gateWriter{entered: make(chan struct{}), gate: make(chan struct{})}
}

func (g *gateWriter) Write(p []byte) (int, error) {
	g.once.Do(func() { close(g.entered); <-g.gate })
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.buf.Write(p)
}

// TestBoltBackupDoesNotStallWriters blocks the backup's writer and,
// meanwhile, appends enough to grow the file many times over (a commit
// that grows bbolt's map waits for every read transaction): every Append
// must finish while the writer stays blocked. The backup then holds the
// records committed when it began, and nothing later.
func TestBoltBackupDoesNotStallWriters(t *testing.T) {
	path := tempPath(t)
	b := openTestBolt(t, path, testOpts)
	appendBatch(t, b, "before 1", "before 2")
	w := newGateWriter()
	done := make(chan error)
	go func() {
		_, err := b.Backup(context.Background(), w)
		done <- err
	}()
	<-w.entered
	require.Len(t, dirNames(t, path), 2, "the journal and the temporary copy")
	sizeBefore, err := os.Stat(path)
	require.NoError(t, err)

	rec := string(make([]byte, 4000))
	appended := make(chan struct{})
	go func() {
		defer close(appended)
		for range 40 {
			batch := make([]string, 50)
			for i := range batch {
				batch[i] = rec
			}
			appendBatch(t, b, batch...) // 8 MB in all
		}
	}()
	select {
	case <-appended:
	case <-time.After(30 * time.Second):
		t.Fatal("appends stalled behind a blocked backup")
	}
	sizeAfter, err := os.Stat(path)
	require.NoError(t, err)
	require.Greater(t, sizeAfter.Size(), 8*sizeBefore.Size(), "the file grew while the backup was blocked")

	close(w.gate)
	require.NoError(t, <-done)
	require.Equal(t, []string{"before 1", "before 2"}, backupOf(t, w.buf.Bytes()))
	require.Equal(t, []string{"journal.db"}, dirNames(t, path))
}

func TestBoltBackupStopsWithContext(t *testing.T) {
	t.Run("ended before", func(t *testing.T) {
		path := tempPath(t)
		b := openTestBolt(t, path, testOpts)
		appendBatch(t, b, "a")
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var buf bytes.Buffer
		n, err := b.Backup(ctx, &buf)
		require.ErrorIs(t, err, context.Canceled)
		require.Zero(t, n)
		require.Zero(t, buf.Len())
		require.Equal(t, []string{"journal.db"}, dirNames(t, path))
	})
	t.Run("ended while writing", func(t *testing.T) {
		path := tempPath(t)
		b := openTestBolt(t, path, testOpts)
		appendBatch(t, b, string(make([]byte, 2*backupChunkBytes))) // a copy of several chunks
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		w := &cancelWriter{cancel: cancel}
		n, err := b.Backup(ctx, w)
		require.ErrorIs(t, err, context.Canceled)
		require.Equal(t, 1, w.writes, "no write after ctx ended")
		require.Equal(t, int64(backupChunkBytes), n)
		require.Equal(t, []string{"journal.db"}, dirNames(t, path))
	})
}

// cancelWriter ends its context at its first Write.
type cancelWriter struct {
	cancel context.CancelFunc
	writes int
}

func (c *cancelWriter) Write(p []byte) (int, error) {
	c.writes++
	c.cancel()
	return len(p), nil
}

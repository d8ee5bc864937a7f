package journal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newTestGroup returns a Group over f, closed when the test ends.
func newTestGroup(t *testing.T, f Log) *Group {
	t.Helper()
	g, err := NewGroup(f)
	require.NoError(t, err)
	t.Cleanup(func() { g.Close() })
	return g
}

// mustAppend appends rec and returns its LSN.
func mustAppend(t *testing.T, j Journal, rec string) uint64 {
	t.Helper()
	lsn, err := j.Append([]byte(rec))
	require.NoError(t, err)
	return lsn
}

func TestGroupContinuesNumbering(t *testing.T) {
	f := newFakeLog(5)
	g := newTestGroup(t, f)
	require.Equal(t, uint64(5), g.Committed())

	lsn := mustAppend(t, g, "new 6")
	require.Equal(t, uint64(6), lsn)
	require.NoError(t, g.Wait(context.Background(), lsn))
	require.Equal(t, uint64(6), g.Committed())

	lsns, recs := replayAll(t, g)
	require.Equal(t, []uint64{1, 2, 3, 4, 5, 6}, lsns)
	require.Equal(t, []string{"old 1", "old 2", "old 3", "old 4", "old 5", "new 6"}, recs)
}

func TestNewGroupReturnsLastError(t *testing.T) {
	f := newFakeLog(0)
	f.lastErr = errors.New("disk gone")
	_, err := NewGroup(f)
	require.ErrorIs(t, err, f.lastErr)
	require.Zero(t, f.closes, "the log stays the caller's")
}

func TestGroupBatchesWhileWriting(t *testing.T) {
	const callers = 50
	f := newFakeLog(0)
	g := newTestGroup(t, f)
	release := f.hold()
	first := mustAppend(t, g, "first")
	<-f.entered // the writer is inside Append with the first record

	var wg sync.WaitGroup
	lsns := make([]uint64, callers)
	for i := range callers {
		wg.Go(func() { // assert, not require: FailNow belongs to the test's goroutine
			var err error
			lsns[i], err = g.Append([]byte(fmt.Sprint(i)))
			assert.NoError(t, err)
			assert.NoError(t, g.Wait(context.Background(), lsns[i]))
		})
	}
	require.Eventually(t, func() bool { return g.Stats().Pending == callers+1 }, 5*time.Second, time.Millisecond)
	release()
	wg.Wait()
	require.NoError(t, g.Wait(context.Background(), first))

	_, batches := f.written()
	require.Equal(t, 1, batches[0])
	require.LessOrEqual(t, len(batches[1:]), 2, "the %d callers took %v batches", callers, batches[1:])
	require.Equal(t, uint64(callers+1), g.Committed())
}

func TestGroupWaitEndsWithContext(t *testing.T) {
	tests := []struct {
		name string
		give func() (context.Context, context.CancelFunc)
		want error
	}{
		{name: "cancelled", give: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, want: context.Canceled},
		{name: "deadline while waiting", give: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}, want: context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLog(0)
			g := newTestGroup(t, f)
			release := f.hold()
			lsn := mustAppend(t, g, "a")
			<-f.entered
			ctx, cancel := tt.give()
			defer cancel()
			require.ErrorIs(t, g.Wait(ctx, lsn), tt.want)

			release()
			require.NoError(t, g.Wait(nil, lsn), "the record is written all the same")
			recs, _ := f.written()
			require.Equal(t, []string{"a"}, recs)
		})
	}
}

func TestGroupWaitForCommittedIgnoresContext(t *testing.T) {
	g := newTestGroup(t, newFakeLog(3))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, g.Wait(ctx, 0))
	require.NoError(t, g.Wait(ctx, 3), "durable before Wait began")
}

func TestGroupFailureIsSticky(t *testing.T) {
	f := newFakeLog(0)
	g, err := NewGroup(f)
	require.NoError(t, err)
	ok := mustAppend(t, g, "ok")
	require.NoError(t, g.Wait(nil, ok))

	boom := errors.New("disk full")
	f.failNext(boom)
	lsn := mustAppend(t, g, "lost")
	err = g.Wait(nil, lsn)
	require.ErrorIs(t, err, ErrFailed)
	require.ErrorIs(t, err, boom)

	_, err = g.Append([]byte("refused"))
	require.ErrorIs(t, err, ErrFailed)
	require.ErrorIs(t, g.Wait(context.Background(), lsn+1), ErrFailed)
	require.NoError(t, g.Wait(nil, ok), "written before the failure")
	require.Equal(t, ok, g.Committed())

	require.ErrorIs(t, g.Close(), boom)
	require.ErrorIs(t, g.Close(), boom, "twice")
	_, err = g.Append([]byte("after close"))
	require.ErrorIs(t, err, ErrFailed, "the failure outlives Close")
	recs, _ := f.written()
	require.Equal(t, []string{"ok"}, recs)
	require.Equal(t, 1, f.closes)
}

func TestGroupFailureDropsQueuedRecords(t *testing.T) {
	f := newFakeLog(0)
	g := newTestGroup(t, f)
	release := f.hold()
	boom := errors.New("io error")
	f.failNext(boom)
	first := mustAppend(t, g, "a")
	<-f.entered
	queued := mustAppend(t, g, "b") // behind the batch that will fail
	release()
	require.ErrorIs(t, g.Wait(nil, first), boom)
	require.ErrorIs(t, g.Wait(nil, queued), boom)
	recs, batches := f.written()
	require.Empty(t, recs)
	require.Empty(t, batches, "nothing is written after the failure, nor retried")
}

func TestGroupCloseDrainsTheQueue(t *testing.T) {
	f := newFakeLog(0)
	g, err := NewGroup(f)
	require.NoError(t, err)
	release := f.hold()
	var lsns []uint64
	for i := range 11 {
		lsns = append(lsns, mustAppend(t, g, fmt.Sprint(i)))
		if i == 0 {
			<-f.entered
		}
	}
	closed := make(chan error)
	go func() { closed <- g.Close() }()
	require.Eventually(t, g.isClosing, 5*time.Second, time.Millisecond)
	_, err = g.Append([]byte("late"))
	require.ErrorIs(t, err, ErrClosed)
	release()
	require.NoError(t, <-closed)

	for _, lsn := range lsns {
		require.NoError(t, g.Wait(nil, lsn))
	}
	recs, _ := f.written()
	require.Equal(t, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}, recs)
	require.Equal(t, 1, f.closes)
}

func TestGroupAfterClose(t *testing.T) {
	f := newFakeLog(2)
	g, err := NewGroup(f)
	require.NoError(t, err)
	require.NoError(t, g.Close())
	require.NoError(t, g.Close(), "twice")
	require.Equal(t, 1, f.closes)

	_, err = g.Append([]byte("x"))
	require.ErrorIs(t, err, ErrClosed)
	require.NoError(t, g.Wait(nil, 2), "written before Close")
	require.ErrorIs(t, g.Wait(nil, 3), ErrClosed, "never written")
	require.ErrorIs(t, g.Replay(func(uint64, []byte) error { return nil }), ErrClosed)
	_, err = g.Backup(context.Background(), &bytes.Buffer{})
	require.ErrorIs(t, err, ErrClosed)
}

func TestGroupRefusesTooLarge(t *testing.T) {
	g := newTestGroup(t, newFakeLog(0))
	_, err := g.Append(make([]byte, RecordBytesMax+1))
	require.ErrorIs(t, err, ErrTooLarge)
	require.Equal(t, uint64(1), mustAppend(t, g, "fits"), "the refused record took no LSN")
}

func TestGroupAppendWaitsForRoom(t *testing.T) {
	tests := []struct {
		name               string
		queueMax, bytesMax int
		give               string // each record; four fill the queue
	}{
		{name: "records", queueMax: 4, bytesMax: QueueBytesMax, give: "r"},
		{name: "bytes", queueMax: QueueMax, bytesMax: 4 * 5, give: "12345"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLog(0)
			g := newTestGroup(t, f)
			g.mu.Lock()
			g.queueMax, g.queueBytesMax = tt.queueMax, tt.bytesMax
			g.mu.Unlock()
			release := f.hold()
			mustAppend(t, g, "taken")
			<-f.entered
			for range 4 {
				mustAppend(t, g, tt.give)
			}
			got := make(chan uint64)
			go func() {
				lsn, err := g.Append([]byte(tt.give))
				assert.NoError(t, err)
				got <- lsn
			}()
			select {
			case lsn := <-got:
				t.Fatalf("Append returned %d with the queue full", lsn)
			case <-time.After(50 * time.Millisecond):
			}
			release()
			require.Equal(t, uint64(6), <-got)
		})
	}
}

func TestGroupCloseReleasesAppendWaitingForRoom(t *testing.T) {
	f := newFakeLog(0)
	g := newTestGroup(t, f)
	g.mu.Lock()
	g.queueMax = 1
	g.mu.Unlock()
	release := f.hold()
	mustAppend(t, g, "taken")
	<-f.entered
	mustAppend(t, g, "queued")
	refused := make(chan error)
	go func() {
		_, err := g.Append([]byte("waits"))
		refused <- err
	}()
	select {
	case err := <-refused:
		t.Fatalf("Append returned %v with the queue full", err)
	case <-time.After(20 * time.Millisecond):
	}
	closed := make(chan error)
	go func() { closed <- g.Close() }()
	require.ErrorIs(t, <-refused, ErrClosed)
	release()
	require.NoError(t, <-closed)
	recs, _ := f.written()
	require.Equal(t, []string{"taken", "queued"}, recs)
}

func TestGroupStats(t *testing.T) {
	tests := []struct {
		name         string
		log          func(*fakeLog) Log
		wantLastSync time.Duration
	}{
		{name: "log without sync time", log: func(f *fakeLog) Log { return f }, wantLastSync: 0},
		{name: "log with sync time", log: func(f *fakeLog) Log { return richLog{f} }, wantLastSync: richSyncTime},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeLog(0)
			g := newTestGroup(t, tt.log(f))
			require.Equal(t, Stats{Durable: true}, g.Stats())

			release := f.hold()
			first := mustAppend(t, g, "a")
			<-f.entered
			mustAppend(t, g, "b")
			last := mustAppend(t, g, "c")
			require.Equal(t, 3, g.Stats().Pending)
			release()
			require.NoError(t, g.Wait(nil, last))
			require.NoError(t, g.Wait(nil, first))

			st := g.Stats()
			require.True(t, st.Durable)
			require.Zero(t, st.Pending)
			require.Equal(t, uint64(2), st.Commits)
			require.Equal(t, uint64(3), st.Records)
			require.Positive(t, st.LastCommit)
			require.Equal(t, tt.wantLastSync, st.LastSync)
		})
	}
}

func TestGroupBackup(t *testing.T) {
	tests := []struct {
		name    string
		log     func(*fakeLog) Log
		want    string
		wantErr error
	}{
		{name: "forwarded", log: func(f *fakeLog) Log { return richLog{f} }, want: "old 1\nold 2\n"},
		{name: "log cannot", log: func(f *fakeLog) Log { return f }, wantErr: ErrNoBackup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGroup(t, tt.log(newFakeLog(2)))
			var buf bytes.Buffer
			n, err := g.Backup(context.Background(), &buf)
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, tt.want, buf.String())
			require.Equal(t, int64(len(tt.want)), n)
		})
	}
}

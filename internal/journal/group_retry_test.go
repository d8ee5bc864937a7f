package journal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecoverable(t *testing.T) {
	tests := []struct {
		give error
		want bool
	}{
		{give: syscall.ENOSPC, want: true},
		{give: syscall.EDQUOT, want: true},
		{give: syscall.EIO, want: true},
		{give: &fs.PathError{Op: "write", Path: "journal.db", Err: syscall.ENOSPC}, want: true},
		{give: fmt.Errorf("%w: %w", ErrFailed, syscall.EIO), want: true},
		{give: syscall.EROFS, want: false},
		{give: syscall.EBADF, want: false},
		{give: ErrCorrupt, want: false},
		{give: ErrOutOfOrder, want: false},
		{give: errors.New("no space left on device"), want: false}, // only the errno counts
	}
	for _, tt := range tests {
		t.Run(tt.give.Error(), func(t *testing.T) {
			require.Equal(t, tt.want, recoverable(tt.give))
		})
	}
}

// newRetryGroup returns a Group over f that retries after 1 to 4 ms.
func newRetryGroup(t *testing.T, f Log) *Group {
	t.Helper()
	g := newTestGroup(t, f)
	g.mu.Lock()
	g.retryDelayMin, g.retryDelayMax = time.Millisecond, 4*time.Millisecond
	g.mu.Unlock()
	return g
}

// ackLog is what the appenders of TestGroupRecoversFromFullDisk saw.
type ackLog struct {
	mu      sync.Mutex // guards acked and refused
	acked   map[uint64]string
	refused map[string]bool
	nAcked  atomic.Int64
}

func (l *ackLog) ack(lsn uint64, rec string) {
	l.mu.Lock()
	l.acked[lsn] = rec
	l.mu.Unlock()
	l.nAcked.Add(1)
}

func (l *ackLog) refuse(rec string) {
	l.mu.Lock()
	l.refused[rec] = true
	l.mu.Unlock()
}

// appendUntil runs appenders that append and wait, each record in turn,
// until stop is set; a refused record is noted and the appender goes on.
func appendUntil(t *testing.T, g *Group, appenders int, l *ackLog, stop *atomic.Bool) *sync.WaitGroup {
	var wg sync.WaitGroup
	for a := range appenders {
		wg.Go(func() { // assert, not require: FailNow belongs to the test's goroutine
			for i := 0; !stop.Load(); i++ {
				rec := fmt.Sprintf("%d/%d", a, i)
				lsn, err := g.Append([]byte(rec))
				if err != nil {
					assert.ErrorIs(t, err, ErrFailed)
					assert.ErrorIs(t, err, syscall.ENOSPC)
					l.refuse(rec)
					time.Sleep(100 * time.Microsecond)
					continue
				}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				err = g.Wait(ctx, lsn)
				cancel()
				if !assert.NoError(t, err, "LSN %d", lsn) {
					return
				}
				l.ack(lsn, rec)
			}
		})
	}
	return &wg
}

// TestGroupRecoversFromFullDisk runs appenders, each waiting for its
// records, through a Log that is healthy, then fails every write with
// ENOSPC, then is healthy again. It checks that the Group refuses new
// records while failing (with ErrFailed and ENOSPC) and writes nothing,
// then resumes; that every Wait waits meanwhile; that every record
// acknowledged by Wait is in the Log under its LSN, in order, with no
// gap; and that no refused record is. Each phase must make progress:
// acknowledgements before and after, refusals during.
func TestGroupRecoversFromFullDisk(t *testing.T) {
	const appenders, acksPerPhase = 8, 200
	f := newFakeLog(0)
	g := newRetryGroup(t, f)
	l := &ackLog{acked: map[uint64]string{}, refused: map[string]bool{}}
	var stop atomic.Bool
	wg := appendUntil(t, g, appenders, l, &stop)
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		require.Eventually(t, cond, 20*time.Second, time.Millisecond, what)
	}

	waitFor("acknowledgements while healthy", func() bool { return l.nAcked.Load() >= acksPerPhase })
	f.failEvery(syscall.ENOSPC, 0)
	waitFor("the Group failing", func() bool { return g.Stats().Failing })
	committedAtFailure := g.Committed()
	require.ErrorIs(t, g.Stats().Err, syscall.ENOSPC)
	// The appenders wait for their last records; a caller that comes
	// now is refused.
	for i := range acksPerPhase {
		rec := fmt.Sprintf("probe/%d", i)
		_, err := g.Append([]byte(rec))
		require.ErrorIs(t, err, ErrFailed)
		require.ErrorIs(t, err, syscall.ENOSPC)
		l.refuse(rec)
	}
	written, _ := f.written()
	time.Sleep(20 * time.Millisecond) // several retries
	writtenLater, _ := f.written()
	require.Len(t, writtenLater, len(written), "nothing is written while the Log fails")
	ackedWhileFailing := l.nAcked.Load()
	l.mu.Lock()
	for lsn := range l.acked {
		require.LessOrEqual(t, lsn, committedAtFailure, "LSN %d acknowledged while the Log failed", lsn)
	}
	l.mu.Unlock()

	f.failEvery(nil, 0)
	waitFor("the Group healthy", func() bool { return !g.Stats().Failing })
	waitFor("acknowledgements after", func() bool { return l.nAcked.Load() >= ackedWhileFailing+acksPerPhase })
	stop.Store(true)
	wg.Wait()
	require.NoError(t, g.Close())

	recs, _ := f.written()
	require.Equal(t, uint64(len(recs)), g.Committed(), "the Log holds LSN 1..n, no gap (the fake refuses one)")
	for lsn, rec := range l.acked {
		require.Equal(t, rec, recs[lsn-1], "LSN %d", lsn)
	}
	for _, rec := range recs {
		require.False(t, l.refused[rec], "refused record %s was kept", rec)
	}
	st := g.Stats()
	require.False(t, st.Failing)
	require.NoError(t, st.Err)
	require.Positive(t, st.Retries)
	t.Logf("%d acknowledged, %d refused, %d retries, %d records written", len(l.acked), len(l.refused), st.Retries, len(recs))
}

// TestGroupRetrySchedule checks the waits between tries on a fake clock:
// doubling from RetryDelayMin up to RetryDelayMax.
func TestGroupRetrySchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeLog(0)
		f.failEvery(syscall.ENOSPC, 10)
		g, err := NewGroup(f)
		require.NoError(t, err)
		lsn := mustAppend(t, g, "a")
		require.NoError(t, g.Wait(nil, lsn))
		require.NoError(t, g.Close())

		tries := f.tried()
		require.Len(t, tries, 11)
		var waits []time.Duration
		for i := 1; i < len(tries); i++ {
			waits = append(waits, tries[i].Sub(tries[i-1]))
		}
		ms := time.Millisecond
		require.Equal(t, []time.Duration{50 * ms, 100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 3200 * ms,
			RetryDelayMax, RetryDelayMax, RetryDelayMax}, waits)
		require.Equal(t, uint64(10), g.Stats().Retries)
	})
}

// TestGroupCloseEndsRetrying checks that Close does not wait out a retry:
// it tries once more at once, and the failure then becomes sticky.
func TestGroupCloseEndsRetrying(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeLog(0)
		f.failEvery(syscall.ENOSPC, 0)
		g, err := NewGroup(f)
		require.NoError(t, err)
		lsn := mustAppend(t, g, "a")
		time.Sleep(time.Minute) // many retries, RetryDelayMax apart
		synctest.Wait()
		require.True(t, g.Stats().Failing)
		waited := make(chan error)
		go func() { waited <- g.Wait(nil, lsn) }()

		start := time.Now()
		err = g.Close()
		require.Zero(t, time.Since(start), "Close waits for no timer")
		require.ErrorIs(t, err, ErrFailed)
		require.ErrorIs(t, err, syscall.ENOSPC)
		require.ErrorIs(t, <-waited, syscall.ENOSPC, "the waiter hears the failure")
		st := g.Stats()
		require.False(t, st.Failing, "failed for good")
		require.ErrorIs(t, st.Err, syscall.ENOSPC)
		_, err = g.Append([]byte("b"))
		require.ErrorIs(t, err, ErrFailed)
	})
}

// TestGroupFailingReleasesAppendsWaitingForRoom checks that an Append
// waiting for room in a full queue is refused once the writes fail, and
// that the records queued before are written once they succeed again.
func TestGroupFailingReleasesAppendsWaitingForRoom(t *testing.T) {
	f := newFakeLog(0)
	g := newRetryGroup(t, f)
	g.mu.Lock()
	g.queueMax = 1
	g.mu.Unlock()
	release := f.hold()
	a := mustAppend(t, g, "a")
	<-f.entered
	b := mustAppend(t, g, "b") // fills the queue
	refused := make(chan error)
	go func() {
		_, err := g.Append([]byte("c"))
		refused <- err
	}()
	f.failEvery(syscall.ENOSPC, 3)
	release()
	err := <-refused
	require.ErrorIs(t, err, ErrFailed)
	require.ErrorIs(t, err, syscall.ENOSPC)
	require.NoError(t, g.Wait(nil, a))
	require.NoError(t, g.Wait(nil, b))
	recs, _ := f.written()
	require.Equal(t, []string{"a", "b"}, recs)
	require.Equal(t, uint64(3), g.Stats().Retries)
	require.Equal(t, uint64(3), mustAppend(t, g, "d"), "appends resume, numbering after the refused one")
}

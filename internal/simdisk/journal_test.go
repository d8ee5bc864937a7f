package simdisk

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/internal/journal"
)

// newJournal returns a journal on a new disk with the given plan.
func newJournal(t *testing.T, clk *Clock, plan Plan) (*Journal, *Disk) {
	t.Helper()
	d := New(clk, &Options{Plan: plan})
	l, err := OpenLog(d)
	require.NoError(t, err)
	j, err := NewJournal(l, clk)
	require.NoError(t, err)
	return j, d
}

func TestJournalWritesOneBatchPerWait(t *testing.T) {
	j, d := newJournal(t, nil, nil)
	for want := uint64(1); want <= 3; want++ {
		lsn, err := j.Append([]byte("r"))
		require.NoError(t, err)
		require.Equal(t, want, lsn)
	}
	require.Equal(t, 3, j.Stats().Pending)
	require.Zero(t, d.Size(), "Append writes nothing")
	require.NoError(t, j.Wait(nil, 2))
	require.EqualValues(t, 3, j.Durable(), "the whole queue is one batch")
	require.NoError(t, j.Wait(context.Background(), 0))
	require.NoError(t, j.Wait(context.Background(), 3))
	st := j.Stats()
	require.Equal(t, journal.Stats{Durable: true, Commits: 1, Records: 3}, st)

	_, err := j.Append(make([]byte, journal.RecordBytesMax+1))
	require.ErrorIs(t, err, journal.ErrTooLarge)
	idle, err := j.Append([]byte("written by the writer"))
	require.NoError(t, err)
	require.NoError(t, j.Idle(), "the writer writes what is queued, waited for or not")
	require.Equal(t, idle, j.Durable())
	require.NoError(t, j.Idle(), "nothing to do")
	_, err = j.Append([]byte("queued"))
	require.NoError(t, err)
	require.NoError(t, j.Close(), "Close writes the queue")
	require.NoError(t, j.Close())
	_, err = j.Append([]byte("late"))
	require.ErrorIs(t, err, journal.ErrClosed)
	require.ErrorIs(t, j.Replay(func(uint64, []byte) error { return nil }), journal.ErrClosed)

	l, err := OpenLog(d)
	require.NoError(t, err)
	j, err = NewJournal(l, nil)
	require.NoError(t, err)
	n := 0
	require.NoError(t, j.Replay(func(uint64, []byte) error { n++; return nil }))
	require.Equal(t, 5, n)
	lsn, err := j.Append([]byte("next"))
	require.NoError(t, err)
	require.EqualValues(t, 6, lsn)
}

// TestJournalRetriesWhatTheDiskMayRecoverFrom: after ENOSPC, EIO from a
// write or from fsync, a Wait tries the batch again on the retry schedule,
// spent on the clock, and Append refuses new records meanwhile; a caller
// whose deadline comes first leaves the batch to the next Wait.
func TestJournalRetriesWhatTheDiskMayRecoverFrom(t *testing.T) {
	tests := []struct {
		name  string
		step  Step
		fault FaultKind
		errno error
	}{
		{name: "no space", step: BeforeWrite, fault: NoSpace, errno: syscall.ENOSPC},
		{name: "write error", step: BeforeWrite, fault: WriteError, errno: syscall.EIO},
		{name: "sync error", step: BeforeSync, fault: SyncError, errno: syscall.EIO},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := NewClock(t0)
			failures := 0
			j, d := newJournal(t, clk, func(s Step, _ int) Fault {
				if s == tt.step && failures > 0 {
					failures--
					return Fault{Kind: tt.fault}
				}
				return Fault{}
			})
			a, err := j.Append([]byte("a"))
			require.NoError(t, err)

			failures = 3 // the first try and two retries fail
			ctx, cancel := clk.WithTimeout(100 * time.Millisecond)
			defer cancel()
			err = j.Wait(ctx, a)
			require.ErrorIs(t, err, context.DeadlineExceeded, "the first retry waits 50 ms, the second 100 ms more")
			require.True(t, j.Stats().Failing)
			require.ErrorIs(t, j.Stats().Err, tt.errno)
			_, err = j.Append([]byte("refused"))
			require.ErrorIs(t, err, journal.ErrFailed)
			require.ErrorIs(t, err, tt.errno)

			require.NoError(t, j.Idle(), "not yet: the next try is at 150 ms")
			require.True(t, j.Stats().Failing)
			clk.Advance(50 * time.Millisecond)
			require.NoError(t, j.Idle(), "the writer tries again on its own, and fails")
			require.Equal(t, t0.Add(150*time.Millisecond), clk.Now())
			require.NoError(t, j.Wait(nil, a), "the next Wait tries again until the disk recovers")
			require.Equal(t, t0.Add(350*time.Millisecond), clk.Now(), "waits of 50, 100 and 200 ms, whoever waited")
			st := j.Stats()
			require.False(t, st.Failing)
			require.NoError(t, st.Err)
			require.EqualValues(t, 3, st.Retries)
			b, err := j.Append([]byte("b"))
			require.NoError(t, err)
			require.EqualValues(t, 2, b, "a refused record takes no LSN")
			require.NoError(t, j.Close())

			l, err := OpenLog(d)
			require.NoError(t, err)
			require.Equal(t, []string{"a", "b"}, readAll(t, l), "one copy of a, however many tries")
		})
	}
}

func TestJournalFailureIsSticky(t *testing.T) {
	tests := []struct {
		name  string
		fault FaultKind
		times int
		want  error
	}{
		{name: "read-only file system", fault: ReadOnlyFS, times: 1, want: syscall.EROFS},
		{name: "a crash", fault: Crash, times: 1, want: ErrCrashed},
		{name: "a disk full for good", fault: NoSpace, times: RetriesMax, want: syscall.ENOSPC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			left := 0
			j, _ := newJournal(t, NewClock(t0), func(s Step, _ int) Fault {
				if s == BeforeWrite && left > 0 {
					left--
					return Fault{Kind: tt.fault}
				}
				return Fault{}
			})
			lsn, err := j.Append([]byte("a"))
			require.NoError(t, err)
			require.NoError(t, j.Wait(nil, lsn))
			left = tt.times
			lsn, err = j.Append([]byte("b"))
			require.NoError(t, err)
			err = j.Wait(nil, lsn)
			require.ErrorIs(t, err, journal.ErrFailed)
			require.ErrorIs(t, err, tt.want)
			require.Zero(t, left)
			st := j.Stats()
			require.False(t, st.Failing)
			require.ErrorIs(t, st.Err, tt.want)
			_, err = j.Append([]byte("c"))
			require.ErrorIs(t, err, journal.ErrFailed)
			require.NoError(t, j.Wait(nil, 1), "what was durable stays durable")
			require.ErrorIs(t, j.Wait(nil, lsn), journal.ErrFailed)
			require.ErrorIs(t, j.Close(), journal.ErrFailed)
		})
	}
}

func TestJournalCloseTriesOnceMore(t *testing.T) {
	for _, recovers := range []bool{true, false} {
		t.Run(fmt.Sprint("the disk recovers: ", recovers), func(t *testing.T) {
			clk := NewClock(t0)
			failures := 0
			j, d := newJournal(t, clk, func(s Step, _ int) Fault {
				if s == BeforeWrite && failures > 0 {
					failures--
					return Fault{Kind: NoSpace}
				}
				return Fault{}
			})
			lsn, err := j.Append([]byte("a"))
			require.NoError(t, err)
			failures = 1
			ctx, cancel := clk.WithTimeout(10 * time.Millisecond)
			defer cancel()
			require.ErrorIs(t, j.Wait(ctx, lsn), context.DeadlineExceeded)
			if !recovers {
				failures = 1
			}
			err = j.Close()
			l, openErr := OpenLog(d)
			require.NoError(t, openErr)
			if recovers {
				require.NoError(t, err)
				require.Equal(t, []string{"a"}, readAll(t, l))
			} else {
				require.ErrorIs(t, err, syscall.ENOSPC)
				require.Empty(t, readAll(t, l))
			}
		})
	}
}

// TestJournalWaitGivesUpInSimulatedTime: a caller whose deadline has passed
// writes nothing; one whose deadline passes during a slow write hears
// ctx.Err() though its record is durable.
func TestJournalWaitGivesUpInSimulatedTime(t *testing.T) {
	clk := NewClock(t0)
	slow := time.Duration(0)
	j, _ := newJournal(t, clk, func(s Step, _ int) Fault {
		if s == BeforeSync && slow > 0 {
			return Fault{Kind: Slow, Delay: slow}
		}
		return Fault{}
	})
	ctx, cancel := clk.WithTimeout(time.Second)
	defer cancel()
	lsn, err := j.Append([]byte("a"))
	require.NoError(t, err)
	clk.Advance(time.Second)
	require.ErrorIs(t, j.Wait(ctx, lsn), context.DeadlineExceeded)
	require.Zero(t, j.Durable(), "nothing written for a caller gone")

	slow = time.Minute
	ctx, cancel = clk.WithTimeout(time.Second)
	defer cancel()
	require.ErrorIs(t, j.Wait(ctx, lsn), context.DeadlineExceeded)
	require.EqualValues(t, 1, j.Durable(), "durable all the same")
	require.Equal(t, t0.Add(time.Second+time.Minute), clk.Now())
	require.NoError(t, j.Wait(ctx, lsn), "once durable, Wait does not look at ctx")
}

package simdisk

import (
	"errors"
	"fmt"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/internal/journal"
)

// entries returns a batch of n records numbered from first, each naming
// its LSN.
func entries(first uint64, n int) []journal.Entry {
	out := make([]journal.Entry, n)
	for i := range out {
		lsn := first + uint64(i)
		out[i] = journal.Entry{LSN: lsn, Data: fmt.Appendf(nil, "record %d", lsn)}
	}
	return out
}

// readAll returns every record of the log, as strings, in order.
func readAll(t *testing.T, l *Log) []string {
	t.Helper()
	var out []string
	var next uint64 = 1
	require.NoError(t, l.Read(1, func(lsn uint64, rec []byte) error {
		require.Equal(t, next, lsn)
		next++
		out = append(out, string(rec))
		return nil
	}))
	return out
}

// want returns what readAll gives for records 1..n.
func want(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("record %d", i+1))
	}
	return out
}

// planOf returns a plan that injects f once, at step, and nothing else.
func planOf(step Step, f Fault) Plan {
	done := false
	return func(s Step, _ int) Fault {
		if s != step || done {
			return Fault{}
		}
		done = true
		return f
	}
}

func TestLogWritesAndReadsBack(t *testing.T) {
	d := New(nil, nil)
	l, err := OpenLog(d)
	require.NoError(t, err)
	require.NoError(t, l.Append(entries(1, 3)))
	require.NoError(t, l.Append(nil))
	require.NoError(t, l.Append(entries(4, 1)))
	require.ErrorIs(t, l.Append(entries(9, 1)), journal.ErrOutOfOrder)
	require.Equal(t, want(4), readAll(t, l))
	var from []uint64
	require.NoError(t, l.Read(3, func(lsn uint64, _ []byte) error { from = append(from, lsn); return nil }))
	require.Equal(t, []uint64{3, 4}, from)
	require.Zero(t, d.Unsynced())

	d.Crash()
	require.ErrorIs(t, l.Append(entries(5, 1)), ErrCrashed, "a dead process writes nothing")
	l2, err := OpenLog(d)
	require.NoError(t, err)
	last, err := l2.Last()
	require.NoError(t, err)
	require.EqualValues(t, 4, last)
	require.Equal(t, want(4), readAll(t, l2))
	require.NoError(t, l2.Close())
	require.ErrorIs(t, l2.Append(entries(5, 1)), journal.ErrClosed)
}

// TestTornWriteAtEveryByte cuts the last of three batches at every byte,
// by a TornWrite and by power loss: reopened, the log holds the first two
// batches, never a different record, and takes new ones after them.
func TestTornWriteAtEveryByte(t *testing.T) {
	frameBytes := len(encodeFrame(entries(4, 3)))
	for _, how := range []string{"torn write", "power loss"} {
		for keep := range frameBytes {
			t.Run(fmt.Sprintf("%s keeps %d of %d bytes", how, keep, frameBytes), func(t *testing.T) {
				var plan Plan
				if how == "torn write" {
					plan = planOf(BeforeWrite, Fault{Kind: TornWrite, Keep: keep})
				} else {
					// The write reaches the page cache; its sync fails.
					plan = planOf(BeforeSync, Fault{Kind: SyncError})
				}
				d := New(nil, &Options{Plan: func(s Step, n int) Fault {
					if n != frameBytes {
						return Fault{} // one of the first two batches, which are shorter
					}
					return plan(s, n)
				}})
				l, err := OpenLog(d)
				require.NoError(t, err)
				require.NoError(t, l.Append(entries(1, 1)))
				require.NoError(t, l.Append(entries(2, 2)))
				require.Error(t, l.Append(entries(4, 3)))
				if how == "torn write" {
					require.True(t, d.Down())
					d.Crash()
				} else {
					require.Equal(t, frameBytes-keep, d.PowerLoss(keep))
				}
				l, err = OpenLog(d)
				require.NoError(t, err)
				require.Equal(t, want(3), readAll(t, l))
				require.Equal(t, min(keep, 1), d.Stats().TornTails)
				require.NoError(t, l.Append(entries(4, 1)))
				require.Equal(t, want(4), readAll(t, l))
			})
		}
	}
}

// TestFlippedBitIsCorrupt flips each bit of a file of three batches: the
// log refuses every one as corrupt, neither reading a record that was not
// written nor taking the damage for a torn tail.
func TestFlippedBitIsCorrupt(t *testing.T) {
	d := New(nil, nil)
	l, err := OpenLog(d)
	require.NoError(t, err)
	require.NoError(t, l.Append(entries(1, 2)))
	require.NoError(t, l.Append(entries(3, 1)))
	require.NoError(t, l.Append(entries(4, 2)))
	file := d.Bytes()
	for i := range file {
		for bit := range 8 {
			damaged := New(nil, nil)
			damaged.file = append([]byte(nil), file...)
			damaged.file[i] ^= 1 << bit
			_, err := OpenLog(damaged)
			require.ErrorIs(t, err, journal.ErrCorrupt, "byte %d bit %d", i, bit)
		}
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name      string
		step      Step
		fault     Fault
		wantErr   error
		down      bool
		unsynced  bool // the batch is in the page cache only
		afterOpen int  // records read back after a crash
	}{
		{name: "write error", step: BeforeWrite, fault: Fault{Kind: WriteError}, wantErr: syscall.EIO, afterOpen: 1},
		{name: "no space", step: BeforeWrite, fault: Fault{Kind: NoSpace}, wantErr: syscall.ENOSPC, afterOpen: 1},
		{name: "read-only file system", step: BeforeWrite, fault: Fault{Kind: ReadOnlyFS}, wantErr: syscall.EROFS, afterOpen: 1},
		{name: "crash before the write", step: BeforeWrite, fault: Fault{Kind: Crash}, wantErr: ErrCrashed, down: true, afterOpen: 1},
		{name: "sync error", step: BeforeSync, fault: Fault{Kind: SyncError}, wantErr: syscall.EIO, unsynced: true, afterOpen: 3},
		{name: "crash before the sync", step: BeforeSync, fault: Fault{Kind: Crash}, wantErr: ErrCrashed, down: true, unsynced: true, afterOpen: 3},
		{name: "crash after the sync", step: AfterSync, fault: Fault{Kind: Crash}, wantErr: ErrCrashed, down: true, afterOpen: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := planOf(tt.step, tt.fault)
			armed := false
			// No sync at open: what the fault left unsynced stays so
			// across the reopen, for the power loss to show.
			d := New(nil, &Options{NoSyncAtOpen: true, Plan: func(s Step, n int) Fault {
				if !armed {
					return Fault{}
				}
				return plan(s, n)
			}})
			l, err := OpenLog(d)
			require.NoError(t, err)
			require.NoError(t, l.Append(entries(1, 1)))
			armed = true
			require.ErrorIs(t, l.Append(entries(2, 2)), tt.wantErr)
			require.Equal(t, tt.down, d.Down())
			require.Equal(t, tt.unsynced, d.Unsynced() > 0)
			require.Equal(t, 1, d.Stats().Faults[tt.fault.Kind])

			d.Crash() // the page cache survives
			l, err = OpenLog(d)
			require.NoError(t, err)
			require.Equal(t, want(tt.afterOpen), readAll(t, l))
			d.PowerLoss(0)
			l, err = OpenLog(d)
			require.NoError(t, err)
			got := readAll(t, l)
			if tt.unsynced {
				require.Equal(t, want(1), got, "power loss drops what was not synced")
			} else {
				require.Equal(t, want(tt.afterOpen), got)
			}
		})
	}
}

func TestNoSyncLosesEverythingToPowerLoss(t *testing.T) {
	d := New(nil, &Options{NoSync: true})
	l, err := OpenLog(d)
	require.NoError(t, err)
	require.NoError(t, l.Append(entries(1, 2)), "a sync that does nothing reports success")
	require.NoError(t, l.Append(entries(3, 1)))
	d.Crash()
	l, err = OpenLog(d)
	require.NoError(t, err)
	require.Equal(t, want(3), readAll(t, l), "a crash keeps the page cache")
	require.Positive(t, d.PowerLoss(0))
	l, err = OpenLog(d)
	require.NoError(t, err)
	require.Empty(t, readAll(t, l))
}

func TestPlanAskingForTheWrongFaultPanics(t *testing.T) {
	d := New(nil, &Options{Plan: func(Step, int) Fault { return Fault{Kind: SyncError} }})
	l, err := OpenLog(d)
	require.NoError(t, err)
	require.Panics(t, func() { _ = l.Append(entries(1, 1)) })
}

func TestSlowStepsMoveTheClock(t *testing.T) {
	clk := NewClock(t0)
	d := New(clk, &Options{Plan: func(s Step, _ int) Fault {
		if s == AfterSync {
			return Fault{}
		}
		return Fault{Kind: Slow, Delay: 3 * second}
	}})
	l, err := OpenLog(d)
	require.NoError(t, err)
	require.NoError(t, l.Append(entries(1, 1)))
	require.Equal(t, t0.Add(6*second), clk.Now())
	require.Equal(t, 2, d.Stats().Faults[Slow])
}

func TestReadStopsAtTheCallersError(t *testing.T) {
	d := New(nil, nil)
	l, err := OpenLog(d)
	require.NoError(t, err)
	require.NoError(t, l.Append(entries(1, 3)))
	stop := errors.New("stop")
	n := 0
	require.ErrorIs(t, l.Read(1, func(uint64, []byte) error { n++; return stop }), stop)
	require.Equal(t, 1, n)
}

// TestSyncAtOpenMakesWhatIsReadBackDurable: a batch whose sync failed is
// read back after a crash; the new process's open made it durable, and
// without that sync (NoSyncAtOpen) a power loss still takes it.
func TestSyncAtOpenMakesWhatIsReadBackDurable(t *testing.T) {
	for _, syncAtOpen := range []bool{false, true} {
		t.Run(fmt.Sprint("SyncAtOpen ", syncAtOpen), func(t *testing.T) {
			plan := planOf(BeforeSync, Fault{Kind: SyncError})
			armed := false
			d := New(nil, &Options{NoSyncAtOpen: !syncAtOpen, Plan: func(s Step, n int) Fault {
				if !armed {
					return Fault{}
				}
				return plan(s, n)
			}})
			l, err := OpenLog(d)
			require.NoError(t, err)
			require.NoError(t, l.Append(entries(1, 1)))
			armed = true
			require.ErrorIs(t, l.Append(entries(2, 1)), syscall.EIO)
			require.EqualValues(t, 1, d.Durable())
			d.Crash()
			l, err = OpenLog(d)
			require.NoError(t, err)
			require.Equal(t, want(2), readAll(t, l), "the page cache kept it")
			d.PowerLoss(0)
			l, err = OpenLog(d)
			require.NoError(t, err)
			if syncAtOpen {
				require.Equal(t, want(2), readAll(t, l))
			} else {
				require.Equal(t, want(1), readAll(t, l), "read back, yet never durable")
			}
		})
	}
}

package booking_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/internal/simdisk"
)

// standbyPair is an active engine writing to a simulated disk and a
// standby following it, both on one clock.
type standbyPair struct {
	t       *testing.T
	clk     *kt.Clock
	disk    *simdisk.Disk
	log     *simdisk.Log // the active engine's
	active  *Engine
	standby *Engine
}

// newStandbyPair starts the active engine the way a cluster node does —
// a standby promoted over an empty log — registers the test office, and
// starts a standby beside it.
func newStandbyPair(t *testing.T) *standbyPair {
	p := &standbyPair{t: t, clk: kt.NewClock(kt.T1), disk: simdisk.New(nil, nil)}
	var err error
	p.log, err = simdisk.OpenLog(p.disk)
	require.NoError(t, err)
	p.active = p.newStandby()
	require.NoError(t, p.active.Promote(p.log))
	require.False(t, p.active.Standby())
	require.NoError(t, p.active.RegisterOffice(bg, kt.OfficeConfig(t)))
	p.standby = p.newStandby()
	return p
}

func (p *standbyPair) newStandby() *Engine {
	e, err := NewStandby(&Options{Now: p.clk.Now, NoSweeper: true, MaxHoldsPerAccount: 5})
	require.NoError(p.t, err)
	p.t.Cleanup(func() { e.Close() })
	return e
}

// follow hands the standby every record the log holds after the ones it
// has, once the active engine has written what it queued (a view records
// an expiry without waiting for the disk).
func (p *standbyPair) follow(e *Engine) {
	p.t.Helper()
	require.Eventually(p.t, func() bool { return p.active.Stats().PendingWrites == 0 }, 5*time.Second, time.Millisecond)
	require.NoError(p.t, e.Follow(func(yield func(uint64, []byte) error) error {
		return p.log.Read(e.Followed()+1, yield)
	}))
	last, err := p.log.Last()
	require.NoError(p.t, err)
	require.Equal(p.t, last, e.Followed())
}

// requireSame fails unless the two engines answer every read alike.
func requireSame(t *testing.T, want, got *Engine, codes []string) {
	t.Helper()
	for _, c := range codes {
		w, werr := want.Get(bg, c)
		g, gerr := got.Get(bg, c)
		require.Equal(t, werr, gerr, c)
		require.Equal(t, w, g, c)
	}
	wm, err := want.Month(bg, kt.Office, 2026, time.December)
	require.NoError(t, err)
	gm, err := got.Month(bg, kt.Office, 2026, time.December)
	require.NoError(t, err)
	require.Equal(t, wm, gm)
	wd, err := want.DayBookings(bg, kt.Office, kt.Dec10)
	require.NoError(t, err)
	gd, err := got.DayBookings(bg, kt.Office, kt.Dec10)
	require.NoError(t, err)
	require.Equal(t, wd, gd)
	require.Equal(t, want.Stats().Bookings, got.Stats().Bookings)
	kt.RequireConsistent(t, got)
}

// A standby that followed the journal answers every read as the active
// engine does: each booking, the month, the day's arrivals, the counts.
func TestStandbyFollowsTheActiveEngine(t *testing.T) {
	p := newStandbyPair(t)
	var codes []string
	for acc := 1; acc <= 6; acc++ {
		b, err := p.active.Hold(bg, kt.HoldRequest(t, acc))
		require.NoError(t, err)
		codes = append(codes, b.Code)
		switch acc % 3 {
		case 1:
			_, err = p.active.Pay(bg, b.BillingCode, fmt.Sprint("ref-", acc))
		case 2:
			_, err = p.active.Cancel(bg, b.Code, Reason{})
		}
		require.NoError(t, err)
	}
	p.follow(p.standby)
	requireSame(t, p.active, p.standby, codes)
	st := p.standby.Stats()
	require.True(t, st.Standby)
	require.Equal(t, p.standby.Followed(), st.Followed)
	require.Equal(t, 6, st.Total)

	// Following again from where it stopped picks up the rest.
	_, err := p.active.Reschedule(bg, codes[0], kt.Dec10, kt.Slot1)
	require.NoError(t, err)
	p.follow(p.standby)
	requireSame(t, p.active, p.standby, codes)
}

// A standby refuses every change, naming the active engine once it knows
// it, and changes nothing.
func TestStandbyRefusesChanges(t *testing.T) {
	p := newStandbyPair(t)
	b, err := p.active.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	p.follow(p.standby)

	_, err = p.standby.Hold(bg, kt.HoldRequest(t, 2))
	var se *StandbyError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, ErrStandby)
	require.Empty(t, se.Active)
	require.Contains(t, err.Error(), "no active engine known")

	addr, ok := p.standby.ActiveAddress()
	require.True(t, ok)
	require.Empty(t, addr)
	p.standby.SetActiveAddress("10.0.0.7:8080")
	addr, ok = p.standby.ActiveAddress()
	require.True(t, ok)
	require.Equal(t, "10.0.0.7:8080", addr)
	addr, ok = p.active.ActiveAddress()
	require.False(t, ok, "the active engine is not a standby")
	require.Empty(t, addr)
	refusals := map[string]error{}
	_, refusals["Hold"] = p.standby.Hold(bg, kt.HoldRequest(t, 2))
	_, refusals["Pay"] = p.standby.Pay(bg, b.BillingCode, "ref")
	_, refusals["Cancel"] = p.standby.Cancel(bg, b.Code, Reason{})
	refusals["RegisterOffice"] = p.standby.RegisterOffice(bg, kt.OfficeConfig(t))
	_, refusals["ExpireDue"] = p.standby.ExpireDue(bg)
	_, refusals["ArchiveDue"] = p.standby.ArchiveDue(bg)
	_, refusals["Backup"] = p.standby.Backup(bg, nil)
	_, refusals["ExportArchive"] = p.standby.ExportArchive(bg, nil)
	for call, err := range refusals {
		require.ErrorAs(t, err, &se, call)
		require.Equal(t, "10.0.0.7:8080", se.Active, call)
		require.Contains(t, err.Error(), "10.0.0.7:8080", call)
	}
	got, err := p.standby.Get(bg, b.Code)
	require.NoError(t, err)
	require.Equal(t, Held, got.State)
	require.Equal(t, 1, p.standby.Stats().Total)

	// Only a standby follows or is promoted.
	require.Error(t, p.active.Follow(func(func(uint64, []byte) error) error { return nil }))
	require.Error(t, p.active.Promote(p.log))
	_, err = NewStandby(&Options{ReadOnly: true})
	require.ErrorIs(t, err, ErrBadOptions)
}

// When the active engine dies, the standby follows what it left and takes
// over: the bookings go on from the same numbers, the old engine's log is
// dead (on a real cluster, fenced), and a new standby built from the
// journal agrees with the new active engine.
func TestStandbyTakesOver(t *testing.T) {
	p := newStandbyPair(t)
	var codes []string
	hold := func(e *Engine, acc int) Booking {
		b, err := e.Hold(bg, kt.HoldRequest(t, acc))
		require.NoError(t, err)
		codes = append(codes, b.Code)
		return b
	}
	hold(p.active, 1)
	p.follow(p.standby)
	paid := hold(p.active, 2)
	_, err := p.active.Pay(bg, paid.BillingCode, "ref-2")
	require.NoError(t, err)

	// The new process's log ends the old one's (simdisk's stand-in for a
	// fencing epoch): the standby catches up, then is promoted over it.
	newLog, err := simdisk.OpenLog(p.disk)
	require.NoError(t, err)
	p.log = newLog
	require.Error(t, p.standby.Promote(newLog), "promoted behind the log")
	require.True(t, p.standby.Standby())
	p.follow(p.standby)
	require.NoError(t, p.standby.Promote(newLog))
	require.False(t, p.standby.Stats().Standby)
	old := p.active
	p.active = p.standby

	third := hold(p.active, 3)
	require.NotContains(t, codes[:2], third.Code)
	_, err = old.Hold(bg, kt.HoldRequest(t, 4))
	require.ErrorIs(t, err, ErrStorage, "the old active engine wrote after the takeover")
	got, err := p.active.Get(bg, paid.Code)
	require.NoError(t, err)
	require.Equal(t, Paid, got.State)

	rebuilt := p.newStandby()
	p.follow(rebuilt)
	requireSame(t, p.active, rebuilt, codes)
	require.Equal(t, 3, rebuilt.Stats().Total)
}

// A record out of order, or one the state machine refuses, stops the
// standby for good; a failed read only pauses it, with every record
// before the failure applied.
func TestFollowRefusesAGapAndResumesAfterAFailedRead(t *testing.T) {
	p := newStandbyPair(t)
	for acc := 1; acc <= 3; acc++ {
		_, err := p.active.Hold(bg, kt.HoldRequest(t, acc))
		require.NoError(t, err)
	}
	last, err := p.log.Last()
	require.NoError(t, err)

	lost := errors.New("connection lost")
	err = p.standby.Follow(func(yield func(uint64, []byte) error) error {
		return p.log.Read(1, func(lsn uint64, rec []byte) error {
			if lsn == 3 {
				return lost
			}
			return yield(lsn, rec)
		})
	})
	require.ErrorIs(t, err, lost)
	require.Equal(t, uint64(2), p.standby.Followed())
	p.follow(p.standby)
	require.Equal(t, last, p.standby.Followed())

	gap := p.newStandby()
	err = gap.Follow(func(yield func(uint64, []byte) error) error {
		return p.log.Read(1, func(lsn uint64, rec []byte) error {
			if lsn == 2 {
				return nil // skipped
			}
			return yield(lsn, rec)
		})
	})
	require.ErrorIs(t, err, ErrCorrupt)
	require.ErrorContains(t, err, "record 3 where 2 was due")
	err = gap.Follow(func(yield func(uint64, []byte) error) error { return p.log.Read(gap.Followed()+1, yield) })
	require.ErrorIs(t, err, ErrCorrupt, "a stopped standby followed again")
	require.ErrorIs(t, gap.Promote(p.log), ErrCorrupt)
}

// A standby reads a lapsed hold as expired at its deadline, as the active
// engine does, but records nothing: its calendar counts the seats until
// the active engine's record of the expiry arrives (the stated lag).
func TestStandbyReadsDeadlinesWithoutRecordingThem(t *testing.T) {
	p := newStandbyPair(t)
	b, err := p.active.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	p.follow(p.standby)
	day := func(e *Engine) int {
		d, err := e.Day(bg, kt.Office, kt.Dec10)
		require.NoError(t, err)
		return d.Left
	}
	before := day(p.standby)
	p.clk.Set(b.PayBy)
	got, err := p.standby.Get(bg, b.Code)
	require.NoError(t, err)
	require.Equal(t, Expired, got.State)
	require.Equal(t, before, day(p.standby), "a standby gave seats back itself")
	require.Equal(t, 1, p.standby.Stats().Bookings[Held], "a standby recorded an expiry")

	require.Equal(t, before+1, day(p.active)) // the active engine records it
	p.follow(p.standby)
	require.Equal(t, before+1, day(p.standby))
	require.Equal(t, 1, p.standby.Stats().Bookings[Expired])
}

// Reads on a standby run while it follows, with the race detector
// watching: every read sees a state the active engine was in.
func TestStandbyServesReadsWhileFollowing(t *testing.T) {
	p := newStandbyPair(t)
	const holds = 200
	var made []Booking
	for acc := 1; acc <= holds; acc++ {
		r := kt.HoldRequest(t, acc)
		r.Slot = []string{kt.Slot0, kt.Slot1}[acc%2]
		r.Date = kt.Dec10.AddDays(acc % 20)
		b, err := p.active.Hold(bg, r)
		if err != nil {
			continue // a full cell, a closed day: fine, some are made
		}
		made = append(made, b)
	}
	require.Greater(t, len(made), 20)

	var stop atomic.Bool
	var wg sync.WaitGroup
	var reads atomic.Int64
	for range 2 {
		wg.Go(func() {
			for i := 0; !stop.Load() && i < 100_000; i++ {
				b := made[i%len(made)]
				got, err := p.standby.Get(bg, b.Code)
				switch {
				case err == nil && got.Code != b.Code:
					t.Errorf("Get %s: got %s", b.Code, got.Code)
					return
				case err != nil && !errors.Is(err, ErrNotFound): // not followed yet
					t.Errorf("Get %s: %v", b.Code, err)
					return
				}
				if _, err = p.standby.Month(bg, kt.Office, 2026, time.December); err != nil && !errors.Is(err, ErrUnknownOffice) { // not followed yet
					t.Errorf("Month: %v", err)
					return
				}
				reads.Add(1)
			}
		})
	}
	// Follow in small steps, so that reads fall between them.
	for step := 0; p.standby.Followed() < p.mustLast(); step++ {
		require.Less(t, step, holds, "Follow makes no progress")
		from := p.standby.Followed() + 1
		err := p.standby.Follow(func(yield func(uint64, []byte) error) error {
			return p.log.Read(from, func(lsn uint64, rec []byte) error {
				if lsn >= from+10 {
					return errStopRead
				}
				return yield(lsn, rec)
			})
		})
		if !errors.Is(err, errStopRead) {
			require.NoError(t, err, "from %d", from)
		}
		// Let the readers read between two steps (bounded: a reader that
		// failed has returned).
		for seen, deadline := reads.Load(), time.Now().Add(time.Second); reads.Load() == seen && time.Now().Before(deadline); {
			runtime.Gosched()
		}
	}
	stop.Store(true)
	wg.Wait()
	require.Positive(t, reads.Load())
	requireSame(t, p.active, p.standby, nil)
}

// errStopRead ends a read early without an error for Follow to return.
var errStopRead = errors.New("enough")

func (p *standbyPair) mustLast() uint64 {
	last, err := p.log.Last()
	require.NoError(p.t, err)
	return last
}

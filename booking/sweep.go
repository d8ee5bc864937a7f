package booking

import (
	"cmp"
	"context"
	"errors"
	"math"
	"time"

	"github.com/kuota/kuota/calendar"
)

// sweepIntervalMax bounds how long the sweeper sleeps without looking at
// the clock again, so that a clock that jumps (a fake one, or a VM
// resuming) is noticed within it.
const sweepIntervalMax = time.Minute

// sweepRetryAfter is how long the sweeper waits to try again when the
// journal refused what it recorded (a full disk, say).
const sweepRetryAfter = time.Second

// ExpireDue records the expiry of every hold whose payment deadline has
// passed on the engine's clock, and returns how many it recorded. Readers
// see an overdue hold as expired already; this makes it durable, as the
// background sweeper does on time. Callers that run their own scheduler
// (Options.NoSweeper) call it. It reads the engine's clock, never a
// caller's: a scheduler whose clock ran ahead could otherwise expire holds
// before their time.
func (e *Engine) ExpireDue(ctx context.Context) (int, error) {
	if err := e.beginWrite(ctx); err != nil {
		return 0, err
	}
	n, lsn, err := e.m.expireDue(e.nowNs(), nil)
	return n, cmp.Or(e.wait(ctx, lsn), err)
}

// MarkNoShows records as NoShow every paid booking whose slot has ended on
// the engine's clock without a check-in, gives its seats back, and returns
// how many it recorded, each at the end of its slot. Like ExpireDue it
// makes durable what readers already see, runs in the background unless
// Options.NoSweeper is set, and reads the engine's clock.
func (e *Engine) MarkNoShows(ctx context.Context) (int, error) {
	if err := e.beginWrite(ctx); err != nil {
		return 0, err
	}
	n, lsn, err := e.m.markNoShows(e.nowNs())
	return n, cmp.Or(e.wait(ctx, lsn), err)
}

// wakeSweeper tells the sweeper about a new deadline at, if the sweeper
// sleeps past it. Deadlines are nearly always later than the one it sleeps
// towards, so this is nearly always one atomic load. It never blocks: one
// pending wake-up is as good as many.
func (e *Engine) wakeSweeper(at int64) {
	if at >= e.sweepAt.Load() {
		return
	}
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// sweepLoop expires holds, marks no-shows and archives ended bookings on
// time. It sleeps until the
// earliest deadline, or until woken by a new one, or sweepIntervalMax.
func (e *Engine) sweepLoop() {
	defer e.swept.Done()
	timer := time.NewTimer(0)
	defer timer.Stop()
	refused := false // the journal refused the last sweep
	for {
		select {
		case <-e.stop:
			return
		case <-e.wake:
		case <-timer.C:
		}
		// While sweeping, every new deadline leaves a wake-up pending,
		// so none added after next is computed below is slept past.
		e.sweepAt.Store(math.MaxInt64)
		nowNs := e.nowNs()
		_, _, err1 := e.m.expireDue(nowNs, nil)
		_, _, err2 := e.m.markNoShows(nowNs)
		_, _, err3 := e.m.archiveDue(nowNs)
		e.m.queue.prune(nowNs)
		e.runDueDraws(nowNs)

		next := min(e.m.holds.nextAt(), e.m.arrivals.nextAt(), e.m.ends.nextAt(), e.nextDrawAt())
		nowNs = e.nowNs()
		wait := sweepIntervalMax
		if next != math.MaxInt64 {
			wait = min(wait, max(time.Duration(next-nowNs), 0))
		}
		if err := cmp.Or(err1, err2, err3); err != nil {
			// The journal refused a change: what is due stays due, and
			// is tried again after a pause rather than at once. Said
			// once, not at every try.
			if !refused {
				e.m.log.Warn("sweeper: the journal refuses changes; what is due is tried again", "err", err)
			}
			refused = true
			wait = max(wait, sweepRetryAfter)
		} else if refused {
			e.m.log.Info("sweeper: the journal takes changes again")
			refused = false
		}
		// Publish the wake-up instant before sleeping: a deadline added
		// from here on that is earlier wakes the loop.
		e.sweepAt.Store(nowNs + int64(wait))
		timer.Reset(wait)
	}
}

// expire records that b's hold lapsed, if it is overdue at nowNs, and
// returns the expiry's LSN and whether it made it, or the journal's
// refusal. A payment racing it ends with exactly one winner: both are
// changes of b.
func (m *machine) expire(b *booking, nowNs int64) (uint64, bool, error) {
	for {
		s := b.state()
		if !b.overdue(s, nowNs) {
			return 0, false, nil
		}
		// The expiry happened at the deadline, whenever it is noticed.
		lsn, err := m.apply(&change{op: opExpire, seq: b.seq, at: b.deadline, from: s})
		if err != errStale {
			return lsn, err == nil, err
		}
	}
}

// recordDue records the change whose instant has come for b, in state s,
// at nowNs — the expiry of an overdue hold, the no-show of a paid booking
// whose slot has ended — as the sweeper would, so that an operation acts
// on the state every read already shows. It returns errStale if b moved
// on, and nil when nothing is due.
func (m *machine) recordDue(b *booking, s *snapshot, nowNs int64) error {
	c := change{seq: b.seq, from: s}
	switch {
	case b.overdue(s, nowNs):
		c.op, c.at = opExpire, b.deadline
	case m.noShowDue(b, s, nowNs):
		c.op, c.at = opNoShow, m.noShowAt(b, s)
	default:
		return nil
	}
	_, err := m.apply(&c)
	return err
}

// sweep pops what index x has due at nowNs, a chunk at a time, and
// records, for each booking, what record makes of it (drain). Then it
// waits for the chunks other sweeps popped and have not landed
// (deadlineIndex.await, at most flightWaitMax) while one of them holds a
// booking for which pending is true — its change still to be recorded,
// and in what the caller asked about — so that whoever asked for the
// sweep (a view of an office, a hold on a full cell) sees every seat due
// back at nowNs given back when it returns, and waits for no other.
func (m *machine) sweep(x *deadlineIndex, nowNs int64, record func(*booking) (uint64, bool, error), pending func(*booking) bool) (int, uint64, error) {
	n, last, refused := m.drain(x, nowNs, record)
	x.await(nowNs, func(seq uint64) bool {
		b := m.slab.get(seq)
		return b != nil && pending(b)
	})
	return n, last, refused
}

// drain pops what index x has due at nowNs, a chunk at a time, and
// records, for each booking, what record makes of it: a change and its
// LSN, nothing (an entry gone stale), or the journal's refusal. It
// returns how many changes it recorded, the LSN of the last, and the
// journal's first refusal. An entry whose change the journal refused
// (ErrStorage) is filed again at its instant once the drain is done, so
// that a later sweep records it: a sweep never loses what is due.
func (m *machine) drain(x *deadlineIndex, nowNs int64, record func(*booking) (uint64, bool, error)) (n int, last uint64, refused error) {
	// Entries the journal refused stay in a flight of their own until the
	// end, so that they are still due for everyone meanwhile and this
	// drain does not pop them again; the flight lands before sweep awaits
	// the others', and on a panic too.
	var again *flight
	defer func() {
		if again != nil {
			for _, it := range again.items {
				x.add(it.at, it.seq)
			}
			x.land(again)
		}
	}()
	for {
		f := x.pop(nowNs, sweepChunk)
		if f == nil {
			return n, last, refused
		}
		func() {
			defer x.land(f) // also on a panic: a flight never left flying
			for _, it := range f.items {
				b := m.slab.get(it.seq)
				if b == nil {
					continue // archived since it was filed
				}
				lsn, made, err := record(b)
				switch {
				case errors.Is(err, ErrStorage):
					again = x.fly(again, []deadlineItem{it})
					if refused == nil {
						refused = err
					}
				case err != nil:
					// Unreachable while the engine's invariants hold: an
					// entry whose change the state machine itself refuses
					// would be refused again at every sweep.
					m.log.Error("sweep: a due change refused", "code", b.codeString(), "err", err)
				case made:
					n++
					last = max(last, lsn)
				}
			}
		}()
	}
}

// expireDue expires the holds due at nowNs (see sweep), and waits for
// the expiries other sweeps are recording of the holds in scope: those
// of one office for a view, of one cell for a hold; nil means every
// hold.
func (m *machine) expireDue(nowNs int64, scope func(*booking, *snapshot) bool) (int, uint64, error) {
	return m.sweep(m.holds, nowNs,
		func(b *booking) (uint64, bool, error) { return m.expire(b, nowNs) },
		func(b *booking) bool {
			s := b.state()
			return b.overdue(s, nowNs) && (scope == nil || scope(b, s))
		})
}

// inOffice is the scope of a sweep for a view of office o.
func inOffice(o *office) func(*booking, *snapshot) bool {
	return func(b *booking, _ *snapshot) bool { return b.office() == o }
}

// inCell is the scope of a sweep for seats in one cell.
func inCell(o *office, d calendar.Date, slot, pool uint8) func(*booking, *snapshot) bool {
	return func(b *booking, s *snapshot) bool {
		return b.office() == o && s.date == d && s.slot == slot && s.pool == pool
	}
}

// markNoShows marks the paid bookings whose slot ended at or before nowNs
// as no-shows (see sweep).
func (m *machine) markNoShows(nowNs int64) (int, uint64, error) {
	return m.sweep(m.arrivals, nowNs, func(b *booking) (uint64, bool, error) {
		for {
			// Entries go stale when a booking is checked in, cancelled or
			// rescheduled (a rescheduled booking got an entry for its new
			// slot); only a booking still paid for the slot that ended
			// is a no-show.
			s := b.state()
			if !m.noShowDue(b, s, nowNs) {
				return 0, false, nil
			}
			// The no-show happened when the slot ended, whenever it is
			// noticed: the instant every read already shows.
			lsn, err := m.apply(&change{op: opNoShow, seq: b.seq, at: m.noShowAt(b, s), from: s})
			if err != errStale {
				return lsn, err == nil, err
			}
		}
	}, func(b *booking) bool { return m.noShowDue(b, b.state(), nowNs) })
}

// noShowDue reports whether b, in state s, is paid for a slot that has
// ended at nowNs: a no-show in everything but name, as overdue is an
// expiry.
func (m *machine) noShowDue(b *booking, s *snapshot, nowNs int64) bool {
	return s.state == Paid && m.noShowAt(b, s) <= nowNs
}

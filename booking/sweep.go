package booking

import (
	"context"
	"math"
	"time"
)

// sweepIntervalMax bounds how long the sweeper sleeps without looking at
// the clock again, so that a clock that jumps (a fake one, or a VM
// resuming) is noticed within it.
const sweepIntervalMax = time.Minute

// ExpireDue expires every hold whose payment deadline is at or before now
// and returns how many it expired. The background sweeper calls it on
// time; tests and callers that run their own scheduler (Options.NoSweeper)
// call it directly. The expiries are stored before it returns.
func (e *Engine) ExpireDue(ctx context.Context, now time.Time) (int, error) {
	if err := e.beginWrite(ctx); err != nil {
		return 0, err
	}
	n, lsn := e.expireDue(ctx, nanos(now))
	return n, e.waitStore(ctx, lsn)
}

// MarkNoShows marks every paid booking whose slot ended at or before now
// without a check-in as NoShow, gives its seats back, and returns how many
// it marked. Like ExpireDue it runs in the background unless
// Options.NoSweeper is set.
func (e *Engine) MarkNoShows(ctx context.Context, now time.Time) (int, error) {
	if err := e.beginWrite(ctx); err != nil {
		return 0, err
	}
	n, lsn := e.markNoShows(ctx, nanos(now))
	return n, e.waitStore(ctx, lsn)
}

// markNoShows marks the no-shows due at nowNs and returns how many, and
// the log sequence number of the last one stored.
func (e *Engine) markNoShows(ctx context.Context, nowNs int64) (int, uint64) {
	n, last := 0, uint64(0)
	for _, b := range e.arrivals.pop(nowNs) {
		for {
			s := b.st.Load()
			// Entries go stale when a booking is checked in, cancelled or
			// rescheduled; only a booking still paid for the slot that
			// ended is a no-show.
			// (A rescheduled booking got an entry for its new slot
			// when it was rescheduled.)
			if s.state != Paid || e.noShowAt(b, s) > nowNs {
				break
			}
			to := s.next(NoShow, nowNs, "")
			if b.st.CompareAndSwap(s, to) {
				last = max(last, e.free(ctx, b, s, to))
				n++
				break
			}
		}
	}
	return n, last
}

// expireDue expires the holds due at nowNs and returns how many, and the
// log sequence number of the last expiry stored.
func (e *Engine) expireDue(ctx context.Context, nowNs int64) (int, uint64) {
	n, last := 0, uint64(0)
	for _, b := range e.holds.pop(nowNs) {
		if e.expire(ctx, b, nowNs) {
			n++
			last = max(last, b.lsn.Load())
		}
	}
	return n, last
}

// expire turns b from Held into Expired if its deadline is at or before
// nowNs, and gives its seats back. It reports whether it did.
func (e *Engine) expire(ctx context.Context, b *booking, nowNs int64) bool {
	for {
		s := b.st.Load()
		if s.state != Held || s.deadline > nowNs {
			return false
		}
		// The expiry happened at the deadline, whenever it is noticed.
		n := s.next(Expired, s.deadline, "payment deadline passed")
		if b.st.CompareAndSwap(s, n) {
			e.free(ctx, b, s, n)
			return true
		}
	}
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

// sweepLoop expires holds and marks no-shows on time. It sleeps until the
// earliest deadline, or until woken by a new one, or sweepIntervalMax.
func (e *Engine) sweepLoop() {
	defer e.swept.Done()
	timer := time.NewTimer(0)
	defer timer.Stop()
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
		now := e.now()
		ctx := context.Background()
		e.expireDue(ctx, nanos(now))
		e.markNoShows(ctx, nanos(now))

		next := min(e.holds.nextAt(), e.arrivals.nextAt())
		nowNs := nanos(e.now())
		wait := sweepIntervalMax
		if next != math.MaxInt64 {
			wait = min(wait, max(time.Duration(next-nowNs), 0))
		}
		// Publish the wake-up instant before sleeping: a deadline added
		// from here on that is earlier wakes the loop.
		e.sweepAt.Store(nowNs + int64(wait))
		timer.Reset(wait)
	}
}

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
	n, lsn := e.m.expireDue(nanos(now))
	return n, e.wait(ctx, lsn)
}

// MarkNoShows marks every paid booking whose slot ended at or before now
// without a check-in as NoShow, gives its seats back, and returns how many
// it marked. Like ExpireDue it runs in the background unless
// Options.NoSweeper is set.
func (e *Engine) MarkNoShows(ctx context.Context, now time.Time) (int, error) {
	if err := e.beginWrite(ctx); err != nil {
		return 0, err
	}
	n, lsn := e.m.markNoShows(nanos(now))
	return n, e.wait(ctx, lsn)
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
		nowNs := nanos(e.now())
		e.m.expireDue(nowNs)
		e.m.markNoShows(nowNs)

		next := min(e.m.holds.nextAt(), e.m.arrivals.nextAt())
		nowNs = nanos(e.now())
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

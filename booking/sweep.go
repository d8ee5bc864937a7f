package booking

import (
	"cmp"
	"context"
	"math"
	"time"
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

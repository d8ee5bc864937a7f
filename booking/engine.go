package booking

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// Engine books arrival slots: holds, payments, reschedules, cancellations,
// check-ins, rejections, expiry and no-shows, over a quota.Ledger.
//
// # Concurrency
//
// An Engine is safe for concurrent use by any number of goroutines. The
// hold path takes no global lock: seats are taken with a lock-free
// compare-and-swap in package quota, lookups are sharded, and the only
// mutex a Hold waits on besides its shards is its own account's, which
// serializes one account's holds so that its hold limit and idempotency
// keys are exact. Every change of one booking is a compare-and-swap of its
// state, so a payment racing an expiry ends with exactly one winner.
// Office registration and operator changes serialize on one mutex of
// their own.
type Engine struct {
	opts   Options
	policy reschedule.Policy
	log    *slog.Logger

	ledger  *quota.Ledger
	offices atomic.Pointer[map[string]*office] // copied on write under adminMu
	adminMu sync.Mutex                         // serializes office registration and operator changes

	slab     slab  // every booking, by sequence number
	codes    codec // sequence number ↔ booking code and billing code
	niks     nikIndex
	accounts *accountIndex
	holds    *deadlineIndex // Held bookings by payment deadline
	arrivals *deadlineIndex // Paid bookings by the end of their slot, for no-shows

	seq    atomic.Uint64            // the last booking sequence number handed out
	total  atomic.Int64             // bookings kept, for BookingsMax
	states [NoShow + 1]atomic.Int64 // bookings per state

	store *store // nil for an in-memory engine

	// loadViolations are the problems a read-only Open found while loading
	// (a writer refuses the file instead), and unrestored the bookings
	// whose seats it could not take back; Check reports the first and
	// leaves the second out of its seat counts.
	loadViolations []Violation
	unrestored     map[*booking]bool

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
	wake      chan struct{} // tells the sweeper a new deadline may be earlier
	sweepAt   atomic.Int64  // when the sweeper next wakes by itself, Unix ns
	stop      chan struct{} // closed by Close to stop the sweeper
	swept     sync.WaitGroup
}

// New returns an in-memory engine: everything is lost when the process
// ends. Use [Open] for a durable one. A nil opts means the defaults.
func New(opts *Options) (*Engine, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	keys, err := newCodeKeys(o.Rand)
	if err != nil {
		return nil, err
	}
	e := newEngine(o, keys)
	e.start()
	return e, nil
}

func newEngine(o Options, keys codeKeys) *Engine {
	e := &Engine{
		opts:     o,
		codes:    newCodec(keys),
		policy:   *o.Policy,
		log:      o.Logger,
		ledger:   quota.NewLedger(),
		accounts: newAccountIndex(),
		holds:    newDeadlineIndex(),
		arrivals: newDeadlineIndex(),
		wake:     make(chan struct{}, 1),
		stop:     make(chan struct{}),
	}
	e.sweepAt.Store(math.MaxInt64) // awake until it first goes to sleep
	return e
}

// start launches the background sweeper unless the options turn it off.
func (e *Engine) start() {
	if e.opts.NoSweeper {
		return
	}
	e.swept.Add(1)
	go e.sweepLoop()
}

// Close stops the sweeper, waits for every accepted change to reach the
// disk and closes the file. Calls made after Close return ErrEngineClosed;
// a call racing with Close either completes or returns ErrEngineClosed,
// and then its change is not on disk. Close is safe to call more than
// once; later calls return the first call's result.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() {
		e.closed.Store(true)
		close(e.stop)
		e.swept.Wait()
		if e.store != nil {
			e.closeErr = e.store.close()
		}
	})
	return e.closeErr
}

// begin checks, at the start of every call, that the engine is open and
// the context alive. A nil context counts as context.Background().
func (e *Engine) begin(ctx context.Context) error {
	if e.closed.Load() {
		return ErrEngineClosed
	}
	if e.store != nil {
		if err := e.store.failed.Load(); err != nil {
			return *err
		}
	}
	if ctx == nil {
		return nil
	}
	return ctx.Err()
}

// beginWrite is begin for calls that change something: they are refused on
// an engine opened read-only.
func (e *Engine) beginWrite(ctx context.Context) error {
	if e.opts.ReadOnly {
		return ErrReadOnly
	}
	return e.begin(ctx)
}

// Policy returns the windows the engine enforces (Options.Policy, or
// reschedule.Default()).
func (e *Engine) Policy() reschedule.Policy { return e.policy }

// now reads the engine's clock, the one place the engine does.
func (e *Engine) now() time.Time { return e.opts.Now() }

// nanos is t.UnixNano clamped to int64, so that the zero time.Time of a
// fake clock is "long ago" rather than a wrapped-around future.
func nanos(t time.Time) int64 {
	const secMax = math.MaxInt64/int64(time.Second) - 1
	switch s := t.Unix(); {
	case s < -secMax:
		return math.MinInt64
	case s > secMax:
		return math.MaxInt64
	}
	return t.UnixNano()
}

// addNanos is ns + d, saturating at the ends of int64 rather than wrapping.
func addNanos(ns int64, d time.Duration) int64 {
	sum := ns + int64(d)
	switch {
	case d > 0 && sum < ns:
		return math.MaxInt64
	case d < 0 && sum > ns:
		return math.MinInt64
	}
	return sum
}

// timeOfNanos is the inverse of nanos; "long ago" is the zero time.
func timeOfNanos(ns int64) time.Time {
	if ns == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// transition does the bookkeeping of a state change that won its
// compare-and-swap: per-state counts and a log line.
func (e *Engine) transition(ctx context.Context, b *booking, from, to *snapshot) {
	if from != nil {
		e.states[from.state].Add(-1)
	}
	e.states[to.state].Add(1)
	if e.log.Enabled(ctx, slog.LevelInfo) {
		// Never the account, a NIK or metadata: only what identifies the
		// booking to an operator.
		e.log.LogAttrs(ctx, slog.LevelInfo, "booking "+to.state.String(),
			slog.String("code", formatCode(b.code)),
			slog.String("office", b.office.code),
			slog.String("date", to.date.String()),
			slog.Int("slot", int(to.slot)),
			slog.Int("seats", b.seats()),
		)
	}
}

// persist hands the booking, in state s (the snapshot its change just
// published), to the store and returns the log sequence number to wait
// for; 0 for an in-memory engine.
func (e *Engine) persist(b *booking, s *snapshot) uint64 {
	if e.store == nil {
		return 0
	}
	lsn := e.store.enqueueBooking(b, s)
	// Keep the highest: a booking changed twice in quick succession must
	// be waited for at its later change.
	for {
		cur := b.lsn.Load()
		if lsn <= cur || b.lsn.CompareAndSwap(cur, lsn) {
			return lsn
		}
	}
}

// settle waits until the change with the given log sequence number is on
// disk, then returns the booking's view. If ctx ends first it returns
// ctx.Err(): the change stays made and reaches the disk shortly after
// (unless the process dies first), so a retry with the same idempotency
// key, or a Get, finds it.
func (e *Engine) settle(ctx context.Context, b *booking, lsn uint64) (Booking, error) {
	if e.store != nil && lsn != 0 {
		if err := e.store.wait(ctx, lsn); err != nil {
			return Booking{}, err
		}
	}
	return b.view(), nil
}

// releaseSeats gives a booking's seats back to the quota. It is called only
// after the change that freed them was handed to the store, so that a seat
// can never be taken by a later booking that reaches the disk before the
// change that freed it. A day that has since left the quota table has no
// counter to return to; its seats are gone with it.
func (e *Engine) releaseSeats(b *booking, s *snapshot) {
	err := e.ledger.Release(b.office.id, s.date, int(s.slot), int(s.pool), b.seats())
	if err != nil && err != quota.ErrOutsideHorizon {
		// Unreachable while the engine's invariants hold; Check reports
		// the resulting imbalance if they do not.
		e.log.Error("releasing seats", "code", formatCode(b.code), "err", err)
	}
}

// persistOffice hands an office's configuration to the store.
func (e *Engine) persistOffice(o *office) uint64 {
	if e.store == nil {
		return 0
	}
	return e.store.enqueueOffice(o)
}

// persistOverride hands an operator change to the store.
func (e *Engine) persistOverride(ov override) uint64 {
	if e.store == nil {
		return 0
	}
	return e.store.enqueueOverride(ov)
}

// waitStore waits until the change with log sequence number lsn is durable.
func (e *Engine) waitStore(ctx context.Context, lsn uint64) error {
	if e.store == nil || lsn == 0 {
		return nil
	}
	return e.store.wait(ctx, lsn)
}

package booking

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/internal/journal"
	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/reschedule"
)

// Engine books arrival slots: holds, payments, reschedules, cancellations,
// check-ins, rejections, expiry and no-shows, over a quota.Ledger.
//
// The Engine is the rules: it checks each request in a documented order,
// asks the policy about windows, and turns the request into a change for
// the state machine underneath (machine.go), which applies it and hands
// it to the journal.
//
// # Concurrency
//
// An Engine is safe for concurrent use by any number of goroutines. The
// hold path takes no global lock: seats are taken with a lock-free
// compare-and-swap in package quota, lookups are sharded, and the only
// mutexes a Hold waits on are its own account's shard, which serializes
// one account's holds so that its hold limit and idempotency keys are
// exact, and for a moment its NIKs' shards. Changes of one booking
// serialize on that booking, so a payment racing an expiry ends with
// exactly one winner. Office registration and operator changes serialize
// on one mutex of their own.
//
// # Callers that never block
//
// A durable engine commits on one writer goroutine. Goroutines of the
// same process that call the engine in a loop without ever blocking —
// refusals and reads return at once, so a load generator or a retry loop
// hammering a sold-out cell never waits — keep the scheduler's processors
// busy, and the writer waits behind them for its turn (Go preempts a
// running goroutine only every 10 ms). Every durable change then waits
// for that too. BenchmarkDurableHoldBesideSpinners measures it on two
// cores: 64 durable callers beside 8 goroutines spinning on refusals hold
// about 440/s with a p99 of 290 ms; when each spinner calls
// runtime.Gosched after every refusal, 103k/s with a p99 of 3.6 ms (medians
// of 5). A
// server is not affected — its handlers block reading the network
// between calls — but an in-process client, a test or a benchmark that
// loops must yield (or block) between calls, as the benchmarks here say
// they do.
type Engine struct {
	opts  Options
	m     *machine
	clock *clock

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error
	wake      chan struct{} // tells the sweeper a new deadline may be earlier
	sweepAt   atomic.Int64  // when the sweeper next wakes by itself, Unix ns
	stop      chan struct{} // closed by Close to stop the sweeper (and the opening draws' waits)
	draws     draws         // the opening draws (draw.go)
	swept     sync.WaitGroup

	// A standby (standby.go) follows another engine's journal and takes
	// no changes until Promote. followMu serializes Follow, Promote and
	// Close; followErr stops a standby that met a record it could not
	// apply.
	standby   atomic.Bool
	active    atomic.Pointer[string] // the active engine's address, for StandbyError
	followMu  sync.Mutex
	followErr error
	followed  atomic.Uint64 // the LSN of the last record followed
}

// New returns an in-memory engine: everything is lost when the process
// ends. Use [Open] for a durable one. A nil opts means the defaults.
func New(opts *Options) (*Engine, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return start(o, &journal.Memory{})
}

// start builds an engine over journal j: it replays what j holds, gives a
// new journal its code keys, and starts the sweeper. On error it closes j.
func start(o Options, j journal.Journal) (*Engine, error) {
	return newEngine(o, j).launch()
}

// launch makes e serve: it replays the journal (boot), records the expiry
// of the holds that lapsed while it was closed (settleOpen) and starts the
// sweeper. On error it closes the journal.
func (e *Engine) launch() (*Engine, error) {
	if err := e.boot(); err != nil {
		e.m.journal.Close()
		return nil, err
	}
	e.settleOpen()
	e.start()
	return e, nil
}

func newEngine(o Options, j journal.Journal) *Engine {
	e := &Engine{
		opts:  o,
		m:     newMachine(&o, j),
		clock: newClock(&o),
		wake:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
	}
	e.m.wake = e.wakeSweeper
	e.sweepAt.Store(math.MaxInt64) // awake until it first goes to sleep
	return e
}

// boot replays the journal and, for a new one, draws and stores the keys
// of the booking and billing codes. It does not wait for the keys to be
// durable: every change that uses them comes after them in the journal,
// and waits for its own record, so a full disk holds up the first change,
// never Open.
func (e *Engine) boot() error {
	if err := e.m.recover(e.m.journal.Replay); err != nil {
		return err
	}
	if e.m.hasCodes() {
		return nil
	}
	keys, err := newCodeKeys(e.opts.Rand)
	if err != nil {
		return err
	}
	_, err = e.m.apply(&change{op: opKeys, keys: keys})
	return err
}

// start launches the background sweeper unless the options turn it off.
func (e *Engine) start() {
	if e.opts.NoSweeper {
		return
	}
	e.swept.Add(1)
	go e.sweepLoop()
}

// Close stops the sweeper, waits for every accepted change to be durable
// and closes the file. Calls made after Close return ErrEngineClosed; a
// call racing with Close either completes or returns ErrEngineClosed,
// and then its change is not on disk. Close is safe to call more than
// once; later calls return the first call's result.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() {
		e.closed.Store(true)
		close(e.stop)
		e.m.feed.close()
		// Not while a standby follows or is promoted: a Promote under way
		// starts its sweeper before this lock is free, so the wait below
		// covers it.
		e.followMu.Lock()
		defer e.followMu.Unlock()
		e.swept.Wait()
		e.closeErr = journalError(e.m.journal.Close())
	})
	return e.closeErr
}

// begin checks, at the start of every call, that the engine is open and
// the context alive. A nil context is refused: a caller that passes one
// has lost its deadline somewhere, and an engine that quietly waited
// without one would hide that.
func (e *Engine) begin(ctx context.Context) error {
	if ctx == nil {
		return ErrNilContext
	}
	if e.closed.Load() {
		return ErrEngineClosed
	}
	return ctx.Err()
}

// beginWrite is begin for calls that change something: they are refused on
// an engine opened read-only, and on a standby. Every call checks in this
// order: a nil context (ErrNilContext), a closed engine (ErrEngineClosed),
// a read-only one (ErrReadOnly), a standby (*StandbyError), an ended
// context (its error).
func (e *Engine) beginWrite(ctx context.Context) error {
	if ctx == nil {
		return ErrNilContext
	}
	if e.closed.Load() {
		return ErrEngineClosed
	}
	if e.opts.ReadOnly {
		return ErrReadOnly
	}
	if e.standby.Load() {
		return e.standbyError()
	}
	return ctx.Err()
}

// wait returns once the change with log sequence number lsn is durable. If
// ctx ends first it returns ctx.Err(): the change stays made and reaches
// the disk shortly after (unless the process dies first), so a retry with
// the same idempotency key, or a Get, finds it.
func (e *Engine) wait(ctx context.Context, lsn uint64) error {
	return journalError(e.m.journal.Wait(ctx, lsn))
}

// settle waits for the change lsn of b, then fills *v with b's view as of
// atNs, the instant of the operation that returns it; *v is left as it was
// when the wait fails. The view is read once the change is durable, so it
// may show a later change too, but it is not read at a later instant:
// reading the clock again cost a hold and its payment two readings more —
// on the real clock, 52 ns each on the benchmarks' VM and a
// compare-and-swap of the clock's last reading, a line the cores share —
// and what a durable wait of milliseconds could add, an expiry or a
// no-show whose instant falls inside it, belongs to the next read, not to
// the operation's answer.
func (e *Engine) settle(ctx context.Context, v *Booking, b *booking, lsn uint64, atNs int64) error {
	if err := e.wait(ctx, lsn); err != nil {
		return err
	}
	e.m.view(v, b, atNs)
	return nil
}

// Policy returns the windows the engine enforces (Options.Policy, or
// reschedule.Default()).
func (e *Engine) Policy() reschedule.Policy { return e.m.policy }

// nowNs reads the engine's clock (see clock), the one place the engine
// does, as Unix ns; now as a time.Time.
func (e *Engine) nowNs() int64   { return e.clock.now() }
func (e *Engine) now() time.Time { return unixns.Time(e.clock.now()) }

package simdisk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"time"

	"github.com/kuota/kuota/internal/journal"
)

// RetriesMax bounds the tries of one batch. journal.Group retries a
// recoverable error until Close; the stand-in, which retries on its
// callers' goroutines, gives up for good after this many tries, which a
// simulation reaches only with a plan that fails nearly every write: 64
// tries wait five minutes of simulated time at journal.RetryDelayMax.
const RetriesMax = 64

// Journal is a journal.Journal over a journal.Log with journal.Group's
// contract — LSNs from the Log's Last()+1, a durable watermark, retries
// of a recoverable error, sticky failure of any other — but synchronous:
// Append queues a record, and the first Wait for a record that is not
// durable writes everything queued, as one batch, on the caller's
// goroutine. The records one call appends before it waits therefore share
// a batch, as they would share a group commit, and nothing happens unless
// a caller makes it happen: a deterministic simulation schedules every
// write.
//
// # Deadlines
//
// Wait reads ctx's deadline as simulated time (see Clock.WithTimeout). If
// ctx has ended when Wait begins, Wait writes nothing and returns
// ctx.Err(), leaving the queue for the next Wait or Close. If ctx ended
// while a write took simulated time (a Slow step), Wait returns ctx.Err()
// though the batch is durable: the caller gave up first, as it can with a
// Group.
//
// # Failures
//
// A write that fails with an error the storage may recover from — ENOSPC,
// EDQUOT or EIO, as journal.Group decides — is tried again, after
// journal.RetryDelayMin, then after twice the wait before, up to
// journal.RetryDelayMax, each wait spent on the clock (none without one).
// Meanwhile Append refuses every new record with the storage's error,
// wrapping journal.ErrFailed, and keeps nothing; a Wait whose deadline
// comes during a wait returns ctx.Err() and leaves the batch for the next
// Wait to try again. Once a try succeeds, Append takes records again.
// Any other error (ErrCrashed, EROFS), or RetriesMax tries of one batch,
// makes the failure sticky: the batch is dropped, and every later Append,
// every Wait for a record not durable, and Close return it.
//
// A Journal is safe for concurrent use: its methods are serialised, a
// write included.
type Journal struct {
	log   journal.Log
	clock *Clock

	mu       sync.Mutex // guards every field below
	queue    []journal.Entry
	retry    []journal.Entry // the batch a recoverable error left, tried again by the next Wait
	tries    int             // of retry
	retryAt  time.Time       // when retry may be tried again, on the clock
	delay    time.Duration   // the wait after retry's next failure
	last     uint64          // the LSN handed out last
	durable  uint64          // every LSN up to this is durable
	failing  error           // retry's latest error, wrapped
	failed   error           // the sticky failure, wrapped
	closed   bool
	closeErr error
	commits  uint64
	records  uint64
	retries  uint64
}

var _ journal.Journal = (*Journal)(nil)

// NewJournal returns a Journal writing to log, numbering from
// log.Last()+1, whose retries wait on clock (nil: they do not wait). It
// owns log from then on: Close closes it.
func NewJournal(log journal.Log, clock *Clock) (*Journal, error) {
	last, err := log.Last()
	if err != nil {
		return nil, err
	}
	return &Journal{log: log, clock: clock, last: last, durable: last}, nil
}

// Append queues rec and returns its LSN; see journal.Journal. It returns
// journal.ErrTooLarge for a record longer than journal.RecordBytesMax,
// the sticky failure, the storage's error while a batch waits to be tried
// again, and journal.ErrClosed after Close. A queue of journal.QueueMax
// records is written first, as a Group's full queue makes its callers
// wait for the writer.
func (j *Journal) Append(rec []byte) (uint64, error) {
	if len(rec) > journal.RecordBytesMax {
		return 0, journal.ErrTooLarge
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.queue) >= journal.QueueMax && j.failed == nil && j.failing == nil && !j.closed {
		_ = j.write(nil)
	}
	switch {
	case j.failed != nil:
		return 0, j.failed
	case j.failing != nil:
		return 0, j.failing
	case j.closed:
		return 0, journal.ErrClosed
	}
	j.last++
	j.queue = append(j.queue, journal.Entry{LSN: j.last, Data: rec})
	return j.last, nil
}

// Wait returns nil once every record up to lsn is durable, writing what
// it must; see the type's documentation for ctx and for failures. lsn 0,
// and an lsn never handed out, return nil once the queue is written.
func (j *Journal) Wait(ctx context.Context, lsn uint64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for {
		switch {
		case lsn <= j.durable:
			return nil
		case j.failed != nil:
			return j.failed
		case j.closed:
			return journal.ErrClosed
		case ctx != nil && ctx.Err() != nil:
			return ctx.Err()
		case j.retry == nil && len(j.queue) == 0:
			return nil // never handed out
		}
		if err := j.write(ctx); err != nil {
			return err
		}
	}
}

// write makes one try: of the batch being retried, after its wait, or
// else of the queue. It returns ctx.Err() if ctx ends during the wait or
// the write, and the sticky failure if the try made one; j.mu is held.
func (j *Journal) write(ctx context.Context) error {
	if j.retry != nil {
		if !j.sleep(ctx) {
			return ctx.Err()
		}
		j.retries++
	} else {
		j.take()
	}
	j.try()
	if ctx != nil && ctx.Err() != nil {
		return ctx.Err() // the write took longer than the caller waited
	}
	return j.failed
}

// take makes the queue the batch to write; j.mu is held.
func (j *Journal) take() {
	j.retry, j.queue, j.tries, j.delay = j.queue, nil, 0, journal.RetryDelayMin
}

// try writes the batch once, and settles what follows: durable, to be
// tried again, or failed for good; j.mu is held.
func (j *Journal) try() {
	batch := j.retry
	err := j.log.Append(batch)
	if err == nil {
		j.durable = batch[len(batch)-1].LSN
		j.retry, j.failing = nil, nil
		j.commits++
		j.records += uint64(len(batch))
		return
	}
	err = fmt.Errorf("%w: %w", journal.ErrFailed, err)
	if j.tries++; !recoverable(err) || j.tries >= RetriesMax {
		j.failed, j.failing, j.retry = err, nil, nil
		return
	}
	j.failing = err
	if j.clock != nil {
		j.retryAt = j.clock.Now().Add(j.delay)
	}
	j.delay = min(2*j.delay, journal.RetryDelayMax)
}

// sleep moves the clock to the instant the batch may be tried again, or
// returns false, having moved it to ctx's deadline, if that comes first.
func (j *Journal) sleep(ctx context.Context) bool {
	if j.clock == nil {
		return true
	}
	if ctx != nil {
		if deadline, ok := ctx.Deadline(); ok && !deadline.After(j.retryAt) {
			j.clock.AdvanceTo(deadline)
			return false
		}
	}
	j.clock.AdvanceTo(j.retryAt)
	return true
}

// recoverable reports whether err is one journal.Group retries: a full
// disk or quota, or an I/O error.
func recoverable(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EIO)
}

// Idle does the work journal.Group's writer does while no caller waits:
// it writes the queue, or tries again the batch a recoverable error left
// once the clock has reached the instant of its next try (without a
// clock, at once). A simulation calls it between calls, as time passes.
// It returns the sticky failure if there is one.
func (j *Journal) Idle() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	switch {
	case j.failed != nil:
		return j.failed
	case j.closed:
		return nil
	case j.retry != nil && j.clock != nil && j.clock.Now().Before(j.retryAt):
		return nil
	case j.retry != nil || len(j.queue) > 0:
		return j.write(nil)
	}
	return nil
}

// Replay calls fn for every record of the Log, in LSN order: Log.Read from
// LSN 1. It returns journal.ErrClosed after Close.
func (j *Journal) Replay(fn func(lsn uint64, rec []byte) error) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return journal.ErrClosed
	}
	return j.log.Read(1, fn)
}

// Stats returns the journal's counters. Durable is true: a Log is
// storage.
func (j *Journal) Stats() journal.Stats {
	j.mu.Lock()
	defer j.mu.Unlock()
	st := journal.Stats{Durable: true, Pending: int(j.last - j.durable), Commits: j.commits, Records: j.records, Retries: j.retries}
	switch {
	case j.failed != nil:
		st.Err = j.failed
	case j.failing != nil:
		st.Failing, st.Err = true, j.failing
	}
	return st
}

// Last returns the LSN handed out last: the simulator's measure of what a
// call appended.
func (j *Journal) Last() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.last
}

// Durable returns the watermark: every LSN up to it was written and
// synced, as far as the Log said.
func (j *Journal) Durable() uint64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.durable
}

// Close writes what is pending — the batch being retried gets one more
// try, the queue one and, after a recoverable error, a last — unless the
// journal failed for good, and closes the Log. A batch still not written
// makes the failure sticky. Close returns the sticky failure if there is
// one, else the Log's Close error; later calls return the first call's
// result.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return j.closeErr
	}
	j.closed = true
	if j.retry == nil && len(j.queue) > 0 && j.failed == nil {
		j.take()
		j.try()
	}
	if j.retry != nil && j.failed == nil {
		j.try() // one more
	}
	if j.retry != nil && j.failed == nil {
		j.failed, j.failing, j.retry = j.failing, nil, nil
	}
	err := j.log.Close()
	if j.failed != nil {
		err = j.failed
	}
	j.closeErr = err
	return err
}

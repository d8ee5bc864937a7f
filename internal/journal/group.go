package journal

import (
	"context"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Limits of a Group's queue: how far appenders may run ahead of the disk.
const (
	// QueueMax is the most records a Group holds that its writer has not
	// taken yet. Callers that wait for each record never queue more than
	// one each, so this is room for 65,536 concurrent callers; only
	// callers that append without waiting, faster than the disk writes,
	// ever reach it.
	QueueMax = 1 << 16
	// QueueBytesMax is the most record bytes a Group holds that its
	// writer has not taken yet, and so the most one batch (one Log.Append,
	// one bbolt transaction) holds.
	QueueBytesMax = 64 << 20
)

// Group is a Journal over a Log with group commit: one writer goroutine
// writes every record queued in one Log.Append, so one sync serves every
// caller that appended in the meantime.
//
// Append queues the record under a mutex held for the append only, and
// returns its LSN without waiting for the disk. The writer takes
// everything queued, hands it to Log.Append, and then publishes the
// highest LSN written, the watermark (see Committed), and wakes every
// Wait. There is no timer: while one batch is being written the next one
// gathers, so batches grow with the load.
//
// Append waits, rather than queue without bound, when QueueMax records or
// QueueBytesMax bytes are queued and the writer has not taken them: the
// storage is that far behind. Nothing else in a Group waits for the disk.
//
// A failed write is retried when the storage may recover from its error
// (see below); any other error of Log.Append is sticky: the Group writes
// nothing after it, and every later Append, every Wait for a record it did
// not write, and Close return it, wrapping ErrFailed.
//
// # A full disk
//
// When Log.Append fails with an error the storage may recover from —
// syscall.ENOSPC (the disk is full), EDQUOT (a quota is) or EIO (a device
// error), matched with errors.Is — the Group keeps the batch and writes it
// again, after 50 ms, then after twice the wait before, up to 5 s between
// tries (RetryDelayMin, RetryDelayMax): 50 ms, 100 ms, 200 ms, … 3.2 s,
// 5 s, 5 s, … for as long as it fails, and no longer than until Close.
// Meanwhile Append refuses every new record with an error that wraps
// ErrFailed and the storage's (and keeps nothing, takes no LSN), every
// Wait keeps waiting (its ctx bounds it), and Stats reports Failing and
// the error. The records appended before the failure stay queued, in
// order. Once a retry succeeds, their Waits return and Append takes
// records again: every record acknowledged by Wait is in the Log, in LSN
// order, with no gap. Close stops the retrying: it tries the batch once
// more, and if that fails too the failure becomes sticky.
//
// Retrying after EIO trusts the storage to report a write it lost: bbolt
// writes every page of the batch again, but a kernel that dropped pages
// after a failed fsync and then reports the next fsync clean would not be
// noticed (as after any fsync failure). A damaged file shows at the next
// open, as ErrCorrupt.
//
// A Group is safe for concurrent use. Replay is for recovery, before the
// first Append: later it would read the Log while the writer writes it,
// which Bolt allows and another Log may not. Close may race Append: an
// Append that returned an LSN is written before Close returns (unless the
// Group fails); one that starts after Close began returns ErrClosed.
type Group struct {
	log    Log
	syncer interface{ SyncTime() time.Duration } // log, when it reports its sync time

	mu          sync.Mutex // guards queue, queuedBytes, last and closing
	room        sync.Cond  // on mu: broadcast when the writer takes the queue, or Close begins
	queue       []Entry
	queuedBytes int
	last        uint64 // the LSN handed out last
	closing     bool
	kick        chan struct{} // tells the writer the queue is not empty, or Close began

	committed atomic.Uint64                 // every LSN up to this is durable
	commitCh  atomic.Pointer[chan struct{}] // closed when the writer finishes a batch
	failed    atomic.Pointer[error]         // the first write error not retried; sticky
	failing   atomic.Pointer[error]         // while the writer retries a batch: its latest error
	stop      chan struct{}                 // closed when Close begins: ends a retry's wait
	done      chan struct{}                 // closed when the writer has stopped

	commits      atomic.Uint64
	records      atomic.Uint64
	retries      atomic.Uint64
	lastCommitNs atomic.Int64
	lastSyncNs   atomic.Int64

	closeOnce sync.Once
	closeErr  error // the result of the first Close

	queueMax, queueBytesMax      int           // QueueMax and QueueBytesMax; smaller in tests; guarded by mu
	retryDelayMin, retryDelayMax time.Duration // RetryDelayMin and RetryDelayMax; shorter in tests; guarded by mu
}

var _ Journal = (*Group)(nil)

// NewGroup returns a Group writing to log, numbering from log.Last()+1,
// and starts its writer. The Group owns log from then on: Close closes
// it. If reading Last fails, NewGroup returns the error and log stays the
// caller's.
func NewGroup(log Log) (*Group, error) {
	last, err := log.Last()
	if err != nil {
		return nil, err
	}
	g := &Group{
		log:           log,
		last:          last,
		kick:          make(chan struct{}, 1),
		stop:          make(chan struct{}),
		done:          make(chan struct{}),
		queueMax:      QueueMax,
		queueBytesMax: QueueBytesMax,
		retryDelayMin: RetryDelayMin,
		retryDelayMax: RetryDelayMax,
	}
	g.syncer, _ = log.(interface{ SyncTime() time.Duration })
	g.room.L = &g.mu
	g.committed.Store(last)
	ch := make(chan struct{})
	g.commitCh.Store(&ch)
	go g.write()
	return g, nil
}

// Append queues rec and returns its LSN; see Journal.Append. It returns
// ErrTooLarge for a record longer than RecordBytesMax, the sticky failure
// once the Group has failed (even after Close), the storage's error
// (wrapping ErrFailed) while the Group retries a write, and ErrClosed
// after Close. It waits only while the queue is full (see QueueMax).
func (g *Group) Append(rec []byte) (uint64, error) {
	if len(rec) > RecordBytesMax {
		return 0, ErrTooLarge
	}
	g.mu.Lock()
	for {
		if err := g.failed.Load(); err != nil {
			g.mu.Unlock()
			return 0, *err
		}
		if err := g.failing.Load(); err != nil {
			g.mu.Unlock()
			return 0, *err
		}
		if g.closing {
			g.mu.Unlock()
			return 0, ErrClosed
		}
		// An empty queue takes any record: one up to RecordBytesMax
		// must never wait for room that cannot come.
		fits := len(g.queue) < g.queueMax && g.queuedBytes+len(rec) <= g.queueBytesMax
		if fits || len(g.queue) == 0 {
			break
		}
		g.room.Wait()
	}
	g.last++
	lsn := g.last
	g.queue = append(g.queue, Entry{LSN: lsn, Data: rec})
	g.queuedBytes += len(rec)
	first := len(g.queue) == 1
	g.mu.Unlock()
	if first {
		g.wake()
	}
	return lsn, nil
}

// wake tells the writer to look at the queue. The channel holds one
// signal: a writer that is busy finds the queue when it comes back.
func (g *Group) wake() {
	select {
	case g.kick <- struct{}{}:
	default:
	}
}

// Wait returns once every record up to lsn is durable; see Journal.Wait.
func (g *Group) Wait(ctx context.Context, lsn uint64) error {
	var done <-chan struct{}
	if ctx != nil {
		done = ctx.Done()
	}
	for {
		if g.committed.Load() >= lsn {
			return nil
		}
		if err := g.failed.Load(); err != nil {
			return *err
		}
		// Load the channel before the second look: the writer moves
		// committed before it closes the channel, so either the look
		// sees the commit or the channel will be closed.
		ch := g.commitCh.Load()
		if g.committed.Load() >= lsn {
			return nil
		}
		select {
		case <-*ch:
		case <-done:
			return ctx.Err()
		case <-g.done:
			if g.committed.Load() >= lsn {
				return nil
			}
			if err := g.failed.Load(); err != nil {
				return *err
			}
			return ErrClosed
		}
	}
}

// Committed returns the watermark: every record up to this LSN is
// durable. It starts at the Log's Last.
func (g *Group) Committed() uint64 { return g.committed.Load() }

// write is the writer goroutine.
func (g *Group) write() {
	defer close(g.done)
	var batch []Entry
	for {
		var ok bool
		if batch, ok = g.take(batch); !ok {
			return
		}
		g.commit(batch)
		clear(batch) // drop the records: the caller's memory, not ours
		next := make(chan struct{})
		close(*g.commitCh.Swap(&next))
	}
}

// take waits for records and returns everything queued, swapping prev's
// memory in as the new queue so that neither is regrown. It returns false
// once the queue is empty and Close has begun.
func (g *Group) take(prev []Entry) ([]Entry, bool) {
	lastBatch := len(prev)
	g.mu.Lock()
	defer g.mu.Unlock()
	for len(g.queue) == 0 {
		if g.closing {
			return nil, false
		}
		g.mu.Unlock()
		<-g.kick
		g.mu.Lock()
	}
	// Callers woken by the last commit come back within microseconds
	// with their next change. While fewer than the last batch are back
	// and yielding brings more, let them run first: this waits for
	// runnable goroutines, not for a clock, and stops after two yields
	// that bring nobody. (Measured on booking's store, where this writer
	// comes from: under 1,024 callers it lifts batches from ~120 to ~160
	// and throughput by half; waiting longer, for a full batch, only
	// added delay.)
	for idle := 0; idle < 2 && len(g.queue) < lastBatch && !g.closing; {
		n := len(g.queue)
		g.mu.Unlock()
		runtime.Gosched()
		g.mu.Lock()
		if len(g.queue) == n {
			idle++
		} else {
			idle = 0
		}
	}
	batch := g.queue
	g.queue, g.queuedBytes = prev[:0], 0
	g.room.Broadcast()
	return batch, true
}

// Replay calls fn for every record of the Log, in LSN order: Log.Read
// from LSN 1. It returns ErrClosed after Close.
func (g *Group) Replay(fn func(lsn uint64, rec []byte) error) error {
	if g.isClosing() {
		return ErrClosed
	}
	return g.log.Read(1, fn)
}

// Backup writes a consistent copy of the Log's storage to w and returns
// the bytes written, if the Log implements
// interface{ Backup(context.Context, io.Writer) (int64, error) } (Bolt
// does: see Bolt.Backup for what it holds and what a slow w costs);
// otherwise it returns ErrNoBackup. ctx goes to the Log's Backup. It
// returns ErrClosed after Close.
func (g *Group) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if g.isClosing() {
		return 0, ErrClosed
	}
	b, ok := g.log.(interface {
		Backup(context.Context, io.Writer) (int64, error)
	})
	if !ok {
		return 0, ErrNoBackup
	}
	return b.Backup(ctx, w)
}

func (g *Group) isClosing() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closing
}

// Stats returns the Group's counters. Durable is true: a Log is storage
// by definition. LastSync is the Log's SyncTime, if it has one, as of the
// latest commit. Failing and Err say whether the Group is retrying a write
// and why, or has failed for good.
func (g *Group) Stats() Stats {
	g.mu.Lock()
	pending := int(g.last - g.committed.Load())
	g.mu.Unlock()
	st := Stats{
		Durable:    true,
		Pending:    pending,
		Commits:    g.commits.Load(),
		Records:    g.records.Load(),
		LastCommit: time.Duration(g.lastCommitNs.Load()),
		LastSync:   time.Duration(g.lastSyncNs.Load()),
		Retries:    g.retries.Load(),
	}
	if err := g.failing.Load(); err != nil {
		st.Failing, st.Err = true, *err
	}
	if err := g.failed.Load(); err != nil {
		st.Failing, st.Err = false, *err
	}
	return st
}

// Close writes what is queued, stops the writer and closes the Log. A
// write being retried is tried once more (see Group). It returns the
// sticky failure if there was one, else the Log's Close error. Later calls wait for the first and return its result.
func (g *Group) Close() error {
	g.closeOnce.Do(func() {
		g.mu.Lock()
		g.closing = true
		g.room.Broadcast()
		g.mu.Unlock()
		close(g.stop)
		g.wake()
		<-g.done
		err := g.log.Close()
		if f := g.failed.Load(); f != nil {
			err = *f
		}
		g.closeErr = err
	})
	return g.closeErr
}

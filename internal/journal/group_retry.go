package journal

import (
	"errors"
	"fmt"
	"syscall"
	"time"
)

// The schedule of a Group's retries of a write that failed with an error
// the storage may recover from; see Group.
const (
	// RetryDelayMin is the wait before the first retry: long enough not
	// to spin on a disk that is full, short enough that a transient error
	// costs callers little.
	RetryDelayMin = 50 * time.Millisecond
	// RetryDelayMax is the longest wait between two retries, which the
	// doubling waits reach after seven: a disk an operator frees is
	// written to within 5 s, and a failed try every 5 s costs bbolt little
	// (it rolls back, and rescans the file's pages to rebuild its free
	// list).
	RetryDelayMax = 5 * time.Second
)

// recoverable reports whether err, of Log.Append, is one the storage may
// recover from, so that the same batch can be written again later: a full
// disk or quota, or an I/O error.
func recoverable(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EIO)
}

// commit writes one batch and publishes it, unless the Group has failed:
// then the batch is dropped, and its waiters get the failure. A
// recoverable error is retried with the schedule of RetryDelayMin and
// RetryDelayMax, and once more when Close begins; any other error, or that
// last one, makes the failure sticky.
func (g *Group) commit(batch []Entry) {
	if g.failed.Load() != nil {
		return
	}
	g.mu.Lock()
	delay, delayMax := g.retryDelayMin, g.retryDelayMax
	g.mu.Unlock()
	final := false
	for {
		start := time.Now()
		err := g.log.Append(batch)
		if err == nil {
			g.failing.Store(nil)
			g.published(batch, time.Since(start))
			return
		}
		err = fmt.Errorf("%w: %w", ErrFailed, err)
		if final || !recoverable(err) {
			g.failed.CompareAndSwap(nil, &err)
			g.failing.Store(nil)
			return
		}
		g.retries.Add(1)
		if g.failing.Swap(&err) == nil {
			// Appends waiting for room in the queue must hear that
			// they will not get it.
			g.mu.Lock()
			g.room.Broadcast()
			g.mu.Unlock()
		}
		if !g.pause(delay) {
			final = true // Close began: one more try
		}
		delay = min(2*delay, delayMax)
	}
}

// pause waits for d, and returns false at once if Close has begun or
// begins meanwhile.
func (g *Group) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-g.stop:
		return false
	}
}

// published counts a batch written in took and moves the watermark.
func (g *Group) published(batch []Entry, took time.Duration) {
	g.lastCommitNs.Store(int64(took))
	if g.syncer != nil {
		g.lastSyncNs.Store(int64(g.syncer.SyncTime()))
	}
	g.commits.Add(1)
	g.records.Add(uint64(len(batch)))
	g.committed.Store(batch[len(batch)-1].LSN)
}

package journal

import (
	"context"
	"sync"
	"sync/atomic"
)

// Memory is a Journal in memory. The zero value is ready to use and keeps
// nothing: Append only hands out the next LSN, and Replay yields nothing.
// That is the journal of an engine that lives in memory, so Append costs
// one uncontended mutex and no allocation.
//
// With Keep set (before the first Append) it keeps every record, and
// Replay yields them: for tests and simulations. It then holds every
// record for its whole life, without a bound; it is not for production.
//
// Nothing is written anywhere, so every record is as durable as it will
// ever be once appended: Wait returns at once. Close only stops Append;
// the kept records stay readable with Replay, so that a test can restart
// an engine from the records the previous one left, as it would reopen a
// file.
//
// A Memory is safe for concurrent use. It must not be copied after first
// use. Without Keep, an Append racing Close may still return an LSN.
type Memory struct {
	// Keep makes the journal keep every record for Replay.
	Keep bool

	// last and closed are atomics so that an engine that keeps nothing
	// shares no lock between its changes: an Append is one atomic add,
	// a Wait two loads.
	last   atomic.Uint64 // the LSN handed out last
	closed atomic.Bool
	mu     sync.Mutex // with Keep, guards recs and orders appends
	recs   [][]byte   // with Keep, the record of LSN i+1 at i
}

var _ Journal = (*Memory)(nil)

// Append returns the next LSN, keeping rec if m.Keep is set. It returns
// ErrTooLarge for a record longer than RecordBytesMax and ErrClosed after
// Close.
func (m *Memory) Append(rec []byte) (uint64, error) {
	if len(rec) > RecordBytesMax {
		return 0, ErrTooLarge
	}
	if !m.Keep {
		if m.closed.Load() {
			return 0, ErrClosed
		}
		return m.last.Add(1), nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed.Load() {
		return 0, ErrClosed
	}
	m.recs = append(m.recs, rec)
	lsn := uint64(len(m.recs))
	m.last.Store(lsn)
	return lsn, nil
}

// Wait returns at once: nil, or ErrClosed for an lsn that was never
// appended to a closed Memory. It does not look at ctx, and it does not
// wait for an lsn not handed out yet (it returns nil): a caller waits only
// for LSNs Append gave it.
func (m *Memory) Wait(ctx context.Context, lsn uint64) error {
	if m.closed.Load() && lsn > m.last.Load() {
		return ErrClosed
	}
	return nil
}

// Replay calls fn for every kept record, in LSN order; without Keep there
// are none. It works after Close too. It yields the records kept when it
// began; fn may call Append, whose records it does not yield.
func (m *Memory) Replay(fn func(lsn uint64, rec []byte) error) error {
	// Records are only ever appended, so the slice taken under the lock
	// stays valid after it, whatever later appends do to m.recs.
	m.mu.Lock()
	recs := m.recs
	m.mu.Unlock()
	for i, rec := range recs {
		if err := fn(uint64(i)+1, rec); err != nil {
			return err
		}
	}
	return nil
}

// Last returns the LSN handed out last, 0 before the first Append.
func (m *Memory) Last() uint64 { return m.last.Load() }

// Stats reports Records, the number of appends; Durable is false, and
// Commits stays 0 because nothing is ever written.
func (m *Memory) Stats() Stats { return Stats{Records: m.last.Load()} }

// Close stops Append. It always returns nil.
func (m *Memory) Close() error {
	m.mu.Lock() // an Append that keeps its record finishes first
	defer m.mu.Unlock()
	m.closed.Store(true)
	return nil
}

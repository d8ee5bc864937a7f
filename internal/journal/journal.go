package journal

import (
	"context"
	"time"
)

// RecordBytesMax is the longest record Append takes. A record is one
// change of a state machine: kuota's largest, a booking of five applicants
// with its history, is under 4 KiB. A record of a mebibyte is a bug in the
// caller, and refusing it at the edge keeps one record from making a
// batch, and the transaction that writes it, unboundedly large.
const RecordBytesMax = 1 << 20

// Journal is what an engine writes its changes to.
//
// Every implementation is safe for concurrent use. Append hands out LSNs
// in the order of the calls, as serialised by the journal: two callers
// that race get consecutive LSNs in either order.
type Journal interface {
	// Append hands rec over and returns its LSN, one more than the last record's.
	// It does not wait for storage. The journal keeps rec: the caller must not change it afterwards.
	// Once the journal has failed or is closed it returns that error (see ErrClosed) and keeps nothing.
	Append(rec []byte) (uint64, error)
	// Wait returns nil once every record up to and including lsn is durable; ctx.Err() if ctx ends first
	// (a nil ctx never ends); the journal's sticky failure; ErrClosed if it was closed before lsn was written.
	// lsn 0 returns nil at once.
	Wait(ctx context.Context, lsn uint64) error
	// Replay calls fn for every record kept, in LSN order. rec is valid only during the call.
	// It is for recovery, before the first Append. An error from fn stops it and is returned.
	Replay(fn func(lsn uint64, rec []byte) error) error
	// Stats returns counters for operators.
	Stats() Stats
	// Close makes everything appended durable, stops, and releases the storage.
	// It is safe to call twice (later calls return the first result).
	Close() error
}

// Stats are a journal's counters, for operators. Commits and Records
// count from the journal's start, not from the storage's.
type Stats struct {
	Durable    bool          // records go to storage that outlives the process
	Pending    int           // records appended and not yet durable
	Commits    uint64        // batches written
	Records    uint64        // records written over all commits
	LastCommit time.Duration // the latest commit, from taking its batch to its being durable
	LastSync   time.Duration // the part of it the storage itself spent writing and syncing (bbolt: tx.Stats().GetWriteTime())

	// Failing is true while the journal retries a write that failed with
	// an error the storage may recover from (a full disk): it refuses new
	// records meanwhile (see Group).
	Failing bool
	// Err is why: while Failing the latest error of the storage; after a
	// sticky failure that failure; nil otherwise.
	Err     error
	Retries uint64 // writes tried again after such an error, from the journal's start
}

// Log is the storage under a Group: records under consecutive LSNs, from
// 1, written in batches. Bolt is one; a second backend (a database table,
// a fault-injecting log in a test) implements the same four methods.
//
// A Group calls Append, Last and Close from one goroutine at a time, and
// Read either before the first Append (Replay) or concurrently with it;
// an implementation must allow the latter or document that it does not.
type Log interface {
	// Last returns the LSN of the last record kept, 0 when there is none.
	Last() (uint64, error)
	// Append writes batch — whose LSNs follow Last() with no gap — all or nothing, and returns once it is durable.
	// It must not keep batch after it returns (the Group reuses it); it may keep the Data slices, which nobody changes.
	Append(batch []Entry) error
	// Read calls fn for every record with LSN >= from, in LSN order; rec is valid only during the call.
	Read(from uint64, fn func(lsn uint64, rec []byte) error) error
	Close() error
}

// Entry is one record of a batch given to Log.Append.
type Entry struct {
	LSN  uint64
	Data []byte
}

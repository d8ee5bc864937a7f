package booking

import (
	"context"
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Bucket names of the bbolt file.
var (
	bucketMeta      = []byte("meta")      // format version, code keys
	bucketOffices   = []byte("offices")   // office code → office record
	bucketOverrides = []byte("overrides") // see overrideKey → override record
	bucketBookings  = []byte("bookings")  // sequence number, 8 bytes big-endian → booking record
)

var (
	metaFormat   = []byte("format")
	metaCodeKeys = []byte("codekeys")
)

// fileFormat is the version of the file layout as a whole.
const fileFormat = 1

// store is the durable log under an engine: a bbolt file written by one
// goroutine in group commits.
//
// A change is handed over with enqueue, which returns its log sequence
// number (LSN) and never blocks for long: it appends to a queue under a
// mutex held for the append only. The writer goroutine takes everything
// queued, writes it in one bbolt transaction, syncs it to disk once, and
// then publishes the highest LSN written; callers wait for their LSN with
// wait. There is no timer: while one batch is being written the next one
// gathers, so batches grow with the load and one fsync serves them all.
//
// A booking is written as it was at the change that queued it (the snapshot
// the change published), never as it is when the writer gets to it: a later
// state may depend on a change of another booking that is still queued
// behind this one (a seat that booking gave up), and must not reach the disk
// first. Two changes of one booking may be queued in either order; the
// writer keeps the newer, so a booking's record never goes back in time.
type store struct {
	db   *bolt.DB
	sync bool

	mu      sync.Mutex // guards queue, lastLSN and closing
	queue   []request
	lastLSN uint64 // the LSN of the latest enqueued change
	closing bool
	kick    chan struct{} // tells the writer the queue is not empty

	committed atomic.Uint64                 // every LSN up to this is on disk
	commitCh  atomic.Pointer[chan struct{}] // closed when committed next moves
	failed    atomic.Pointer[error]         // the first write error; sticky
	done      chan struct{}                 // closed when the writer has stopped

	commits      atomic.Uint64
	changes      atomic.Uint64 // changes written, over all commits
	lastCommitNs atomic.Int64  // duration of the latest commit, write and sync
	lastSyncNs   atomic.Int64  // of which bbolt's writing and syncing to disk

	// beforeCommit, when set (by tests only, before the first change),
	// runs on the writer after it takes a batch and before it writes it.
	beforeCommit func()
}

// request is one change handed to the store.
type request struct {
	lsn   uint64
	b     *booking  // a booking to write, as of
	s     *snapshot // the state its change published; or else:
	key   []byte    // an office or override record,
	value []byte    // nil to delete key
	into  []byte    // the bucket for key
}

func newStore(db *bolt.DB, sync bool) *store {
	s := &store{db: db, sync: sync, kick: make(chan struct{}, 1), done: make(chan struct{})}
	ch := make(chan struct{})
	s.commitCh.Store(&ch)
	go s.write()
	return s
}

// enqueue hands a change to the writer and returns its LSN.
func (s *store) enqueue(r request) uint64 {
	s.mu.Lock()
	s.lastLSN++
	r.lsn = s.lastLSN
	s.queue = append(s.queue, r)
	first := len(s.queue) == 1
	s.mu.Unlock()
	if first {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
	return r.lsn
}

func (s *store) enqueueBooking(b *booking, st *snapshot) uint64 {
	return s.enqueue(request{b: b, s: st})
}

func (s *store) enqueueOffice(o *office) uint64 {
	return s.enqueue(request{into: bucketOffices, key: []byte(o.code), value: encodeOffice(o.cfg.Load(), uint32(o.id))})
}

func (s *store) enqueueOverride(ov override) uint64 {
	r := request{into: bucketOverrides, key: overrideKey(&ov)}
	if !ov.clear {
		r.value = encodeOverride(&ov)
	}
	return s.enqueue(r)
}

// wait returns once the change with LSN lsn is on disk, or ctx ends, or the
// store failed or closed before writing it.
func (s *store) wait(ctx context.Context, lsn uint64) error {
	var done <-chan struct{}
	if ctx != nil {
		done = ctx.Done()
	}
	for {
		if s.committed.Load() >= lsn {
			return nil
		}
		if err := s.failed.Load(); err != nil {
			return *err
		}
		// Load the channel before the second look: the writer moves
		// committed before it closes the channel, so either the look
		// sees the commit or the channel will be closed.
		ch := s.commitCh.Load()
		if s.committed.Load() >= lsn {
			return nil
		}
		select {
		case <-*ch:
		case <-done:
			return ctx.Err()
		case <-s.done:
			if s.committed.Load() >= lsn {
				return nil
			}
			if err := s.failed.Load(); err != nil {
				return *err
			}
			return ErrEngineClosed
		}
	}
}

// write is the writer goroutine.
func (s *store) write() {
	defer close(s.done)
	var batch []request
	var arena []byte // the batch's encoded bookings, reused from batch to batch
	lastBatch := 0
	for {
		s.mu.Lock()
		if len(s.queue) == 0 {
			closing := s.closing
			s.mu.Unlock()
			if closing {
				return
			}
			<-s.kick
			continue
		}
		// Callers woken by the last commit come back within
		// microseconds with their next change. While fewer than the last
		// batch are back and yielding brings more, let them run first:
		// this waits for runnable goroutines, not for a clock, and stops
		// after two yields that bring nobody. (Measured: under 1,024
		// callers it lifts batches from ~120 to ~160 and throughput by
		// half; waiting longer, for a full batch, only added delay.)
		for idle := 0; idle < 2 && len(s.queue) < lastBatch; {
			n := len(s.queue)
			s.mu.Unlock()
			runtime.Gosched()
			s.mu.Lock()
			if len(s.queue) == n {
				idle++
			} else {
				idle = 0
			}
		}
		// Swap in the previous batch's slice, so the queue's memory is
		// reused instead of regrown.
		batch, s.queue = s.queue, batch[:0]
		lastBatch = len(batch)
		last := s.lastLSN
		s.mu.Unlock()

		if s.beforeCommit != nil {
			s.beforeCommit()
		}
		if s.failed.Load() == nil {
			start := time.Now()
			var synced time.Duration
			var err error
			arena, synced, err = s.commit(batch, arena[:0])
			if err != nil {
				err = fmt.Errorf("%w: %w", ErrStorage, err)
				s.failed.CompareAndSwap(nil, &err)
			} else {
				s.commits.Add(1)
				s.changes.Add(uint64(len(batch)))
				s.lastCommitNs.Store(int64(time.Since(start)))
				s.lastSyncNs.Store(int64(synced))
				s.committed.Store(last)
			}
		}
		clear(batch) // drop the booking pointers
		next := make(chan struct{})
		close(*s.commitCh.Swap(&next))
	}
}

// commit writes one batch in one transaction and returns the arena for
// the next, and how long bbolt spent writing the pages to disk and syncing
// them: the part of the commit that is the disk's.
func (s *store) commit(batch []request, arena []byte) ([]byte, time.Duration, error) {
	tx, err := s.db.Begin(true)
	if err != nil {
		return arena, 0, err
	}
	arena, err = writeBatch(tx, batch, arena)
	if err != nil {
		_ = tx.Rollback()
		return arena, 0, err
	}
	if err := tx.Commit(); err != nil { // rolls back on failure
		return arena, 0, err
	}
	st := tx.Stats()
	return arena, st.GetWriteTime(), nil
}

// writeBatch writes one batch in tx, encoding bookings into arena, which
// it returns grown for the next batch. bbolt keeps each value until the
// transaction commits; the values are slices of the arena, and when the
// arena grows the earlier slices keep the old array alive.
func writeBatch(tx *bolt.Tx, batch []request, arena []byte) ([]byte, error) {
	bookings := tx.Bucket(bucketBookings)
	// Keys only grow, so pages can be filled: splitting them half full,
	// bbolt's default, would double the file.
	bookings.FillPercent = 0.9
	var key [8]byte
	for _, r := range batch {
		if r.b == nil {
			bk := tx.Bucket(r.into)
			var err error
			if r.value == nil {
				err = bk.Delete(r.key)
			} else {
				err = bk.Put(r.key, r.value)
			}
			if err != nil {
				return arena, err
			}
			continue
		}
		// The same state, or a newer one, is already written: this
		// change was queued after a later change of the same booking.
		if r.s.depth <= r.b.written {
			continue
		}
		r.b.written = r.s.depth
		start := len(arena)
		arena = appendBooking(arena, r.b, r.s)
		binary.BigEndian.PutUint64(key[:], r.b.seq)
		if err := bookings.Put(key[:], arena[start:len(arena):len(arena)]); err != nil {
			return arena, err
		}
	}
	return arena, nil
}

// pending returns the number of changes waiting for the writer.
func (s *store) pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int(s.lastLSN - s.committed.Load())
}

// close writes what is queued, stops the writer and closes the file.
func (s *store) close() error {
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
	<-s.done
	err := s.db.Close()
	if f := s.failed.Load(); f != nil {
		return *f
	}
	return err
}

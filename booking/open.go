package booking

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"sync"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/kuota/kuota/internal/wire"
	"github.com/kuota/kuota/quota"
)

// Open opens the durable engine in the bbolt file at path, creating the
// file (mode 0600) if it does not exist. A nil opts means the defaults.
//
// Everything the engine knows is in the file: offices, their layouts,
// release rules, holidays and closures, operator changes, and every
// booking with its history and idempotency key. Open restores all of it;
// nothing needs registering again. It then expires the holds whose deadline
// passed while the file was closed, and checks every invariant (see
// [Engine.Check]), refusing a file that breaks one with [ErrInconsistent]
// (except with Options.ReadOnly, where the caller runs Check).
//
// Open refuses an existing file that group or others may write
// ([ErrFilePermissions]) and gives up with [ErrLocked] when another
// process holds the file for longer than Options.LockTimeout.
//
// With Options.Durability Sync (the default) every change is on disk before
// the call that made it returns; see the package documentation for what a
// caller whose context ends while waiting can rely on.
func Open(path string, opts *Options) (*Engine, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path); err == nil {
		if fi.Mode().Perm()&0o022 != 0 {
			return nil, fmt.Errorf("%w: %s is %v", ErrFilePermissions, path, fi.Mode().Perm())
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if o.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, err // a reader never creates the file
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:  o.LockTimeout,
		ReadOnly: o.ReadOnly,
		NoSync:   o.Durability == NoSync,
		// The free list is rebuilt on open instead of written at every
		// commit: commits are the hot path, opens are rare.
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s (waited %v)", ErrLocked, path, o.LockTimeout)
	}
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrVersionMismatch) || errors.Is(err, bolterrors.ErrChecksum) {
		return nil, fmt.Errorf("%w: %s is not a bbolt file, or a damaged one: %w", ErrCorrupt, path, err)
	}
	if err != nil {
		return nil, err
	}
	e, err := openEngine(db, o)
	if err != nil {
		db.Close()
		return nil, err
	}
	return e, nil
}

// openEngine builds an engine on an open file: it reads everything back,
// starts the writer, expires lapsed holds and checks the invariants.
func openEngine(db *bolt.DB, o Options) (*Engine, error) {
	keys, err := prepareFile(db, o.ReadOnly, o.Rand)
	if err != nil {
		return nil, err
	}
	e := newEngine(o, keys)
	if err := db.View(e.load); err != nil {
		return nil, err
	}
	if o.ReadOnly {
		// Nothing is written: expiries and no-shows happen in memory
		// only, and the file is closed at once, releasing its lock. A
		// reader inspects rather than serves, so it runs Check itself if
		// it wants to: the kuota command lists every violation this way.
		e.expireDue(context.Background(), nanos(e.now()))
		e.markNoShows(context.Background(), nanos(e.now()))
		if err := db.Close(); err != nil {
			return nil, err
		}
		return e, nil
	}
	e.store = newStore(db, o.Durability == Sync)
	ctx := context.Background()
	if _, lsn := e.expireDue(ctx, nanos(e.now())); lsn != 0 {
		if err := e.store.wait(ctx, lsn); err != nil {
			e.store.close()
			return nil, err
		}
	}
	if v := e.Check(); len(v) > 0 {
		e.store.close()
		return nil, fmt.Errorf("%w: %v (and %d more; run Check for the list)", ErrInconsistent, v[0], len(v)-1)
	}
	e.start()
	return e, nil
}

// prepareFile creates the buckets of a new file, checks the format of an
// existing one, and returns its code keys. Read-only, it only checks.
func prepareFile(db *bolt.DB, readOnly bool, src io.Reader) (codeKeys, error) {
	var keys codeKeys
	run := db.Update
	if readOnly {
		run = db.View
	}
	err := run(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil {
			// A bbolt file with buckets, none of them kuota's, belongs
			// to another program: leave it untouched.
			foreign := false
			tx.ForEach(func([]byte, *bolt.Bucket) error { foreign = true; return nil })
			if foreign {
				return fmt.Errorf("%w: not a kuota file (it holds other buckets)", wire.ErrCorrupt)
			}
		}
		for _, name := range [][]byte{bucketMeta, bucketOffices, bucketOverrides, bucketBookings} {
			if tx.Bucket(name) != nil {
				continue
			}
			if readOnly {
				return fmt.Errorf("%w: not a kuota file (no %s bucket)", wire.ErrCorrupt, name)
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(metaFormat); {
		case v == nil:
			if err := meta.Put(metaFormat, []byte{fileFormat}); err != nil {
				return err
			}
		case !bytes.Equal(v, []byte{fileFormat}):
			return fmt.Errorf("%w: file format %v, this version of kuota reads %d", wire.ErrCorrupt, v, fileFormat)
		}
		stored := meta.Get(metaCodeKeys)
		switch {
		case stored == nil:
			var err error
			if keys, err = newCodeKeys(src); err != nil {
				return err
			}
			return meta.Put(metaCodeKeys, append(keys.booking[:], keys.billing[:]...))
		case len(stored) != 32:
			return fmt.Errorf("%w: code keys of %d bytes", wire.ErrCorrupt, len(stored))
		}
		copy(keys.booking[:], stored[:16])
		copy(keys.billing[:], stored[16:])
		return nil
	})
	return keys, err
}

// load reads offices, operator changes and bookings back into e, which
// has no store yet, so nothing is written while loading.
func (e *Engine) load(tx *bolt.Tx) error {
	if err := e.loadOffices(tx); err != nil {
		return err
	}
	if err := e.loadOverrides(tx); err != nil {
		return err
	}
	return e.loadBookings(tx)
}

func (e *Engine) loadOffices(tx *bolt.Tx) error {
	type stored struct {
		cfg   OfficeConfig
		order uint32
	}
	var list []stored
	err := tx.Bucket(bucketOffices).ForEach(func(k, v []byte) error {
		cfg, order, err := decodeOffice(v)
		if err != nil {
			return fmt.Errorf("office %q: %w", k, err)
		}
		if cfg.Code != string(k) {
			return fmt.Errorf("%w: office %q stored under %q", wire.ErrCorrupt, cfg.Code, k)
		}
		list = append(list, stored{cfg, order})
		return nil
	})
	if err != nil {
		return err
	}
	// Register in the original order, so offices get the same quota IDs.
	slices.SortFunc(list, func(a, b stored) int { return int(a.order) - int(b.order) })
	for _, s := range list {
		if _, err := e.registerLocked(s.cfg); err != nil {
			return fmt.Errorf("office %s: %w", s.cfg.Code, err)
		}
	}
	return nil
}

// loadOverrides reapplies the operator's changes. One for a day that has
// since left the office's window no longer applies and is skipped; the
// next change of that office's window does not bring it back.
func (e *Engine) loadOverrides(tx *bolt.Tx) error {
	return tx.Bucket(bucketOverrides).ForEach(func(k, v []byte) error {
		ov, err := decodeOverride(k, v)
		if err != nil {
			return err
		}
		o := e.lookupOffice(ov.office)
		if o == nil {
			return fmt.Errorf("%w: operator change for unknown office %q", wire.ErrCorrupt, ov.office)
		}
		switch ov.kind {
		case overrideDayClosed:
			err = e.ledger.CloseDay(o.id, ov.date, ov.reason)
		case overrideSlotClosed:
			err = e.ledger.CloseSlot(o.id, ov.date, ov.slot, ov.reason)
		case overrideCapacity:
			err = e.ledger.SetCapacity(o.id, ov.date, ov.slot, ov.pool, ov.seats)
		case overrideRelease:
			err = e.ledger.SetReleaseAt(o.id, ov.date, timeOfNanos(ov.at))
		}
		if err != nil && !errors.Is(err, quota.ErrOutsideHorizon) {
			return fmt.Errorf("%w: operator change of %s on %s: %w", wire.ErrCorrupt, ov.office, ov.date, err)
		}
		return nil
	})
}

// loadBookings rebuilds every booking and index, in order of sequence
// number, and takes each live booking's seats again. Records are decoded
// on every core, in chunks; one goroutine restores the chunks in order,
// because the order decides each NIK's latest booking and each account's
// chain.
func (e *Engine) loadBookings(tx *bolt.Tx) error {
	c := tx.Bucket(bucketBookings).Cursor()
	last, _ := c.Last()
	if len(last) == 8 {
		e.presize(int(min(binary.BigEndian.Uint64(last), uint64(e.opts.BookingsMax))))
	}

	type chunk struct {
		seqs []uint64
		vals [][]byte // slices of bbolt's memory map, valid while tx is open
		out  []*booking
		err  error
		done chan struct{}
	}
	const chunkLen = 4096
	work := make(chan *chunk)
	ordered := make(chan *chunk, 2*runtime.GOMAXPROCS(0))
	var decoders sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		decoders.Go(func() {
			for ch := range work {
				ch.out = make([]*booking, len(ch.seqs))
				for i, seq := range ch.seqs {
					if ch.out[i], ch.err = e.decodeBooking(seq, ch.vals[i]); ch.err != nil {
						ch.err = fmt.Errorf("booking %d: %w", seq, ch.err)
						break
					}
				}
				close(ch.done)
			}
		})
	}
	// The cursor belongs to one goroutine: this producer.
	stop := make(chan struct{})
	var produced error
	go func() {
		defer close(ordered)
		defer close(work)
		ch := &chunk{done: make(chan struct{})}
		flush := func() bool {
			select {
			case ordered <- ch:
			case <-stop:
				return false
			}
			work <- ch
			ch = &chunk{done: make(chan struct{})}
			return true
		}
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(k) != 8 {
				produced = fmt.Errorf("%w: booking key of %d bytes", wire.ErrCorrupt, len(k))
				return
			}
			ch.seqs, ch.vals = append(ch.seqs, binary.BigEndian.Uint64(k)), append(ch.vals, v)
			if len(ch.seqs) == chunkLen && !flush() {
				return
			}
		}
		if len(ch.seqs) > 0 {
			flush()
		}
	}()
	nowNs := nanos(e.now())
	var err error
	for ch := range ordered {
		<-ch.done
		if err == nil {
			err = ch.err
		}
		for i := 0; err == nil && i < len(ch.out); i++ {
			if err = e.restore(ch.out[i], nowNs); err != nil {
				err = fmt.Errorf("booking %s: %w", formatCode(ch.out[i].code), err)
			}
		}
		if err != nil {
			close(stop) // the producer stops; drain what is in flight
			for ch := range ordered {
				<-ch.done
			}
			break
		}
	}
	decoders.Wait()
	if err != nil {
		return err
	}
	return produced
}

// presize gives the account and NIK maps room for n bookings, so that a
// reopen does not grow them step by step.
func (e *Engine) presize(n int) {
	per := n/shardCount + n/shardCount/8 + 1
	for i := range e.accounts.shards {
		e.accounts.shards[i].latest = make(map[string]*booking, per)
	}
	for i := range e.niks.shards {
		e.niks.shards[i].m = make(map[NIK]nikEntry, per)
	}
}

// plural writes "1 seat" or "3 seats".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func doNotFit(n int) string {
	if n == 1 {
		return "does not fit"
	}
	return "do not fit"
}

// restore files a decoded booking everywhere a new one is filed.
func (e *Engine) restore(b *booking, nowNs int64) error {
	if int64(b.seq) > int64(e.opts.BookingsMax) {
		return fmt.Errorf("%w: the file holds more than BookingsMax (%d)", ErrTooManyBookings, e.opts.BookingsMax)
	}
	s := b.st.Load()
	if s.state.takesSeats() {
		err := e.ledger.Restore(b.office.id, s.date, int(s.slot), int(s.pool), b.seats())
		switch {
		case err == nil:
		case errors.Is(err, quota.ErrOutsideHorizon) && s.date.Before(b.office.cfg.Load().Quota.First):
			// A day that has left the window took its counters along.
		case e.opts.ReadOnly:
			// A reader reports rather than refuses: the booking is
			// loaded without its seats, and Check lists the problem.
			if e.unrestored == nil {
				e.unrestored = map[*booking]bool{}
			}
			e.unrestored[b] = true
			e.loadViolations = append(e.loadViolations, Violation{Code: formatCode(b.code),
				Problem: fmt.Sprintf("its %s %s %s slot %d pool %d: %v", plural(b.seats(), "seat"), doNotFit(b.seats()), s.date, s.slot, s.pool, err)})
		default:
			return fmt.Errorf("%w: %s %s %s slot %d pool %d: %w", ErrInconsistent, plural(b.seats(), "seat"), doNotFit(b.seats()), s.date, s.slot, s.pool, err)
		}
	}
	for _, a := range b.applicants {
		sh := e.niks.shard(a.NIK)
		if sh.m == nil {
			sh.m = make(map[NIK]nikEntry)
		}
		en := sh.m[a.NIK]
		if p := en.latest; p != nil && e.nikStatus(p, nowNs) == nikReached {
			en.reapplyFrom = max(en.reapplyFrom, e.reapplyFrom(p))
		}
		en.latest = b
		sh.m[a.NIK] = en
	}
	e.accounts.shard(b.account).add(b)
	switch s.state {
	case Held:
		e.holds.add(s.deadline, b)
	case Paid:
		e.arrivals.add(e.noShowAt(b, s), b)
	}
	e.slab.put(b)
	e.seq.Store(max(e.seq.Load(), b.seq))
	e.total.Add(1)
	e.states[s.state].Add(1)
	return nil
}

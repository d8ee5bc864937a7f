package booking

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/btree"
)

// deadlineIndex orders bookings by an instant: holds by their payment
// deadline, paid bookings by the end of their slot. It is split into
// shards with their own locks so that concurrent holds do not queue on one
// tree, each core filing in a shard of its own (coreHint), so that the
// shard's lock and tail stay in that core's cache: chosen by instant, the
// shards' lines crossed between two cores at every hold (Hold+Pay 1.09×
// once apart, bench/README.md). Each shard publishes its earliest instant
// in an atomic, updated in the same critical section as its contents, so
// "is anything due?" is a few atomic loads and never misses an entry.
//
// Each shard keeps entries two ways. Hold deadlines are the time of the
// hold plus a fixed TTL, so they nearly always arrive in order: they are
// appended to a tail in pop's order (by instant, then booking number), a
// fraction of the cost of a tree insert in a heap of millions of bookings
// (deadlineTail).
// Entries that arrive out of that order go to a btree.BTreeG of buckets,
// one per instant, found through a map: slot ends come in any order but
// are shared by every paid booking of the slot, so a payment appends to
// its slot's bucket and only the first one of a slot touches the tree. The
// earliest entry is the smaller of the two heads.
//
// Entries are not removed when a booking moves on (paid before its
// deadline, rescheduled to another slot): the sweep that pops an entry
// checks the booking's current state, and stale entries simply lapse. This
// keeps removal off the pay path.
//
// Entries name bookings by sequence number, so the index holds no pointer
// for the collector to trace; the sweep finds each booking in the slab,
// and skips one archived since.
//
// A popped entry stays visible until its sweep has recorded it: pop files
// what it takes as a flight before it leaves the shard, and due reports
// a flight's entries until land. Without that, a reader asking "is
// anything due?" while another goroutine's sweep was between pop and
// release heard "no" and showed the lapsed hold's seats as taken (a
// browser test caught a day panel one seat short after a lapse). Such a
// reader pops what is left in chunks and records it, then waits for the
// other flights to land (see machine.sweep). It does not record another
// flight's entries itself: that would copy a flight for every reader,
// and tie a reader to a booking it never asked about.
type deadlineIndex struct {
	// mins holds each shard's earliest instant, math.MaxInt64 when it is
	// empty, written under the shard's mu; flyMin the earliest in flights,
	// math.MaxInt64 when none, written under flyMu. They are side by side,
	// apart from the shards, so that due — asked by every read and every
	// refusal of a full cell — reads three cache lines, not seventeen;
	// they change when a shard's earliest entry does, not at each add.
	mins   [deadlineShards]atomic.Int64
	flyMin atomic.Int64
	_      [64 - 8]byte // the shards keep to lines of their own (deadlineShard)

	shards [deadlineShards]deadlineShard

	flyMu   sync.Mutex
	flights []*flight    // popped and not yet landed; guarded by flyMu
	gaveUp  atomic.Int64 // awaits that ended at flightWaitMax, for tests
}

// flight is what one pop took from the index, until its sweep lands it.
type flight struct {
	items []deadlineItem // written by pop under the index's flyMu, then only read
	min   int64          // the earliest instant of items; guarded by flyMu
	done  chan struct{}  // closed by land
}

// flightWaitMax bounds how long a sweep waits for the flights of others
// (await). A flight lands within a chunk's records — microseconds each —
// unless the journal itself is stuck (a full queue before a storage that
// does not answer); then a reader answers with the seats as recorded
// rather than wait with it.
const flightWaitMax = time.Second

// deadlineShards is small: every check of the index visits every shard.
const deadlineShards = 16

type deadlineShard struct {
	mu      sync.Mutex                // guards the fields below, and the shard's deadlineIndex.mins
	tail    deadlineTail              // in pop's order
	buckets map[int64]*deadlineBucket // instant → bucket, for those in tree
	tree    *btree.BTreeG[*deadlineBucket]
	// Two cache lines a shard, the last 72 bytes padding: wherever the
	// index's shards start (8 bytes into a line in the engine, after the
	// allocator's header), no line holds the fields of two shards
	// (TestShardsKeepApart). In one line, only the 8 bytes after tree
	// would keep them apart, from one offset to the next.
	pad [72]byte
}

type deadlineItem struct {
	at  int64 // Unix ns
	seq uint64
}

// deadlineBucket holds the bookings filed under one instant.
type deadlineBucket struct {
	at       int64
	bookings []uint64 // sequence numbers, ascending when sorted
	sorted   bool     // set by pop's sort, cleared by add
}

func bucketLess(a, b *deadlineBucket) bool { return a.at < b.at }

func newDeadlineIndex() *deadlineIndex {
	x := &deadlineIndex{}
	for i := range x.shards {
		s := &x.shards[i]
		s.buckets = map[int64]*deadlineBucket{}
		s.tree = btree.NewG(32, bucketLess)
		x.mins[i].Store(math.MaxInt64)
	}
	x.flyMin.Store(math.MaxInt64)
	return x
}

// add files booking seq under instant at, in the calling core's shard
// (coreHint): any shard may hold any entry, and one core's holds arrive
// in the order of their deadlines, so its shard's tail stays in order.
func (x *deadlineIndex) add(at int64, seq uint64) { x.addIn(coreHint()%deadlineShards, at, seq) }

// addIn files booking seq under instant at in shard i.
func (x *deadlineIndex) addIn(i uint32, at int64, seq uint64) {
	s := &x.shards[i]
	s.mu.Lock()
	it := deadlineItem{at: at, seq: seq}
	if s.tail.empty() || !it.before(s.tail.last()) {
		s.tail.push(it) // the tail stays in pop's order
	} else if bk := s.buckets[at]; bk != nil {
		bk.bookings, bk.sorted = append(bk.bookings, seq), false
	} else {
		bk = &deadlineBucket{at: at, bookings: []uint64{seq}}
		s.buckets[at] = bk
		s.tree.ReplaceOrInsert(bk)
	}
	if at < x.mins[i].Load() {
		x.mins[i].Store(at)
	}
	s.mu.Unlock()
}

// due reports whether some entry is due at now, in the index or in a
// flight. The shards are read before the flights and pop files a flight
// before it lowers a shard's minimum, so an entry on its way from one to
// the other is seen in at least one.
func (x *deadlineIndex) due(now int64) bool {
	for i := range x.mins {
		if x.mins[i].Load() <= now {
			return true
		}
	}
	return x.flyMin.Load() <= now
}

// nextAt returns the earliest instant in the index, or math.MaxInt64.
func (x *deadlineIndex) nextAt() int64 {
	next := int64(math.MaxInt64)
	for i := range x.mins {
		next = min(next, x.mins[i].Load())
	}
	return next
}

// sweepChunk bounds the entries one pop takes: a sweep records a large
// batch of deadlines (every hold of an opening lapsing at once) a chunk
// at a time, so that the callers that arrive meanwhile share the work
// and wait for at most a chunk of another's.
const sweepChunk = 256

// pop removes up to limit entries due at now and returns them, with their
// instants, as a flight that due still reports until the caller lands it;
// nil when nothing was due. It takes them in pop's order — by instant,
// then by booking number — from every shard at once, so which entries a
// pop takes, and in what order, depends on what the index holds and not
// on which shard holds each: add files by core, and a sweep still records
// its expiries in one order however they were filed (the simulation
// replays a seed byte for byte). It holds the locks of the shards with a
// due entry while it takes a chunk: an add waits for at most that.
func (x *deadlineIndex) pop(now int64, limit int) *flight {
	var due [deadlineShards]int // the shards with an entry due, locked, ascending
	var heads [deadlineShards]deadlineHead
	n := 0
	for i := range x.shards {
		if x.mins[i].Load() <= now {
			x.shards[i].mu.Lock()
			due[n], heads[n] = i, x.shards[i].first(now)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	var out []deadlineItem
	for len(out) < limit {
		best := -1
		for k := range n {
			if heads[k].ok && (best < 0 || heads[k].item.before(heads[best].item)) {
				best = k
			}
		}
		if best < 0 {
			break
		}
		s := &x.shards[due[best]]
		out = append(out, heads[best].item)
		s.take(heads[best])
		heads[best] = s.first(now)
	}
	var f *flight
	if len(out) > 0 {
		f = x.fly(nil, out) // before the shards' minimums rise: see due
	}
	for _, i := range due[:n] {
		s := &x.shards[i]
		x.mins[i].Store(s.earliest())
		s.mu.Unlock()
	}
	return f
}

// before reports whether it comes before o in pop's order: by instant,
// then by booking number.
func (it deadlineItem) before(o deadlineItem) bool {
	return it.at < o.at || it.at == o.at && it.seq < o.seq
}

// deadlineHead is a shard's first entry due, in pop's order, and where it
// lies: the tail's head, or the first booking of the tree's first bucket.
type deadlineHead struct {
	item deadlineItem
	ok   bool            // there is one
	bk   *deadlineBucket // its bucket; nil when it is the tail's head
}

// first returns the shard's first entry due at now; the caller holds mu.
// The tail is in pop's order (add); a bucket is sorted here, once after
// each add to it.
func (s *deadlineShard) first(now int64) deadlineHead {
	var h deadlineHead
	if !s.tail.empty() && s.tail.first().at <= now {
		h = deadlineHead{item: s.tail.first(), ok: true}
	}
	if bk, ok := s.tree.Min(); ok && bk.at <= now {
		if !bk.sorted {
			slices.Sort(bk.bookings)
			bk.sorted = true
		}
		if it := (deadlineItem{at: bk.at, seq: bk.bookings[0]}); !h.ok || it.before(h.item) {
			h = deadlineHead{item: it, ok: true, bk: bk}
		}
	}
	return h
}

// take removes h, which first returned, from the shard; the caller holds
// mu.
func (s *deadlineShard) take(h deadlineHead) {
	bk := h.bk
	if bk == nil {
		s.tail.take()
		return
	}
	if bk.bookings = bk.bookings[1:]; len(bk.bookings) == 0 {
		s.tree.DeleteMin() // bk is the tree's first
		delete(s.buckets, bk.at)
	}
}

// fly adds items to flight f (a new flight when f is nil) and returns it.
// The caller may hold a shard's lock, and the items leave the shard after.
func (x *deadlineIndex) fly(f *flight, items []deadlineItem) *flight {
	x.flyMu.Lock()
	defer x.flyMu.Unlock()
	if f == nil {
		f = &flight{min: math.MaxInt64, done: make(chan struct{})}
		x.flights = append(x.flights, f)
	}
	f.items = append(f.items, items...)
	for _, it := range items {
		f.min = min(f.min, it.at)
	}
	if f.min < x.flyMin.Load() {
		x.flyMin.Store(f.min)
	}
	return f
}

// land ends flight f: its sweep has recorded every entry, or filed it
// again. A nil f is no flight.
func (x *deadlineIndex) land(f *flight) {
	if f == nil {
		return
	}
	x.flyMu.Lock()
	defer x.flyMu.Unlock()
	x.flights = slices.DeleteFunc(x.flights, func(g *flight) bool { return g == f })
	m := int64(math.MaxInt64)
	for _, g := range x.flights {
		m = min(m, g.min)
	}
	x.flyMin.Store(m)
	close(f.done)
}

// await waits until no flight holds an entry due at now that pending
// says is still to be recorded and matters to the caller, or until
// flightWaitMax has passed: for the seats that other sweeps are giving
// back. It reports whether it saw them all land.
func (x *deadlineIndex) await(now int64, pending func(seq uint64) bool) bool {
	if x.flyMin.Load() > now {
		return true
	}
	var timeout <-chan time.Time
	for {
		next := x.flightOf(now, pending)
		if next == nil {
			return true
		}
		if timeout == nil {
			t := time.NewTimer(flightWaitMax)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-next.done:
		case <-timeout:
			x.gaveUp.Add(1)
			return false
		}
	}
}

// flightOf returns a flight holding an entry due at now for which pending
// is true, or nil. pending is asked outside flyMu: a flight's items are
// only ever appended to, so the slice read under the lock stays valid.
func (x *deadlineIndex) flightOf(now int64, pending func(seq uint64) bool) *flight {
	type seen struct {
		f     *flight
		items []deadlineItem
	}
	var due []seen
	x.flyMu.Lock()
	for _, g := range x.flights {
		if g.min <= now {
			due = append(due, seen{g, g.items})
		}
	}
	x.flyMu.Unlock()
	for _, d := range due {
		for _, it := range d.items {
			if it.at <= now && pending(it.seq) {
				return d.f
			}
		}
	}
	return nil
}

// earliest returns the earliest instant of the shard; the caller holds mu.
func (s *deadlineShard) earliest() int64 {
	e := int64(math.MaxInt64)
	if !s.tail.empty() {
		e = s.tail.first().at
	}
	if bk, ok := s.tree.Min(); ok {
		e = min(e, bk.at)
	}
	return e
}

// len returns the number of entries, stale ones included.
func (x *deadlineIndex) len() int {
	n := 0
	for i := range x.shards {
		s := &x.shards[i]
		s.mu.Lock()
		n += s.tail.len()
		for _, bk := range s.buckets {
			n += len(bk.bookings)
		}
		s.mu.Unlock()
	}
	return n
}

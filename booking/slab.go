package booking

import (
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// slab holds every booking at the index of its sequence number. Booking and
// billing codes decode to that number (see codes.go), so finding a booking
// by either code is arithmetic and two atomic loads, with no map: the
// engine keeps millions of bookings, and a map of millions costs a cache
// miss and periodic growth on every insert, and 30–40 bytes a booking.
//
// A booking is a record in a page, not an object of its own, and holds no
// pointer: its strings, applicants and history are in the page's arena,
// and its office is a number. So the collector, which would otherwise
// trace millions of bookings at every cycle of a rush, sees a page as one
// object with two pointers (its machine and its arena's segment list) and
// its segments, which have none (see booking).
type slab struct {
	m   *machine                // whose offices the bookings' numbers name
	mu  sync.Mutex              // serializes growth of dir
	dir atomic.Pointer[[]*page] // copied on write when a page is added
}

// pageBits sizes a page at 4,096 bookings (288 KiB of records):
// big enough that growth is rare, small enough that an idle engine wastes
// little and that an archived page goes soon.
const pageBits = 12

const pageSize = 1 << pageBits

// slotOf returns the slot of a page that holds the booking numbered seq.
// Consecutive numbers are spread 512 slots apart, so that the bookings
// two cores are making at once are not in one cache line: each core's
// writes would take the line from the other (a tenth of Hold+Pay's
// throughput, measured with records padded to two lines each).
func slotOf(seq uint64) int {
	i := int(seq & (pageSize - 1))
	return i&7<<(pageBits-3) | i>>3
}

// page holds the bookings of pageSize consecutive sequence numbers, by
// value, the arena of what they keep, and how many of them are still kept:
// once every booking of a page has been archived (see retention.go) the
// page itself goes. A booking found before it goes stays readable as it
// was: its reader keeps the whole page alive.
type page struct {
	// slots comes first: a booking finds its page by stepping back from
	// its own address (booking.page).
	slots [pageSize]booking
	kept  atomic.Int32
	arena arena
	m     *machine
}

// newPage returns an empty page of m's bookings, its first OS page
// written (see writeFirst).
func newPage(m *machine) *page {
	pg := &page{m: m}
	writeFirst(unsafe.Pointer(pg))
	return pg
}

// get returns the booking with sequence number seq, or nil: nil until it
// is filed (put), and once it is removed.
func (s *slab) get(seq uint64) *booking {
	dir := s.dir.Load()
	if dir == nil || seq>>pageBits >= uint64(len(*dir)) {
		return nil
	}
	pg := (*dir)[seq>>pageBits]
	if pg == nil {
		return nil // every booking of it archived
	}
	b := &pg.slots[slotOf(seq)]
	if b.st.Load()&filedBit == 0 {
		return nil
	}
	return b
}

// reserve returns the empty record of sequence number seq, for the making
// of its booking, which ends with put or, if it fails, with unreserve.
// The page keeps it from then on: a page with a booking being made does
// not go.
func (s *slab) reserve(seq uint64) *booking {
	c := seq >> pageBits
	dir := s.dir.Load()
	if dir == nil || c >= uint64(len(*dir)) || (*dir)[c] == nil {
		dir = s.grow(c)
	}
	pg := (*dir)[c]
	pg.kept.Add(1)
	if seq&(pageSize-1) == pageSize*3/4 && c == uint64(len(*dir))-1 {
		// Numbers are handed out in order: the page after the last will
		// be wanted soon. Its 288 KiB are allocated now, by a goroutine
		// of its own, not later by a hold that holds the locks of its
		// account and NIKs meanwhile (and may have to help the
		// collector, in proportion to what it allocates): that moved the
		// national rush's p99 hold latency from 1.0 to 1.5 ms. (An
		// arena segment allocated ahead the same way made no difference
		// measurable, and left one unused in most pages.)
		go s.grow(c + 1)
	}
	b := &pg.slots[slotOf(seq)]
	b.seq = seq
	return b
}

// unreserve gives back the record reserve returned, its booking not made.
// Its number stays used; what it wrote into the arena stays there unread.
func (s *slab) unreserve(b *booking) {
	s.let(b.seq>>pageBits, b.page())
}

// put files b, reserved and written: from now on get finds it.
func (s *slab) put(b *booking) {
	b.st.Or(filedBit)
}

// remove drops the booking with sequence number seq, and its page once
// the page keeps none and later numbers are handed out from another.
func (s *slab) remove(seq uint64) {
	c := seq >> pageBits
	dir := s.dir.Load()
	if dir == nil || c >= uint64(len(*dir)) || (*dir)[c] == nil {
		return
	}
	pg := (*dir)[c]
	b := &pg.slots[slotOf(seq)]
	if b.st.And(^uint32(filedBit))&filedBit == 0 {
		return
	}
	s.let(c, pg)
}

// let lets go of one booking of page pg, number c, and of the page once it
// keeps none and later numbers are handed out from another.
func (s *slab) let(c uint64, pg *page) {
	if pg.kept.Add(-1) > 0 || c == uint64(len(*s.dir.Load()))-1 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := *s.dir.Load()
	if cur[c] != pg || pg.kept.Load() != 0 {
		return // refilled meanwhile (only replay puts old numbers)
	}
	next := slices.Clone(cur)
	next[c] = nil
	s.dir.Store(&next)
}

// grow adds pages up to and including page c.
func (s *slab) grow(c uint64) *[]*page {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur []*page
	if dir := s.dir.Load(); dir != nil {
		if c < uint64(len(*dir)) && (*dir)[c] != nil {
			return dir // another goroutine grew it
		}
		cur = *dir
	}
	if c < uint64(len(cur)) {
		// A page dropped by remove, wanted again: only a replay files
		// an old number, and only before it archives its booking.
		next := slices.Clone(cur)
		next[c] = newPage(s.m)
		s.dir.Store(&next)
		return &next
	}
	// Only page c: numbers are handed out in order, so the pages
	// between hold nothing yet (replay fills them as it meets them).
	next := make([]*page, c+1)
	copy(next, cur)
	next[c] = newPage(s.m)
	s.dir.Store(&next)
	return &next
}

// all calls fn for every booking, in order of sequence number.
func (s *slab) all(fn func(*booking)) {
	dir := s.dir.Load()
	if dir == nil {
		return
	}
	for _, pg := range *dir {
		if pg == nil {
			continue
		}
		for i := range pg.slots {
			if b := &pg.slots[i]; b.st.Load()&filedBit != 0 {
				fn(b)
			}
		}
	}
}

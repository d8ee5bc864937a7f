package booking

import (
	"sync"
	"sync/atomic"
)

// slab holds every booking at the index of its sequence number. Booking and
// billing codes decode to that number (see codes.go), so finding a booking
// by either code is arithmetic and two atomic loads, with no map: the
// engine keeps millions of bookings, and a map of millions costs a cache
// miss and periodic growth on every insert, and 30–40 bytes a booking.
type slab struct {
	mu  sync.Mutex                   // serializes growth of dir
	dir atomic.Pointer[[]*slabChunk] // copied on write when a chunk is added
}

// slabChunkBits sizes a chunk at 16,384 bookings (128 KiB of pointers): big
// enough that growth is rare, small enough that an idle engine wastes
// little.
const slabChunkBits = 14

type slabChunk [1 << slabChunkBits]atomic.Pointer[booking]

// get returns the booking with sequence number seq, or nil.
func (s *slab) get(seq uint64) *booking {
	dir := s.dir.Load()
	if dir == nil || seq>>slabChunkBits >= uint64(len(*dir)) {
		return nil
	}
	return (*dir)[seq>>slabChunkBits][seq&(1<<slabChunkBits-1)].Load()
}

// put files b under b.seq.
func (s *slab) put(b *booking) {
	c := b.seq >> slabChunkBits
	dir := s.dir.Load()
	if dir == nil || c >= uint64(len(*dir)) {
		dir = s.grow(c)
	}
	(*dir)[c][b.seq&(1<<slabChunkBits-1)].Store(b)
}

// grow adds chunks up to and including chunk c.
func (s *slab) grow(c uint64) *[]*slabChunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur []*slabChunk
	if dir := s.dir.Load(); dir != nil {
		if c < uint64(len(*dir)) {
			return dir // another goroutine grew it
		}
		cur = *dir
	}
	next := make([]*slabChunk, c+1)
	copy(next, cur)
	for i := len(cur); i < len(next); i++ {
		next[i] = new(slabChunk)
	}
	s.dir.Store(&next)
	return &next
}

// all calls fn for every booking, in order of sequence number.
func (s *slab) all(fn func(*booking)) {
	dir := s.dir.Load()
	if dir == nil {
		return
	}
	for _, chunk := range *dir {
		for i := range chunk {
			if b := chunk[i].Load(); b != nil {
				fn(b)
			}
		}
	}
}

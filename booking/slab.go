package booking

import (
	"slices"
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

// slabChunk holds the bookings of 2^slabChunkBits consecutive sequence
// numbers, and how many of them are still kept: once every booking of a
// chunk has been archived (see retention.go) the chunk itself goes.
type slabChunk struct {
	slots [1 << slabChunkBits]atomic.Pointer[booking]
	kept  atomic.Int32
}

// get returns the booking with sequence number seq, or nil.
func (s *slab) get(seq uint64) *booking {
	dir := s.dir.Load()
	if dir == nil || seq>>slabChunkBits >= uint64(len(*dir)) {
		return nil
	}
	chunk := (*dir)[seq>>slabChunkBits]
	if chunk == nil {
		return nil // every booking of it archived
	}
	return chunk.slots[seq&(1<<slabChunkBits-1)].Load()
}

// put files b under b.seq.
func (s *slab) put(b *booking) {
	c := b.seq >> slabChunkBits
	dir := s.dir.Load()
	if dir == nil || c >= uint64(len(*dir)) || (*dir)[c] == nil {
		dir = s.grow(c)
	}
	chunk := (*dir)[c]
	chunk.kept.Add(1)
	chunk.slots[b.seq&(1<<slabChunkBits-1)].Store(b)
}

// remove drops the booking with sequence number seq, and its chunk once
// the chunk keeps none and later numbers are handed out from another.
func (s *slab) remove(seq uint64) {
	c := seq >> slabChunkBits
	dir := s.dir.Load()
	if dir == nil || c >= uint64(len(*dir)) || (*dir)[c] == nil {
		return
	}
	chunk := (*dir)[c]
	if chunk.slots[seq&(1<<slabChunkBits-1)].Swap(nil) == nil {
		return
	}
	if chunk.kept.Add(-1) > 0 || c == uint64(len(*dir))-1 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := *s.dir.Load()
	if cur[c] != chunk || chunk.kept.Load() != 0 {
		return // refilled meanwhile (only replay puts old numbers)
	}
	next := slices.Clone(cur)
	next[c] = nil
	s.dir.Store(&next)
}

// grow adds chunks up to and including chunk c.
func (s *slab) grow(c uint64) *[]*slabChunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur []*slabChunk
	if dir := s.dir.Load(); dir != nil {
		if c < uint64(len(*dir)) && (*dir)[c] != nil {
			return dir // another goroutine grew it
		}
		cur = *dir
	}
	if c < uint64(len(cur)) {
		// A chunk dropped by remove, wanted again: only a replay files
		// an old number, and only before it archives its booking.
		next := slices.Clone(cur)
		next[c] = new(slabChunk)
		s.dir.Store(&next)
		return &next
	}
	// Only chunk c: numbers are handed out in order, so the chunks
	// between hold nothing yet (replay fills them as it meets them).
	next := make([]*slabChunk, c+1)
	copy(next, cur)
	next[c] = new(slabChunk)
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
		if chunk == nil {
			continue
		}
		for i := range chunk.slots {
			if b := chunk.slots[i].Load(); b != nil {
				fn(b)
			}
		}
	}
}

package booking

import (
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// An arena holds what a page of bookings keeps that is not a fixed-size
// field: account IDs, idempotency keys, applicants, history notes and
// every state of every booking's history (see page). It is segments of
// bytes, which the collector allocates as objects without pointers and
// never scans; what is written into an arena is never written again, and
// lives until its page goes, with every booking of it.
//
// Space is handed out by bumping an offset with a compare-and-swap, so the
// holds of two cores filling one page do not take a lock; adding a segment
// does.
type arena struct {
	mu   sync.Mutex                 // serializes adding a segment
	segs atomic.Pointer[[]*segment] // copied on write when a segment is added
	// next is where the next allocation goes: the segment's index in the
	// high 32 bits, the offset in it in the low.
	next atomic.Uint64
}

// segmentBytes sizes a segment at 64 KiB: a page of bookings fills a few,
// and a ref addresses a byte of any of 65,536 of them (4 GiB, far beyond
// what a page of pageSize bookings can write: see arenaBytesMax).
const segmentBytes = 64 << 10

type segment [segmentBytes]byte

// arenaBytesMax is the most one allocation may ask for: the largest thing
// an arena holds is what a booking keeps from its hold (booking.write):
// its first state, account, key and fingerprint, applicants (a NIK and
// a metadata length each), family card and metadata, each part aligned.
const arenaBytesMax = snapshotBytes + AccountBytesMax + 8 + IdempotencyKeyBytesMax + ApplicantsMax*(8+2) + 8 + MetadataBytesMax + 2*7

// ref names a place in an arena: a segment's index in the high 16 bits,
// the offset in it in the low 16. Offsets are multiples of 8, and the
// first 8 bytes of the first segment are never handed out, so that the
// zero ref names nothing.
type ref uint32

// alloc returns n bytes of a, zeroed, and their ref; n may not exceed
// arenaBytesMax. Whoever allocates them writes them before publishing
// their ref, and never after.
func (a *arena) alloc(n int) (ref, []byte) {
	if n < 0 || n > arenaBytesMax {
		panic(fmt.Sprintf("booking: arena allocation of %d bytes", n)) // every caller is bounded by a named limit
	}
	size := uint64(align8(n))
	for {
		cur := a.next.Load()
		segs := a.segments()
		si, off := cur>>32, cur&(1<<32-1)
		if si == 0 && off == 0 {
			off = 8 // ref 0 names nothing
		}
		switch {
		case si >= uint64(len(segs)):
			a.grow(len(segs)) // segment si is being added, or there is none yet
			continue
		case off+size > segmentBytes:
			a.grow(int(si) + 1) // segment si is full
			continue
		}
		if !a.next.CompareAndSwap(cur, si<<32|(off+size)) {
			continue // another allocation moved next
		}
		r := ref(si<<16 | off)
		return r, a.bytes(r, n)
	}
}

// grow adds segment number want, unless another allocation added it
// already. It points next at the new segment's start before it publishes
// the segment, so that nobody allocates in the segment before next names
// its start: a later store would hand the same bytes out twice. (The first
// segment starts where next already is, at 0.)
func (a *arena) grow(want int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	segs := a.segments()
	if len(segs) > want {
		return
	}
	if len(segs) >= 1<<16 {
		panic("booking: a page's arena is full") // see segmentBytes: unreachable within the named limits
	}
	a.next.Store(uint64(len(segs)) << 32)
	next := append(segs[:len(segs):len(segs)], new(segment))
	a.segs.Store(&next)
}

func (a *arena) segments() []*segment {
	if p := a.segs.Load(); p != nil {
		return *p
	}
	return nil
}

// bytes returns the n bytes at r.
func (a *arena) bytes(r ref, n int) []byte {
	if n == 0 {
		return nil
	}
	seg := a.segments()[r>>16]
	off := int(r & (1<<16 - 1))
	return seg[off : off+n : off+n]
}

// str returns the n bytes at r as a string that shares them: they never
// change.
func (a *arena) str(r ref, n int) string {
	if n == 0 {
		return ""
	}
	b := a.bytes(r, n)
	return unsafe.String(&b[0], n)
}

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
// does. Each core bumps its own offset, in a chunk of its own (a lane): one
// offset shared by every core was a cache line both wrote at every
// allocation, and the bookings two cores made at once had their bytes side
// by side, in lines both wrote too (bench/README.md). Chunks are cut from
// the shared offset, once in arenaChunkBytes; an allocation too large for
// a chunk is cut from it directly.
type arena struct {
	mu   sync.Mutex                 // serializes adding a segment
	segs atomic.Pointer[[]*segment] // copied on write when a segment is added
	// next is where the next chunk goes: the segment's index in the
	// high 32 bits, the offset in it in the low.
	next  atomic.Uint64
	_     [64 - 24]byte // the lanes keep to lines of their own
	lanes [arenaLanes]arenaLane
}

// arenaLane is one core's chunk: the segment's index in the high 16 bits,
// the offset of its next allocation in the 24 below, the chunk's end in
// the low 24; 0 before its first chunk.
type arenaLane struct {
	at atomic.Uint64
	_  [56]byte
}

// arenaLanes is how many cores have a chunk of their own in an arena
// (coreHint; beyond it, cores share one), and arenaChunkBytes a chunk's
// size: a core's allocations take a chunk from the shared offset once in
// 20 holds, and at a page's end each lane leaves at most a chunk unused
// (a few bytes a booking).
const (
	arenaLanes      = 8
	arenaChunkBytes = 4 << 10
)

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

// allocIn returns n bytes of a, zeroed, and their ref, from lane i (the
// calling core's: a change's core % arenaLanes); n may not exceed
// arenaBytesMax. Whoever allocates them writes them before publishing
// their ref, and never after.
func (a *arena) allocIn(i uint32, n int) (ref, []byte) {
	if n < 0 || n > arenaBytesMax {
		panic(fmt.Sprintf("booking: arena allocation of %d bytes", n)) // every caller is bounded by a named limit
	}
	size := uint64(align8(n))
	if size > arenaChunkBytes/4 {
		r := a.cut(size, 8)
		return r, a.bytes(r, n)
	}
	l := &a.lanes[i]
	for {
		cur := l.at.Load()
		si, off, end := cur>>48, cur>>24&(1<<24-1), cur&(1<<24-1)
		if cur == 0 || off+size > end {
			// A new chunk, aligned to a cache line; the rest of the
			// old one stays unused. Whoever else of the lane took one
			// meanwhile keeps theirs, and this one is lost.
			r := a.cut(arenaChunkBytes, 64)
			si, off = uint64(r>>16), uint64(r&(1<<16-1))
			l.at.CompareAndSwap(cur, si<<48|off<<24|(off+arenaChunkBytes))
			continue
		}
		if l.at.CompareAndSwap(cur, si<<48|(off+size)<<24|end) {
			r := ref(si<<16 | off)
			return r, a.bytes(r, n)
		}
	}
}

// cut returns the ref of size bytes from the shared offset, starting at a
// multiple of align (8 or 64), within one segment.
func (a *arena) cut(size, align uint64) ref {
	for {
		cur := a.next.Load()
		segs := a.segments()
		si, off := cur>>32, cur&(1<<32-1)
		if si == 0 && off == 0 {
			off = 8 // ref 0 names nothing
		}
		off = (off + align - 1) &^ (align - 1)
		switch {
		case si >= uint64(len(segs)):
			a.grow(len(segs)) // segment si is being added, or there is none yet
			continue
		case off+size > segmentBytes:
			a.grow(int(si) + 1) // segment si is full
			continue
		}
		if a.next.CompareAndSwap(cur, si<<32|(off+size)) {
			return ref(si<<16 | off)
		}
	}
}

// grow adds segment number want, unless another allocation added it
// already. It points next at the new segment's start before it publishes
// the segment, so that nobody cuts from the segment before next names
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

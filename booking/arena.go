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
// Space is handed out by bumping an offset. Each core bumps its own, in a
// chunk of its own (a lane), under a lock only it takes, mostly: one
// offset shared by every core was a cache line both wrote at every
// allocation, and the bookings two cores made at once had their bytes side
// by side, in lines both wrote too (bench/README.md). Chunks are cut from
// the shared offset with a compare-and-swap, once in arenaChunkBytes; an
// allocation too large for a chunk is cut from it directly; adding a
// segment takes a lock.
type arena struct {
	mu   sync.Mutex                 // serializes adding a segment
	segs atomic.Pointer[[]*segment] // copied on write when a segment is added
	// next is where the next chunk goes: the segment's index in the
	// high 32 bits, the offset in it in the low.
	next  atomic.Uint64
	_     [64 - 24]byte // the lanes keep to lines of their own
	lanes [arenaLanes]arenaLane
}

// arenaLane is one core's chunk: its segment's index, and the offsets of
// its next allocation and of its end, in that segment; end 0 before its
// first chunk. A lock, not a compare-and-swap on one word: a goroutine
// that needed a new chunk could wait in between (for the segment's lock,
// or to help the collector) while another of its core took one too, and
// one of the two chunks was lost — 9% of the national rush's arenas.
// Two cache lines a lane, 108 bytes of them padding: wherever the arena
// starts (a page holds it at no particular offset), no line holds the
// fields of two lanes.
type arenaLane struct {
	mu            sync.Mutex
	seg, off, end uint32
	pad           [128 - 8 - 12]byte
}

// arenaLanes is how many cores have a chunk of their own in an arena
// (coreHint; beyond it, cores share one), and arenaChunkBytes a chunk's
// size: a core takes a chunk from the shared offset once in some forty
// holds (about 100 bytes each), leaves less than an allocation unused at
// a chunk's end, and at a page's end at most a chunk (a byte a booking).
const (
	arenaLanes      = 8
	arenaChunkBytes = 4 << 10
)

// segmentBytes sizes a segment at 16 KiB: a page of bookings fills a
// dozen or more, and leaves half a segment unused at its end on average
// (2 bytes a booking; 8 with segments of 64 KiB, and at the national rush,
// whose pages' bookings filled four segments of 64 KiB to the brim, the
// few bytes a lane leaves at a chunk's end added a fifth: 16 bytes a
// booking). A ref addresses a byte of any of 65,536 of them (1 GiB, far
// beyond what a page of pageSize bookings can write: see arenaBytesMax).
const segmentBytes = 16 << 10

// A segment holds the largest allocation: this fails to compile if
// arenaBytesMax ever outgrows it.
const _ = uint(segmentBytes - 8 - arenaBytesMax)

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
		r, _ := a.cut(size, size, 8)
		return r, a.bytes(r, n)
	}
	l := &a.lanes[i]
	l.mu.Lock()
	if l.end-l.off < uint32(size) {
		// A new chunk, from a cache line of its own; the rest of the
		// old one stays unused.
		r, got := a.cut(arenaChunkBytes, size, 64)
		l.seg, l.off = uint32(r>>16), uint32(r&(1<<16-1))
		l.end = l.off + uint32(got)
	}
	r := ref(l.seg<<16 | l.off)
	l.off += uint32(size)
	l.mu.Unlock()
	return r, a.bytes(r, n)
}

// cut returns the ref of want bytes from the shared offset, starting at a
// multiple of align (8 or 64), within one segment, and how many it cut:
// want, or what is left of the segment if that is less but at least need.
// A chunk takes a segment's last bytes rather than leave them: cut whole,
// chunks left most of a chunk unused at each segment's end, and at the
// national rush a page's bookings spilled into one more segment than
// without lanes (16 bytes a booking more).
func (a *arena) cut(want, need, align uint64) (ref, uint64) {
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
		case off+need > segmentBytes:
			a.grow(int(si) + 1) // segment si is full
			continue
		}
		got := min(want, segmentBytes-off)
		if a.next.CompareAndSwap(cur, si<<32|(off+got)) {
			return ref(si<<16 | off), got
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
	seg := new(segment)
	writeFirst(unsafe.Pointer(seg))
	next := append(segs[:len(segs):len(segs)], seg)
	a.segs.Store(&next)
}

func (a *arena) segments() []*segment {
	if p := a.segs.Load(); p != nil {
		return *p
	}
	return nil
}

// writeFirst writes the first word of memory just allocated, at p, before
// anything reads it. Go checks a pointer for nil by loading from the byte
// it points at, and on memory new to the process that read maps the
// kernel's zero page there; the first write after it copies the page and
// flushes the TLB of every CPU running the process, an interrupt to each.
// An arena's segments, a deadline tail's blocks and the slab's pages were
// each read first so (2% of Hold+Pay at -cpu 2, bench/README.md). The
// store is atomic so that the compiler, which knows new memory is zero,
// keeps it.
func writeFirst(p unsafe.Pointer) { atomic.StoreUint64((*uint64)(p), 0) }

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

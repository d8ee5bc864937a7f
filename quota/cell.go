package quota

import "sync/atomic"

// A cell is the seat counter of one pool of one slot of one day. Its state
// is one 64-bit word so that a single compare-and-swap changes the seats
// left, the capacity and the flags together; there is no moment at which
// another goroutine can see a capacity change without the matching change
// in seats left.
//
//	bits  0–31  seats left
//	bits 32–61  capacity (CellSeatsMax fits in 30 bits)
//	bit  62     slot closed by an operator
//	bit  63     frozen: the table is being replaced; reload it and retry
//
// Seats taken is capacity − left and is never stored, so it cannot drift.
type cell struct {
	w atomic.Uint64
}

const (
	leftMask  = 1<<32 - 1
	capShift  = 32
	capMask   = (1<<30 - 1) << capShift
	closedBit = 1 << 62
	frozenBit = 1 << 63
	flagsMask = closedBit | frozenBit
)

func pack(capacity, left int64, flags uint64) uint64 {
	return uint64(capacity)<<capShift | uint64(left) | flags
}

func unpack(w uint64) (capacity, left int64) {
	return int64((w & capMask) >> capShift), int64(w & leftMask)
}

// outcome is what a compare-and-swap loop on a cell ended with.
type outcome uint8

const (
	done     outcome = iota
	short            // reserve: fewer seats left than asked for; see refusal
	closed           // reserve: slot closed
	over             // release: would exceed capacity
	frozen           // table being replaced: reload and retry
	crossing         // the change would cross zero seats left: make it with dayCounters.swap
)

// reserve takes n seats if at least n are left and the slot is open. When
// too few are left it returns short with the word it read, so that the
// caller tells ErrNoQuota from ErrFull by the capacity in that same word
// ([refusal]), not by a second load a concurrent change could have moved.
// When exactly n are left it returns crossing with the word it read and
// takes nothing: taking the last seats moves the day's counters, which
// the caller does with the seats ([dayCounters.swap]). Leaving that to the
// caller keeps reserve small enough to inline.
func (c *cell) reserve(n int64) (outcome, uint64) {
	for {
		w := c.w.Load()
		if w&flagsMask != 0 {
			if w&frozenBit != 0 {
				return frozen, w
			}
			return closed, w
		}
		if left := int64(w & leftMask); left <= n {
			if left < n {
				return short, w
			}
			return crossing, w
		}
		if c.w.CompareAndSwap(w, w-uint64(n)) {
			return done, w
		}
	}
}

// release gives back n seats unless that would leave more than capacity.
// A closed slot still takes seats back: closing must never strand them.
// To a cell with no seat left it gives nothing and returns crossing with
// the word it read, as reserve does for the last seats. Done comes with no
// word: keeping the word live across the compare-and-swap spilled it to
// the stack inside the loop, and that cost the hot cell a tenth
// (BenchmarkReserveRelease/hot-cell, 28 → 31 ns).
func (c *cell) release(n int64) (outcome, uint64) {
	for {
		w := c.w.Load()
		if w&frozenBit != 0 {
			return frozen, w
		}
		capacity, left := unpack(w)
		if left+n > capacity {
			return over, w
		}
		if left == 0 {
			return crossing, w
		}
		if c.w.CompareAndSwap(w, w+uint64(n)) {
			return done, 0
		}
	}
}

// load returns capacity, seats left and whether the slot is closed.
func (c *cell) load() (capacity, left int64, isClosed bool) {
	w := c.w.Load()
	capacity, left = unpack(w)
	return capacity, left, w&closedBit != 0
}

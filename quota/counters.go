package quota

import "sync/atomic"

// dayCounters keep, for one day's cells, the figures a month view needs, so
// that it reads a few words per day instead of every cell:
//
//	seats    byte p: cells of pool p, in open slots, with a seat left
//	offered  byte p: cells of pool p, in open slots, with capacity > 0
//	open     slots not closed by an operator
//
// A byte per pool holds a count up to SlotsPerDayMax (64), and
// PoolsPerSlotMax (8) bytes fill the word, so one load answers one pool
// (its byte) or all of them (the word ≠ 0). The counts are of cells, not
// seats: they move only when a cell crosses zero seats left (a Reserve or
// Restore that takes the last seat, a Release that gives back the first)
// or when an operator changes a cell (a capacity, a slot closed or
// opened), so the usual Reserve and Release touch no counter.
//
// A count changes in a second atomic operation after its cell, and a
// reader must never act on the one without the other: between the two, a
// view would show a day full while its cell has a seat, or the reverse.
// So a change that moves a count is announced in crossing first, like a
// sequence lock that writers never wait on:
//
//	crossing  bits  0–31  writers between announcing a change and publishing it
//	          bits 32–63  changes published (a generation, wrapping)
//
// A writer adds 1, changes its cell, adds its delta to the counts, and adds
// crossingDone (generation + 1, writers − 1). A reader loads crossing, the
// counts, and crossing again ([dayCounters.read]): if no writer was
// between the two and both loads agree, no change was under way at any
// instant between them, so the counts it read are those of the cells at
// one instant. Otherwise it looks again, or counts the cells itself.
//
// While changes are under way the counts may be off in either direction:
// a Reserve's decrement may land before the increment of the Release that
// gave the seat back, and a byte at zero then borrows from the next. Words
// add modulo 2^64, so once every writer has published the counts are
// exact again, and no reader trusts them before.
//
// Tables built for the same layout share a day's cells, and with them its
// counters (see newTable): whichever table a writer found, the counts it
// moves are those of the cells it changed.
type dayCounters struct {
	crossing atomic.Uint64
	seats    atomic.Uint64
	offered  atomic.Uint64
	open     atomic.Uint64
}

const (
	// crossingWritersMask selects the writers under way: 32 bits, more
	// than the goroutines a process can hold.
	crossingWritersMask = 1<<32 - 1
	// crossingDone publishes a change: generation + 1, writers − 1, in
	// one addition.
	crossingDone = 1<<32 - 1
	// crossingReadsMax bounds the looks a view takes for a moment when no
	// change is under way on a day before it reads the day's cells
	// instead. A change is three atomic operations, a few nanoseconds, so
	// a second look nearly always finds one; when none does — a writer
	// preempted between announcing and publishing, a day crossing zero
	// without pause — the cells answer, and a view never waits on a
	// writer.
	crossingReadsMax = 4
)

// A count must fit its byte, and the bytes of every pool one word: a limit
// raised past either stops the build here.
const (
	_ = uint8(SlotsPerDayMax)
	_ = uint(64 - 8*PoolsPerSlotMax)
)

// poolUnit is 1 in pool's byte of a counts word.
func poolUnit(pool int) uint64 { return 1 << (8 * uint(pool)) }

// hasSeat and offers are the predicates the counts count, of one cell word:
// a cell in a closed slot counts for nothing, as in a view.
func hasSeat(w uint64) bool { return w&closedBit == 0 && w&leftMask != 0 }
func offers(w uint64) bool  { return w&closedBit == 0 && w&capMask != 0 }

// delta returns what changing a cell of pool from old to next adds to a
// counts word under predicate has: ±poolUnit(pool) or 0, in uint64
// arithmetic, whose wrap-around makes −unit a subtraction.
func delta(has func(uint64) bool, old, next uint64, pool int) uint64 {
	switch a, b := has(old), has(next); {
	case a == b:
		return 0
	case b:
		return poolUnit(pool)
	}
	return -poolUnit(pool)
}

// swap changes c from old to next by compare-and-swap, for Reserve,
// Release and Restore; when the change crosses zero seats left in an open
// slot it is announced, and the seats count moved, around the swap. It
// reports whether the swap was made. (Those callers never change the
// capacity or the closed bit: only operators do, in [changeCells].)
func (k *dayCounters) swap(c *cell, pool int, old, next uint64) bool {
	d := delta(hasSeat, old, next, pool)
	if d == 0 {
		return c.w.CompareAndSwap(old, next)
	}
	k.crossing.Add(1)
	ok := c.w.CompareAndSwap(old, next)
	if ok {
		k.seats.Add(d)
	}
	// Published whether or not the swap was made: a failed one changed
	// nothing, and a reader that sees the generation move only looks
	// again.
	k.crossing.Add(crossingDone)
	return ok
}

// store stores next into cells, the frozen cells of one slot from pool
// pool0 on, for an operator's change, moving the counts to match. It
// unfreezes them, next having no frozen bit. The caller holds the Ledger's
// mutex and has frozen the cells, so their words are old and nothing else
// changes them.
func (k *dayCounters) store(cells []cell, pool0 int, old, next []uint64) {
	var dSeats, dOffered, dOpen uint64
	for i := range cells {
		dSeats += delta(hasSeat, old[i], next[i], pool0+i)
		dOffered += delta(offers, old[i], next[i], pool0+i)
	}
	// Every pool of a slot carries its closed bit, so any cell says
	// whether the slot closes or opens.
	dOpen = delta(func(w uint64) bool { return w&closedBit == 0 }, old[0], next[0], 0)
	if dSeats|dOffered|dOpen == 0 {
		for i := range cells {
			cells[i].w.Store(next[i])
		}
		return
	}
	k.crossing.Add(1)
	for i := range cells {
		cells[i].w.Store(next[i])
	}
	k.seats.Add(dSeats)
	k.offered.Add(dOffered)
	k.open.Add(dOpen)
	k.crossing.Add(crossingDone)
}

// read returns the counts as they were at one instant, and false when a
// change was under way while it looked.
//
// No writer under way at the first load of crossing means every cell
// changed so far has had its counts published. Both loads equal means no
// writer announced or published between them, since either moves the word
// and it never comes back to a value it had, short of 2^32 changes
// published on the day while the reader stood between two loads; and a
// writer announces before it changes a cell, so none changed one between
// the loads. The counts loaded in between are then those of the cells
// throughout.
func (k *dayCounters) read() (seats, offered, open uint64, ok bool) {
	g := k.crossing.Load()
	if g&crossingWritersMask != 0 {
		return 0, 0, 0, false
	}
	seats, offered, open = k.seats.Load(), k.offered.Load(), k.open.Load()
	return seats, offered, open, k.crossing.Load() == g
}

// tally counts dy's cells as the counters count them. newTable uses it for
// a day whose cells nobody else can see yet; tests compare it with the
// counters of a day at rest.
func (t *table) tally(dy *day) (seats, offered, open uint64) {
	for s := range t.slotStart {
		row := t.slotCells(dy, s)
		if row[0].w.Load()&closedBit != 0 {
			continue
		}
		open++
		for p := range row {
			w := row[p].w.Load()
			if hasSeat(w) {
				seats += poolUnit(p)
			}
			if offers(w) {
				offered += poolUnit(p)
			}
		}
	}
	return seats, offered, open
}

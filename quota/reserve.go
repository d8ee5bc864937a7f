package quota

import (
	"runtime"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
)

// Reserve takes seats seats in one cell — office id, date d, slot and pool
// indexes of the office's layout — all or nothing, as of instant now.
//
// It refuses, with the first sentinel that applies, in this order:
// [ErrBadSeats], [ErrUnknownOffice], [calendar.ErrBadDate], [ErrUnknownSlot],
// [ErrUnknownPool], [ErrOutsideHorizon] (or [ErrPast] when that day has
// gone by); then, for a day in the table, in the day-state order the views
// follow too: [ErrPast] (the slot has started), [ErrClosed] (holiday, day
// off, operator closure of the day), [ErrNotOpened] (a year without
// holiday data), [ErrClosed] (operator closure of the slot),
// [ErrNotOpened] (before the release instant), [ErrNoQuota] (the cell offers no seat at
// all: capacity 0, by the layout or an operator's SetCapacity), [ErrFull]
// (fewer seats left than asked for). A refusal changes nothing.
//
// Reserve takes no lock and does not allocate: it locates the cell by
// index arithmetic and takes the seats with one compare-and-swap. Telling
// ErrNoQuota from ErrFull reads the capacity from the word already loaded,
// on the refusal path only.
func (l *Ledger) Reserve(id OfficeID, d calendar.Date, slot, pool, seats int, now time.Time) error {
	if seats < 1 || seats > CellSeatsMax {
		return ErrBadSeats
	}
	// The fast path: the lookups of locate written out, and one attempt at
	// the cell. It makes no call, so the compiler keeps everything in
	// registers; anything unusual goes to reserveSlow, which starts over.
	t := l.table(id)
	if t == nil {
		return ErrUnknownOffice
	}
	if uint(slot) >= uint(len(t.slotStart)) || uint(pool) >= uint(t.pools) {
		return l.reserveSlow(id, d, slot, pool, seats, now)
	}
	dy := t.at(d)
	if dy == nil {
		return l.reserveSlow(id, d, slot, pool, seats, now)
	}
	nowNs := unixns.Of(now)
	c := t.cell(dy, slot, pool)
	w := c.w.Load()
	if v := dy.gate(t.slotStart[slot], w&closedBit != 0, nowNs); v != bookable {
		return v.err()
	}
	if w&frozenBit == 0 {
		left := int64(w & leftMask)
		if left < int64(seats) {
			return refusal(w) // ErrFull is the common answer in a rush
		}
		// The last seats move the day's counters too: off the fast
		// path, and tested after the refusal so that a sold-out cell
		// costs what it did before the counters.
		if left == int64(seats) {
			return l.reserveSlow(id, d, slot, pool, seats, now)
		}
		if c.w.CompareAndSwap(w, w-uint64(seats)) {
			return nil
		}
	}
	return l.reserveSlow(id, d, slot, pool, seats, now)
}

// reserveSlow is Reserve for everything off the fast path: lookup errors,
// a lost compare-and-swap, a table being replaced.
func (l *Ledger) reserveSlow(id OfficeID, d calendar.Date, slot, pool, seats int, now time.Time) error {
	for {
		t, dy, err := l.locate(id, d, slot, pool)
		if err != nil {
			if err == ErrOutsideHorizon && d.Before(calendar.DateOf(now, t.loc)) {
				return ErrPast
			}
			return err
		}
		c := t.cell(dy, slot, pool)
		if v := dy.gate(t.slotStart[slot], c.w.Load()&closedBit != 0, unixns.Of(now)); v != bookable {
			return v.err()
		}
		switch o, w := c.reserve(int64(seats)); o {
		case done:
			return nil
		case short:
			return refusal(w)
		case closed:
			return ErrClosed // closed since gate looked
		case crossing:
			if dy.ctr.swap(c, pool, w, w-uint64(seats)) {
				return nil
			}
			continue // the cell changed: look again
		}
		// frozen: a new table is being published, or a cell changed by
		// an operator; let the change finish.
		runtime.Gosched()
	}
}

// Fits returns the error Reserve would return for the same arguments, and
// nil where Reserve would take the seats, but takes nothing. The answer is
// true of the instant Fits read the cell; a caller that acts on it must
// expect Reserve to answer otherwise a moment later. It lets a caller
// refuse for want of seats first, cheaply, before it locks anything, and
// tell which refusal comes first when another check has already failed.
func (l *Ledger) Fits(id OfficeID, d calendar.Date, slot, pool, seats int, now time.Time) error {
	if seats < 1 || seats > CellSeatsMax {
		return ErrBadSeats
	}
	t, dy, err := l.locate(id, d, slot, pool)
	if err != nil {
		if err == ErrOutsideHorizon && d.Before(calendar.DateOf(now, t.loc)) {
			return ErrPast
		}
		return err
	}
	w := t.cell(dy, slot, pool).w.Load()
	if v := dy.gate(t.slotStart[slot], w&closedBit != 0, unixns.Of(now)); v != bookable {
		return v.err()
	}
	if int64(w&leftMask) < int64(seats) {
		return refusal(w)
	}
	return nil // a frozen cell is being changed; its seats left still count
}

// Release gives back seats seats to a cell, never leaving more than its
// capacity: returning seats that were never taken fails with
// [ErrOverRelease] and changes nothing. Release works on any day in the
// table, past or closed, so that cancelling a booking on a day the office
// has since closed still returns its seats. It takes no lock and does not
// allocate.
func (l *Ledger) Release(id OfficeID, d calendar.Date, slot, pool, seats int) error {
	if seats < 1 || seats > CellSeatsMax {
		return ErrBadSeats
	}
	for {
		t, dy, err := l.locate(id, d, slot, pool)
		if err != nil {
			return err
		}
		c := t.cell(dy, slot, pool)
		switch o, w := c.release(int64(seats)); o {
		case done:
			return nil
		case over:
			return ErrOverRelease
		case crossing:
			if dy.ctr.swap(c, pool, w, w+uint64(seats)) {
				return nil
			}
			continue // the cell changed: look again
		}
		runtime.Gosched() // frozen: see Reserve
	}
}

// Restore takes seats seats in a cell, checking only that they fit: not the
// clock, the release instant or closures. It rebuilds the counters from
// stored bookings after a restart, when those bookings were admitted long
// ago under the rules of their day. Seats that do not fit fail with
// ErrFull and change nothing, in a cell of capacity 0 too: for a rebuild
// either is a sign of an inconsistent store, and the two need no telling
// apart.
func (l *Ledger) Restore(id OfficeID, d calendar.Date, slot, pool, seats int) error {
	if seats < 1 || seats > CellSeatsMax {
		return ErrBadSeats
	}
	for {
		t, dy, err := l.locate(id, d, slot, pool)
		if err != nil {
			return err
		}
		c := t.cell(dy, slot, pool)
		w := c.w.Load()
		if w&frozenBit != 0 {
			runtime.Gosched()
			continue
		}
		if int64(w&leftMask) < int64(seats) {
			return ErrFull
		}
		if dy.ctr.swap(c, pool, w, w-uint64(seats)) {
			return nil
		}
	}
}

// CellState is a snapshot of one cell.
type CellState struct {
	Capacity int  // seats the cell offers
	Left     int  // seats not taken
	Closed   bool // the operator closed the slot
}

// Taken returns the seats taken: Capacity − Left.
func (c CellState) Taken() int { return c.Capacity - c.Left }

// Cell returns a snapshot of one cell, read with one atomic load.
func (l *Ledger) Cell(id OfficeID, d calendar.Date, slot, pool int) (CellState, error) {
	t, dy, err := l.locate(id, d, slot, pool)
	if err != nil {
		return CellState{}, err
	}
	capacity, left, isClosed := t.cell(dy, slot, pool).load()
	return CellState{Capacity: int(capacity), Left: int(left), Closed: isClosed}, nil
}

// locate finds the table and day of a cell and checks the slot and pool
// indexes. When the day is outside the table it returns the table with
// ErrOutsideHorizon, so Reserve can tell the past from the future.
func (l *Ledger) locate(id OfficeID, d calendar.Date, slot, pool int) (*table, *day, error) {
	t := l.table(id)
	if t == nil {
		return nil, nil, ErrUnknownOffice
	}
	if d.IsZero() {
		return nil, nil, calendar.ErrBadDate
	}
	if uint(slot) >= uint(len(t.slotStart)) {
		return nil, nil, ErrUnknownSlot
	}
	if uint(pool) >= uint(t.pools) {
		return nil, nil, ErrUnknownPool
	}
	dy := t.at(d)
	if dy == nil {
		return t, nil, ErrOutsideHorizon
	}
	return t, dy, nil
}

package quota

import (
	"slices"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
)

// This file holds an operator's changes to single days, slots and cells.
// Each one is an [Override] made by [Ledger.Apply]; it takes effect at once
// for every later Reserve, and is kept across Reconfigure for as long as
// the day stays in the table.

// Apply makes one operator change to an office. It checks ov in this order
// and refuses, changing nothing, with the first error that applies:
//
//   - [ErrBadOverride]: Kind is not one of the OverrideKind constants, or
//     a field the kind does not use (see [Override]) is not zero;
//   - [ErrBadReason]: CloseDay and CloseSlot need a Reason of printable
//     UTF-8, 1..ReasonBytesMax bytes;
//   - [ErrBadSeats]: SetCapacity needs Seats in 0..CellSeatsMax;
//   - [calendar.ErrBadDate]: Date is the zero Date;
//   - [ErrUnknownOffice];
//   - [ErrOutsideHorizon]: the office's table has no Date;
//   - [ErrUnknownSlot]: CloseSlot, OpenSlot and SetCapacity need a Slot of
//     the office's layout;
//   - [ErrUnknownPool]: SetCapacity needs a Pool of the office's layout;
//   - [ErrBelowTaken], as a [*CellError] that says how many seats are
//     taken: SetCapacity may not leave a cell fewer seats than are taken.
//
// What each kind does:
//
//   - CloseDay: Reserve refuses the day with ErrClosed and views show it
//     as a grey Holiday with Reason. Seats already taken stay taken;
//     cancelling those bookings is the caller's decision.
//   - OpenDay undoes CloseDay. It does not open a day the schedule closes
//     (a holiday or day off); change the schedule with Reconfigure for
//     that.
//   - CloseSlot closes one slot of the day in every pool; OpenSlot undoes
//     it.
//   - SetCapacity changes one cell's capacity, keeping its seats taken:
//     seats left moves by the same amount.
//   - SetRelease moves the instant at which the day's quota opens,
//     overriding the office's release rule for that day; the zero
//     time.Time opens it at once.
//
// commit, when not nil, is called once the change is known to be valid and
// before it takes effect, while nothing can reserve or release seats in the
// cells the change writes: SetCapacity's cell, and for CloseSlot and
// OpenSlot the slot's cells in every pool, are frozen, so that Reserve,
// Release and Restore on them spin until the change is stored. (CloseDay,
// OpenDay and SetRelease write no cell: they take effect for a concurrent
// Reserve at the instant they are stored, as without commit.) If commit
// returns an error the change is not made, the cells are unfrozen as they
// were, and Apply returns that error. Package booking passes a commit that
// hands the change to its journal, so that the change's place in the
// journal is exactly its place among the reservations: a capacity is
// journaled only if it held against the seats taken when it was stored.
// commit runs under the Ledger's mutex: it must not call a method that
// takes it (AddOffice, Offices, Config, Overrides, Apply, Reconfigure and
// their shorthands), nor wait for a Reserve or Release of a frozen cell.
func (l *Ledger) Apply(id OfficeID, ov Override, commit func() error) error {
	if err := ov.check(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if int(id) >= len(l.offices) {
		return ErrUnknownOffice
	}
	o, t := l.offices[id], l.tables[id].Load()
	dy := t.at(ov.Date)
	if dy == nil {
		return ErrOutsideHorizon
	}
	switch ov.Kind {
	case CloseDay, OpenDay:
		return o.closeDay(dy, &ov, commit)
	case CloseSlot, OpenSlot:
		return o.closeSlot(t, dy, &ov, commit)
	case SetCapacity:
		return o.setCapacity(t, dy, &ov, commit)
	}
	return o.setRelease(dy, &ov, commit)
}

// CloseDay closes the office on d for reason; it is shorthand for Apply
// with a CloseDay Override and no commit.
func (l *Ledger) CloseDay(id OfficeID, d calendar.Date, reason string) error {
	return l.Apply(id, Override{Kind: CloseDay, Date: d, Reason: reason}, nil)
}

// OpenDay undoes CloseDay; it is shorthand for Apply with an OpenDay
// Override and no commit.
func (l *Ledger) OpenDay(id OfficeID, d calendar.Date) error {
	return l.Apply(id, Override{Kind: OpenDay, Date: d}, nil)
}

// CloseSlot closes one slot of d, in every pool, for reason; it is
// shorthand for Apply with a CloseSlot Override and no commit.
func (l *Ledger) CloseSlot(id OfficeID, d calendar.Date, slot int, reason string) error {
	return l.Apply(id, Override{Kind: CloseSlot, Date: d, Slot: slot, Reason: reason}, nil)
}

// OpenSlot undoes CloseSlot; it is shorthand for Apply with an OpenSlot
// Override and no commit.
func (l *Ledger) OpenSlot(id OfficeID, d calendar.Date, slot int) error {
	return l.Apply(id, Override{Kind: OpenSlot, Date: d, Slot: slot}, nil)
}

// SetCapacity changes the capacity of one cell to seats, never below the
// seats taken; it is shorthand for Apply with a SetCapacity Override and
// no commit.
func (l *Ledger) SetCapacity(id OfficeID, d calendar.Date, slot, pool, seats int) error {
	return l.Apply(id, Override{Kind: SetCapacity, Date: d, Slot: slot, Pool: pool, Seats: seats}, nil)
}

// SetReleaseAt moves the instant at which d's quota opens (the zero time:
// at once); it is shorthand for Apply with a SetRelease Override and no
// commit.
func (l *Ledger) SetReleaseAt(id OfficeID, d calendar.Date, at time.Time) error {
	return l.Apply(id, Override{Kind: SetRelease, Date: d, At: at}, nil)
}

// The steps of Apply, one per kind, run under the Ledger's mutex with ov
// checked as far as it can be without the table.

func (o *office) closeDay(dy *day, ov *Override, commit func() error) error {
	if err := run(commit); err != nil {
		return err
	}
	if ov.Kind == CloseDay {
		reason := ov.Reason
		o.ov.dayClosed[ov.Date] = reason
		dy.closed.Store(&reason)
	} else {
		delete(o.ov.dayClosed, ov.Date)
		dy.closed.Store(nil)
	}
	dy.updateShut()
	return nil
}

func (o *office) closeSlot(t *table, dy *day, ov *Override, commit func() error) error {
	if uint(ov.Slot) >= uint(len(t.slotStart)) {
		return ErrUnknownSlot
	}
	shut := ov.Kind == CloseSlot
	err := changeCells(dy.ctr, t.slotCells(dy, ov.Slot), 0, nil, commit, func(w uint64) uint64 {
		if shut {
			return w | closedBit
		}
		return w &^ closedBit
	})
	if err != nil {
		return err
	}
	// Views read the reasons through one atomic pointer: publish a new
	// slice rather than write into one a reader may hold.
	var reasons []string
	if old := dy.slotReasons.Load(); old != nil {
		reasons = slices.Clone(*old)
	} else {
		reasons = make([]string, len(t.slotStart))
	}
	reasons[ov.Slot] = ov.Reason
	dy.slotReasons.Store(&reasons)
	if shut {
		o.ov.slotClosed[slotKey{ov.Date, ov.Slot}] = ov.Reason
	} else {
		delete(o.ov.slotClosed, slotKey{ov.Date, ov.Slot})
	}
	return nil
}

func (o *office) setCapacity(t *table, dy *day, ov *Override, commit func() error) error {
	if uint(ov.Slot) >= uint(len(t.slotStart)) {
		return ErrUnknownSlot
	}
	if uint(ov.Pool) >= uint(t.pools) {
		return ErrUnknownPool
	}
	capacity := int64(ov.Seats)
	i := ov.Slot*t.pools + ov.Pool
	belowTaken := func(w uint64) error {
		if oldCap, left := unpack(w); capacity < oldCap-left {
			return &CellError{Err: ErrBelowTaken, Date: ov.Date, Slot: ov.Slot, Pool: ov.Pool, Taken: int(oldCap - left), Capacity: ov.Seats}
		}
		return nil
	}
	err := changeCells(dy.ctr, dy.cells[i:i+1], ov.Pool, belowTaken, commit, func(w uint64) uint64 {
		oldCap, left := unpack(w)
		return pack(capacity, capacity-(oldCap-left), w&closedBit)
	})
	if err != nil {
		return err
	}
	o.ov.capacity[cellKey{ov.Date, ov.Slot, ov.Pool}] = capacity
	return nil
}

func (o *office) setRelease(dy *day, ov *Override, commit func() error) error {
	if err := run(commit); err != nil {
		return err
	}
	o.ov.release[ov.Date] = ov.At.Round(0) // an instant to keep: no monotonic reading
	dy.release.Store(unixns.Of(ov.At))
	return nil
}

// changeCells changes cells (at most PoolsPerSlotMax of them, of one slot
// from pool pool0 on) as one step among the reservations. It freezes
// them, so that no seat is taken or given back there; checks each word
// with check, when not nil; calls commit; and then stores next of each
// word, which also unfreezes it, moving k, the counters of their day, to
// match ([dayCounters.store]). On every other way out — check or commit
// failing, or commit panicking — it unfreezes the cells with their words
// as they were, which the counters never stopped counting.
//
// Storing the words it froze is exact: a frozen word changes only under
// the Ledger's mutex, which the caller holds.
func changeCells(k *dayCounters, cells []cell, pool0 int, check func(w uint64) error, commit func() error, next func(w uint64) uint64) error {
	var buf [PoolsPerSlotMax]uint64
	old := buf[:len(cells)]
	for i := range cells {
		old[i] = cells[i].w.Or(frozenBit) &^ frozenBit
	}
	stored := false
	defer func() {
		if !stored {
			for i := range cells {
				cells[i].w.Store(old[i])
			}
		}
	}()
	if check != nil {
		for _, w := range old {
			if err := check(w); err != nil {
				return err
			}
		}
	}
	if err := run(commit); err != nil {
		return err
	}
	var nextBuf [PoolsPerSlotMax]uint64
	words := nextBuf[:len(cells)]
	for i := range cells {
		words[i] = next(old[i])
	}
	k.store(cells, pool0, old, words)
	stored = true
	return nil
}

// run calls commit, if there is one.
func run(commit func() error) error {
	if commit == nil {
		return nil
	}
	return commit()
}

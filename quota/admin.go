package quota

import (
	"fmt"
	"slices"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
)

// This file holds an operator's changes to single days, slots and cells.
// Each one takes effect at once for every later Reserve, and is kept across
// Reconfigure for as long as the day stays in the table.

// CloseDay closes the office on d for the given reason: Reserve refuses it
// with ErrClosed and views show it as a grey Holiday. Seats already taken
// stay taken; cancelling those bookings is the caller's decision.
func (l *Ledger) CloseDay(id OfficeID, d calendar.Date, reason string) error {
	if err := label.Check(reason, ReasonBytesMax); err != nil {
		return fmt.Errorf("%w: %w", ErrBadReason, err)
	}
	return l.changeDay(id, d, func(o *office, _ *table, dy *day) error {
		o.ov.dayClosed[d] = reason
		dy.closed.Store(&reason)
		dy.updateShut()
		return nil
	})
}

// OpenDay undoes CloseDay. It does not open a day the schedule closes (a
// holiday or day off); change the schedule with Reconfigure for that.
func (l *Ledger) OpenDay(id OfficeID, d calendar.Date) error {
	return l.changeDay(id, d, func(o *office, _ *table, dy *day) error {
		delete(o.ov.dayClosed, d)
		dy.closed.Store(nil)
		dy.updateShut()
		return nil
	})
}

// CloseSlot closes one slot of d, in every pool, for the given reason.
func (l *Ledger) CloseSlot(id OfficeID, d calendar.Date, slot int, reason string) error {
	if err := label.Check(reason, ReasonBytesMax); err != nil {
		return fmt.Errorf("%w: %w", ErrBadReason, err)
	}
	return l.changeSlot(id, d, slot, reason)
}

// OpenSlot undoes CloseSlot.
func (l *Ledger) OpenSlot(id OfficeID, d calendar.Date, slot int) error {
	return l.changeSlot(id, d, slot, "")
}

// changeSlot closes a slot with reason, or opens it when reason is "".
func (l *Ledger) changeSlot(id OfficeID, d calendar.Date, slot int, reason string) error {
	return l.changeDay(id, d, func(o *office, t *table, dy *day) error {
		if uint(slot) >= uint(len(t.slotStart)) {
			return ErrUnknownSlot
		}
		for p := range t.pools {
			if reason != "" {
				t.cell(dy, slot, p).w.Or(closedBit)
			} else {
				t.cell(dy, slot, p).w.And(^uint64(closedBit))
			}
		}
		// Views read the reasons through one atomic pointer: publish a
		// new slice rather than write into one a reader may hold.
		var reasons []string
		if old := dy.slotReasons.Load(); old != nil {
			reasons = slices.Clone(*old)
		} else {
			reasons = make([]string, len(t.slotStart))
		}
		reasons[slot] = reason
		dy.slotReasons.Store(&reasons)
		if reason != "" {
			o.ov.slotClosed[slotKey{d, slot}] = reason
		} else {
			delete(o.ov.slotClosed, slotKey{d, slot})
		}
		return nil
	})
}

// SetCapacity changes the capacity of one cell to seats (0..CellSeatsMax),
// keeping the seats taken: seats left moves by the same amount. A capacity
// below the seats taken fails with ErrBelowTaken, as a [*CellError] that
// says how many are taken, and changes nothing.
func (l *Ledger) SetCapacity(id OfficeID, d calendar.Date, slot, pool, seats int) error {
	if seats < 0 || seats > CellSeatsMax {
		return ErrBadSeats
	}
	return l.changeDay(id, d, func(o *office, t *table, dy *day) error {
		if uint(slot) >= uint(len(t.slotStart)) {
			return ErrUnknownSlot
		}
		if uint(pool) >= uint(t.pools) {
			return ErrUnknownPool
		}
		if taken, ok := t.cell(dy, slot, pool).setCapacity(int64(seats)); !ok {
			return &CellError{Err: ErrBelowTaken, Date: d, Slot: slot, Pool: pool, Taken: int(taken), Capacity: seats}
		}
		o.ov.capacity[cellKey{d, slot, pool}] = int64(seats)
		return nil
	})
}

// SetReleaseAt moves the instant at which d's quota opens, overriding the
// office's release rule for that day. The zero time.Time opens it at once.
func (l *Ledger) SetReleaseAt(id OfficeID, d calendar.Date, at time.Time) error {
	return l.changeDay(id, d, func(o *office, _ *table, dy *day) error {
		ns := unixNanos(at)
		o.ov.release[d] = ns
		dy.release.Store(ns)
		return nil
	})
}

// changeDay runs change on the current table's day d under the Ledger's
// mutex, so that it cannot interleave with a table replacement.
func (l *Ledger) changeDay(id OfficeID, d calendar.Date, change func(*office, *table, *day) error) error {
	if d.IsZero() {
		return ErrBadDate
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if int(id) >= len(l.offices) {
		return ErrUnknownOffice
	}
	o := l.offices[id]
	dy := l.tables[id].Load().at(d)
	if dy == nil {
		return ErrOutsideHorizon
	}
	return change(o, l.tables[id].Load(), dy)
}

package quota

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
)

// OverrideKind says what an operator changes.
type OverrideKind uint8

const (
	CloseDay    OverrideKind = iota + 1 // close Date for Reason
	OpenDay                             // undo CloseDay
	CloseSlot                           // close Slot of Date, in every pool, for Reason
	OpenSlot                            // undo CloseSlot
	SetCapacity                         // set the capacity of (Date, Slot, Pool) to Seats
	SetRelease                          // open Date's quota at At (the zero time: at once)
)

var overrideKindNames = [...]string{
	CloseDay:    "close day",
	OpenDay:     "open day",
	CloseSlot:   "close slot",
	OpenSlot:    "open slot",
	SetCapacity: "set capacity",
	SetRelease:  "set release",
}

// String gives the kind's name in lower case words, such as "close day".
func (k OverrideKind) String() string {
	if k >= CloseDay && k <= SetRelease {
		return overrideKindNames[k]
	}
	return fmt.Sprintf("OverrideKind(%d)", uint8(k))
}

// Override is one operator change to a day, a slot or a cell: a value, so
// that package booking can keep it in its journal and replay it through
// [Ledger.Apply]. Fields the kind does not name must be zero.
type Override struct {
	Kind   OverrideKind
	Date   calendar.Date
	Slot   int       // CloseSlot, OpenSlot, SetCapacity
	Pool   int       // SetCapacity
	Reason string    // CloseDay, CloseSlot
	Seats  int       // SetCapacity
	At     time.Time // SetRelease
}

// check makes the checks of an Override that need no office, in Apply's
// documented order: the kind, the fields it does not use, the reason, the
// seats and the date.
func (ov *Override) check() error {
	if ov.Kind < CloseDay || ov.Kind > SetRelease {
		return fmt.Errorf("%w: kind %d", ErrBadOverride, uint8(ov.Kind))
	}
	k := ov.Kind
	usesSlot := k == CloseSlot || k == OpenSlot || k == SetCapacity
	switch {
	case ov.Slot != 0 && !usesSlot,
		ov.Pool != 0 && k != SetCapacity,
		ov.Seats != 0 && k != SetCapacity,
		ov.Reason != "" && k != CloseDay && k != CloseSlot,
		!ov.At.IsZero() && k != SetRelease:
		return fmt.Errorf("%w: %v with a field it does not use", ErrBadOverride, k)
	}
	if k == CloseDay || k == CloseSlot {
		if err := label.Check(ov.Reason, ReasonBytesMax); err != nil {
			return fmt.Errorf("%w: %w", ErrBadReason, err)
		}
	}
	if k == SetCapacity && (ov.Seats < 0 || ov.Seats > CellSeatsMax) {
		return ErrBadSeats
	}
	if ov.Date.IsZero() {
		return calendar.ErrBadDate
	}
	return nil
}

// overrides are an office's standing operator changes, kept by the Ledger
// so that replacing a table (a new layout, a longer horizon) carries them
// over and [Ledger.Overrides] can list them. Keys always lie within the
// table's window, so no map outgrows HorizonDaysMax × SlotsPerDayMax ×
// PoolsPerSlotMax entries.
type overrides struct {
	capacity   map[cellKey]int64
	slotClosed map[slotKey]string
	dayClosed  map[calendar.Date]string
	// release keeps the instant as given rather than its nanoseconds, so
	// that Overrides hands back the zero time for "at once".
	release map[calendar.Date]time.Time
}

type slotKey struct {
	date calendar.Date
	slot int
}

type cellKey struct {
	date       calendar.Date
	slot, pool int
}

func newOverrides() overrides {
	return overrides{
		capacity:   map[cellKey]int64{},
		slotClosed: map[slotKey]string{},
		dayClosed:  map[calendar.Date]string{},
		release:    map[calendar.Date]time.Time{},
	}
}

// prune forgets overrides for days outside [first, first+days).
func (o *overrides) prune(first calendar.Date, days int) {
	out := func(d calendar.Date) bool { i := d.Sub(first); return i < 0 || i >= days }
	for k := range o.capacity {
		if out(k.date) {
			delete(o.capacity, k)
		}
	}
	for k := range o.slotClosed {
		if out(k.date) {
			delete(o.slotClosed, k)
		}
	}
	for d := range o.dayClosed {
		if out(d) {
			delete(o.dayClosed, d)
		}
	}
	for d := range o.release {
		if out(d) {
			delete(o.release, d)
		}
	}
}

// list returns the standing overrides in Overrides' order.
func (o *overrides) list() []Override {
	out := make([]Override, 0, len(o.dayClosed)+len(o.slotClosed)+len(o.capacity)+len(o.release))
	for d, r := range o.dayClosed {
		out = append(out, Override{Kind: CloseDay, Date: d, Reason: r})
	}
	for k, r := range o.slotClosed {
		out = append(out, Override{Kind: CloseSlot, Date: k.date, Slot: k.slot, Reason: r})
	}
	for k, c := range o.capacity {
		out = append(out, Override{Kind: SetCapacity, Date: k.date, Slot: k.slot, Pool: k.pool, Seats: int(c)})
	}
	for d, at := range o.release {
		out = append(out, Override{Kind: SetRelease, Date: d, At: at})
	}
	slices.SortFunc(out, func(a, b Override) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Slot, b.Slot), cmp.Compare(a.Pool, b.Pool))
	})
	return out
}

// Overrides yields the office's standing operator changes — closed days,
// closed slots, capacities and moved releases, never the undos — in a
// stable order: by date, then kind, slot and pool. Applying them in that
// order to a fresh office with the same Config (as [Ledger.Config] returns
// it now) rebuilds the same table, seats taken aside; that is how package
// booking can compact its journal. Days that have left the window are gone,
// with their changes.
//
// Each range over the sequence takes a snapshot under the Ledger's mutex
// and yields from it with the mutex released, so the loop body may call
// the Ledger, Apply included. An office the Ledger did not hand out has no
// overrides.
func (l *Ledger) Overrides(id OfficeID) iter.Seq[Override] {
	return func(yield func(Override) bool) {
		l.mu.Lock()
		var list []Override
		if int(id) < len(l.offices) {
			list = l.offices[id].ov.list()
		}
		l.mu.Unlock()
		for _, ov := range list {
			if !yield(ov) {
				return
			}
		}
	}
}

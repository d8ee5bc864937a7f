package quota

import (
	"fmt"
	"slices"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/internal/unixns"
)

// Slot is one arrival window of a service day, such as 08:00–09:00, with
// the seats each pool offers in it.
type Slot struct {
	// Start and End are offsets from the local midnight that begins the
	// day: 8*time.Hour is 08:00. 0 <= Start < End <= 24h, both whole
	// minutes. Start names the slot ([ParseClock], [Layout.SlotAt]), so no
	// two slots of a layout share it.
	Start, End time.Duration
	// Seats holds the capacity of each pool in this slot, in the order of
	// Layout.Pools; each is 0..CellSeatsMax.
	Seats []int
}

// Layout is the shape of every service day of an office: its arrival slots
// and the capacity pools within each slot. Each (day, slot, pool) is one
// cell of the quota table with its own seat counter.
//
// Pools are data: M-Paspor's online, walk-in, accelerated and collective
// quotas are four pool names, not four code paths.
type Layout struct {
	Pools []string // pool names, unique, 1..PoolsPerSlotMax
	Slots []Slot   // 1..SlotsPerDayMax slots
}

// Pool returns the index of the pool with the given name.
func (l *Layout) Pool(name string) (int, bool) {
	i := slices.Index(l.Pools, name)
	return i, i >= 0
}

// SlotAt returns the index of the slot that starts start after midnight,
// or -1 and false when none does. A valid layout has at most one: starts
// are unique. Callers name a slot by its start ("08:00", read by
// [ParseClock]) rather than by its index, so that a request whose slot
// was never set is refused instead of booking the day's first slot.
func (l *Layout) SlotAt(start time.Duration) (int, bool) {
	for i := range l.Slots {
		if l.Slots[i].Start == start {
			return i, true
		}
	}
	return -1, false
}

// Validate checks the layout against the package limits, and that slots
// can be named by their start:
//
//   - 1..PoolsPerSlotMax pools, named by printable, unique labels of at
//     most PoolNameBytesMax bytes;
//   - 1..SlotsPerDayMax slots, each with 0 <= Start < End <= 24h and one
//     seat count in 0..CellSeatsMax per pool;
//   - Start and End are whole minutes, because a slot is named and shown
//     as "HH:MM" ([ParseClock], [FormatClock]): a start of 08:00:30
//     would be shown as 08:00 and could never be named;
//   - no two slots start at the same time, because the start names the
//     slot ([Layout.SlotAt]): two slots at 08:00 would make "08:00"
//     ambiguous, whatever their ends.
func (l *Layout) Validate() error {
	if len(l.Pools) == 0 || len(l.Pools) > PoolsPerSlotMax {
		return fmt.Errorf("%w: %d pools, want 1..%d", ErrBadConfig, len(l.Pools), PoolsPerSlotMax)
	}
	for i, p := range l.Pools {
		if err := label.Check(p, PoolNameBytesMax); err != nil {
			return fmt.Errorf("%w: pool %d name: %w", ErrBadConfig, i, err)
		}
		if slices.Index(l.Pools[:i], p) >= 0 {
			return fmt.Errorf("%w: pool %q listed twice", ErrBadConfig, p)
		}
	}
	if len(l.Slots) == 0 || len(l.Slots) > SlotsPerDayMax {
		return fmt.Errorf("%w: %d slots, want 1..%d", ErrBadConfig, len(l.Slots), SlotsPerDayMax)
	}
	for i, s := range l.Slots {
		if s.Start < 0 || s.End > 24*time.Hour || s.Start >= s.End {
			return fmt.Errorf("%w: slot %d runs %v–%v, want 0 <= start < end <= 24h", ErrBadConfig, i, s.Start, s.End)
		}
		if s.Start%time.Minute != 0 || s.End%time.Minute != 0 {
			return fmt.Errorf("%w: slot %d runs %v–%v, want whole minutes", ErrBadConfig, i, s.Start, s.End)
		}
		for j := range i {
			if l.Slots[j].Start == s.Start {
				return fmt.Errorf("%w: slots %d and %d both start at %s", ErrBadConfig, j, i, FormatClock(s.Start))
			}
		}
		if len(s.Seats) != len(l.Pools) {
			return fmt.Errorf("%w: slot %d has %d seat counts for %d pools", ErrBadConfig, i, len(s.Seats), len(l.Pools))
		}
		for p, n := range s.Seats {
			if n < 0 || n > CellSeatsMax {
				return fmt.Errorf("%w: slot %d pool %q has %d seats, want 0..%d", ErrBadConfig, i, l.Pools[p], n, CellSeatsMax)
			}
		}
	}
	return nil
}

// extends reports whether l keeps every slot and pool of old at the same
// index, adding new ones only at the end.
func (l *Layout) extends(old *Layout) bool {
	if len(l.Pools) < len(old.Pools) || len(l.Slots) < len(old.Slots) {
		return false
	}
	if !slices.Equal(l.Pools[:len(old.Pools)], old.Pools) {
		return false
	}
	for i, s := range old.Slots {
		if l.Slots[i].Start != s.Start || l.Slots[i].End != s.End {
			return false
		}
	}
	return true
}

// clone returns a deep copy, so that a caller changing its slices later
// cannot change a table.
func (l *Layout) clone() Layout {
	c := Layout{Pools: slices.Clone(l.Pools), Slots: slices.Clone(l.Slots)}
	for i := range c.Slots {
		c.Slots[i].Seats = slices.Clone(c.Slots[i].Seats)
	}
	return c
}

// Span formats the slot's window as "08:00–09:00".
func (s Slot) Span() string { return span(s.Start, s.End) }

// The readers below answer from an office's current table with one atomic
// load and no allocation, so that a caller on a hot path (package booking
// formatting a slot, or resolving a pool name) need not keep its own copy
// of the Config. Each follows Reconfigure from the instant the new table
// is published.

// Zone returns the office's time zone.
func (l *Ledger) Zone(id OfficeID) (*time.Location, error) {
	t := l.table(id)
	if t == nil {
		return nil, ErrUnknownOffice
	}
	return t.loc, nil
}

// ServiceDaysLookMax bounds the days ServiceDaysAfter looks at: a year,
// more than any run of holidays and days off.
const ServiceDaysLookMax = 366

// ServiceDaysAfter returns the n-th day after d on which the office
// serves the public by its calendar (service week, holidays, closures;
// calendar.Schedule.Status), such as the day a passport applied for on d
// is ready when it takes n service days. ok is false when the answer is
// not known: a day on the way falls in a year the office's holiday data
// does not cover, or no such day comes within ServiceDaysLookMax days. An
// operator's closure of a single day (CloseDay) is not counted: it shuts
// the day's quota, not necessarily the office's other counters.
func (l *Ledger) ServiceDaysAfter(id OfficeID, d calendar.Date, n int) (day calendar.Date, ok bool, err error) {
	t := l.table(id)
	if t == nil {
		return calendar.Date{}, false, ErrUnknownOffice
	}
	if n <= 0 {
		return d, true, nil
	}
	for i := 1; i <= ServiceDaysLookMax; i++ {
		next := d.AddDays(i)
		// A day of the table keeps what the schedule says of it; asking
		// the schedule (binary searches of holidays and closures) is for
		// days beyond it.
		var st calendar.State
		if dy := t.at(next); dy != nil {
			st = dy.status
		} else {
			st, _ = t.sched.Status(next)
		}
		switch st {
		case calendar.Available:
			if n--; n == 0 {
				return next, true, nil
			}
		case calendar.NotOpened: // no holiday data for its year
			return calendar.Date{}, false, nil
		}
	}
	return calendar.Date{}, false, nil
}

// ReleaseAt returns the instant day d's quota is released, with an
// operator's SetReleaseAt taken into account, and ok false when it is
// released at once, has no instant known in advance (a year without
// holiday data), or is outside the table. One atomic load: for the
// booking path, which asks whether a hold falls in an opening draw.
func (l *Ledger) ReleaseAt(id OfficeID, d calendar.Date) (at time.Time, ok bool) {
	t := l.table(id)
	if t == nil {
		return time.Time{}, false
	}
	dy := t.at(d)
	if dy == nil {
		return time.Time{}, false
	}
	ns, ok := dy.opensAt()
	if !ok {
		return time.Time{}, false
	}
	return unixns.Time(ns).UTC(), true
}

// ReleasesAt reports whether a day of the office's table is released at
// instant at (ReleaseAt): a scan of at most HorizonDaysMax days, one
// atomic load each.
func (l *Ledger) ReleasesAt(id OfficeID, at time.Time) bool {
	t := l.table(id)
	if t == nil {
		return false
	}
	for i := range t.days {
		if r, ok := t.days[i].opensAt(); ok && r == unixns.Of(at) {
			return true
		}
	}
	return false
}

// Slots returns the number of slots in the office's day.
func (l *Ledger) Slots(id OfficeID) (int, error) {
	t := l.table(id)
	if t == nil {
		return 0, ErrUnknownOffice
	}
	return len(t.layout.Slots), nil
}

// Slot returns the start and end of one slot of the office's day. Its
// Seats is nil: handing out the table's own slice would let a caller
// change the table, and a copy would allocate. The default capacities are
// in [Ledger.Config], the live ones in [Ledger.Cell].
func (l *Ledger) Slot(id OfficeID, slot int) (Slot, error) {
	t := l.table(id)
	if t == nil {
		return Slot{}, ErrUnknownOffice
	}
	if uint(slot) >= uint(len(t.layout.Slots)) {
		return Slot{}, ErrUnknownSlot
	}
	s := &t.layout.Slots[slot]
	return Slot{Start: s.Start, End: s.End}, nil
}

// SlotAt returns the index of the office's slot that starts start after
// midnight ([ParseClock] reads one from "08:00"), or -1 with
// [ErrUnknownOffice] or [ErrUnknownSlot]. It is one atomic load and a scan
// of at most SlotsPerDayMax starts, and does not allocate.
func (l *Ledger) SlotAt(id OfficeID, start time.Duration) (int, error) {
	t := l.table(id)
	if t == nil {
		return -1, ErrUnknownOffice
	}
	for s, st := range t.slotStart {
		if st == int64(start) {
			return s, nil
		}
	}
	return -1, ErrUnknownSlot
}

// PoolName returns the name of one pool of the office.
func (l *Ledger) PoolName(id OfficeID, pool int) (string, error) {
	t := l.table(id)
	if t == nil {
		return "", ErrUnknownOffice
	}
	if uint(pool) >= uint(len(t.layout.Pools)) {
		return "", ErrUnknownPool
	}
	return t.layout.Pools[pool], nil
}

// PoolIndex returns the index of the office's pool called name, or -1 and
// ErrUnknownPool when it has none.
func (l *Ledger) PoolIndex(id OfficeID, name string) (int, error) {
	t := l.table(id)
	if t == nil {
		return -1, ErrUnknownOffice
	}
	if i, ok := t.layout.Pool(name); ok {
		return i, nil
	}
	return -1, ErrUnknownPool
}

package quota

import (
	"slices"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
)

// table is one office's quota, immutable once published except for the
// atomics inside its days. Replacing it (a new horizon, a new schedule, a
// new layout) builds a new table and publishes it with one atomic store;
// readers holding the old one finish undisturbed.
type table struct {
	first     calendar.Date
	loc       *time.Location
	sched     *calendar.Schedule // the office's calendar, for days outside the table
	layout    Layout             // a private copy
	pools     int                // len(layout.Pools): the stride of a day's cells
	slotStart []int64            // slot start offsets from local midnight, in ns
	// firstStart and lastStart are the earliest and latest slot starts:
	// before the first no slot of the day has started, so a view may
	// answer from the day's counters; from the last the day is past.
	firstStart, lastStart int64
	// days holds the days by value, one hop less on the reservation path
	// than a slice of pointers; each table gets its own, and only the
	// cells inside are shared between tables.
	days []day
}

// day is one date of an office's table.
//
// Its fields are ordered so that it packs into 96 bytes, with what Reserve
// reads (shut, startNs, release, cells) in the first 48: adding ctr at the
// end made it 104 bytes, and indexing days by 104 took a multiply where
// 96 takes a shift.
type day struct {
	date calendar.Date
	// shut is non-zero when the day cannot be booked for a calendar
	// reason (status: a holiday, a day off, a year without holiday data)
	// or because the operator closed it (closed): one load answers all of
	// them on the reservation path.
	shut    atomic.Uint32
	startNs int64        // local midnight, Unix ns
	release atomic.Int64 // Unix ns at which the quota opens

	// cells holds slots × pools counters. Tables built for the same layout
	// share one day's cells, so no seat is lost when a table is replaced.
	cells []cell
	// ctr counts the cells for the month views; it goes with cells, so
	// tables that share a day's cells share its counters too.
	ctr *dayCounters

	reason string                 // why status is not Available, from the schedule
	closed atomic.Pointer[string] // operator closure of the whole day; nil when open
	// slotReasons holds, per slot, why an operator closed it ("" when
	// open). Only views read it; Reserve reads the closed bit of the cell.
	slotReasons atomic.Pointer[[]string]
	// status is what the schedule says of the day: Available, Holiday,
	// DayOff, or NotOpened for a year its holiday data does not cover. It
	// never changes: new holiday data comes with a new table.
	status calendar.State
}

// opensAt returns the instant dy's quota is released, Unix ns, and ok
// false when a view shows the zero time for it (see viewer.opens).
func (dy *day) opensAt() (int64, bool) {
	release := dy.release.Load()
	return release, release != unixns.LongAgo && dy.status != calendar.NotOpened
}

// updateShut recomputes shut after status or closed changed.
func (dy *day) updateShut() {
	var shut uint32
	if dy.status != calendar.Available || dy.closed.Load() != nil {
		shut = 1
	}
	dy.shut.Store(shut)
}

// at returns the day for date d, or nil when d is outside the table.
func (t *table) at(d calendar.Date) *day {
	// The zero Date lands far before any first day, so it is outside too.
	i := d.Sub(t.first)
	if uint(i) >= uint(len(t.days)) {
		return nil
	}
	return &t.days[i]
}

func (t *table) cell(dy *day, slot, pool int) *cell {
	return &dy.cells[slot*t.pools+pool]
}

// slotCells returns the cells of one slot of dy, one per pool.
func (t *table) slotCells(dy *day, slot int) []cell {
	return dy.cells[slot*t.pools : (slot+1)*t.pools : (slot+1)*t.pools]
}

// newTable builds the table for cfg. Days for which prev (which may be nil)
// has cells of the same layout share them; every other day gets fresh
// cells, with the seats taken in prev's counterpart carried over when
// carry is true. It reports ErrBelowTaken, naming the cell, when carried
// seats exceed a new capacity.
//
// Sharing cells is safe against concurrent Reserve calls; carrying seats
// is not, so the caller freezes prev's cells first (see Ledger.Reconfigure).
func newTable(cfg *Config, ov *overrides, prev *table) (*table, error) {
	// The table keeps its own copy of the schedule: the Ledger's cfg is
	// overwritten by Reconfigure while readers may still hold this table.
	sched := cfg.Schedule
	t := &table{
		first:  cfg.First,
		loc:    cfg.Schedule.Location,
		sched:  &sched,
		layout: cfg.Layout.clone(),
		pools:  len(cfg.Layout.Pools),
		days:   make([]day, cfg.Days),
	}
	t.firstStart = int64(t.layout.Slots[0].Start)
	for _, s := range t.layout.Slots {
		t.slotStart = append(t.slotStart, int64(s.Start))
		t.firstStart = min(t.firstStart, int64(s.Start))
		t.lastStart = max(t.lastStart, int64(s.Start))
	}
	share := prev != nil && sameLayout(&prev.layout, &t.layout)
	reasons := slotReasons(ov, len(t.layout.Slots))
	// One array for the counters of the days that get fresh cells keeps
	// a month's counters close together for the views.
	ctrs := make([]dayCounters, cfg.Days)
	for i := range t.days {
		date := cfg.First.AddDays(i)
		dy := &t.days[i]
		dy.date, dy.startNs = date, unixns.Of(date.Start(t.loc))
		dy.status, dy.reason = cfg.Schedule.Status(date)
		dy.release.Store(releaseNanos(cfg, ov, date))
		if r, ok := ov.dayClosed[date]; ok {
			dy.closed.Store(&r)
		}
		dy.updateShut()
		var old *day
		if prev != nil {
			old = prev.at(date)
		}
		if share && old != nil {
			dy.cells, dy.ctr = old.cells, old.ctr
		} else {
			if err := t.fillCells(dy, ov, prev, old); err != nil {
				return nil, err
			}
			// Nobody else sees these cells yet: count them as they are.
			dy.ctr = &ctrs[i]
			seats, offered, open := t.tally(dy)
			dy.ctr.seats.Store(seats)
			dy.ctr.offered.Store(offered)
			dy.ctr.open.Store(open)
		}
		if r, ok := reasons[date]; ok {
			dy.slotReasons.Store(&r)
		}
	}
	return t, nil
}

// fillCells gives dy fresh cells: capacity from the overrides or the
// layout, seats taken from old (prev's day for the same date, if any).
func (t *table) fillCells(dy *day, ov *overrides, prev *table, old *day) error {
	dy.cells = make([]cell, len(t.layout.Slots)*t.pools)
	for s, slot := range t.layout.Slots {
		_, slotClosed := ov.slotClosed[slotKey{dy.date, s}]
		for p := range t.pools {
			capacity := int64(slot.Seats[p])
			if c, ok := ov.capacity[cellKey{dy.date, s, p}]; ok {
				capacity = c
			}
			var taken int64
			if old != nil && s < len(prev.layout.Slots) && p < prev.pools {
				oldCap, oldLeft, _ := prev.cell(old, s, p).load()
				taken = oldCap - oldLeft
			}
			if capacity < taken {
				return &CellError{Err: ErrBelowTaken, Date: dy.date, Slot: s, Pool: p, Taken: int(taken), Capacity: int(capacity)}
			}
			var flags uint64
			if slotClosed {
				flags = closedBit
			}
			t.cell(dy, s, p).w.Store(pack(capacity, capacity-taken, flags))
		}
	}
	return nil
}

func releaseNanos(cfg *Config, ov *overrides, date calendar.Date) int64 {
	if at, ok := ov.release[date]; ok {
		return unixns.Of(at)
	}
	return unixns.Of(cfg.Release.ReleaseAt(date, cfg.Schedule.Location)) // the zero time, at once, is LongAgo
}

// slotReasons groups the slot closures by date: for each date with a closed
// slot, the reason of every slot ("" when open).
func slotReasons(ov *overrides, slots int) map[calendar.Date][]string {
	byDate := map[calendar.Date][]string{}
	for k, r := range ov.slotClosed {
		rs, ok := byDate[k.date]
		if !ok {
			rs = make([]string, slots)
			byDate[k.date] = rs
		}
		rs[k.slot] = r
	}
	return byDate
}

// sameLayout reports whether two layouts have identical slots, pools and
// capacities, so that their cells can be shared as they are.
func sameLayout(a, b *Layout) bool {
	if !slices.Equal(a.Pools, b.Pools) || len(a.Slots) != len(b.Slots) {
		return false
	}
	for i := range a.Slots {
		x, y := a.Slots[i], b.Slots[i]
		if x.Start != y.Start || x.End != y.End || !slices.Equal(x.Seats, y.Seats) {
			return false
		}
	}
	return true
}

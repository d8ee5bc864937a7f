package quota

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
)

// PoolSeats counts the seats of one pool. Month and Day list them in the
// order of the office's Layout.Pools, so index p is pool p; MonthIn and
// DayIn list one, the pool asked for.
//
// Pool is the pool's name, the table's own string: filling it copies a
// string header and allocates nothing. It has a price all the same: the
// type held no name before, and so no pointer, which kept a month's pools
// in half the bytes and out of the garbage collector's sight. With the
// name, a month view of 16 slots × 4 pools costs a fifth to a quarter
// more (BenchmarkMonth/weekdays: about 2.5 µs before, 3.2 µs after;
// 5.4 KiB allocated before, 7.4 KiB after, still in two allocations),
// paid so that every view says which pool it counts and [DayView.StateIn]
// is asked by name rather than by an index a caller could get wrong.
type PoolSeats struct {
	Pool     string // the pool's name, as in Layout.Pools
	Left     int    // seats not taken
	Capacity int    // seats offered
}

// DayView is what one day of an office looks like at an instant.
//
// A DayView is a value that nothing else refers to once returned: it is
// safe to keep and to read from several goroutines (a copy shares its
// Pools and Slots). Its methods have value receivers, so they work on a
// map's values too: m[d].StateIn("online").
type DayView struct {
	Date calendar.Date
	// State is the day's state over every pool the view counts: all of
	// them for Month and Day, one for MonthIn and DayIn. See StateIn for
	// one pool of an all-pools view.
	State calendar.State
	// Reason says why a Holiday or DayOff is closed: the holiday's
	// name, or the operator's reason. For a day NotOpened because its
	// year has no holiday data it is calendar.NoHolidayDataReason;
	// for a day not yet released it is empty.
	Reason string
	// Opens is the instant the day's quota is released, in the office's
	// time zone; the zero time when it is released immediately, the day
	// has no table, or its year has no holiday data (it opens when the
	// data is loaded, at no instant known in advance). It is set whatever
	// the state, but means something to a person only for a NotOpened
	// day: when it turns green.
	Opens time.Time
	// Left and Pools count the seats of the slots that can still be
	// booked: not started and not closed. Pools has one entry per pool
	// the view counts, named, with zero seats for a day outside the
	// table.
	Left  int
	Pools []PoolSeats
	// Slots is filled by [Ledger.Day] and [Ledger.DayIn] only.
	Slots []SlotView
}

// SlotView is what one slot of a day looks like at an instant, over the
// pools its view counts (all of them for Day, one for DayIn). Like
// DayView it is a value, safe to keep and share.
type SlotView struct {
	Slot       int           // index in the office's layout
	Start, End time.Duration // offsets from local midnight
	State      calendar.State
	Reason     string // why the operator closed it, for a closed slot
	Pools      []PoolSeats
}

// Span formats the slot's window as "08:00–09:00".
func (v SlotView) Span() string { return span(v.Start, v.End) }

// StateIn returns the day's state as seen by someone booking in the pool
// called pool: Full when that pool has no seat left even though another
// pool has, NoQuota when it offers none. A state the seats do not decide
// (closed, past, not opened, …) is the day's own. A name the view does
// not count — an unknown pool, or another pool than a MonthIn or DayIn
// view's — returns State.
func (v DayView) StateIn(pool string) calendar.State { return stateIn(v.State, v.Pools, pool) }

// StateIn returns the slot's state as seen by someone booking in the pool
// called pool, as [DayView.StateIn] does for a day.
func (v SlotView) StateIn(pool string) calendar.State { return stateIn(v.State, v.Pools, pool) }

// stateIn finds pool by name among pools, of a view whose state is s: at
// most PoolsPerSlotMax string comparisons, no allocation.
func stateIn(s calendar.State, pools []PoolSeats, pool string) calendar.State {
	for _, p := range pools {
		if p.Pool == pool {
			return poolState(s, p)
		}
	}
	return s
}

// poolState narrows s, the state of a view over several pools, to one of
// them: when the seats decided s, they decide again from p's alone.
func poolState(s calendar.State, p PoolSeats) calendar.State {
	switch s {
	case calendar.Available, calendar.Full, calendar.NoQuota:
		return seatState(p.Capacity, p.Left)
	}
	return s
}

// Month returns the view of every day of one month of an office, as of
// now, over all its pools. A day's state follows the day-state order of
// Reserve's refusals, so a green day is one Reserve would accept in some
// slot and pool; for a whole day, a slot closure counts when every slot
// still to come is closed, and the day is NoQuota when the slots that can
// still be booked offer no seat in any pool, Full when they offer seats
// and none is left. A day outside the office's table is Past, its
// schedule's Holiday or DayOff, or OutsideHorizon (also when its year has
// no holiday data: the horizon says more).
//
// It refuses [ErrUnknownOffice], then [calendar.ErrBadDate] for a month that does
// not exist.
//
// Month reads each cell with one atomic load and takes no lock; a month of
// 16 slots × 4 pools costs a few microseconds and two allocations. On a
// hot path, when the states are what is wanted and not the seat counts,
// use [Ledger.AppendMonth]: the same states from per-day counters, in a
// few hundred nanoseconds, into a slice the caller reuses.
func (l *Ledger) Month(id OfficeID, year int, month time.Month, now time.Time) ([]DayView, error) {
	t := l.table(id)
	if t == nil {
		return nil, ErrUnknownOffice
	}
	vw := t.viewer(now, 0, t.pools)
	return vw.month(year, month)
}

// MonthIn is Month as seen from one pool, the pool index of the office's
// layout: each day's State, Left and Pools (one entry, that pool) count
// that pool only, so a day is green only when that pool has a seat left —
// walk-in seats never make a day green in the online calendar. What the
// seats do not decide (past, closed, not opened) is as in Month. Each day
// of MonthIn is the same day of Month narrowed to the pool: its State is
// what [DayView.StateIn] says for the pool's name, its Pools that pool's
// entry.
//
// It refuses [ErrUnknownOffice], [ErrUnknownPool], then [calendar.ErrBadDate].
// It costs what Month costs, less the pools it does not count. For an
// online calendar on a hot path use [Ledger.AppendMonthIn], which gives
// the same states without the seat counts and does not allocate.
func (l *Ledger) MonthIn(id OfficeID, pool int, year int, month time.Month, now time.Time) ([]DayView, error) {
	t := l.table(id)
	if t == nil {
		return nil, ErrUnknownOffice
	}
	if uint(pool) >= uint(t.pools) {
		return nil, ErrUnknownPool
	}
	vw := t.viewer(now, pool, pool+1)
	return vw.month(year, month)
}

// Day returns the view of one day of an office and of each of its slots,
// as of now, over all its pools. Each slot's state follows the day-state
// order, as Reserve does for that slot, with the seats of all its pools:
// NoQuota when every pool has capacity 0, Full when none has a seat left;
// the day's own state is Month's.
//
// It refuses [ErrUnknownOffice], then [calendar.ErrBadDate] for the zero Date.
func (l *Ledger) Day(id OfficeID, d calendar.Date, now time.Time) (DayView, error) {
	t := l.table(id)
	if t == nil {
		return DayView{}, ErrUnknownOffice
	}
	vw := t.viewer(now, 0, t.pools)
	return vw.day(d)
}

// DayIn is Day as seen from one pool, the pool index of the office's
// layout: the day's and each slot's State, Left and Pools (one entry,
// that pool) count that pool only, as [Ledger.MonthIn] does.
//
// It refuses [ErrUnknownOffice], [ErrUnknownPool], then [calendar.ErrBadDate].
func (l *Ledger) DayIn(id OfficeID, pool int, d calendar.Date, now time.Time) (DayView, error) {
	t := l.table(id)
	if t == nil {
		return DayView{}, ErrUnknownOffice
	}
	if uint(pool) >= uint(t.pools) {
		return DayView{}, ErrUnknownPool
	}
	vw := t.viewer(now, pool, pool+1)
	return vw.day(d)
}

// viewer builds the views of one table as of one instant, counting the
// pools [lo, hi) of every slot: all of them for Month, Day and
// AppendMonth, one for MonthIn, DayIn and AppendMonthIn.
type viewer struct {
	t      *table
	nowNs  int64
	today  calendar.Date // the office's date at now
	lo, hi int           // the pools counted
	// shift and mask select the pools counted from a day's counts word
	// (see dayCounters): the whole word for all pools, one byte for one.
	// Only AppendMonth and AppendMonthIn read the counters.
	shift uint
	mask  uint64
	// opened and openedAtNs memoize the last release instant a view
	// turned into the time it shows (see opens).
	opened     time.Time
	openedAtNs int64
}

// opens returns the instant dy's quota is released, in the office's
// zone, for a view: the zero time when the rule releases it at once, and
// when its year has no holiday data, since it then opens when the data is
// loaded, not at an instant known in advance.
//
// Under a monthly release rule a month's days share one release instant,
// so the last conversion is kept, and the month gets 31 copies of one
// answer instead of 31 conversions of nanoseconds into a time.Time in the
// office's zone (BenchmarkAppendMonthCurrent: a tenth to a seventh off a
// month view). Nothing is kept while opened is the zero time, which no
// instant but unixns.LongAgo, never one opensAt gives, converts to.
func (vw *viewer) opens(dy *day) time.Time {
	atNs, ok := dy.opensAt()
	switch {
	case !ok:
		return time.Time{}
	case atNs != vw.openedAtNs || vw.opened.IsZero():
		vw.opened, vw.openedAtNs = unixns.Time(atNs).In(vw.t.loc), atNs
	}
	return vw.opened
}

func (t *table) viewer(now time.Time, lo, hi int) viewer {
	return viewer{t: t, nowNs: unixns.Of(now), today: calendar.DateOf(now, t.loc), lo: lo, hi: hi}
}

func (vw *viewer) month(year int, month time.Month) ([]DayView, error) {
	first := calendar.NewDate(year, month, 1)
	if first.IsZero() || month < time.January || month > time.December {
		return nil, fmt.Errorf("%w: month %d-%02d", calendar.ErrBadDate, year, int(month))
	}
	n, stride := calendar.DaysIn(year, month), vw.hi-vw.lo
	views := make([]DayView, n)
	// One backing array for every day's pools: one allocation, not 31.
	pools := make([]PoolSeats, n*stride)
	for i := range views {
		vw.fillDay(&views[i], first.AddDays(i), pools[i*stride:(i+1)*stride:(i+1)*stride], false)
	}
	return views, nil
}

func (vw *viewer) day(d calendar.Date) (DayView, error) {
	if d.IsZero() {
		return DayView{}, calendar.ErrBadDate
	}
	var v DayView
	vw.fillDay(&v, d, make([]PoolSeats, vw.hi-vw.lo), true)
	return v, nil
}

// fillDay fills v, a zero DayView, for date d, using pools (one per pool
// counted) as the backing store of its per-pool counts. It fills in place
// because a month view is 31 of them and copying each out would cost as
// much as counting its seats.
func (vw *viewer) fillDay(v *DayView, d calendar.Date, pools []PoolSeats, withSlots bool) {
	t := vw.t
	v.Date = d
	v.Pools = pools
	names := t.layout.Pools[vw.lo:vw.hi]
	names = names[:len(pools)] // one per pool counted, which lets the loops drop their bounds checks
	dy := t.at(d)
	if dy == nil {
		// No table: the pools are named with zero seats.
		for i := range pools {
			pools[i].Pool = names[i]
		}
		v.State, v.Reason = vw.outside(d)
		return
	}
	v.Opens = vw.opens(dy)
	var reasons []string
	if r := dy.slotReasons.Load(); r != nil {
		reasons = *r
	}
	var sum [PoolsPerSlotMax]uint64
	open := 0
	if dy.shut.Load() == 0 {
		open = t.sumSeats(dy, vw.nowNs, vw.lo, vw.hi, &sum)
	}
	capacity := 0
	for i := range pools {
		c, left := unpack(sum[uint(i)%PoolsPerSlotMax])
		pools[i] = PoolSeats{Pool: names[i], Left: int(left), Capacity: int(c)}
		v.Left += int(left)
		capacity += int(c)
	}
	// Unless the day is past, its last slot is still to come, so no open
	// slot means every slot still to come is closed.
	v.State, v.Reason = dy.gate(t.lastStart, open == 0, vw.nowNs).state(dy, capacity, v.Left, firstReason(reasons))
	if withSlots {
		v.Slots = vw.slotViews(dy, reasons)
	}
}

// sumSeats adds up, per pool of [lo, hi), the cells of the slots that can
// still be booked (not started, not closed) into sum[p-lo], and returns
// how many such slots there are. It is the inner loop of a month view: one
// atomic load per cell counted.
//
// It adds the cell words themselves, flags masked off: a day's sums fit
// their fields (SlotsPerDayMax × CellSeatsMax < 2^30), so one add per cell
// sums seats left and capacity at once, unpacked once by the caller. It
// collects the bookable rows first, then sums four pools at a time into
// four registers with one bounds check per four cells; summing row by row
// into an array was half as fast.
func (t *table) sumSeats(dy *day, nowNs int64, lo, hi int, sum *[PoolsPerSlotMax]uint64) int {
	// Locals, because the compiler reloads fields after every atomic load.
	cells, stride, startNs := dy.cells, t.pools, dy.startNs
	var rows [SlotsPerDayMax]int // offset of each bookable slot's row
	n := 0
	for s, start := range t.slotStart {
		// CloseSlot sets the closed bit in every pool of a slot, so
		// pool 0 speaks for the slot.
		if nowNs < startNs+start && cells[s*stride].w.Load()&closedBit == 0 {
			rows[n%SlotsPerDayMax] = s * stride
			n++
		}
	}
	p := lo
	for ; p+4 <= hi; p += 4 {
		var a0, a1, a2, a3 uint64
		for _, row := range rows[:n] {
			c := cells[row+p : row+p+4 : row+p+4]
			a0 += c[0].w.Load() &^ flagsMask
			a1 += c[1].w.Load() &^ flagsMask
			a2 += c[2].w.Load() &^ flagsMask
			a3 += c[3].w.Load() &^ flagsMask
		}
		i := uint(p - lo)
		sum[i%PoolsPerSlotMax], sum[(i+1)%PoolsPerSlotMax] = a0, a1
		sum[(i+2)%PoolsPerSlotMax], sum[(i+3)%PoolsPerSlotMax] = a2, a3
	}
	for ; p < hi; p++ {
		var acc uint64
		for _, row := range rows[:n] {
			acc += cells[row+p].w.Load() &^ flagsMask
		}
		sum[uint(p-lo)%PoolsPerSlotMax] = acc
	}
	return n
}

// slotViews returns the view of each slot of dy, over the pools counted.
func (vw *viewer) slotViews(dy *day, reasons []string) []SlotView {
	t, stride := vw.t, vw.hi-vw.lo
	names := t.layout.Pools[vw.lo:vw.hi:vw.hi]
	views := make([]SlotView, len(t.layout.Slots))
	pools := make([]PoolSeats, len(views)*stride)
	for s, slot := range t.layout.Slots {
		sv := SlotView{Slot: s, Start: slot.Start, End: slot.End, Pools: pools[s*stride : (s+1)*stride : (s+1)*stride]}
		capacity, left, slotClosed := 0, 0, false
		for i := range sv.Pools {
			c, l, isClosed := t.cell(dy, s, vw.lo+i).load()
			slotClosed = isClosed
			capacity += int(c)
			left += int(l)
			sv.Pools[i] = PoolSeats{Pool: names[i], Left: int(l), Capacity: int(c)}
		}
		sv.State, sv.Reason = vw.slotState(dy, s, reasons, slotClosed, capacity, left)
		views[s] = sv
	}
	return views
}

// slotState returns the state and reason of slot s of dy, given the
// capacity and seats left of the cells the view counts and whether the
// slot is closed: the day-state order, as Reserve follows it for the slot.
func (vw *viewer) slotState(dy *day, s int, reasons []string, closed bool, capacity, left int) (calendar.State, string) {
	var reason string
	if s < len(reasons) {
		reason = reasons[s]
	}
	return dy.gate(vw.t.slotStart[s], closed, vw.nowNs).state(dy, capacity, left, reason)
}

// firstReason returns the first reason an operator gave for closing a slot
// of a day, for a day whose every slot still to come is closed.
func firstReason(reasons []string) string {
	for _, r := range reasons {
		if r != "" {
			return r
		}
	}
	return ""
}

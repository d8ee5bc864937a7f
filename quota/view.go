package quota

import (
	"fmt"
	"math"
	"time"

	"github.com/kuota/kuota/calendar"
)

// PoolSeats counts the seats of one pool. Views list them in the order of
// the office's Layout.Pools, so index p is pool p. (The type holds no name,
// and so no pointer: a month of them is one allocation the garbage
// collector need not scan, which makes a month view a third cheaper.)
type PoolSeats struct {
	Left     int // seats not taken
	Capacity int // seats offered
}

// DayView is what one day of an office looks like at an instant.
type DayView struct {
	Date  calendar.Date
	State calendar.State // over all pools; see StateIn for one pool
	// Reason says why a Holiday or DayOff is closed: the holiday's
	// name, or the operator's reason.
	Reason string
	// Opens is the instant the day's quota is released, in the office's
	// time zone; the zero time when it is released immediately or the day
	// has no table. It is set whatever the state, but means something to
	// a person only for a NotOpened day: when it turns green.
	Opens time.Time
	// Left and Pools count the seats of the slots that can still be
	// booked: not started and not closed. Pools has one entry per pool
	// of the office, zero for a day outside the table.
	Left  int
	Pools []PoolSeats
	// Slots is filled by [Ledger.Day] only.
	Slots []SlotView
}

// SlotView is what one slot of a day looks like at an instant.
type SlotView struct {
	Slot       int           // index in the office's layout
	Start, End time.Duration // offsets from local midnight
	State      calendar.State
	Reason     string // why the operator closed it, for a closed slot
	Pools      []PoolSeats
}

// Span formats the slot's window as "08:00–09:00".
func (v *SlotView) Span() string { return span(v.Start, v.End) }

// StateIn returns the day's state as seen by someone booking in pool p:
// Full when that pool has no seat left even though another pool has.
func (v *DayView) StateIn(p int) calendar.State {
	if p < 0 || p >= len(v.Pools) {
		return v.State
	}
	return poolState(v.State, v.Pools[p].Left)
}

// StateIn returns the slot's state as seen by someone booking in pool p.
func (v *SlotView) StateIn(p int) calendar.State {
	if p < 0 || p >= len(v.Pools) {
		return v.State
	}
	return poolState(v.State, v.Pools[p].Left)
}

func poolState(s calendar.State, left int) calendar.State {
	if s != calendar.Available && s != calendar.Full {
		return s
	}
	if left == 0 {
		return calendar.Full
	}
	return calendar.Available
}

// Month returns the view of every day of one month of an office, as of
// now. A day's state follows the day-state order of Reserve's refusals,
// so a green day is one Reserve would accept in some slot; for a whole
// day, a slot closure counts when every slot still to come is closed. A
// day outside the office's table is Past, its schedule's Holiday or
// DayOff, or OutsideHorizon.
//
// Month reads each cell with one atomic load and takes no lock; a month of
// 16 slots × 4 pools costs a few microseconds.
func (l *Ledger) Month(id OfficeID, year int, month time.Month, now time.Time) ([]DayView, error) {
	t := l.table(id)
	if t == nil {
		return nil, ErrUnknownOffice
	}
	first := calendar.NewDate(year, month, 1)
	if first.IsZero() || month < time.January || month > time.December {
		return nil, fmt.Errorf("%w: month %d-%02d", ErrBadDate, year, int(month))
	}
	nowNs := unixNanos(now)
	today := calendar.DateOf(now, t.loc)
	n := calendar.DaysIn(year, month)
	views := make([]DayView, n)
	// One backing array for every day's pools: one allocation, not 31.
	pools := make([]PoolSeats, n*t.pools)
	for i := range views {
		t.fillDay(&views[i], first.AddDays(i), nowNs, today, pools[i*t.pools:(i+1)*t.pools:(i+1)*t.pools], false)
	}
	return views, nil
}

// Day returns the view of one day of an office and of each of its slots,
// as of now. Each slot's state follows the day-state order, as Reserve
// does for that slot; the day's own state is Month's.
func (l *Ledger) Day(id OfficeID, d calendar.Date, now time.Time) (DayView, error) {
	t := l.table(id)
	if t == nil {
		return DayView{}, ErrUnknownOffice
	}
	if d.IsZero() {
		return DayView{}, ErrBadDate
	}
	var v DayView
	t.fillDay(&v, d, unixNanos(now), calendar.DateOf(now, t.loc), make([]PoolSeats, t.pools), true)
	return v, nil
}

// fillDay fills v, a zero DayView, for date d, using pools as the backing
// store of its per-pool counts. It fills in place because a month view is
// 31 of them and copying each out would cost as much as counting its seats.
func (t *table) fillDay(v *DayView, d calendar.Date, nowNs int64, today calendar.Date, pools []PoolSeats, withSlots bool) {
	v.Date = d
	v.Pools = pools // zeros, unless the table has the day
	dy := t.at(d)
	if dy == nil {
		// No table: only the calendar can say anything.
		v.State, v.Reason = t.sched.Status(d)
		switch {
		case d.Before(today):
			v.State, v.Reason = calendar.Past, ""
		case v.State == calendar.Available:
			v.State = calendar.OutsideHorizon
		}
		return
	}
	release := dy.release.Load()
	if release != math.MinInt64 {
		v.Opens = time.Unix(0, release).In(t.loc)
	}
	var reasons []string
	if r := dy.slotReasons.Load(); r != nil {
		reasons = *r
	}
	var sum [PoolsPerSlotMax]uint64
	open := 0
	if dy.shut.Load() == 0 {
		open = t.sumSeats(dy, nowNs, &sum)
	}
	for p := range pools {
		capacity, left := unpack(sum[p%PoolsPerSlotMax])
		pools[p] = PoolSeats{Left: int(left), Capacity: int(capacity)}
		v.Left += int(left)
	}
	// Unless the day is past, its last slot is still to come, so no open
	// slot means every slot still to come is closed.
	v.State, v.Reason = dy.gate(t.lastStart, open == 0, nowNs).state(dy, v.Left, firstReason(reasons))
	if withSlots {
		v.Slots = t.slotViews(dy, nowNs, reasons)
	}
}

// sumSeats adds up, per pool, the cells of the slots that can still be
// booked (not started, not closed) and returns how many such slots there
// are. It is the inner loop of a month view: one atomic load per cell.
//
// It adds the cell words themselves, flags masked off: a day's sums fit
// their fields (SlotsPerDayMax × CellSeatsMax < 2^30), so one add per cell
// sums seats left and capacity at once, unpacked once by the caller. It
// collects the bookable rows first, then sums four pools at a time into
// four registers with one bounds check per four cells; summing row by row
// into an array was half as fast.
func (t *table) sumSeats(dy *day, nowNs int64, sum *[PoolsPerSlotMax]uint64) int {
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
	p := 0
	for ; p+4 <= stride; p += 4 {
		var a0, a1, a2, a3 uint64
		for _, row := range rows[:n] {
			c := cells[row+p : row+p+4 : row+p+4]
			a0 += c[0].w.Load() &^ flagsMask
			a1 += c[1].w.Load() &^ flagsMask
			a2 += c[2].w.Load() &^ flagsMask
			a3 += c[3].w.Load() &^ flagsMask
		}
		sum[p%PoolsPerSlotMax], sum[(p+1)%PoolsPerSlotMax] = a0, a1
		sum[(p+2)%PoolsPerSlotMax], sum[(p+3)%PoolsPerSlotMax] = a2, a3
	}
	for ; p < stride; p++ {
		var acc uint64
		for _, row := range rows[:n] {
			acc += cells[row+p].w.Load() &^ flagsMask
		}
		sum[p%PoolsPerSlotMax] = acc
	}
	return n
}

// slotViews returns the view of each slot of dy.
func (t *table) slotViews(dy *day, nowNs int64, reasons []string) []SlotView {
	views := make([]SlotView, len(t.layout.Slots))
	pools := make([]PoolSeats, len(views)*t.pools)
	for s, slot := range t.layout.Slots {
		sv := SlotView{Slot: s, Start: slot.Start, End: slot.End, Pools: pools[s*t.pools : (s+1)*t.pools : (s+1)*t.pools]}
		left, slotClosed := 0, false
		for p := range sv.Pools {
			capacity, l, isClosed := t.cell(dy, s, p).load()
			slotClosed = isClosed
			left += int(l)
			sv.Pools[p] = PoolSeats{Left: int(l), Capacity: int(capacity)}
		}
		var reason string
		if s < len(reasons) {
			reason = reasons[s]
		}
		sv.State, sv.Reason = dy.gate(t.slotStart[s], slotClosed, nowNs).state(dy, left, reason)
		views[s] = sv
	}
	return views
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

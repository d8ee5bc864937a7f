package quota

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
)

// DayState is one day of a month calendar as a person booking sees it: its
// state (the colour), why it is grey, and when it turns green. It is a
// [DayView] without the seat counts, which cost a read of every cell;
// [Ledger.AppendMonth] and [Ledger.AppendMonthIn] fill it from a few words
// per day. It has no slice of its own — Reason and the zone of Opens are
// the table's — so a month of them is one array the caller can reuse, and
// like DayView it is a value, safe to keep and to share.
type DayState struct {
	Date calendar.Date
	// State is the day's state over the pools counted: all of them for
	// AppendMonth, one for AppendMonthIn. It is always the State that
	// Month, or MonthIn, shows for the day at the same instant.
	State calendar.State
	// Reason says why a Holiday or DayOff is closed, or why a day is
	// NotOpened for want of holiday data, as in DayView.
	Reason string
	// Opens is the instant the day's quota is released, as in DayView.
	Opens time.Time
}

// AppendMonth appends to dst the state of every day of one month of an
// office, as of now, over all its pools, and returns the extended slice.
// Each day's Date, State, Reason and Opens are those [Ledger.Month] shows.
// On error it returns dst unchanged. It refuses [ErrUnknownOffice], then
// [calendar.ErrBadDate] for a month that does not exist.
//
// On a hot path — a calendar page served per request — use AppendMonth or
// [Ledger.AppendMonthIn] with a slice kept from call to call (dst[:0]):
// they do not allocate once it holds a month, and they read a few words
// per day where Month reads every cell. Use Month when the seat counts
// are wanted.
//
// # Exactness
//
// A day's state is decided by the cells of the slots that can still be
// booked. For each day, AppendMonth reads either the day's counters (the
// usual case) or, when the day is under way or a change to its counters
// was in progress, its cells; see [Ledger.AppendMonthIn] for what either
// guarantees.
func (l *Ledger) AppendMonth(dst []DayState, id OfficeID, year int, month time.Month, now time.Time) ([]DayState, error) {
	t := l.table(id)
	if t == nil {
		return dst, ErrUnknownOffice
	}
	vw := viewer{t: t, nowNs: unixns.Of(now), lo: 0, hi: t.pools, mask: math.MaxUint64}
	return vw.appendMonth(dst, year, month, now)
}

// AppendMonthIn is AppendMonth as seen from one pool, the pool index of
// the office's layout: each day's State is the one [Ledger.MonthIn] shows,
// counting that pool only. It refuses [ErrUnknownOffice],
// [ErrUnknownPool], then [calendar.ErrBadDate], returning dst unchanged. It is the
// one to use for an online calendar on a hot path; see AppendMonth.
//
// # Exactness
//
// A day's state depends on which of its cells have a seat left and which
// offer seats at all, and concurrent Reserve, Release and operator changes
// move them while AppendMonthIn reads. Its answer for each day is exact in
// one of two senses, and never comes from a count that lags its cells:
//
//   - A day none of whose slots has started (every day after today, and
//     today before its first slot) is usually answered from its counters:
//     per pool, the cells with a seat left and the cells that offer seats,
//     in the slots not closed. They move only when a cell crosses zero
//     seats left or an operator changes a cell, and each such change is
//     announced on the day before its cell changes and published after
//     the counters have moved. A view uses the counters only when it read
//     them with no change under way on the day, and then they are those
//     of all the day's cells at one instant during the call. Linearizable
//     per day: the day is shown Full only if at that instant no cell
//     counted had a seat, Available only if one had, NoQuota only if none
//     offered one.
//   - A day under way (some of its slots started, some to come), and a day
//     on which changes kept crossing zero through four looks in a row,
//     is answered from its cells, as Month answers: each cell read
//     once, with one atomic load. Linearizable per cell: the day is shown
//     Full only if each cell counted had no seat at the instant it was
//     read, Available only if one had a seat when read, NoQuota only if
//     none offered one when read.
//
// A day whose cells do not change during the call is shown exactly as they
// are. What the cells do not decide — the day's closure, its release
// instant, the closure reasons — is read with one load each, as in Month.
func (l *Ledger) AppendMonthIn(dst []DayState, id OfficeID, pool int, year int, month time.Month, now time.Time) ([]DayState, error) {
	t := l.table(id)
	if t == nil {
		return dst, ErrUnknownOffice
	}
	if uint(pool) >= uint(t.pools) {
		return dst, ErrUnknownPool
	}
	vw := viewer{t: t, nowNs: unixns.Of(now), lo: pool, hi: pool + 1, shift: 8 * uint(pool), mask: 0xFF}
	return vw.appendMonth(dst, year, month, now)
}

// appendMonth appends the states of the days of one month. It leaves
// vw.today to be found the first time a day outside the table needs it:
// the date of now in the office's zone costs about 18 ns, three days read
// from their counters, and a month inside the table never needs it.
func (vw *viewer) appendMonth(dst []DayState, year int, month time.Month, now time.Time) ([]DayState, error) {
	first := calendar.NewDate(year, month, 1)
	if first.IsZero() || month < time.January || month > time.December {
		return dst, fmt.Errorf("%w: month %d-%02d", calendar.ErrBadDate, year, int(month))
	}
	t := vw.t
	n := calendar.DaysIn(year, month)
	dst = slices.Grow(dst, n)
	days := dst[len(dst) : len(dst)+n]
	base := first.Sub(t.first)
	// Filled in place: building each day aside and appending it copied
	// it through the write barrier, a quarter more for the month
	// (BenchmarkMonth: about 230 ns against 175).
	for i := range days {
		v := &days[i]
		if j := base + i; uint(j) < uint(len(t.days)) {
			dy := &t.days[j]
			v.Date = dy.date
			v.Opens = vw.opens(dy)
			v.State, v.Reason = vw.dayState(dy)
		} else {
			if vw.today.IsZero() {
				vw.today = calendar.DateOf(now, t.loc)
			}
			v.Date, v.Opens = first.AddDays(i), time.Time{}
			v.State, v.Reason = vw.outside(v.Date)
		}
	}
	dst = dst[:len(dst)+n]
	return dst, nil
}

// dayState returns the state and reason of dy over the pools vw counts:
// from the day's counters when none of its slots has started and they can
// be read at one instant, else from its cells.
func (vw *viewer) dayState(dy *day) (calendar.State, string) {
	t, nowNs := vw.t, vw.nowNs
	if nowNs >= dy.startNs+t.firstStart {
		if nowNs >= dy.startNs+t.lastStart {
			return calendar.Past, ""
		}
		// Under way: only the slots still to come count, and the
		// counters count every slot.
		return vw.walkState(dy)
	}
	for range crossingReadsMax {
		if seats, offered, open, ok := dy.ctr.read(); ok {
			v := dy.gate(t.lastStart, open == 0, nowNs)
			return vw.verdictState(dy, v, int(offered>>vw.shift&vw.mask), int(seats>>vw.shift&vw.mask))
		}
	}
	return vw.walkState(dy)
}

// walkState returns the state and reason of dy over the pools vw counts,
// from its cells, as a Month view finds them.
func (vw *viewer) walkState(dy *day) (calendar.State, string) {
	var sum [PoolsPerSlotMax]uint64
	open := 0
	if dy.shut.Load() == 0 {
		open = vw.t.sumSeats(dy, vw.nowNs, vw.lo, vw.hi, &sum)
	}
	capacity, left := 0, 0
	for _, s := range sum[:vw.hi-vw.lo] {
		c, l := unpack(s)
		capacity += int(c)
		left += int(l)
	}
	v := dy.gate(vw.t.lastStart, open == 0, vw.nowNs)
	return vw.verdictState(dy, v, capacity, left)
}

// verdictState is verdict.state, loading the operator's reasons for
// closing slots only for a day whose every slot still to come is closed.
func (vw *viewer) verdictState(dy *day, v verdict, capacity, left int) (calendar.State, string) {
	var reason string
	if v == slotShut {
		if r := dy.slotReasons.Load(); r != nil {
			reason = firstReason(*r)
		}
	}
	return v.state(dy, capacity, left, reason)
}

// outside returns the state and reason of date d, which is not in the
// table: only the calendar can say anything about it.
//
// A service day there is OutsideHorizon whether or not its year has
// holiday data: without a table it cannot open either way, and the
// horizon is what keeps it shut.
func (vw *viewer) outside(d calendar.Date) (calendar.State, string) {
	if d.Before(vw.today) {
		return calendar.Past, ""
	}
	switch s, reason := vw.t.sched.Status(d); s {
	case calendar.Available, calendar.NotOpened:
		return calendar.OutsideHorizon, ""
	default:
		return s, reason
	}
}

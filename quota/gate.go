package quota

import "github.com/kuota/kuota/calendar"

// verdict is what a day, or one slot of it, says about booking at an
// instant before any seat is counted. It is small so that Reserve's fast
// path can switch on it without a call or an allocation.
type verdict uint8

const (
	// bookable: the seats decide, NoQuota, Full or Available (Reserve:
	// ErrNoQuota, ErrFull or the seats).
	bookable       verdict = iota
	past                   // the slot has started; for a day, its last slot has
	shutBySchedule         // a holiday or weekly day off: day.status and day.reason say which
	shutByOperator         // the operator closed the whole day
	noHolidayData          // a year the office's holiday data does not cover: day.reason says so
	slotShut               // the operator closed the slot; for a day, every slot still to come
	notOpened              // before the day's release instant
)

// gate decides the verdict of day dy at instant nowNs, for one slot that
// starts startNs after dy's midnight and is closed by the operator when
// slotClosed, or for the whole day when startNs is its latest slot start
// and slotClosed says every slot still to come is closed. It does not look
// at seats: that is the caller's last step, from its own counts, made by
// [refusal] for Reserve and by [seatState] for views.
//
// This is the day-state order, the one place it is written. Reserve's
// refusals, the Month and Day views (and MonthIn and DayIn) and the slots
// of a Day view all follow it, so that a day shown green is one Reserve
// would accept:
//
//  1. past: now is at or after the slot's start (ErrPast; grey Past);
//  2. closed, first by the office's schedule (a holiday or day off), then
//     by an operator's closure of the day (ErrClosed; grey Holiday or
//     DayOff with the reason);
//  3. no holiday data: a service day of a year the office's holiday data
//     does not cover (ErrNotOpened; yellow NotOpened with the reason
//     calendar.NoHolidayDataReason);
//  4. closed by an operator's closure of the slot (ErrClosed; grey
//     Holiday with the reason);
//  5. not opened: now is before the day's release instant (ErrNotOpened;
//     yellow NotOpened);
//  6. no quota: the seats counted have capacity 0 — the cell, for
//     Reserve; the pools a view counts, over the slots that can still be
//     booked, for a view (ErrNoQuota; yellow NoQuota);
//  7. full: no seat is left of those offered (ErrFull; red Full);
//  8. available (green).
//
// The past comes first because nothing about a day that has gone by can
// be changed any more; closures come before the release because a closed
// day does not turn green at its release instant, so telling the caller it
// has not opened yet would mislead. A day of a year without holiday data
// is not opened, whatever its release instant, until the year's data is
// loaded (a new table): it may turn out to be a holiday, so it must not be
// sold, and saying it is closed would be a guess. It concerns the whole
// day, as the day's closures do, so it comes before a slot's closure; a
// view then need not look at the slots of a day it already knows cannot
// be booked. A day with no quota that has not been
// released yet says so (NotOpened): the office may still give it seats
// before the release. No quota comes before full because a cell of
// capacity 0 has no seat left either, and red would say its seats were
// used up when none was ever offered. A day outside the table has no
// verdict: Reserve refuses it with ErrOutsideHorizon, or ErrPast when it
// has gone by.
//
// gate reads the day's atomics (shut, release) itself, so that Reserve
// needs no other load; it inlines into Reserve's fast path. Steps 2 and 3
// share the day's shut word, so a day that can be booked pays one load for
// both.
func (dy *day) gate(startNs int64, slotClosed bool, nowNs int64) verdict {
	switch {
	case nowNs >= dy.startNs+startNs:
		return past
	case dy.shut.Load() != 0:
		return dy.shutVerdict()
	case slotClosed:
		return slotShut
	case nowNs < dy.release.Load():
		return notOpened
	}
	return bookable
}

// shutVerdict is steps 2 and 3 of the order for a day whose shut word is
// set. The closure may have been lifted since the word was read; the day
// was closed when seen, so it still says shutByOperator, not bookable.
func (dy *day) shutVerdict() verdict {
	switch {
	case dy.status == calendar.Holiday || dy.status == calendar.DayOff:
		return shutBySchedule
	case dy.status == calendar.Available || dy.closed.Load() != nil:
		return shutByOperator
	}
	return noHolidayData
}

// err returns Reserve's refusal for a verdict other than bookable.
func (v verdict) err() error {
	switch v {
	case past:
		return ErrPast
	case notOpened, noHolidayData:
		return ErrNotOpened
	case bookable:
		return nil
	}
	return ErrClosed
}

// refusal is steps 6 and 7 of the order for Reserve: once gate has said
// bookable and the cell's word w has fewer seats left than asked for, it
// is ErrNoQuota when w offers no seat at all, else ErrFull. The capacity
// is in the word Reserve already loaded, so telling the two apart costs
// no load, and it is on the refusal path only. It inlines into Reserve.
func refusal(w uint64) error {
	if w&capMask == 0 {
		return ErrNoQuota
	}
	return ErrFull
}

// seatState is steps 6 to 8 of the order for views, from the capacity and
// seats left of whatever the view counts: a slot's cells, or a day's
// bookable slots, in all pools or in one.
func seatState(capacity, left int) calendar.State {
	switch {
	case capacity == 0:
		return calendar.NoQuota
	case left == 0:
		return calendar.Full
	}
	return calendar.Available
}

// state returns a view's state and reason for verdict v of dy, given the
// capacity and seats left counted when v is bookable and the operator's
// reason when v is slotShut.
func (v verdict) state(dy *day, capacity, left int, slotReason string) (calendar.State, string) {
	switch v {
	case past:
		return calendar.Past, ""
	case shutBySchedule:
		return dy.status, dy.reason
	case shutByOperator:
		// The closure may have been lifted since gate looked; the
		// reason is then unknown, but the day was closed when seen.
		if r := dy.closed.Load(); r != nil {
			return calendar.Holiday, *r
		}
		return calendar.Holiday, ""
	case noHolidayData:
		return calendar.NotOpened, dy.reason
	case slotShut:
		return calendar.Holiday, slotReason
	case notOpened:
		return calendar.NotOpened, ""
	}
	return seatState(capacity, left), ""
}

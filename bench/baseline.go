package bench

import (
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// HoldTTL is every baseline's payment window: kuota's default.
const HoldTTL = holdTTL

// Rules are the booking rules the baselines enforce for one office — the
// same as kuota's, written the straightforward way — exported for a
// baseline kept in another module, which keeps its seats and bookings its
// own way (bench/postgres keeps them in PostgreSQL tables) and must answer
// as the baselines here do. They are the code the mutex-and-map and bbolt
// baselines run, so the three cannot drift apart.
//
// A Rules never changes after NewRules: it is safe for concurrent use.
// Methods that depend on time take the instant now; none reads a clock.
type Rules struct{ o *baseOffice }

// NewRules checks an office's configuration, as a baseline's Register
// does, and returns its rules. The Rules keep cfg's slices: the caller
// must not change them afterwards.
func NewRules(cfg booking.OfficeConfig) (*Rules, error) {
	o, err := newBaseOffice(cfg)
	if err != nil {
		return nil, err
	}
	return &Rules{o: o}, nil
}

// Config returns the office's configuration, whose slices are the Rules'
// own: read it, do not change it.
func (r *Rules) Config() booking.OfficeConfig { return r.o.cfg }

// Location returns the office's time zone.
func (r *Rules) Location() *time.Location { return r.o.loc() }

// CheckHold validates a hold request the way kuota does, minus the NIK
// format (the scenarios parse NIKs before asking), and returns the indexes
// of its slot and pool. A nil Rules, an office never registered, answers
// booking.ErrUnknownOffice.
func (r *Rules) CheckHold(req *booking.HoldRequest) (slot, pool int, err error) {
	if r == nil {
		return 0, 0, booking.ErrUnknownOffice
	}
	return checkRequest(r.o, req)
}

// SlotAt returns the index of the slot that starts at start, "08:00", as
// Reschedule takes it: booking.ErrUnknownSlot for a start no slot has.
func (r *Rules) SlotAt(start string) (int, error) { return r.o.slotIndex(start) }

// Gate says whether slot of d can be booked at now, seats aside, with
// kuota's refusal in kuota's order: quota.ErrPast, ErrOutsideHorizon,
// ErrClosed, ErrNotOpened; nil when it can.
func (r *Rules) Gate(d calendar.Date, slot int, now time.Time) error { return r.o.gate(d, slot, now) }

// DayView builds the view of d at now that Month (withSlots false) and Day
// (withSlots true) return, with kuota's state rules, from seats(slot,
// pool), which returns a cell's capacity and the seats taken of it.
func (r *Rules) DayView(d calendar.Date, now time.Time, withSlots bool, seats func(slot, pool int) (capacity, taken int)) quota.DayView {
	return r.o.dayView(d, now, withSlots, seats)
}

// CellRefusal is kuota's answer for a cell of capacity seats, taken of
// them, asked for n: quota.ErrNoQuota when the cell offers none at all,
// quota.ErrFull when fewer than n are left, nil when they fit.
func CellRefusal(capacity, taken, n int) error { return cellRefusal(capacity, taken, n) }

// MonthDays returns the dates of a month, as Month lists them.
func MonthDays(year int, month time.Month) []calendar.Date { return monthDays(year, month) }

// DayEnd returns the instant d ends in the office's zone: a paid booking
// for d keeps its applicants' NIKs from any other booking until then, a
// held one until its deadline.
func (r *Rules) DayEnd(d calendar.Date) time.Time { return d.AddDays(1).Start(r.o.loc()) }

// NoShowAt returns the instant a paid booking for slot of d that has not
// checked in becomes a no-show: the end of its slot.
func (r *Rules) NoShowAt(d calendar.Date, slot int) time.Time {
	return policy.NoShowAt(d, r.o.cfg.Quota.Layout.Slots[slot].End, r.o.loc())
}

// CanCancel reports whether a paid booking for d may be cancelled at now.
func (r *Rules) CanCancel(now time.Time, d calendar.Date) error {
	return policy.CanCancel(now, d, r.o.loc())
}

// CanReschedule reports whether a paid booking for d, rescheduled done
// times already, may be rescheduled at now.
func (r *Rules) CanReschedule(now time.Time, d calendar.Date, done int) error {
	return policy.CanReschedule(now, d, done, r.o.loc())
}

// CanCheckIn reports whether the applicants of a paid booking for slot of
// d may check in at now.
func (r *Rules) CanCheckIn(now time.Time, d calendar.Date, slot int) error {
	s := r.o.cfg.Quota.Layout.Slots[slot]
	return policy.CanCheckIn(now, d, s.Start, s.End, r.o.loc())
}

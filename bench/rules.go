package bench

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// The baselines enforce the same rules as kuota, written the
// straightforward way: this file holds what they share. Their refusals are
// kuota's sentinels, so the reports count refusals by the same reasons.

// baseOffice is a baseline's record of one office.
type baseOffice struct {
	cfg   booking.OfficeConfig
	pools map[string]int
}

func newBaseOffice(cfg booking.OfficeConfig) (*baseOffice, error) {
	if err := cfg.Quota.Validate(); err != nil {
		return nil, err
	}
	o := &baseOffice{cfg: cfg, pools: map[string]int{}}
	for i, p := range cfg.Quota.Layout.Pools {
		o.pools[p] = i
	}
	return o, nil
}

func (o *baseOffice) loc() *time.Location { return o.cfg.Quota.Schedule.Location }

// inWindow reports whether d has a quota table.
func (o *baseOffice) inWindow(d calendar.Date) bool {
	i := d.Sub(o.cfg.Quota.First)
	return i >= 0 && i < o.cfg.Quota.Days
}

// slotIndex finds the slot of the office's layout that starts at start,
// "08:00", as kuota's Hold and Reschedule take it: booking.ErrUnknownSlot
// for a start no slot has, the empty string first of all.
func (o *baseOffice) slotIndex(start string) (int, error) {
	d, err := quota.ParseClock(start)
	if err != nil {
		return 0, booking.ErrUnknownSlot
	}
	s, ok := o.cfg.Quota.Layout.SlotAt(d)
	if !ok {
		return 0, booking.ErrUnknownSlot
	}
	return s, nil
}

// cellRefusal is kuota's answer for a cell of capacity seats, taken of
// them, asked for n: quota.ErrNoQuota when the cell offers none at all,
// quota.ErrFull when fewer than n are left, nil when they fit.
func cellRefusal(capacity, taken, n int) error {
	switch {
	case capacity == 0:
		return quota.ErrNoQuota
	case capacity-taken < n:
		return quota.ErrFull
	}
	return nil
}

// gate says whether slot of d can be booked at now, seats aside, in
// kuota's order: past, outside horizon, closed, not opened.
func (o *baseOffice) gate(d calendar.Date, slot int, now time.Time) error {
	q := &o.cfg.Quota
	switch {
	case slot < 0 || slot >= len(q.Layout.Slots):
		return quota.ErrUnknownSlot
	case !now.Before(d.Start(o.loc()).Add(q.Layout.Slots[slot].Start)):
		return quota.ErrPast
	case !o.inWindow(d):
		return quota.ErrOutsideHorizon
	}
	switch st, _ := q.Schedule.Status(d); st {
	case calendar.Available:
	case calendar.NotOpened: // a year without holiday data
		return quota.ErrNotOpened
	default:
		return quota.ErrClosed
	}
	if at := q.Release.ReleaseAt(d, o.loc()); !at.IsZero() && now.Before(at) {
		return quota.ErrNotOpened
	}
	return nil
}

// dayView builds a quota.DayView (with slots when withSlots) from seat
// counts, with kuota's state rules and its pools named, as Month and Day
// list them; seats(slot, pool) returns capacity and taken. As kuota's, a
// day's Left and Pools count the slots that can still be booked, and a
// day or slot whose bookable cells offer no seat at all is NoQuota (yellow),
// not Full.
func (o *baseOffice) dayView(d calendar.Date, now time.Time, withSlots bool, seats func(slot, pool int) (int, int)) quota.DayView {
	q := &o.cfg.Quota
	v := quota.DayView{Date: d, Pools: make([]quota.PoolSeats, len(q.Layout.Pools))}
	for p, name := range q.Layout.Pools {
		v.Pools[p].Pool = name
	}
	st, reason := q.Schedule.Status(d)
	switch {
	case d.Before(calendar.DateOf(now, o.loc())):
		v.State = calendar.Past
		return v
	case st != calendar.Available && st != calendar.NotOpened:
		v.State, v.Reason = st, reason
		return v
	case !o.inWindow(d):
		v.State = calendar.OutsideHorizon
		return v
	case st == calendar.NotOpened: // a year without holiday data
		v.State, v.Reason = st, reason
		return v
	}
	open, capacityOpen := 0, 0
	for s := range q.Layout.Slots {
		gate := o.gate(d, s, now)
		sv := quota.SlotView{Slot: s, Start: q.Layout.Slots[s].Start, End: q.Layout.Slots[s].End, Pools: make([]quota.PoolSeats, len(q.Layout.Pools))}
		left, capacitySlot := 0, 0
		for p, name := range q.Layout.Pools {
			capacity, taken := seats(s, p)
			sv.Pools[p] = quota.PoolSeats{Pool: name, Left: capacity - taken, Capacity: capacity}
			left += capacity - taken
			capacitySlot += capacity
		}
		switch {
		case gate == quota.ErrPast:
			sv.State = calendar.Past
		case gate == quota.ErrNotOpened:
			sv.State = calendar.NotOpened
		case capacitySlot == 0:
			sv.State = calendar.NoQuota
		case left == 0:
			sv.State = calendar.Full
		default:
			sv.State = calendar.Available
		}
		if gate == nil || gate == quota.ErrNotOpened {
			// A slot still to come: the day counts its seats.
			open++
			capacityOpen += capacitySlot
			v.Left += left
			for p := range sv.Pools {
				v.Pools[p].Left += sv.Pools[p].Left
				v.Pools[p].Capacity += sv.Pools[p].Capacity
			}
		}
		if withSlots {
			v.Slots = append(v.Slots, sv)
		}
	}
	switch {
	case open == 0:
		v.State = calendar.Past
	case o.gate(d, len(q.Layout.Slots)-1, now) == quota.ErrNotOpened:
		v.State = calendar.NotOpened
	case capacityOpen == 0:
		v.State = calendar.NoQuota
	case v.Left == 0:
		v.State = calendar.Full
	default:
		v.State = calendar.Available
	}
	return v
}

// monthDays returns the dates of a month.
func monthDays(year int, month time.Month) []calendar.Date {
	first := calendar.NewDate(year, month, 1)
	out := make([]calendar.Date, calendar.DaysIn(year, month))
	for i := range out {
		out[i] = first.AddDays(i)
	}
	return out
}

// baseBooking is a baseline's record of one booking.
type baseBooking struct {
	Code, Billing, Account, Office string
	NIKs                           []string
	Date                           calendar.Date
	Slot, Pool                     int
	State                          booking.State
	Deadline                       time.Time
	PaymentRef                     string
	Reschedules                    int
	ChangedAt                      time.Time
}

func (b *baseBooking) seats() int { return len(b.NIKs) }

// live reports whether b keeps its NIKs from another booking at now.
func (b *baseBooking) live(o *baseOffice, now time.Time) bool {
	switch b.State {
	case booking.Held:
		return now.Before(b.Deadline)
	case booking.Paid:
		return now.Before(b.Date.AddDays(1).Start(o.loc()))
	}
	return false
}

// takesSeats reports whether b holds seats.
func (b *baseBooking) takesSeats() bool {
	return b.State == booking.Held || b.State == booking.Paid || b.State == booking.CheckedIn
}

// checkRequest validates a hold request the way kuota does, minus the
// NIK format (the scenarios parse NIKs before asking), and returns the
// indexes of its slot and pool.
func checkRequest(o *baseOffice, req *booking.HoldRequest) (slot, pool int, err error) {
	if o == nil {
		return 0, 0, booking.ErrUnknownOffice
	}
	if slot, err = o.slotIndex(req.Slot); err != nil {
		return 0, 0, err
	}
	pool, ok := o.pools[req.Pool]
	if !ok {
		return 0, 0, booking.ErrUnknownPool
	}
	if n := len(req.Applicants); n < 1 || n > booking.ApplicantsMax {
		return 0, 0, fmt.Errorf("%w: %d", booking.ErrApplicantCount, n)
	}
	return slot, pool, nil
}

var policy = reschedule.Default()

// holdTTL is the baselines' payment window: kuota's default.
const holdTTL = booking.DefaultHoldTTL

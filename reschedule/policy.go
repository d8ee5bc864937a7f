package reschedule

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
)

// Limits on a Policy, checked by Validate.
const (
	// DaysBeforeMax bounds RescheduleUntil and CancelUntil: a window
	// that closes more than a booking horizon before arrival makes no
	// sense.
	DaysBeforeMax = 400
	// ReschedulesMaxLimit bounds ReschedulesMax.
	ReschedulesMaxLimit = 10
	// CheckInEarlyMax bounds CheckInEarly.
	CheckInEarlyMax = 12 * time.Hour
	// ReapplyAfterMonthsMax bounds ReapplyAfterMonths: ten years.
	ReapplyAfterMonthsMax = 120
)

// Policy holds the window rules of a booking. Every window is a civil-date
// rule in the office's time zone, so each function takes the instant now
// and the zone loc, and never reads the clock.
//
// The zero Policy is valid but lenient (no reschedules, cancel and
// reschedule until the arrival day begins, check-in from the slot start,
// re-apply at once); start from [Default] for M-Paspor's rules.
type Policy struct {
	// ReschedulesMax is how many times a booking may be rescheduled.
	ReschedulesMax int
	// RescheduleUntil is the last day on which a reschedule is allowed,
	// in days before the arrival date: 1 is H-1, the day before arrival.
	// The window closes when that day ends.
	RescheduleUntil int
	// CancelUntil is the last day on which a cancellation is allowed, in
	// days before the arrival date: 2 is H-2.
	CancelUntil int
	// CheckInEarly is how long before the slot starts check-in opens.
	// Check-in closes when the slot ends.
	CheckInEarly time.Duration
	// ReapplyAfterMonths is how many calendar months after its previous
	// arrival date a NIK may hold a new booking.
	ReapplyAfterMonths int
	// ReapplyAfterUnreached says whether a booking that never reached its
	// arrival date — cancelled, expired, or rejected before the date —
	// starts the re-apply window too, from that arrival date. False, the
	// default, lets its NIKs book again at once: the applicant did not
	// come, so nothing was served that the window rations. Offices that
	// want to stop an applicant from cancelling and booking again in a
	// loop set it.
	ReapplyAfterUnreached bool
}

// Default returns M-Paspor's rules: one reschedule until the end of H-1,
// cancel until the end of H-2, check in from 60 minutes before the slot,
// apply again one calendar month after the previous arrival date, and at
// once after a booking that never reached its date.
func Default() Policy {
	return Policy{
		ReschedulesMax:     1,
		RescheduleUntil:    1,
		CancelUntil:        2,
		CheckInEarly:       60 * time.Minute,
		ReapplyAfterMonths: 1,
	}
}

// Validate checks the policy's fields against the limits above.
func (p Policy) Validate() error {
	switch {
	case p.ReschedulesMax < 0 || p.ReschedulesMax > ReschedulesMaxLimit:
		return fmt.Errorf("%w: ReschedulesMax %d, want 0..%d", ErrBadPolicy, p.ReschedulesMax, ReschedulesMaxLimit)
	case p.RescheduleUntil < 0 || p.RescheduleUntil > DaysBeforeMax:
		return fmt.Errorf("%w: RescheduleUntil %d, want 0..%d", ErrBadPolicy, p.RescheduleUntil, DaysBeforeMax)
	case p.CancelUntil < 0 || p.CancelUntil > DaysBeforeMax:
		return fmt.Errorf("%w: CancelUntil %d, want 0..%d", ErrBadPolicy, p.CancelUntil, DaysBeforeMax)
	case p.CheckInEarly < 0 || p.CheckInEarly > CheckInEarlyMax:
		return fmt.Errorf("%w: CheckInEarly %v, want 0..%v", ErrBadPolicy, p.CheckInEarly, CheckInEarlyMax)
	case p.ReapplyAfterMonths < 0 || p.ReapplyAfterMonths > ReapplyAfterMonthsMax:
		return fmt.Errorf("%w: ReapplyAfterMonths %d, want 0..%d", ErrBadPolicy, p.ReapplyAfterMonths, ReapplyAfterMonthsMax)
	}
	return nil
}

// endOfHMinus returns the instant H-n ends for an arrival date: the local
// midnight n-1 days before the arrival date begins.
func endOfHMinus(n int, arrival calendar.Date, loc *time.Location) time.Time {
	return arrival.AddDays(1 - n).Start(loc)
}

// RescheduleDeadline returns the instant the reschedule window closes:
// for the default policy, the local midnight that begins the arrival date.
func (p Policy) RescheduleDeadline(arrival calendar.Date, loc *time.Location) time.Time {
	return endOfHMinus(p.RescheduleUntil, arrival, loc)
}

// Windows are the instants of a booking's windows, as RescheduleDeadline,
// CancelDeadline and CheckInWindow give them one at a time.
type Windows struct {
	Arrival       time.Time // the local midnight that begins the arrival date
	RescheduleBy  time.Time // RescheduleDeadline
	CancelBy      time.Time // CancelDeadline
	CheckInOpens  time.Time // CheckInWindow's opens
	CheckInCloses time.Time // CheckInWindow's closes, NoShowAt
}

// WindowsOf returns every window of a booking for arrival in the slot
// from slotStart to slotEnd at once: what RescheduleDeadline,
// CancelDeadline and CheckInWindow return, with each local midnight
// computed once rather than once a window. A booking's view reads them
// all, and a midnight in a zone is most of a window's cost.
func (p Policy) WindowsOf(arrival calendar.Date, slotStart, slotEnd time.Duration, loc *time.Location) Windows {
	midnight := arrival.Start(loc)
	end := func(n int) time.Time {
		if n == 1 { // H-1 ends as the arrival date begins
			return midnight
		}
		return endOfHMinus(n, arrival, loc)
	}
	return Windows{
		Arrival:       midnight,
		RescheduleBy:  end(p.RescheduleUntil),
		CancelBy:      end(p.CancelUntil),
		CheckInOpens:  midnight.Add(slotStart).Add(-p.CheckInEarly), // two Adds, as CheckInWindow
		CheckInCloses: midnight.Add(slotEnd),
	}
}

// CanReschedule reports whether a booking for arrival, already rescheduled
// done times, may be rescheduled at now. It checks the window first and
// the count second: once the window has closed, nothing can be done about
// the booking's date, whatever its count (ErrRescheduleClosed); within the
// window, a booking that used its reschedules gets ErrRescheduleLimit.
func (p Policy) CanReschedule(now time.Time, arrival calendar.Date, done int, loc *time.Location) error {
	if deadline := p.RescheduleDeadline(arrival, loc); !now.Before(deadline) {
		return &WindowError{Action: Reschedule, Closes: deadline}
	}
	if done >= p.ReschedulesMax {
		return &WindowError{Action: Reschedule, Exhausted: true, Done: done, Limit: p.ReschedulesMax}
	}
	return nil
}

// CancelDeadline returns the instant the cancel window closes: for the
// default policy, the local midnight that begins the day before arrival.
func (p Policy) CancelDeadline(arrival calendar.Date, loc *time.Location) time.Time {
	return endOfHMinus(p.CancelUntil, arrival, loc)
}

// CanCancel reports whether a booking for arrival may be cancelled at now.
func (p Policy) CanCancel(now time.Time, arrival calendar.Date, loc *time.Location) error {
	if deadline := p.CancelDeadline(arrival, loc); !now.Before(deadline) {
		return &WindowError{Action: Cancel, Closes: deadline}
	}
	return nil
}

// CheckInWindow returns when check-in opens and closes for a slot of the
// arrival date that runs from slotStart to slotEnd (offsets from local
// midnight): [opens, closes).
func (p Policy) CheckInWindow(arrival calendar.Date, slotStart, slotEnd time.Duration, loc *time.Location) (opens, closes time.Time) {
	// Two Adds, not slotStart - CheckInEarly: a Duration can overflow
	// where an instant does not.
	return arrival.Start(loc).Add(slotStart).Add(-p.CheckInEarly), p.NoShowAt(arrival, slotEnd, loc)
}

// CanCheckIn reports whether an applicant with a booking for that slot may
// check in at now.
func (p Policy) CanCheckIn(now time.Time, arrival calendar.Date, slotStart, slotEnd time.Duration, loc *time.Location) error {
	opens, closes := p.CheckInWindow(arrival, slotStart, slotEnd, loc)
	switch {
	case now.Before(opens):
		return &WindowError{Action: CheckIn, Opens: opens}
	case !now.Before(closes):
		return &WindowError{Action: CheckIn, Closes: closes}
	}
	return nil
}

// NoShowAt returns the instant a paid booking that has not checked in
// becomes a no-show: the end of its slot.
func (p Policy) NoShowAt(arrival calendar.Date, slotEnd time.Duration, loc *time.Location) time.Time {
	return arrival.Start(loc).Add(slotEnd)
}

// ReapplyFrom returns the instant from which a NIK whose previous booking
// reached its arrival date may hold a new booking: the local midnight that
// begins the arrival date plus ReapplyAfterMonths calendar months (clamped
// to the end of a shorter month: 2026-01-31 gives 2026-02-28).
func (p Policy) ReapplyFrom(previousArrival calendar.Date, loc *time.Location) time.Time {
	if d := previousArrival.AddMonths(p.ReapplyAfterMonths); !d.IsZero() || previousArrival.IsZero() {
		return d.Start(loc)
	}
	// Past the last Date (year 9999): time.Time goes further.
	if loc == nil {
		loc = time.UTC
	}
	y, m, dd := previousArrival.Date()
	first := time.Date(y, m+time.Month(p.ReapplyAfterMonths), 1, 0, 0, 0, 0, loc)
	return first.AddDate(0, 0, min(dd, calendar.DaysIn(first.Year(), first.Month()))-1)
}

// CanReapply reports whether a NIK whose previous booking was for
// previousArrival may hold a new booking at now. Only bookings that reached
// their date count; the caller passes none for expired or cancelled ones.
func (p Policy) CanReapply(now time.Time, previousArrival calendar.Date, loc *time.Location) error {
	if from := p.ReapplyFrom(previousArrival, loc); now.Before(from) {
		return &WindowError{Action: Reapply, Opens: from}
	}
	return nil
}

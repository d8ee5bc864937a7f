package calendar

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/internal/label"
)

// Limits on a Schedule, checked by [Schedule.Validate].
const (
	// ClosuresMax bounds an office's own closures: more than ten years of
	// one-off closures.
	ClosuresMax = 4096
	// ClosureReasonBytesMax bounds the reason given for a closure, which is
	// shown to applicants next to the grey day.
	ClosureReasonBytesMax = 200
)

// Closure is a day an office closes for a reason of its own (renovation, a
// regional holiday, a system migration).
type Closure struct {
	Date   Date
	Reason string
}

// Schedule is an office's calendar: when it serves the public at all,
// before any quota is considered.
//
// A Schedule is a plain value; once handed to quota or booking it is copied
// and must not be changed through slices it shares (Closures). Its methods
// are safe for concurrent use as long as nobody modifies it.
type Schedule struct {
	// Location is the office's time zone. Every window and every day
	// boundary is computed in it. It must be set, and must not be
	// time.Local, whose meaning depends on the host; see [Jakarta] and
	// friends for the Indonesian zones.
	Location *time.Location
	// Week holds the service weekdays. The zero value means
	// [MondayToFriday].
	Week Weekdays
	// Holidays lists national holidays and collective leave. National
	// holidays always close the office.
	//
	// The list also says which years it covers ([Holidays.Covers]), and a
	// list that covers any year makes the schedule enforce coverage: a
	// service day in a year the list does not cover is NotOpened, with
	// the reason NoHolidayDataReason, until that year's data is loaded,
	// because a day whose holidays nobody knows must not be sold. An empty
	// list enforces nothing, for an office that keeps no holidays (and for
	// tests); a service that takes its configuration from files, such as
	// kuota serve, should require the holidays to be named explicitly so
	// that an empty list is a choice, not an omission.
	Holidays Holidays
	// ObserveCollectiveLeave closes the office on collective-leave days
	// ("cuti bersama"). Many service offices stay open on them, so the
	// default is to stay open.
	ObserveCollectiveLeave bool
	// Closures lists the office's own closed days.
	Closures []Closure
}

// ServiceWeek returns the service weekdays, resolving the zero value to
// MondayToFriday.
func (s *Schedule) ServiceWeek() Weekdays {
	if s.Week == 0 {
		return MondayToFriday
	}
	return s.Week
}

// Validate checks that the schedule is usable: an explicit time zone, a
// week made of real weekdays, and at most ClosuresMax closures with a date,
// a printable reason and no date repeated.
func (s *Schedule) Validate() error {
	if s.Location == nil || s.Location == time.Local {
		return ErrNoLocation
	}
	if s.Week&^allWeekdays != 0 {
		return fmt.Errorf("%w: %#x", ErrNoServiceDays, uint8(s.Week))
	}
	if len(s.Closures) > ClosuresMax {
		return fmt.Errorf("%w: %d, limit %d", ErrTooManyClosures, len(s.Closures), ClosuresMax)
	}
	seen := make(map[Date]bool, len(s.Closures))
	for _, c := range s.Closures {
		if c.Date.IsZero() {
			return fmt.Errorf("%w: zero date", ErrBadClosure)
		}
		if err := label.Check(c.Reason, ClosureReasonBytesMax); err != nil {
			return fmt.Errorf("%w: reason on %s: %w", ErrBadClosure, c.Date, err)
		}
		if seen[c.Date] {
			return fmt.Errorf("%w: %s listed twice", ErrBadClosure, c.Date)
		}
		seen[c.Date] = true
	}
	return nil
}

// Status reports what the calendar alone says about d: Available when the
// office serves the public that day, otherwise Holiday (an office closure,
// a national holiday, or collective leave the office observes) or DayOff
// (not a service weekday), with the reason to show. Whether an Available
// day has seats, or has been opened yet, is for package quota to say.
//
// An office closure wins over a holiday, and a holiday over a weekly day
// off, so the most specific reason is shown.
//
// A day that would be a service day but lies in a year the holiday data
// does not cover is NotOpened, with the reason [NoHolidayDataReason] (see
// [Schedule.Holidays]): the office has not yet said which of that year's
// days it is closed, so none of them can open.
func (s *Schedule) Status(d Date) (State, string) {
	for _, c := range s.Closures {
		if c.Date == d {
			return Holiday, c.Reason
		}
	}
	if h, ok := s.Holidays.Lookup(d); ok {
		if h.Kind == National || s.ObserveCollectiveLeave {
			return Holiday, h.Name
		}
	}
	if !s.ServiceWeek().Has(d.Weekday()) {
		return DayOff, "weekly day off"
	}
	if s.enforcesCoverage() && !s.Holidays.Covers(d.Year()) {
		return NotOpened, NoHolidayDataReason
	}
	return Available, ""
}

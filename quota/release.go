package quota

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
)

// Period says how an office releases its quota.
type Period uint8

const (
	// Immediately: every day in the table is bookable as soon as it is
	// there. The zero ReleaseRule releases immediately.
	Immediately Period = iota
	// Daily: each day opens Lead days before it, at At local time (a
	// rolling window).
	Daily
	// Weekly: each Monday-to-Sunday week opens Lead weeks before it, on
	// Weekday at At local time.
	Weekly
	// Monthly: each calendar month opens Lead months before it, on day Day
	// of that month at At local time.
	Monthly
)

var periodNames = [...]string{Immediately: "immediately", Daily: "daily", Weekly: "weekly", Monthly: "monthly"}

// String returns the period's name in lower case.
func (p Period) String() string {
	if int(p) < len(periodNames) {
		return periodNames[p]
	}
	return fmt.Sprintf("Period(%d)", uint8(p))
}

// ReleaseRule is an office's schedule for opening quota: the instant at
// which each day becomes bookable. Before it, the day is NotOpened.
//
// M-Paspor offices commonly release the whole next month on the 1st at
// 08:00:
//
//	quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour}
//
// and some release next week every Friday at 16:00:
//
//	quota.ReleaseRule{Every: quota.Weekly, Lead: 1, Weekday: time.Friday, At: 16 * time.Hour}
//
// An operator can move one day's release instant with [Ledger.SetReleaseAt].
type ReleaseRule struct {
	Every   Period
	Lead    int           // periods ahead: 1 = next month, next week, or the next day
	Weekday time.Weekday  // Weekly: the day of the release
	Day     int           // Monthly: the day of the month of the release, 1..28
	At      time.Duration // local time of day of the release, 0 <= At < 24h
}

// Validate checks that the rule is complete and opens quota no further
// ahead than ReleaseLeadMax.
func (r ReleaseRule) Validate() error {
	if r.Every == Immediately {
		if r != (ReleaseRule{}) {
			return fmt.Errorf("%w: an immediate release takes no other fields", ErrBadConfig)
		}
		return nil
	}
	if r.At < 0 || r.At >= 24*time.Hour {
		return fmt.Errorf("%w: release at %v, want 0 <= At < 24h", ErrBadConfig, r.At)
	}
	var leadMax int
	switch r.Every {
	case Daily:
		leadMax = HorizonDaysMax
	case Weekly:
		leadMax = HorizonDaysMax / 7
		if r.Weekday < time.Sunday || r.Weekday > time.Saturday {
			return fmt.Errorf("%w: release weekday %d", ErrBadConfig, r.Weekday)
		}
	case Monthly:
		leadMax = HorizonDaysMax / 31
		// Day 29 to 31 do not exist in every month; an office that
		// wants "the last day" can use day 1 of a shorter lead.
		if r.Day < 1 || r.Day > 28 {
			return fmt.Errorf("%w: release on day %d of the month, want 1..28", ErrBadConfig, r.Day)
		}
	default:
		return fmt.Errorf("%w: release period %v", ErrBadConfig, r.Every)
	}
	if r.Lead < 0 || r.Lead > leadMax {
		return fmt.Errorf("%w: release lead %d %v periods, want 0..%d", ErrBadConfig, r.Lead, r.Every, leadMax)
	}
	return nil
}

// ReleaseAt returns the instant at which d's quota opens for an office in
// loc. For an Immediately rule it returns the zero time.Time: always open.
// It assumes a valid rule.
func (r ReleaseRule) ReleaseAt(d calendar.Date, loc *time.Location) time.Time {
	var on calendar.Date
	switch r.Every {
	case Daily:
		on = d.AddDays(-r.Lead)
	case Weekly:
		// Weeks run Monday to Sunday, as Indonesian offices count them.
		monday := d.AddDays(-((int(d.Weekday()) + 6) % 7))
		on = monday.AddDays(-7*r.Lead + (int(r.Weekday)+6)%7)
	case Monthly:
		on = calendar.NewDate(d.Year(), d.Month()-time.Month(r.Lead), r.Day)
	default:
		return time.Time{}
	}
	if on.IsZero() {
		// Before year 1: the quota has always been open.
		return time.Time{}
	}
	return on.Start(loc).Add(r.At)
}

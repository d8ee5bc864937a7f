package config

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/calendar/idholiday"
	"github.com/kuota/kuota/quota"
)

// Marshal writes offices and policy as a configuration file, so that an
// operator can dump the setup of a running engine (booking.Engine.Office,
// booking.Engine.Policy) and load it back: Parse reads what Marshal writes
// to the same offices and policy. A nil policy writes none, which reads
// as the defaults.
//
// A file names holiday data rather than holding it, so Marshal writes
// holidays — the sources, as in a file: "none", "id", CSV paths — once at
// the top level, and leaves each office's own list out. It checks what it
// can: with "none" every office must have no holiday, and with "id" alone
// every office must have exactly the shipped Indonesian data; CSV files it
// does not read, and the caller vouches for them.
//
// Marshal refuses what the format cannot say: a zone that does not load
// by name (see calendar.LoadZone), a release time that is not a whole
// minute.
func Marshal(offices []booking.OfficeConfig, policy *Policy, holidays ...string) ([]byte, error) {
	w := fileJSON{Offices: make([]officeJSON, len(offices))}
	ref, err := parseHolidayRef(names{list: holidays, listed: len(holidays) != 1}, "holidays")
	if err != nil {
		fe := err.(*fieldError) // parseHolidayRef's errors are all placed by path
		return nil, &Error{Field: fe.path, Err: fe.err}
	}
	w.Holidays = &names{list: ref.sources, listed: ref.listed}
	for i := range offices {
		path := index("offices", i)
		if err := checkHolidays(&offices[i].Quota.Schedule.Holidays, ref.sources); err != nil {
			return nil, &Error{Field: path + ".holidays", Err: err}
		}
		o, err := officeJSONOf(&offices[i])
		if err != nil {
			return nil, &Error{Field: path, Err: err}
		}
		w.Offices[i] = o
	}
	if policy != nil {
		w.Policy = policyJSONOf(policy)
	}
	var b bytes.Buffer
	if err := writeJSON(&b, &w); err != nil {
		return nil, err
	}
	return layout(b.Bytes())
}

// checkHolidays checks an office's holiday list against the sources the
// file will name, as far as it can without reading files.
func checkHolidays(h *calendar.Holidays, sources []string) error {
	var want calendar.Holidays
	switch {
	case slices.Equal(sources, []string{holidaysNone}):
	case slices.Equal(sources, []string{holidaysID}):
		want = idholiday.All()
	default:
		return nil
	}
	if !slices.Equal(h.Years(), want.Years()) || !slices.Equal(slices.Collect(h.All()), slices.Collect(want.All())) {
		return fmt.Errorf("%w: the office's holidays are not those of %q", ErrBadValue, sources[0])
	}
	return nil
}

// officeJSONOf writes one office.
func officeJSONOf(c *booking.OfficeConfig) (officeJSON, error) {
	q := &c.Quota
	loc := q.Schedule.Location
	if loc == nil {
		return officeJSON{}, calendar.ErrNoLocation
	}
	if _, err := calendar.LoadZone(loc.String()); err != nil {
		return officeJSON{}, err
	}
	week := weekNames(q.Schedule.ServiceWeek())
	o := officeJSON{
		Code:  c.Code,
		Name:  c.Name,
		Zone:  loc.String(),
		Week:  &week,
		Pools: slices.Clone(q.Layout.Pools),
		Slots: make([]slotJSON, len(q.Layout.Slots)),
		First: q.First.String(),
		Days:  q.Days,
	}
	for i, s := range q.Layout.Slots {
		seats := make(map[string]int, len(q.Layout.Pools))
		for p, name := range q.Layout.Pools {
			if p < len(s.Seats) {
				seats[name] = s.Seats[p]
			}
		}
		o.Slots[i] = slotJSON{Time: quota.FormatClock(s.Start) + "-" + quota.FormatClock(s.End), Seats: seats, pools: o.Pools}
	}
	var err error
	if o.Release, err = releaseJSONOf(q.Release); err != nil {
		return officeJSON{}, err
	}
	if c.OpeningWindow != 0 {
		w := formatDuration(c.OpeningWindow)
		o.OpeningWindow = &w
	}
	if q.Schedule.ObserveCollectiveLeave {
		o.ObserveCollectiveLeave = &q.Schedule.ObserveCollectiveLeave
	}
	for _, c := range q.Schedule.Closures {
		o.Closures = append(o.Closures, closureJSON{Date: c.Date.String(), Reason: c.Reason})
	}
	return o, nil
}

// weekNames writes a week as runs of days, Monday first: "mon-fri", or
// ["mon-tue", "thu-sat"].
func weekNames(w calendar.Weekdays) names {
	var runs []string
	for d := 0; d < 7; {
		if !w.Has(time.Weekday((d + 1) % 7)) {
			d++
			continue
		}
		end := d
		for end+1 < 7 && w.Has(time.Weekday((end+2)%7)) {
			end++
		}
		run := weekdayNames[(d+1)%7]
		if end > d {
			run += "-" + weekdayNames[(end+1)%7]
		}
		runs = append(runs, run)
		d = end + 1
	}
	return names{list: runs, listed: len(runs) != 1}
}

// releaseJSONOf writes a release rule with the fields its period uses.
func releaseJSONOf(r quota.ReleaseRule) (releaseJSON, error) {
	var w releaseJSON
	for name, p := range periodNames {
		if p == r.Every {
			w.Every = name
		}
	}
	if w.Every == "" {
		return w, fmt.Errorf("%w: release period %v", ErrBadValue, r.Every)
	}
	if r.Every == quota.Immediately {
		return w, nil
	}
	if r.At%time.Minute != 0 {
		return w, fmt.Errorf("%w: release at %v: a file gives whole minutes", ErrBadValue, r.At)
	}
	at := quota.FormatClock(r.At)
	w.Lead, w.At = &r.Lead, &at
	switch r.Every {
	case quota.Weekly:
		day := weekdayNames[r.Weekday%7]
		w.Weekday = &day
	case quota.Monthly:
		w.Day = &r.Day
	}
	return w, nil
}

// policyJSONOf writes every field of a policy, but an engine option that
// is zero: booking.Options reads zero as its default, and so does a file
// that leaves the field out (a file may not say zero; see zeroIsDefault).
func policyJSONOf(p *Policy) *policyJSON {
	str := func(s string) *string { return &s }
	num := func(n int) *int { return &n }
	engineDuration := func(d time.Duration) *string {
		if d == 0 {
			return nil
		}
		return str(formatDuration(d))
	}
	engineNum := func(n int) *int {
		if n == 0 {
			return nil
		}
		return &n
	}
	return &policyJSON{
		HoldTTL:               engineDuration(p.HoldTTL),
		MaxHoldsPerAccount:    engineNum(p.MaxHoldsPerAccount),
		BookingsMax:           engineNum(p.BookingsMax),
		Retention:             engineDuration(p.Retention),
		ClockJumpHold:         engineDuration(p.ClockJumpHold),
		CollectionServiceDays: engineNum(p.CollectionServiceDays),
		ReschedulesMax:        num(p.Windows.ReschedulesMax),
		RescheduleUntil:       str(formatDaysBefore(p.Windows.RescheduleUntil)),
		CancelUntil:           str(formatDaysBefore(p.Windows.CancelUntil)),
		CheckInEarly:          str(formatDuration(p.Windows.CheckInEarly)),
		ReapplyAfterMonths:    num(p.Windows.ReapplyAfterMonths),
		ReapplyAfterUnreached: &p.Windows.ReapplyAfterUnreached,
	}
}

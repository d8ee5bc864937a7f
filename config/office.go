package config

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// An office is checked by the packages that own its rules — calendar for
// the zone, dates and schedule, quota for the layout, release rule and
// window, booking for the code and name (checkWithEngine) — so that a
// rule has one home and the file accepts exactly what the engine does.
// Those checks look at whole values (a Layout, a Schedule); to name the
// field at fault, this file asks them again about parts: the first k
// slots, one slot alone, one pool's seats. The file format's own rules
// (the spelling of a week or a slot's time, slots that must not overlap,
// seats for exactly the office's pools) are checked here.

// officeConfig turns the office at path into the configuration booking
// registers. defaults is the top-level holiday data, nil if none.
func officeConfig(o *officeJSON, path string, hs *holidaySources, defaults *holidayRef) (booking.OfficeConfig, error) {
	var none booking.OfficeConfig
	loc, err := calendar.LoadZone(o.Zone)
	if err != nil {
		return none, errAt(path+".zone", err)
	}
	week := calendar.MondayToFriday
	if o.Week != nil {
		if week, err = parseWeek(*o.Week, path+".week"); err != nil {
			return none, err
		}
	}
	layout, err := layoutFrom(o, path)
	if err != nil {
		return none, err
	}
	release, err := releaseFrom(&o.Release, path+".release")
	if err != nil {
		return none, err
	}
	first, err := calendar.ParseDate(o.First)
	if err != nil {
		return none, errAt(path+".first", err)
	}
	sched, err := scheduleFrom(o, path, loc, week, hs, defaults)
	if err != nil {
		return none, err
	}
	q := quota.Config{Schedule: sched, Layout: layout, Release: release, First: first, Days: o.Days}
	if err := q.Validate(); err != nil {
		// The schedule, layout and release passed: what is left is the
		// window of days, and a single day tells the length from the start.
		one := q
		one.Days = 1
		field := ".first"
		if one.Validate() == nil {
			field = ".days"
		}
		return none, errAt(path+field, err)
	}
	var window time.Duration
	if o.OpeningWindow != nil {
		if window, err = parseDuration(*o.OpeningWindow); err != nil {
			return none, errAt(path+".opening_window", err)
		}
	}
	return booking.OfficeConfig{Code: o.Code, Name: o.Name, Quota: q, OpeningWindow: window}, nil
}

// weekdayNames are the days as a file names them, by time.Weekday.
var weekdayNames = [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// parseWeekday reads a day's name.
func parseWeekday(s string) (time.Weekday, error) {
	if i := slices.Index(weekdayNames[:], s); i >= 0 {
		return time.Weekday(i), nil
	}
	return 0, fmt.Errorf("%w: weekday %s, want one of %s", ErrBadValue, quote(s), strings.Join(weekdayNames[:], ", "))
}

// mondayFirst numbers the days from Monday (0) to Sunday (6), the order
// in which an Indonesian office's week runs.
func mondayFirst(d time.Weekday) int { return (int(d) + 6) % 7 }

// parseWeek reads a service week: days ("sat") and runs of days
// ("mon-fri"), one or a list.
func parseWeek(n names, path string) (calendar.Weekdays, error) {
	if len(n.list) == 0 {
		// The zero Weekdays would mean Monday to Friday.
		return 0, errAt(path, fmt.Errorf("%w: no service day", ErrBadValue))
	}
	var w calendar.Weekdays
	for i, s := range n.list {
		p := path
		if n.listed {
			p = index(path, i)
		}
		from, to, run := strings.Cut(s, "-")
		if !run {
			to = from
		}
		a, err := parseWeekday(from)
		if err != nil {
			return 0, errAt(p, err)
		}
		b, err := parseWeekday(to)
		if err != nil {
			return 0, errAt(p, err)
		}
		if mondayFirst(b) < mondayFirst(a) {
			return 0, errAt(p, fmt.Errorf("%w: %s runs backwards: a week runs from mon to sun", ErrBadValue, quote(s)))
		}
		for d := mondayFirst(a); d <= mondayFirst(b); d++ {
			day := time.Weekday((d + 1) % 7)
			if w.Has(day) {
				return 0, errAt(p, fmt.Errorf("%w: %s listed twice", ErrBadValue, weekdayNames[day]))
			}
			w |= calendar.WeekdaysOf(day)
		}
	}
	return w, nil
}

// firstBad finds the element of a list of n at which check fails. check(k)
// checks the first k elements, and a list that fails it fails with any
// element added, so the first failing prefix ends with the element at
// fault. It returns the element's index and check's error, or -1 when the
// list fails as a whole (it is empty), and a nil error when check(n)
// passes.
func firstBad(n int, check func(k int) error) (int, error) {
	err := check(n)
	if err == nil {
		return 0, nil
	}
	if n == 0 {
		return -1, err
	}
	k := 1 + sort.Search(n, func(i int) bool { return check(i+1) != nil })
	return k - 1, check(k)
}

// layoutFrom reads the office's pools and slots.
func layoutFrom(o *officeJSON, path string) (quota.Layout, error) {
	pools := o.Pools
	// The pools alone, beside one slot with no seats.
	if i, err := firstBad(len(pools), func(k int) error {
		return (&quota.Layout{Pools: pools[:k], Slots: []quota.Slot{{End: time.Minute, Seats: make([]int, k)}}}).Validate()
	}); err != nil {
		return quota.Layout{}, errAt(at(path+".pools", i), err)
	}
	slots := make([]quota.Slot, len(o.Slots))
	for j := range o.Slots {
		var err error
		if slots[j], err = slotFrom(&o.Slots[j], pools, index(path+".slots", j)); err != nil {
			return quota.Layout{}, err
		}
	}
	l := quota.Layout{Pools: pools, Slots: slots}
	if j, err := firstBad(len(slots), func(k int) error {
		return (&quota.Layout{Pools: pools, Slots: slots[:k]}).Validate()
	}); err != nil {
		return quota.Layout{}, errAt(slotField(&l, j, path+".slots"), err)
	}
	for j, s := range slots {
		for i, t := range slots[:j] {
			if s.Start < t.End && t.Start < s.End {
				return quota.Layout{}, errAt(index(path+".slots", j)+".time",
					fmt.Errorf("%w: %s overlaps slots[%d] %s", ErrOverlappingSlots, s.Span(), i, t.Span()))
			}
		}
	}
	return l, nil
}

// slotField names the field of slot j, in the list at path, that makes l
// fail quota's check while the slots before it pass: its time when it is
// wrong on its own (it ends before it starts) or starts with an earlier
// slot, the seats of one pool, or the slot as a whole (one too many).
func slotField(l *quota.Layout, j int, path string) string {
	if j < 0 {
		return path
	}
	p := index(path, j)
	s := l.Slots[j]
	check := func(slots ...quota.Slot) error { return (&quota.Layout{Pools: l.Pools, Slots: slots}).Validate() }
	if check(s) == nil {
		for _, t := range l.Slots[:j] {
			if check(t, s) != nil {
				return p + ".time"
			}
		}
		return p
	}
	if check(quota.Slot{Start: s.Start, End: s.End, Seats: make([]int, len(l.Pools))}) != nil {
		return p + ".time"
	}
	for i, name := range l.Pools {
		seats := make([]int, len(l.Pools))
		seats[i] = s.Seats[i]
		if check(quota.Slot{Start: s.Start, End: s.End, Seats: seats}) != nil {
			return member(p+".seats", name)
		}
	}
	return p
}

// slotFrom reads one slot of an office with the given pools.
func slotFrom(w *slotJSON, pools []string, path string) (quota.Slot, error) {
	start, end, err := parseSpan(w.Time)
	if err != nil {
		return quota.Slot{}, errAt(path+".time", err)
	}
	// In sorted order, so that the same file always gives the same error.
	for _, name := range slices.Sorted(maps.Keys(w.Seats)) {
		if !slices.Contains(pools, name) {
			return quota.Slot{}, errAt(member(path+".seats", name),
				fmt.Errorf("%w: no pool %s (the office's pools are %s)", ErrBadPools, quote(name), strings.Join(pools, ", ")))
		}
	}
	seats := make([]int, len(pools))
	for i, name := range pools {
		n, ok := w.Seats[name]
		if !ok {
			return quota.Slot{}, errAt(path+".seats", fmt.Errorf("%w: no seats for pool %s (give 0 for none)", ErrBadPools, quote(name)))
		}
		seats[i] = n
	}
	return quota.Slot{Start: start, End: end, Seats: seats}, nil
}

// parseSpan reads a slot's time, "08:00-09:00" (or with the en dash that
// quota.Slot.Span writes), as offsets from midnight. A slot may end at
// "24:00", midnight at the day's end.
func parseSpan(s string) (start, end time.Duration, err error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		from, to, ok = strings.Cut(s, "–")
	}
	if !ok {
		return 0, 0, fmt.Errorf("%w: slot time %s, want \"HH:MM-HH:MM\"", ErrBadValue, quote(s))
	}
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if start, err = quota.ParseClock(from); err != nil {
		return 0, 0, fmt.Errorf("slot time %s: %w", quote(s), err)
	}
	if to == "24:00" {
		return start, 24 * time.Hour, nil
	}
	if end, err = quota.ParseClock(to); err != nil {
		return 0, 0, fmt.Errorf("slot time %s: %w", quote(s), err)
	}
	return start, end, nil
}

// periodNames are the release periods as a file names them.
var periodNames = map[string]quota.Period{
	"immediately": quota.Immediately,
	"daily":       quota.Daily,
	"weekly":      quota.Weekly,
	"monthly":     quota.Monthly,
}

// releaseFrom reads a release rule. Each period takes the fields it uses,
// all of them, and no other: a "day" beside "every": "weekly" would be
// ignored, and an operator who wrote it meant something.
func releaseFrom(w *releaseJSON, path string) (quota.ReleaseRule, error) {
	every, ok := periodNames[w.Every]
	if !ok {
		return quota.ReleaseRule{}, errAt(path+".every",
			fmt.Errorf("%w: release period %s, want immediately, daily, weekly or monthly", ErrBadValue, quote(w.Every)))
	}
	uses := []struct {
		name  string
		given bool
		used  bool
	}{
		{"lead", w.Lead != nil, every != quota.Immediately},
		{"weekday", w.Weekday != nil, every == quota.Weekly},
		{"day", w.Day != nil, every == quota.Monthly},
		{"at", w.At != nil, every != quota.Immediately},
	}
	for _, u := range uses {
		switch {
		case u.given && !u.used:
			return quota.ReleaseRule{}, errAt(path+"."+u.name, fmt.Errorf(`%w: not used with "every": %q`, ErrBadValue, w.Every))
		case u.used && !u.given:
			return quota.ReleaseRule{}, errAt(path+"."+u.name, fmt.Errorf(`%w: needed with "every": %q`, ErrMissingField, w.Every))
		}
	}
	r := quota.ReleaseRule{Every: every}
	if w.Lead != nil {
		r.Lead = *w.Lead
	}
	if w.Day != nil {
		r.Day = *w.Day
	}
	var err error
	if w.Weekday != nil {
		if r.Weekday, err = parseWeekday(*w.Weekday); err != nil {
			return quota.ReleaseRule{}, errAt(path+".weekday", err)
		}
	}
	if w.At != nil {
		if r.At, err = quota.ParseClock(*w.At); err != nil {
			return quota.ReleaseRule{}, errAt(path+".at", err)
		}
	}
	if err := r.Validate(); err != nil {
		// The weekday and time were read as valid: the lead or the day
		// is out of range, whichever a valid stand-in mends.
		lead, day := r, r
		lead.Lead, day.Day = 0, 1
		field := ""
		if lead.Validate() == nil {
			field = ".lead"
		} else if day.Validate() == nil {
			field = ".day"
		}
		return quota.ReleaseRule{}, errAt(path+field, err)
	}
	return r, nil
}

// scheduleFrom reads the office's calendar: its zone and week (read
// already), holidays and closures.
func scheduleFrom(o *officeJSON, path string, loc *time.Location, week calendar.Weekdays, hs *holidaySources, defaults *holidayRef) (calendar.Schedule, error) {
	ref := defaults
	if o.Holidays != nil {
		r, err := parseHolidayRef(*o.Holidays, path+".holidays")
		if err != nil {
			return calendar.Schedule{}, err
		}
		ref = &r
	}
	if ref == nil {
		// No default: an office without holiday data would open every
		// day of every year, so that must be said, not forgotten.
		return calendar.Schedule{}, errAt(path+".holidays", fmt.Errorf("%w: name the office's holiday data: %q, %q or CSV files, here or once at the top level",
			ErrMissingField, holidaysNone, holidaysID))
	}
	holidays, err := hs.load(ref)
	if err != nil {
		return calendar.Schedule{}, err
	}
	s := calendar.Schedule{Location: loc, Week: week, Holidays: holidays, Closures: make([]calendar.Closure, len(o.Closures))}
	if o.ObserveCollectiveLeave != nil {
		s.ObserveCollectiveLeave = *o.ObserveCollectiveLeave
	}
	for i, c := range o.Closures {
		d, err := calendar.ParseDate(c.Date)
		if err != nil {
			return calendar.Schedule{}, errAt(index(path+".closures", i)+".date", err)
		}
		s.Closures[i] = calendar.Closure{Date: d, Reason: c.Reason}
	}
	if i, err := firstBad(len(s.Closures), func(k int) error {
		t := s
		t.Closures = s.Closures[:k]
		return t.Validate()
	}); err != nil {
		p := at(path+".closures", i)
		if i >= 0 && errors.Is(err, calendar.ErrBadClosure) {
			// Alone, a closure can be wrong only in its reason; beside
			// the others, in its date too (a date listed twice).
			alone := s
			alone.Closures = s.Closures[i : i+1]
			if alone.Validate() != nil {
				p += ".reason"
			} else {
				p += ".date"
			}
		}
		return calendar.Schedule{}, errAt(p, err)
	}
	return s, nil
}

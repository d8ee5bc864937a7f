package calendar

import (
	"fmt"
	"slices"
)

// Holiday data is decreed one year at a time (in Indonesia by a joint
// decree of three ministers, published some months ahead and amended
// during the year), so what an office knows of its holidays is a set of
// whole years. This file keeps track of which years those are, combines
// lists year by year, and gives the reason a Schedule shows for a day of a
// year it knows nothing about.

// NoHolidayDataReason is the reason [Schedule.Status] gives, beside
// NotOpened, for a service day of a year the office's holiday data does
// not cover. A caller that needs to tell this case from a quota not yet
// released compares the reason with it; [Schedule.UncoveredYears] names
// the years for a report.
//
// It does not name the year: it is always shown beside the day's date,
// and a constant keeps Status free of allocation on the read paths that
// call it for every day of a month.
const NoHolidayDataReason = "no holiday data for the year yet"

// Covers reports whether the list is the holiday data for year: whether
// the list was built with an entry in that year, or the year was declared
// with [Holidays.WithYears]. A Schedule whose list covers some years shows
// every service day of the other years as NotOpened: see
// [Schedule.Status].
func (h Holidays) Covers(year int) bool {
	_, ok := slices.BinarySearch(h.years, year)
	return ok
}

// Years returns the years the list covers, in ascending order. The slice is
// the caller's own.
func (h Holidays) Years() []int { return slices.Clone(h.years) }

// WithYears returns a copy of the list that also covers the given years,
// each between YearMin and YearMax, or an error matching
// ErrBadHolidayYear. It is for a year that has holiday data but no
// holiday in it, which a CSV file cannot say: a file covers the years its
// lines fall in. Indonesia has national holidays every year, so the
// Indonesian data never needs it.
//
// The covered years are part of the list's value: code that stores a
// list and rebuilds it with NewHolidays must store Years as well as the
// entries, or a year declared here comes back uncovered.
func (h Holidays) WithYears(years ...int) (Holidays, error) {
	for _, y := range years {
		if y < YearMin || y > YearMax {
			return Holidays{}, fmt.Errorf("%w: %d, want %d..%d", ErrBadHolidayYear, y, YearMin, YearMax)
		}
	}
	covered := slices.Concat(h.years, years)
	slices.Sort(covered)
	return Holidays{entries: h.entries, years: slices.Compact(covered)}, nil
}

// MergeHolidays combines holiday lists year by year, later lists winning:
// for each year, the result holds the entries of the last list that covers
// it and nothing from the lists before. An amended decree replaces its
// year; it does not add to it, so a holiday it drops is dropped. The result
// covers every year any list covers. Typical use: the shipped data first,
// then an operator's file for a newer or an amended year (see package
// idholiday). It returns an error matching ErrTooManyHolidays when the
// result would hold more than HolidaysMax entries.
func MergeHolidays(lists ...Holidays) (Holidays, error) {
	var entries []HolidayEntry
	var years []int
	for i, h := range lists {
		years = append(years, h.years...)
		for _, e := range h.entries {
			if coveredBy(lists[i+1:], e.Date.Year()) {
				continue // a later list decides this year
			}
			if len(entries) == HolidaysMax {
				return Holidays{}, fmt.Errorf("%w: merged list over %d entries", ErrTooManyHolidays, HolidaysMax)
			}
			entries = append(entries, e)
		}
	}
	// Each year's entries come from one list, whose dates are unique, so
	// sorting leaves no two entries on one date.
	slices.SortFunc(entries, func(a, b HolidayEntry) int { return a.Date.Compare(b.Date) })
	slices.Sort(years)
	return Holidays{entries: entries, years: slices.Compact(years)}, nil
}

// coveredBy reports whether any of lists covers year.
func coveredBy(lists []Holidays, year int) bool {
	for _, h := range lists {
		if h.Covers(year) {
			return true
		}
	}
	return false
}

// entryYears returns the years of entries, which are sorted by date.
func entryYears(entries []HolidayEntry) []int {
	var years []int
	for _, e := range entries {
		if y := e.Date.Year(); len(years) == 0 || years[len(years)-1] != y {
			years = append(years, y)
		}
	}
	return years
}

// enforcesCoverage reports whether the schedule holds days of uncovered
// years back: whether its holiday list covers any year at all. A list that
// covers none is an office that keeps no holidays, or a test.
func (s *Schedule) enforcesCoverage() bool { return len(s.Holidays.years) > 0 }

// UncoveredYears returns, in ascending order, the years from first's to
// last's that the schedule's holiday data does not cover: the years whose
// service days [Schedule.Status] shows NotOpened until their data is
// loaded. It returns nil when the schedule enforces no coverage (its
// holiday list covers no year), when first or last is zero, or when first
// is after last. A booking engine reports these years for the days it
// offers, so that an operator sees the gap before applicants do.
func (s *Schedule) UncoveredYears(first, last Date) []int {
	if !s.enforcesCoverage() || first.IsZero() || last.IsZero() || last.Before(first) {
		return nil
	}
	var gaps []int
	for y := first.Year(); y <= last.Year(); y++ {
		if !s.Holidays.Covers(y) {
			gaps = append(gaps, y)
		}
	}
	return gaps
}

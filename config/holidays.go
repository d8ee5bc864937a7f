package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/calendar/idholiday"
)

// The holiday sources an office may name. Anything else must be a CSV
// file in the format of calendar.ParseHolidays, named by a path ending in
// ".csv".
const (
	// holidaysNone: the office keeps no holiday data, so it observes no
	// holiday and its schedule enforces no coverage (see
	// calendar.Schedule.Holidays). It stands alone.
	holidaysNone = "none"
	// holidaysID: the Indonesian data shipped in package
	// calendar/idholiday.
	holidaysID = "id"
)

// holidayRef is the holiday data an office names, as read from the file:
// its sources, merged in order, each later one replacing the years it
// covers (calendar.MergeHolidays).
type holidayRef struct {
	sources []string
	listed  bool   // written as an array: errors name the element
	path    string // in the document
	loaded  *calendar.Holidays
}

// parseHolidayRef checks the sources named at path.
func parseHolidayRef(n names, path string) (holidayRef, error) {
	r := holidayRef{sources: n.list, listed: n.listed, path: path}
	if len(n.list) == 0 {
		return r, errAt(path, fmt.Errorf("%w: no holiday source (name %q, %q or a CSV file)", ErrBadValue, holidaysNone, holidaysID))
	}
	if len(n.list) > HolidaySourcesMax {
		return r, errAt(index(path, HolidaySourcesMax), fmt.Errorf("%w: %d holiday sources, limit %d", ErrTooMany, len(n.list), HolidaySourcesMax))
	}
	for i, s := range n.list {
		switch {
		case s == holidaysNone && len(n.list) > 1:
			return r, errAt(r.at(i), fmt.Errorf("%w: %q stands alone: it says the office keeps no holiday data", ErrBadValue, holidaysNone))
		case s != holidaysNone && s != holidaysID && !strings.HasSuffix(s, ".csv"):
			return r, errAt(r.at(i), fmt.Errorf("%w: holiday source %s, want %q, %q or the path of a .csv file", ErrBadValue, quote(s), holidaysNone, holidaysID))
		case slices.Index(n.list[:i], s) >= 0:
			return r, errAt(r.at(i), fmt.Errorf("%w: holiday source %s listed twice", ErrBadValue, quote(s)))
		}
	}
	return r, nil
}

// at returns the path of source i.
func (r *holidayRef) at(i int) string {
	if !r.listed {
		return r.path
	}
	return index(r.path, i)
}

// holidaySources loads holiday data, each file once however many offices
// name it.
type holidaySources struct {
	files files
	read  map[string]calendar.Holidays // by resolved path
}

func newHolidaySources(f files) *holidaySources {
	return &holidaySources{files: f, read: make(map[string]calendar.Holidays)}
}

// load returns the holidays r names, merged.
func (hs *holidaySources) load(r *holidayRef) (calendar.Holidays, error) {
	if r.loaded != nil {
		return *r.loaded, nil
	}
	lists := make([]calendar.Holidays, 0, len(r.sources))
	for i, s := range r.sources {
		var h calendar.Holidays
		switch s {
		case holidaysNone:
			// The zero list: no holiday, no year covered.
		case holidaysID:
			h = idholiday.All()
		default:
			var err error
			if h, err = hs.file(s); err != nil {
				return calendar.Holidays{}, errAt(r.at(i), err)
			}
		}
		lists = append(lists, h)
	}
	h, err := calendar.MergeHolidays(lists...)
	if err != nil {
		return calendar.Holidays{}, errAt(r.path, err)
	}
	r.loaded = &h
	return h, nil
}

// file reads the holiday file at p, as written in the configuration.
func (hs *holidaySources) file(p string) (calendar.Holidays, error) {
	path := hs.files.path(p)
	if h, ok := hs.read[path]; ok {
		return h, nil
	}
	if len(hs.read) == HolidayFilesMax {
		return calendar.Holidays{}, fmt.Errorf("%w: more than %d holiday files", ErrTooMany, HolidayFilesMax)
	}
	f, err := hs.files.open(path)
	if err != nil {
		return calendar.Holidays{}, fmt.Errorf("%s: %w", quote(p), err)
	}
	defer f.Close()
	h, err := calendar.ParseHolidays(f)
	if err != nil {
		return calendar.Holidays{}, fmt.Errorf("%s: %w", quote(p), err)
	}
	hs.read[path] = h
	return h, nil
}

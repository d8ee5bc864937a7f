package config

import (
	"bytes"
	"fmt"
	"io"
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
	read  map[string]*holidayFile // by resolved path
	id    *calendar.Holidays      // idholiday.All(), which parses the shipped files each call
}

// holidayFile is a holiday file as read.
type holidayFile struct {
	data       []byte
	list       calendar.Holidays
	indonesian error // idholiday's check of the file, once made (see load)
	checked    bool
}

func newHolidaySources(f files) *holidaySources {
	return &holidaySources{files: f, read: make(map[string]*holidayFile)}
}

// load returns the holidays r names, merged.
//
// Beside "id", a file is an Indonesian decree, and a year of it replaces
// the shipped year whole; so it is read as idholiday.Load reads an
// operator's file, which refuses a year without 1 January and 17 August
// (idholiday.ErrPartialYear): most likely a file of an amendment's new days
// alone, which would drop every other holiday of the year. Without "id" the
// data need not be Indonesian, and a file is taken as it is.
func (hs *holidaySources) load(r *holidayRef) (calendar.Holidays, error) {
	if r.loaded != nil {
		return *r.loaded, nil
	}
	indonesian := slices.Contains(r.sources, holidaysID)
	lists := make([]calendar.Holidays, 0, len(r.sources))
	for i, s := range r.sources {
		var h calendar.Holidays
		switch s {
		case holidaysNone:
			// The zero list: no holiday, no year covered.
		case holidaysID:
			if hs.id == nil {
				all := idholiday.All()
				hs.id = &all
			}
			h = *hs.id
		default:
			f, err := hs.file(s)
			if err == nil && indonesian {
				err = f.checkIndonesian()
			}
			if err != nil {
				return calendar.Holidays{}, errAt(r.at(i), fmt.Errorf("%s: %w", quote(s), err))
			}
			h = f.list
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

// checkIndonesian checks the file as idholiday.Load does, once.
func (f *holidayFile) checkIndonesian() error {
	if !f.checked {
		_, f.indonesian = idholiday.Load(bytes.NewReader(f.data))
		f.checked = true
	}
	return f.indonesian
}

// file reads the holiday file at p, as written in the configuration.
func (hs *holidaySources) file(p string) (*holidayFile, error) {
	path := hs.files.path(p)
	if f, ok := hs.read[path]; ok {
		return f, nil
	}
	if len(hs.read) == HolidayFilesMax {
		return nil, fmt.Errorf("%w: more than %d holiday files", ErrTooMany, HolidayFilesMax)
	}
	r, err := hs.files.open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// One byte more than ParseHolidays takes, so that it tells a file too
	// long.
	data, err := io.ReadAll(io.LimitReader(r, calendar.HolidaysFileBytesMax+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	list, err := calendar.ParseHolidays(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	f := &holidayFile{data: data, list: list}
	hs.read[path] = f
	return f, nil
}

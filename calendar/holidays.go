package calendar

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"github.com/kuota/kuota/internal/label"
)

// Limits on holiday lists, checked by NewHolidays and ParseHolidays.
const (
	// HolidaysMax bounds one list: ten years of Indonesian holidays and
	// collective leave are about 250 entries.
	HolidaysMax = 4096
	// HolidayNameBytesMax bounds a holiday's name; the longest official
	// Indonesian name is under 60 bytes.
	HolidayNameBytesMax = 200
	// HolidaysFileBytesMax bounds the CSV input ParseHolidays reads, so a
	// runaway file cannot exhaust memory.
	HolidaysFileBytesMax = 1 << 20
)

// HolidayKind says what sort of day off a holiday is.
type HolidayKind uint8

const (
	// National is a public holiday ("hari libur nasional"): every
	// government office is closed.
	National HolidayKind = iota + 1
	// CollectiveLeave is a collective leave day ("cuti bersama"). Whether
	// it closes an office is the office's choice: see
	// [Schedule.ObserveCollectiveLeave].
	CollectiveLeave
)

var holidayKindNames = [...]string{National: "national", CollectiveLeave: "collective_leave"}

// String returns the kind as written in a holiday file: "national" or
// "collective_leave".
func (k HolidayKind) String() string {
	if k == National || k == CollectiveLeave {
		return holidayKindNames[k]
	}
	return fmt.Sprintf("HolidayKind(%d)", uint8(k))
}

// ParseHolidayKind parses "national" or "collective_leave".
func ParseHolidayKind(s string) (HolidayKind, error) {
	for k, name := range holidayKindNames {
		if k != 0 && s == name {
			return HolidayKind(k), nil
		}
	}
	return 0, fmt.Errorf("%w: %q (want national or collective_leave)", ErrBadHolidayKind, truncate(s))
}

// HolidayEntry is one dated holiday of a list.
type HolidayEntry struct {
	Date Date
	Kind HolidayKind
	Name string // e.g. "Hari Raya Natal"
}

// Holidays is an immutable list of holidays, sorted by date, at most one per
// date, together with the years it covers: the years for which it is the
// whole of the holiday data. A year can be covered and have no entry; an
// entry's year is always covered. See [Holidays.Covers] for why coverage
// matters. The zero value is an empty list that covers no year. A Holidays
// value is safe for concurrent use.
type Holidays struct {
	entries []HolidayEntry // sorted by Date, dates unique
	years   []int          // covered years, ascending, unique; every entry's year among them
}

// NewHolidays checks the entries and returns them as a list sorted by date,
// covering the years the entries fall in (see [Holidays.WithYears] for a
// year with none). Every entry needs a non-zero date, a known kind and a
// printable name of at most HolidayNameBytesMax bytes; no two entries may
// share a date.
func NewHolidays(entries ...HolidayEntry) (Holidays, error) {
	if len(entries) > HolidaysMax {
		return Holidays{}, fmt.Errorf("%w: %d entries, limit %d", ErrTooManyHolidays, len(entries), HolidaysMax)
	}
	for _, e := range entries {
		if err := checkEntry(e); err != nil {
			return Holidays{}, err
		}
	}
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b HolidayEntry) int { return a.Date.Compare(b.Date) })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Date == sorted[i-1].Date {
			return Holidays{}, fmt.Errorf("%w: %s", ErrDuplicateHoliday, sorted[i].Date)
		}
	}
	return Holidays{entries: sorted, years: entryYears(sorted)}, nil
}

func checkEntry(e HolidayEntry) error {
	if e.Date.IsZero() {
		return fmt.Errorf("%w: holiday %q has no date", ErrBadDate, truncate(e.Name))
	}
	if e.Kind != National && e.Kind != CollectiveLeave {
		return fmt.Errorf("%w: %d on %s", ErrBadHolidayKind, e.Kind, e.Date)
	}
	if err := label.Check(e.Name, HolidayNameBytesMax); err != nil {
		return fmt.Errorf("%w on %s: %w", ErrBadHolidayName, e.Date, err)
	}
	return nil
}

// ParseHolidays reads a holiday list in CSV: a header line
// "date,kind,name", then one line per holiday such as
//
//	2026-12-25,national,Hari Raya Natal
//
// where kind is "national" or "collective_leave". The lines must be in date
// order, with no date twice. A UTF-8 byte order mark and blank lines are
// ignored. An error about a particular line is a [*LineError] naming it.
//
// The list covers the years its lines fall in, so a file holds whole years:
// one year's decree, or several. A file cannot declare a year without a
// holiday; [Holidays.WithYears] can, for the rare calendar that has one.
func ParseHolidays(r io.Reader) (Holidays, error) {
	cr := csv.NewReader(&limitReader{r: r, left: HolidaysFileBytesMax})
	cr.FieldsPerRecord = 3
	cr.ReuseRecord = true

	header, err := cr.Read()
	if err != nil {
		return Holidays{}, csvError(err, 1)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	if !slices.Equal(header, []string{"date", "kind", "name"}) {
		return Holidays{}, &LineError{Line: 1, Err: fmt.Errorf("%w: header must be date,kind,name", ErrBadHolidayFile)}
	}

	var entries []HolidayEntry
	line := 1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A parse error carries its own line; FieldPos would panic
			// on a record that did not parse.
			return Holidays{}, csvError(err, line+1)
		}
		line, _ = cr.FieldPos(0)
		if len(entries) == HolidaysMax {
			return Holidays{}, &LineError{Line: line, Err: fmt.Errorf("%w: limit %d", ErrTooManyHolidays, HolidaysMax)}
		}
		e, err := parseEntry(rec)
		if err != nil {
			return Holidays{}, &LineError{Line: line, Err: err}
		}
		if i := len(entries) - 1; i >= 0 && !entries[i].Date.Before(e.Date) {
			// Files are kept in date order; an entry out of order is
			// most often a typo, and a repeat is always one.
			if entries[i].Date == e.Date {
				return Holidays{}, &LineError{Line: line, Err: fmt.Errorf("%w: %s", ErrDuplicateHoliday, e.Date)}
			}
			return Holidays{}, &LineError{Line: line, Err: fmt.Errorf("%w: %s is out of date order", ErrBadHolidayFile, e.Date)}
		}
		entries = append(entries, e)
	}
	return Holidays{entries: entries, years: entryYears(entries)}, nil
}

func parseEntry(rec []string) (HolidayEntry, error) {
	d, err := ParseDate(rec[0])
	if err != nil {
		return HolidayEntry{}, err
	}
	k, err := ParseHolidayKind(rec[1])
	if err != nil {
		return HolidayEntry{}, err
	}
	e := HolidayEntry{Date: d, Kind: k, Name: strings.TrimSpace(rec[2])}
	return e, checkEntry(e)
}

// csvError turns an encoding/csv error into a LineError.
func csvError(err error, line int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{Line: pe.Line, Err: fmt.Errorf("%w: %w", ErrBadHolidayFile, pe.Err)}
	}
	if errors.Is(err, io.EOF) {
		return &LineError{Line: line, Err: fmt.Errorf("%w: empty input", ErrBadHolidayFile)}
	}
	return &LineError{Line: line, Err: err}
}

// limitReader fails, rather than silently truncating as io.LimitReader
// does, once more than left bytes have been read.
type limitReader struct {
	r    io.Reader
	left int
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, fmt.Errorf("%w: larger than %d bytes", ErrBadHolidayFile, HolidaysFileBytesMax)
	}
	if len(p) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= n
	if l.left < 0 {
		return 0, fmt.Errorf("%w: larger than %d bytes", ErrBadHolidayFile, HolidaysFileBytesMax)
	}
	return n, err
}

// Lookup returns the holiday on d, if any.
func (h Holidays) Lookup(d Date) (HolidayEntry, bool) {
	i, ok := slices.BinarySearchFunc(h.entries, d, func(e HolidayEntry, d Date) int { return e.Date.Compare(d) })
	if !ok {
		return HolidayEntry{}, false
	}
	return h.entries[i], true
}

// Len returns the number of holidays in the list.
func (h Holidays) Len() int { return len(h.entries) }

// All yields the holidays in date order.
func (h Holidays) All() iter.Seq[HolidayEntry] {
	return slices.Values(h.entries)
}

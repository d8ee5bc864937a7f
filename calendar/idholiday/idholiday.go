package idholiday

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"time"

	"github.com/kuota/kuota/calendar"
)

// files holds the shipped lists, under the names of the files they were
// published as, so that a list can be compared with its source by name.
//
//go:embed id-holidays-2024.csv id-holidays-2025.csv id-holidays-2026.csv
var files embed.FS

// decreed is one shipped year: the file that lists its holidays and the
// decree that set them, amendments included.
type decreed struct {
	year   int
	file   string
	decree string
}

// shipped lists the shipped years in ascending order. It is never
// written; adding a year is adding a line here, its file to the embed
// directive, and its counts to the tests.
var shipped = [...]decreed{
	{2024, "id-holidays-2024.csv", "SKB No. 855 Tahun 2023, No. 3 Tahun 2023, No. 4 Tahun 2023"},
	{2025, "id-holidays-2025.csv", "SKB No. 1017 Tahun 2024, No. 2 Tahun 2024, No. 2 Tahun 2024; " +
		"amended by No. 933 Tahun 2025, No. 1 Tahun 2025, No. 3 Tahun 2025 (adds 18 August 2025)"},
	{2026, "id-holidays-2026.csv", "SKB No. 1497 Tahun 2025, No. 2 Tahun 2025, No. 5 Tahun 2025"},
}

// Years returns the years whose holidays the package ships, in ascending
// order: 2024, 2025 and 2026.
func Years() []int {
	years := make([]int, len(shipped))
	for i, s := range shipped {
		years[i] = s.year
	}
	return years
}

// Decree returns the decree that set year's holidays, amendments included,
// as published: "SKB No. 1497 Tahun 2025, No. 2 Tahun 2025, No. 5 Tahun
// 2025" for 2026. It reports false for a year the package does not ship.
func Decree(year int) (string, bool) {
	for _, s := range shipped {
		if s.year == year {
			return s.decree, true
		}
	}
	return "", false
}

// Year returns the shipped holidays of one year, a list covering that year
// only. It returns an error matching [ErrUnknownYear] for a year the
// package does not ship.
func Year(year int) (calendar.Holidays, error) {
	for _, s := range shipped {
		if s.year == year {
			return parse(s)
		}
	}
	return calendar.Holidays{}, fmt.Errorf("%w: %d (shipped: %d..%d)", ErrUnknownYear, year, shipped[0].year, shipped[len(shipped)-1].year)
}

// All returns the holidays of every shipped year as one list, covering
// those years and no other.
//
// It panics only if a shipped file does not parse, which is a fault of
// the release, ruled out by the package's tests.
func All() calendar.Holidays {
	lists := make([]calendar.Holidays, len(shipped))
	for i, s := range shipped {
		h, err := parse(s)
		if err != nil {
			panic(err)
		}
		lists[i] = h
	}
	all, err := calendar.MergeHolidays(lists...)
	if err != nil {
		panic(fmt.Sprintf("idholiday: shipped lists do not merge: %v", err))
	}
	return all
}

// Load reads an operator's holiday file — the CSV format of
// [calendar.ParseHolidays], one or more whole years — and returns the
// shipped years combined with it: each year the file has lines in is the
// file's, entirely, replacing any shipped list of that year; every other
// shipped year stays. Use it for a year decreed after the release, or for
// an amended decree, written out in full.
//
// Because a year of the file replaces the whole year, Load refuses, with
// an error matching [ErrPartialYear], a year that lacks 1 January or 17
// August as a national holiday: every Indonesian year has both, so such a
// year is most likely an amendment's new days alone.
func Load(r io.Reader) (calendar.Holidays, error) {
	h, err := calendar.ParseHolidays(r)
	if err != nil {
		return calendar.Holidays{}, fmt.Errorf("idholiday: %w", err)
	}
	if err := checkWhole(h); err != nil {
		return calendar.Holidays{}, err
	}
	return calendar.MergeHolidays(All(), h)
}

// checkWhole checks that every year h covers has the two national
// holidays fixed by date that every Indonesian year has.
func checkWhole(h calendar.Holidays) error {
	for _, y := range h.Years() {
		for _, fixed := range [...]calendar.Date{calendar.NewDate(y, time.January, 1), calendar.NewDate(y, time.August, 17)} {
			if e, ok := h.Lookup(fixed); !ok || e.Kind != calendar.National {
				return fmt.Errorf("%w: %d has no national holiday on %s", ErrPartialYear, y, fixed)
			}
		}
	}
	return nil
}

// parse reads one shipped file and checks that it holds its year and
// nothing else, so that a file misnamed or mis-edited fails loudly rather
// than covering the wrong year.
func parse(s decreed) (calendar.Holidays, error) {
	data, err := files.ReadFile(s.file)
	if err != nil {
		return calendar.Holidays{}, fmt.Errorf("idholiday: %w", err)
	}
	h, err := calendar.ParseHolidays(bytes.NewReader(data))
	if err != nil {
		return calendar.Holidays{}, fmt.Errorf("idholiday: %s: %w", s.file, err)
	}
	if years := h.Years(); len(years) != 1 || years[0] != s.year {
		return calendar.Holidays{}, fmt.Errorf("idholiday: %s covers %v, want %d only", s.file, years, s.year)
	}
	if err := checkWhole(h); err != nil {
		return calendar.Holidays{}, fmt.Errorf("idholiday: %s: %w", s.file, err)
	}
	return h, nil
}

package idholiday_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/calendar/idholiday"
)

// FuzzLoad checks that no file panics Load, and that what it accepts
// keeps every shipped year covered, adds the file's years, and holds, for
// each year the file brings, exactly the file's entries of that year.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"id-holidays-2024.csv", "id-holidays-2025.csv", "id-holidays-2026.csv"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add(file2027)
	f.Add("date,kind,name\n2025-08-18,collective_leave,Cuti Bersama Proklamasi Kemerdekaan\n")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := idholiday.Load(strings.NewReader(s))
		if err != nil {
			return
		}
		file, err := calendar.ParseHolidays(strings.NewReader(s))
		if err != nil {
			t.Fatalf("Load accepted what ParseHolidays refuses: %v", err)
		}
		for _, y := range slices.Concat(idholiday.Years(), file.Years()) {
			if !got.Covers(y) {
				t.Fatalf("%d not covered", y)
			}
		}
		for e := range got.All() {
			if !file.Covers(e.Date.Year()) {
				continue
			}
			if fe, ok := file.Lookup(e.Date); !ok || fe != e {
				t.Fatalf("%s: %+v is not the file's", e.Date, e)
			}
		}
		for e := range file.All() {
			if ge, ok := got.Lookup(e.Date); !ok || ge != e {
				t.Fatalf("%s: the file's %+v is missing", e.Date, e)
			}
		}
	})
}

package idholiday_test

import (
	"fmt"
	"strings"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/calendar/idholiday"
)

// An office configured with the shipped years opens no day of 2027 until
// the operator loads the 2027 decree; then New Year's Day is a holiday
// and the next working day is an ordinary service day.
func Example() {
	office := calendar.Schedule{Location: calendar.Jakarta(), Holidays: idholiday.All()}
	show := func() {
		for _, s := range []string{"2026-12-31", "2027-01-01", "2027-01-04"} {
			d, _ := calendar.ParseDate(s)
			state, reason := office.Status(d)
			fmt.Println(strings.TrimSpace(fmt.Sprintf("%s %-10s %s", d, state, reason)))
		}
	}
	show()
	first, last := calendar.NewDate(2026, 12, 1), calendar.NewDate(2027, 3, 31)
	fmt.Println("missing:", office.UncoveredYears(first, last))

	decree2027 := `date,kind,name
2027-01-01,national,Tahun Baru 2027 Masehi
2027-08-17,national,Proklamasi Kemerdekaan Republik Indonesia
`
	h, err := idholiday.Load(strings.NewReader(decree2027))
	if err != nil {
		fmt.Println(err)
		return
	}
	office.Holidays = h
	show()
	fmt.Println("missing:", office.UncoveredYears(first, last))
	// Output:
	// 2026-12-31 available
	// 2027-01-01 not opened no holiday data for the year yet
	// 2027-01-04 not opened no holiday data for the year yet
	// missing: [2027]
	// 2026-12-31 available
	// 2027-01-01 holiday    Tahun Baru 2027 Masehi
	// 2027-01-04 available
	// missing: []
}

func ExampleDecree() {
	for _, year := range idholiday.Years() {
		decree, _ := idholiday.Decree(year)
		h, _ := idholiday.Year(year)
		fmt.Printf("%d: %d days, %s\n", year, h.Len(), decree)
	}
	// Output:
	// 2024: 27 days, SKB No. 855 Tahun 2023, No. 3 Tahun 2023, No. 4 Tahun 2023
	// 2025: 28 days, SKB No. 1017 Tahun 2024, No. 2 Tahun 2024, No. 2 Tahun 2024; amended by No. 933 Tahun 2025, No. 1 Tahun 2025, No. 3 Tahun 2025 (adds 18 August 2025)
	// 2026: 25 days, SKB No. 1497 Tahun 2025, No. 2 Tahun 2025, No. 5 Tahun 2025
}

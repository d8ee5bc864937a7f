package calendar_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/kuota/kuota/calendar"
)

func ExampleDateOf() {
	// An instant is a different date in different offices.
	at := time.Date(2026, time.December, 9, 16, 30, 0, 0, time.UTC)
	fmt.Println(calendar.DateOf(at, calendar.Jakarta()))
	fmt.Println(calendar.DateOf(at, calendar.Jayapura()))
	// Output:
	// 2026-12-09
	// 2026-12-10
}

func ExampleDate_AddMonths() {
	d, _ := calendar.ParseDate("2026-01-31")
	fmt.Println(d.AddMonths(1)) // clamped to the end of February
	// Output: 2026-02-28
}

func ExampleParseHolidays() {
	f, err := os.Open("idholiday/id-holidays-2026.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	holidays, err := calendar.ParseHolidays(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	office := calendar.Schedule{Location: calendar.Jakarta(), Holidays: holidays}
	for _, s := range []string{"2026-12-23", "2026-12-24", "2026-12-25", "2026-12-26"} {
		d, _ := calendar.ParseDate(s)
		state, reason := office.Status(d)
		line := fmt.Sprintf("%s %-9s %-5s %s", d, state, state.Color(), reason)
		fmt.Println(strings.TrimSpace(line))
	}
	// Output:
	// 2026-12-23 available green
	// 2026-12-24 available green
	// 2026-12-25 holiday   grey  Hari Raya Natal
	// 2026-12-26 day off   grey  weekly day off
}

package quota_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// An office in Jakarta with two arrival slots and two pools releases
// December's quota on 1 November at 08:00. Everything that depends on time
// takes the instant as a parameter.
func Example() {
	jakarta := calendar.Jakarta()
	ledger := quota.NewLedger()
	office, err := ledger.AddOffice(quota.Config{
		Schedule: calendar.Schedule{Location: jakarta}, // Monday to Friday
		Layout: quota.Layout{
			Pools: []string{"online", "walk-in"},
			Slots: []quota.Slot{
				{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{2, 1}},
				{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{2, 1}},
			},
		},
		Release: quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
		First:   calendar.NewDate(2026, time.December, 1),
		Days:    31,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	arrival := calendar.NewDate(2026, time.December, 10)
	const slot, online = 0, 0
	early := time.Date(2026, time.November, 1, 7, 59, 0, 0, jakarta)
	opened := early.Add(time.Minute)

	fmt.Println(ledger.Reserve(office, arrival, slot, online, 2, early))
	fmt.Println(ledger.Reserve(office, arrival, slot, online, 2, opened)) // a family of two
	fmt.Println(ledger.Reserve(office, arrival, slot, online, 1, opened))
	fmt.Println(ledger.Release(office, arrival, slot, online, 1)) // one cancels

	day, _ := ledger.Day(office, arrival, opened)
	for _, s := range day.Slots {
		fmt.Printf("%s %v, online %d of %d left\n", s.Span(), s.StateIn("online"), s.Pools[online].Left, s.Pools[online].Capacity)
	}
	// Output:
	// quota: quota not opened yet
	// <nil>
	// quota: full
	// <nil>
	// 08:00–09:00 available, online 1 of 2 left
	// 09:00–10:00 available, online 2 of 2 left
}

// Month gives a calendar grid: one state, and one colour, per day.
func ExampleLedger_Month() {
	jakarta := calendar.Jakarta()
	holidays, _ := calendar.NewHolidays(calendar.HolidayEntry{
		Date: calendar.NewDate(2026, time.December, 25), Kind: calendar.National, Name: "Hari Raya Natal",
	})
	ledger := quota.NewLedger()
	office, _ := ledger.AddOffice(quota.Config{
		Schedule: calendar.Schedule{Location: jakarta, Holidays: holidays},
		Layout:   quota.Layout{Pools: []string{"online"}, Slots: []quota.Slot{{Start: 8 * time.Hour, End: 12 * time.Hour, Seats: []int{1}}}},
		Release:  quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
		First:    calendar.NewDate(2026, time.December, 1),
		Days:     31,
	})
	now := time.Date(2026, time.December, 8, 12, 0, 0, 0, jakarta)
	_ = ledger.Reserve(office, calendar.NewDate(2026, time.December, 9), 0, 0, 1, now)

	days, _ := ledger.Month(office, 2026, time.December, now)
	letter := map[calendar.Color]string{calendar.Green: "G", calendar.Red: "R", calendar.Yellow: "Y", calendar.Grey: "."}
	var row strings.Builder
	for _, d := range days {
		row.WriteString(letter[d.State.Color()])
	}
	fmt.Println(row.String())
	fmt.Println(days[8].Date, days[8].State)
	fmt.Println(days[24].Date, days[24].State, days[24].Reason)
	// Output:
	// ........RGG..GGGGG..GGGG...GGGG
	// 2026-12-09 full
	// 2026-12-25 holiday Hari Raya Natal
}

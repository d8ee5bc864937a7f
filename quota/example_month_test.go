package quota_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// A calendar page served per request keeps one slice per worker and hands
// it back to AppendMonthIn each time: after the first month nothing is
// allocated. The office releases each month on the 15th of the month
// before at 08:00: on 1 December 2026 at 09:00 December is open and
// January is not yet. The 1st is past (its one slot started at 08:00), the
// online seat of the 9th is taken, the 25th is Christmas and 1 January is
// New Year's Day.
func ExampleLedger_AppendMonthIn() {
	jakarta := calendar.Jakarta()
	holidays, _ := calendar.NewHolidays(
		calendar.HolidayEntry{Date: calendar.NewDate(2026, 12, 25), Kind: calendar.National, Name: "Hari Raya Natal"},
		calendar.HolidayEntry{Date: calendar.NewDate(2027, 1, 1), Kind: calendar.National, Name: "Tahun Baru 2027 Masehi"},
	)
	ledger := quota.NewLedger()
	office, _ := ledger.AddOffice(quota.Config{
		Schedule: calendar.Schedule{Location: jakarta, Holidays: holidays},
		Layout: quota.Layout{
			Pools: []string{"online", "walk-in"},
			Slots: []quota.Slot{{Start: 8 * time.Hour, End: 12 * time.Hour, Seats: []int{1, 5}}},
		},
		Release: quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 15, At: 8 * time.Hour},
		First:   calendar.NewDate(2026, time.December, 1),
		Days:    62,
	})
	now := time.Date(2026, time.December, 1, 9, 0, 0, 0, jakarta)
	_ = ledger.Reserve(office, calendar.NewDate(2026, time.December, 9), 0, 0, 1, now)

	letter := map[calendar.Color]string{calendar.Green: "G", calendar.Red: "R", calendar.Yellow: "Y", calendar.Grey: "."}
	var days []quota.DayState // kept from request to request
	for _, m := range []struct {
		year  int
		month time.Month
	}{{2026, time.December}, {2027, time.January}} {
		days, _ = ledger.AppendMonthIn(days[:0], office, 0, m.year, m.month, now)
		var b strings.Builder
		for _, d := range days {
			b.WriteString(letter[d.State.Color()])
		}
		fmt.Printf("%-8v %s\n", m.month, b.String())
	}
	fmt.Println(days[3].Date, days[3].State, "from", days[3].Opens.Format("2006-01-02 15:04 MST"))
	// Output:
	// December .GGG..GGRGG..GGGGG..GGGG...GGGG
	// January  ...YYYYY..YYYYY..YYYYY..YYYYY..
	// 2027-01-04 not opened from 2026-12-15 08:00 WIB
}

// The page after the calendar: the slots of the chosen day in the online
// pool, from a slice kept from request to request. One office with three
// slots on 10 December 2026: the first is sold out, the operator closed
// the third.
func ExampleLedger_AppendDayIn() {
	jakarta := calendar.Jakarta()
	holidays, _ := calendar.NewHolidays()
	ledger := quota.NewLedger()
	office, _ := ledger.AddOffice(quota.Config{
		Schedule: calendar.Schedule{Location: jakarta, Holidays: holidays},
		Layout: quota.Layout{
			Pools: []string{"online", "walk-in"},
			Slots: []quota.Slot{
				{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{2, 5}},
				{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{2, 5}},
				{Start: 10 * time.Hour, End: 11 * time.Hour, Seats: []int{2, 5}},
			},
		},
		First: calendar.NewDate(2026, time.December, 1),
		Days:  31,
	})
	day := calendar.NewDate(2026, time.December, 10)
	now := time.Date(2026, time.December, 1, 9, 0, 0, 0, jakarta)
	_ = ledger.Reserve(office, day, 0, 0, 2, now)
	_ = ledger.CloseSlot(office, day, 2, "listrik padam")

	var slots []quota.SlotState // kept from request to request
	slots, _ = ledger.AppendDayIn(slots[:0], office, 0, day, now)
	for _, s := range slots {
		line := fmt.Sprintf("%s %v %d", quota.FormatClock(s.Start), s.State, s.Left)
		if s.Reason != "" {
			line += " " + s.Reason
		}
		fmt.Println(line)
	}
	// Output:
	// 08:00 full 0
	// 09:00 available 2
	// 10:00 holiday 2 listrik padam
}

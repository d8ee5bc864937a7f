package quota_test

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// A request names its slot by its start, "08:00". One whose slot was never
// set carries the empty string, which ParseClock refuses, so it can never
// book the day's first slot by accident.
func ExampleParseClock() {
	ledger := quota.NewLedger()
	office, _ := ledger.AddOffice(quota.Config{
		Schedule: calendar.Schedule{Location: calendar.Jakarta()},
		Layout: quota.Layout{
			Pools: []string{"online"},
			Slots: []quota.Slot{
				{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{2}},
				{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{2}},
			},
		},
		First: calendar.NewDate(2026, time.December, 1),
		Days:  31,
	})
	for _, give := range []string{"09:00", "", "9:00", "10:00"} {
		start, err := quota.ParseClock(give)
		if err != nil {
			fmt.Printf("%q: %v\n", give, err)
			continue
		}
		slot, err := ledger.SlotAt(office, start)
		if err != nil {
			fmt.Printf("%q: %v\n", give, err)
			continue
		}
		s, _ := ledger.Slot(office, slot)
		fmt.Printf("%q: slot %d, %s\n", give, slot, s.Span())
	}
	// Output:
	// "09:00": slot 1, 09:00–10:00
	// "": quota: bad clock time: 0 bytes, want HH:MM from 00:00 to 23:59
	// "9:00": quota: bad clock time: 4 bytes, want HH:MM from 00:00 to 23:59
	// "10:00": quota: unknown slot
}

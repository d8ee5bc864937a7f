package quota_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// The online calendar counts the online pool only. On the 9th the online
// seats are taken while walk-in seats remain: the office's calendar is
// green, the online one red. The 10th offers no online seat at all: yellow
// "no quota" online, never red, since nothing was used up. (The row runs
// from the 8th, past at noon, to Saturday the 12th.)
func ExampleLedger_MonthIn() {
	jakarta := calendar.Jakarta()
	ledger := quota.NewLedger()
	office, _ := ledger.AddOffice(quota.Config{
		Schedule: calendar.Schedule{Location: jakarta},
		Layout: quota.Layout{
			Pools: []string{"online", "walk-in"},
			Slots: []quota.Slot{{Start: 8 * time.Hour, End: 12 * time.Hour, Seats: []int{1, 5}}},
		},
		First: calendar.NewDate(2026, time.December, 1),
		Days:  31,
	})
	now := time.Date(2026, time.December, 8, 12, 0, 0, 0, jakarta)
	_ = ledger.Reserve(office, calendar.NewDate(2026, time.December, 9), 0, 0, 1, now)
	_ = ledger.SetCapacity(office, calendar.NewDate(2026, time.December, 10), 0, 0, 0)

	online, _ := ledger.PoolIndex(office, "online")
	all, _ := ledger.Month(office, 2026, time.December, now)
	in, _ := ledger.MonthIn(office, online, 2026, time.December, now)
	letter := map[calendar.Color]string{calendar.Green: "G", calendar.Red: "R", calendar.Yellow: "Y", calendar.Grey: "."}
	row := func(days []quota.DayView) string {
		var b strings.Builder
		for _, d := range days[7:12] {
			b.WriteString(letter[d.State.Color()])
		}
		return b.String()
	}
	fmt.Println("all pools", row(all))
	fmt.Println("online   ", row(in))
	for _, d := range in[8:10] {
		p := d.Pools[0]
		fmt.Printf("%s %s: %v, %d of %d left; all pools: %v\n", d.Date, p.Pool, d.State, p.Left, p.Capacity, all[d.Date.Day()-1].State)
	}
	// A Month view answers for one pool too, by name, on a map value.
	byDate := map[calendar.Date]quota.DayView{}
	for _, d := range all {
		byDate[d.Date] = d
	}
	fmt.Println(byDate[calendar.NewDate(2026, time.December, 9)].StateIn("online"))
	// Output:
	// all pools .GGG.
	// online    .RYG.
	// 2026-12-09 online: full, 0 of 1 left; all pools: available
	// 2026-12-10 online: no quota, 0 of 0 left; all pools: available
	// full
}

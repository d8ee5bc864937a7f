package quota_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

func exampleConfig() quota.Config {
	return quota.Config{
		Schedule: calendar.Schedule{Location: calendar.Jakarta()},
		Layout: quota.Layout{
			Pools: []string{"online", "walk-in"},
			Slots: []quota.Slot{{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{2, 1}}},
		},
		First: calendar.NewDate(2026, time.December, 1),
		Days:  31,
	}
}

// Operator changes are values: a caller keeps each one in its journal from
// Apply's commit hook, which runs after the change is checked and before
// it takes effect, and a journal that fails cancels the change.
func ExampleLedger_Apply() {
	ledger := quota.NewLedger()
	office, _ := ledger.AddOffice(exampleConfig())
	arrival := calendar.NewDate(2026, time.December, 10)

	var journal []quota.Override
	apply := func(ov quota.Override, journalUp bool) error {
		return ledger.Apply(office, ov, func() error {
			if !journalUp {
				return errors.New("journal: disk full")
			}
			journal = append(journal, ov)
			return nil
		})
	}
	fmt.Println(apply(quota.Override{Kind: quota.SetCapacity, Date: arrival, Seats: 5}, true))
	fmt.Println(apply(quota.Override{Kind: quota.CloseSlot, Date: arrival, Slot: 3, Reason: "Rapat"}, true))
	fmt.Println(apply(quota.Override{Kind: quota.CloseDay, Date: arrival, Reason: "Banjir"}, false))
	fmt.Println(len(journal), "journaled")

	c, _ := ledger.Cell(office, arrival, 0, 0)
	fmt.Println("capacity", c.Capacity)
	// Output:
	// <nil>
	// quota: unknown slot
	// journal: disk full
	// 1 journaled
	// capacity 5
}

// Overrides lists an office's standing changes; replayed into a fresh office
// with the same Config, they rebuild its table.
func ExampleLedger_Overrides() {
	ledger := quota.NewLedger()
	office, _ := ledger.AddOffice(exampleConfig())
	arrival := calendar.NewDate(2026, time.December, 10)
	_ = ledger.CloseDay(office, arrival.AddDays(1), "Banjir")
	_ = ledger.SetCapacity(office, arrival, 0, 1, 3)
	_ = ledger.CloseDay(office, arrival, "Renovasi")
	_ = ledger.OpenDay(office, arrival)

	cfg, _ := ledger.Config(office)
	replica := quota.NewLedger()
	copyOf, _ := replica.AddOffice(cfg)
	for ov := range ledger.Overrides(office) {
		fmt.Printf("%v %v reason=%q seats=%d\n", ov.Kind, ov.Date, ov.Reason, ov.Seats)
		_ = replica.Apply(copyOf, ov, nil)
	}
	c, _ := replica.Cell(copyOf, arrival, 0, 1)
	fmt.Println("walk-in capacity", c.Capacity)
	// Output:
	// set capacity 2026-12-10 reason="" seats=3
	// close day 2026-12-11 reason="Banjir" seats=0
	// walk-in capacity 3
}

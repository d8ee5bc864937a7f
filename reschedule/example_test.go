package reschedule_test

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/reschedule"
)

func Example() {
	p := reschedule.Default()
	jakarta := calendar.Jakarta()
	arrival := calendar.NewDate(2026, time.December, 10)

	fmt.Println("reschedule until", p.RescheduleDeadline(arrival, jakarta))
	fmt.Println("cancel until    ", p.CancelDeadline(arrival, jakarta))

	// On H-1 at noon a cancellation is refused; a reschedule is not.
	now := time.Date(2026, time.December, 9, 12, 0, 0, 0, jakarta)
	fmt.Println(p.CanCancel(now, arrival, jakarta))
	fmt.Println(p.CanReschedule(now, arrival, 0, jakarta))
	// Output:
	// reschedule until 2026-12-10 00:00:00 +0700 WIB
	// cancel until     2026-12-09 00:00:00 +0700 WIB
	// reschedule: too late to cancel: closed 2026-12-09 00:00 WIB
	// <nil>
}

// A booking's page shows every window at once: WindowsOf computes them
// together, each local midnight once.
func ExamplePolicy_WindowsOf() {
	arrival := calendar.NewDate(2026, time.December, 10)
	w := reschedule.Default().WindowsOf(arrival, 8*time.Hour, 9*time.Hour, calendar.Makassar())
	fmt.Println("reschedule until", w.RescheduleBy)
	fmt.Println("cancel until    ", w.CancelBy)
	fmt.Println("check in from   ", w.CheckInOpens)
	fmt.Println("no-show at      ", w.CheckInCloses)
	// Output:
	// reschedule until 2026-12-10 00:00:00 +0800 WITA
	// cancel until     2026-12-09 00:00:00 +0800 WITA
	// check in from    2026-12-10 07:00:00 +0800 WITA
	// no-show at       2026-12-10 09:00:00 +0800 WITA
}

package booking_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// The README's quick start: an immigration office in Jakarta releases
// December's quota on 1 November at 08:00; a family of two books, pays,
// and the calendar shows what is left. The clock is a parameter, so the
// example runs the same on any day.
func Example() {
	now := time.Date(2026, time.November, 1, 8, 0, 0, 0, calendar.Jakarta())
	dir, _ := os.MkdirTemp("", "kuota-example")
	defer os.RemoveAll(dir)

	engine, err := booking.Open(filepath.Join(dir, "kuota.db"), &booking.Options{
		Now: func() time.Time { return now }, // nil means time.Now
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer engine.Close()
	ctx := context.Background()

	err = engine.RegisterOffice(ctx, booking.OfficeConfig{
		Code: "JKT-SEL",
		Name: "Kantor Imigrasi Jakarta Selatan",
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: calendar.Jakarta()}, // Monday to Friday
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
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	nik1, _ := booking.ParseNIK("3171010101900001")
	nik2, _ := booking.ParseNIK("3171014101920002") // a woman: 40 added to the day of birth
	hold, err := engine.Hold(ctx, booking.HoldRequest{
		Account:    "budi@example.com",
		Office:     "JKT-SEL",
		Date:       calendar.NewDate(2026, time.December, 10),
		Slot:       "08:00", // the slot's start
		Pool:       "online",
		Applicants: []booking.Applicant{{NIK: nik1}, {NIK: nik2}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(hold.State, "until", hold.PayBy.Format("15:04 MST"), "for", hold.Applicants[0].NIK, "and one more")

	paid, err := engine.Pay(ctx, hold.BillingCode, "BANK-REF-001")
	fmt.Println(paid.State, err)

	// The slot is now full for online applicants; the walk-in seat is not.
	_, err = engine.Hold(ctx, booking.HoldRequest{
		Account: "siti@example.com", Office: "JKT-SEL", Date: hold.Date, Slot: "08:00", Pool: "online",
		Applicants: []booking.Applicant{{NIK: mustNIK("3171010202900003")}},
	})
	fmt.Println(errors.Is(err, quota.ErrFull), err)

	day, _ := engine.Day(ctx, "JKT-SEL", hold.Date)
	for _, s := range day.Slots {
		fmt.Printf("%s online: %v, %d of %d left\n", s.Span(), s.StateIn("online"), s.Pools[0].Left, s.Pools[0].Capacity)
	}
	// Output:
	// held until 10:00 WIB for 31**********0001 and one more
	// paid <nil>
	// true quota: full
	// 08:00–09:00 online: full, 0 of 2 left
	// 09:00–10:00 online: available, 2 of 2 left
}

func mustNIK(s string) booking.NIK {
	n, err := booking.ParseNIK(s)
	if err != nil {
		panic(err)
	}
	return n
}

// A NIK never prints itself: String masks it, LogValue redacts it, and
// errors never quote it, nor any of its digits.
func ExampleParseNIK() {
	n, err := booking.ParseNIK("3171014101920002")
	fmt.Println(n, err)
	_, err = booking.ParseNIK("3171017201920002") // day 72: 32, even for a woman
	fmt.Println(err)
	// Output:
	// 31**********0002 <nil>
	// booking: bad NIK: day out of range for its month
}

// Windows come back as *reschedule.WindowError values that name their
// deadline, and match a sentinel.
func ExampleEngine_Cancel() {
	now := time.Date(2026, time.November, 2, 9, 0, 0, 0, calendar.Jakarta())
	engine, _ := booking.New(&booking.Options{Now: func() time.Time { return now }, NoSweeper: true})
	defer engine.Close()
	ctx := context.Background()
	engine.RegisterOffice(ctx, booking.OfficeConfig{
		Code: "JKT", Name: "Jakarta",
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: calendar.Jakarta()},
			Layout:   quota.Layout{Pools: []string{"online"}, Slots: []quota.Slot{{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{5}}}},
			First:    calendar.NewDate(2026, time.December, 1), Days: 31,
		},
	})
	b, _ := engine.Hold(ctx, booking.HoldRequest{Account: "a", Office: "JKT", Date: calendar.NewDate(2026, time.December, 10), Slot: "08:00", Pool: "online",
		Applicants: []booking.Applicant{{NIK: mustNIK("3171010101900001")}}})
	engine.Pay(ctx, b.BillingCode, "ref")

	now = time.Date(2026, time.December, 9, 10, 0, 0, 0, calendar.Jakarta()) // H-1
	// The zero Reason gives none.
	_, err := engine.Cancel(ctx, b.Code, booking.Reason{})
	fmt.Println(errors.Is(err, reschedule.ErrCancelClosed))
	fmt.Println(err)
	// Output:
	// true
	// reschedule: too late to cancel: closed 2026-12-09 00:00 WIB
}

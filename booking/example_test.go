package booking_test

import (
	"context"
	"errors"
	"fmt"
	"io"
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
// example runs the same on any day. TestReadmeQuickStart keeps the
// README's copy of quickStart identical to this one.
func Example() {
	dir, err := os.MkdirTemp("", "kuota-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	if err := quickStart(context.Background(), os.Stdout, dir); err != nil {
		fmt.Println(err)
	}
	// Output:
	// held until 10:00 WIB for 31**********0001 and one more
	// paid BANK-REF-001
	// 2026-12-10 online: full
	// 2026-12-11 online: available, 2 seats left
	// the next hold: quota: full
}

// quickStart is the README's quick start.
func quickStart(ctx context.Context, w io.Writer, dir string) (err error) {
	now := time.Date(2026, time.November, 1, 8, 0, 0, 0, calendar.Jakarta())
	engine, err := booking.Open(filepath.Join(dir, "kuota.db"), &booking.Options{
		Now: func() time.Time { return now }, // nil means time.Now
	})
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, engine.Close()) }()

	err = engine.RegisterOffice(ctx, booking.OfficeConfig{
		Code: "JKT-SEL",
		Name: "Kantor Imigrasi Jakarta Selatan",
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: calendar.Jakarta()}, // Monday to Friday
			Layout: quota.Layout{
				Pools: []string{"online", "walk-in"},
				Slots: []quota.Slot{
					{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{2, 1}},
					{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{0, 1}},
				},
			},
			Release: quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
			First:   calendar.NewDate(2026, time.December, 1),
			Days:    31,
		},
	})
	if err != nil {
		return err
	}

	budi, err := booking.ParseNIK("3171010101900001")
	if err != nil {
		return err
	}
	ani, err := booking.ParseNIK("3171014101920002") // a woman: 40 added to the day of birth
	if err != nil {
		return err
	}
	hold, err := engine.Hold(ctx, booking.HoldRequest{
		Account:    "budi@example.com",
		Office:     "JKT-SEL",
		Date:       calendar.NewDate(2026, time.December, 10),
		Slot:       "08:00", // the slot's start
		Pool:       "online",
		Applicants: []booking.Applicant{{NIK: budi}, {NIK: ani}},
	})
	if err != nil {
		return err
	}
	// hold.Code is the booking's code, hold.BillingCode what the bank is
	// paid against; hold.RescheduleBy, CancelBy and CheckInOpens are its
	// other windows.
	fmt.Fprintln(w, hold.State, "until", hold.PayBy.Format("15:04 MST"), "for", hold.Applicants[0].NIK, "and one more")

	paid, err := engine.Pay(ctx, hold.BillingCode, "BANK-REF-001") // the same reference again is a no-op
	if err != nil {
		return err
	}
	fmt.Fprintln(w, paid.State, paid.PaymentRef)

	// What an online applicant sees: each day's state (Available green,
	// Full red, NotOpened or NoQuota yellow, Holiday, DayOff, Past,
	// OutsideHorizon grey) and the seats left in the online pool.
	days, err := engine.MonthIn(ctx, "JKT-SEL", "online", 2026, time.December)
	if err != nil {
		return err
	}
	for _, d := range days[9:11] {
		if d.State == calendar.Available {
			fmt.Fprintf(w, "%s online: %s, %d seats left\n", d.Date, d.State, d.Left)
		} else {
			fmt.Fprintf(w, "%s online: %s\n", d.Date, d.State)
		}
	}

	// Every refusal is a sentinel to match with errors.Is.
	_, err = engine.Hold(ctx, booking.HoldRequest{
		Account: "siti@example.com", Office: "JKT-SEL", Date: hold.Date, Slot: "08:00", Pool: "online",
		Applicants: []booking.Applicant{{NIK: budi}},
	})
	if !errors.Is(err, quota.ErrFull) {
		return fmt.Errorf("want quota.ErrFull, got %v", err)
	}
	fmt.Fprintln(w, "the next hold:", err)
	return nil
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

package booking_test

// Contexts that have ended or are nil, and a closed engine: every method
// refuses with the context's error or ErrEngineClosed and changes nothing,
// or, for a nil context, works as with context.Background.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// advValidCalls are calls that the fixture grants (the first gets as far as
// the last check of Hold, and returns nil for it): with an ended context
// each must refuse and change nothing, and with a live one succeed.
var advValidCalls = []struct {
	name string
	call func(ctx context.Context, f *advFixture) error
}{
	{"hold of a booked NIK", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Hold(ctx, HoldRequest{Account: "fresh@example.com", Office: kt.Office, Date: kt.Dec10, Pool: kt.Online, Applicants: []Applicant{{NIK: f.paid.Applicants[0].NIK}}})
		if errors.Is(err, ErrNIKBooked) {
			return nil // got past every check but the last
		}
		return errors.Join(err, errors.New("hold of a booked NIK must fail"))
	}},
	{"hold, fresh", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Hold(ctx, HoldRequest{Account: "fresh@example.com", Office: kt.Office, Date: kt.Dec10, Pool: kt.Online, Applicants: []Applicant{{NIK: advNIK(9000)}}})
		return err
	}},
	{"pay", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Pay(ctx, f.held.BillingCode, "ref-new")
		return err
	}},
	{"cancel", func(ctx context.Context, f *advFixture) error { _, err := f.e.Cancel(ctx, f.held.Code); return err }},
	{"reschedule", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Reschedule(ctx, f.paid.Code, kt.Dec11, 0)
		return err
	}},
	{"reject", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Reject(ctx, f.paid.Code, "ditolak")
		return err
	}},
	{"register", func(ctx context.Context, f *advFixture) error {
		cfg := kt.OfficeConfig(f.t)
		cfg.Code = "NEW"
		return f.e.RegisterOffice(ctx, cfg)
	}},
	{"close day", func(ctx context.Context, f *advFixture) error {
		return f.e.CloseDay(ctx, kt.Office, kt.Dec10, "banjir")
	}},
	{"open day", func(ctx context.Context, f *advFixture) error { return f.e.OpenDay(ctx, kt.Office, f.closedDay) }},
	{"close slot", func(ctx context.Context, f *advFixture) error {
		return f.e.CloseSlot(ctx, kt.Office, kt.Dec10, 1, "banjir")
	}},
	{"open slot", func(ctx context.Context, f *advFixture) error {
		return f.e.OpenSlot(ctx, kt.Office, f.closedSlotDay, 1)
	}},
	{"set capacity", func(ctx context.Context, f *advFixture) error {
		return f.e.SetCapacity(ctx, kt.Office, kt.Dec10, 0, kt.Online, 50)
	}},
	{"set release", func(ctx context.Context, f *advFixture) error {
		return f.e.SetReleaseAt(ctx, kt.Office, kt.Jan04, time.Time{})
	}},
	{"expire due", func(ctx context.Context, f *advFixture) error {
		n, err := f.e.ExpireDue(ctx, kt.T1.Add(DefaultHoldTTL))
		return errors.Join(err, advWant(n, 1))
	}},
	{"mark no-shows", func(ctx context.Context, f *advFixture) error {
		n, err := f.e.MarkNoShows(ctx, time.Date(2026, time.December, 12, 0, 0, 0, 0, kt.WIB))
		return errors.Join(err, advWant(n, 2))
	}},
	{"get", func(ctx context.Context, f *advFixture) error { _, err := f.e.Get(ctx, f.paid.Code); return err }},
	{"by billing code", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.ByBillingCode(ctx, f.paid.BillingCode)
		return err
	}},
	{"month", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Month(ctx, kt.Office, 2026, time.December)
		return err
	}},
	{"day", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Day(ctx, kt.Office, kt.Dec10)
		return err
	}},
	{"day bookings", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.DayBookings(ctx, kt.Office, kt.Dec10)
		return err
	}},
}

func advWant(got, want int) error {
	if got != want {
		return fmt.Errorf("got %d, want %d", got, want)
	}
	return nil
}

// advNIK returns the i-th NIK of a supply disjoint from kt.NIK's: province
// 32, so the two never meet.
func advNIK(i int) NIK {
	n, err := ParseNIK(fmt.Sprintf("3273010101%02d%04d", (i/9999)%100, i%9999+1))
	if err != nil {
		panic(err) // the supply is valid by construction
	}
	return n
}

// A call whose context has already ended changes nothing, and says so
// with the context's error; the same call with a live context succeeds,
// so the refusal was the context's doing.
func TestAdversarialEndedContext(t *testing.T) {
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	expired, stop := context.WithDeadline(bg, time.Unix(0, 0))
	defer stop()
	for _, durable := range []bool{false, true} {
		for _, tt := range advValidCalls {
			t.Run(fmt.Sprintf("durable=%v/%s", durable, tt.name), func(t *testing.T) {
				f := newAdvFixture(t, durable)
				accounts := append(f.accounts, "fresh@example.com")
				before := captureEngine(t, f.e, accounts)
				require.ErrorIs(t, tt.call(cancelled, f), context.Canceled)
				requireUnchanged(t, f.e, before, accounts)
				require.ErrorIs(t, tt.call(expired, f), context.DeadlineExceeded)
				requireUnchanged(t, f.e, before, accounts)
				require.NoError(t, tt.call(bg, f))
				kt.RequireConsistent(t, f.e)
			})
		}
	}
}

// A nil context is treated as context.Background by every method, in
// memory and on disk, through a whole life.
func TestAdversarialNilContext(t *testing.T) {
	var ctx context.Context // nil
	for _, durable := range []bool{false, true} {
		t.Run(fmt.Sprint("durable=", durable), func(t *testing.T) {
			f := newAdvFixture(t, durable)
			e := f.e
			for _, tt := range advValidCalls {
				if tt.name == "expire due" || tt.name == "mark no-shows" || tt.name == "reschedule" || tt.name == "reject" {
					continue // they would undo the bookings the others use; run below
				}
				require.NoError(t, tt.call(ctx, f), tt.name)
			}
			b, err := e.Reschedule(ctx, f.paid.Code, kt.Dec11, 0)
			require.NoError(t, err)
			f.clk.Set(kt.T5.AddDate(0, 0, 1))
			b, err = e.CheckIn(ctx, b.Code)
			require.NoError(t, err)
			_, err = e.Reject(ctx, b.Code, "ditolak di loket")
			require.NoError(t, err)
			end := time.Date(2026, time.December, 11, 10, 0, 0, 0, kt.WIB) // slot 1 of the 11th ends
			n, err := e.MarkNoShows(ctx, end)
			require.NoError(t, err)
			require.Equal(t, 1, n, "the other paid booking on the 11th")
			n, err = e.ExpireDue(ctx, end)
			require.NoError(t, err)
			require.Equal(t, 1, n, "the hold made above")
			kt.RequireConsistent(t, e)
		})
	}
}

func TestAdversarialClosedEngine(t *testing.T) {
	f := newAdvFixture(t, false)
	e := f.e
	require.NoError(t, e.Close())
	require.NoError(t, e.Close(), "closing twice is fine")

	type test struct {
		name string
		call func() error
	}
	tests := []test{
		{name: "office", call: func() error { _, err := e.Office(kt.Office); return err }},
		{name: "office, unknown", call: func() error { _, err := e.Office("NOPE"); return err }},
		{name: "backup", call: func() error { _, err := e.Backup(io.Discard); return err }},
		{name: "hold, bad account", call: func() error { _, err := e.Hold(bg, HoldRequest{Account: "\n"}); return err }},
		{name: "pay, bad reference", call: func() error { _, err := e.Pay(bg, f.held.BillingCode, ""); return err }},
		{name: "get, bad code", call: func() error { _, err := e.Get(bg, "!"); return err }},
		{name: "reschedule, zero date", call: func() error { _, err := e.Reschedule(bg, f.paid.Code, calendar.Date{}, 0); return err }},
		{name: "register, zero config", call: func() error { return e.RegisterOffice(bg, OfficeConfig{}) }},
		{name: "close day, unknown office", call: func() error { return e.CloseDay(bg, "NOPE", kt.Dec10, "x") }},
		{name: "month, year 0", call: func() error { _, err := e.Month(bg, kt.Office, 0, 0); return err }},
		{name: "day bookings, unknown office", call: func() error { _, err := e.DayBookings(bg, "NOPE", kt.Dec10); return err }},
		{name: "expire due, zero instant", call: func() error { _, err := e.ExpireDue(bg, time.Time{}); return err }},
		{name: "mark no-shows, nil context", call: func() error { var ctx context.Context; _, err := e.MarkNoShows(ctx, kt.T6); return err }},
		{name: "check in, cancelled context", call: func() error {
			ctx, cancel := context.WithCancel(bg)
			cancel()
			_, err := e.CheckIn(ctx, f.paid.Code)
			return err
		}},
		{name: "reject, bad reason", call: func() error { _, err := e.Reject(bg, f.paid.Code, ""); return err }},
		{name: "set capacity, unknown office", call: func() error { return e.SetCapacity(bg, "NOPE", kt.Dec10, 0, kt.Online, 9) }},
		{name: "set capacity, unknown pool", call: func() error { return e.SetCapacity(bg, kt.Office, kt.Dec10, 0, "NOPE", 9) }},
	}
	for _, tt := range advValidCalls {
		tests = append(tests, test{name: tt.name, call: func() error { return tt.call(bg, f) }})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.call(), ErrEngineClosed)
		})
	}
	require.Nil(t, e.Offices())
	for b := range e.History(f.held.Account) {
		t.Fatalf("a closed engine yields no history, got %s", b.Code)
	}
	require.NotPanics(t, func() { e.Stats(); e.Check() })
}

package booking_test

// Contexts that have ended or are nil, and a closed engine: every method
// refuses with the context's error, ErrNilContext or ErrEngineClosed, and
// changes nothing.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// advValidCalls are calls that the fixture grants (the first gets as far as
// the last check of Hold, and returns nil for it), one or more of every
// method of Engine that takes a context: with an ended or a nil context each
// must refuse and change nothing, and with a live one succeed. A call that
// needs the engine's clock elsewhere moves it there for the call alone
// (advAt), so that the engine reads the same before and after a refusal.
var advValidCalls = []struct {
	name   string
	method string // the Engine method it calls
	call   func(ctx context.Context, f *advFixture) error
}{
	{"hold of a booked NIK", "Hold", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Hold(ctx, HoldRequest{Account: "fresh@example.com", Office: kt.Office, Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online, Applicants: []Applicant{{NIK: f.paid.Applicants[0].NIK}}})
		if errors.Is(err, ErrNIKBooked) {
			return nil // got past every check but the last
		}
		return errors.Join(err, errors.New("hold of a booked NIK must fail"))
	}},
	{"hold, fresh", "Hold", func(ctx context.Context, f *advFixture) error {
		// Parsed here rather than with kt.NIK: the closed engine's test
		// calls this from subtests, where the fixture's t may not fail.
		n, err := ParseNIK(kt.NIKDigits(advFreshNIK))
		if err != nil {
			return err
		}
		_, err = f.e.Hold(ctx, HoldRequest{Account: "fresh@example.com", Office: kt.Office, Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online, Applicants: []Applicant{{NIK: n}}})
		return err
	}},
	{"pay", "Pay", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Pay(ctx, f.held.BillingCode, "ref-new")
		return err
	}},
	{"cancel", "Cancel", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Cancel(ctx, f.held.Code, Reason{})
		return err
	}},
	{"reschedule", "Reschedule", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Reschedule(ctx, f.paid.Code, kt.Dec11, kt.Slot0)
		return err
	}},
	{"check in", "CheckIn", func(ctx context.Context, f *advFixture) error {
		defer advAt(f, kt.T5)() // check-in opens for the 10th at 08:00
		_, err := f.e.CheckIn(ctx, f.paid.Code)
		return err
	}},
	{"reject", "Reject", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Reject(ctx, f.paid.Code, Reason{Kind: ReasonOther, Text: "ditolak"})
		return err
	}},
	{"register", "RegisterOffice", func(ctx context.Context, f *advFixture) error {
		cfg := kt.OfficeConfig(f.t)
		cfg.Code = "NEW"
		return f.e.RegisterOffice(ctx, cfg)
	}},
	{"office", "Office", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Office(ctx, kt.Office)
		return err
	}},
	{"holiday gaps", "HolidayGaps", func(ctx context.Context, f *advFixture) error {
		gaps, err := f.e.HolidayGaps(ctx)
		return errors.Join(err, advWant(len(gaps), 0))
	}},
	{"close day", "CloseDay", func(ctx context.Context, f *advFixture) error {
		return f.e.CloseDay(ctx, kt.Office, kt.Dec10, "banjir")
	}},
	{"open day", "OpenDay", func(ctx context.Context, f *advFixture) error { return f.e.OpenDay(ctx, kt.Office, f.closedDay) }},
	{"close slot", "CloseSlot", func(ctx context.Context, f *advFixture) error {
		return f.e.CloseSlot(ctx, kt.Office, kt.Dec10, kt.Slot1, "banjir")
	}},
	{"open slot", "OpenSlot", func(ctx context.Context, f *advFixture) error {
		return f.e.OpenSlot(ctx, kt.Office, f.closedSlotDay, kt.Slot1)
	}},
	{"set capacity", "SetCapacity", func(ctx context.Context, f *advFixture) error {
		return f.e.SetCapacity(ctx, kt.Office, kt.Dec10, kt.Slot0, kt.Online, 50)
	}},
	{"set release", "SetReleaseAt", func(ctx context.Context, f *advFixture) error {
		return f.e.SetReleaseAt(ctx, kt.Office, kt.Jan04, time.Time{})
	}},
	{"expire due", "ExpireDue", func(ctx context.Context, f *advFixture) error {
		defer advAt(f, kt.T1.Add(DefaultHoldTTL))() // the held booking's deadline
		n, err := f.e.ExpireDue(ctx)
		return errors.Join(err, advWant(n, 1))
	}},
	{"mark no-shows", "MarkNoShows", func(ctx context.Context, f *advFixture) error {
		defer advAt(f, time.Date(2026, time.December, 12, 0, 0, 0, 0, kt.WIB))()
		n, err := f.e.MarkNoShows(ctx)
		return errors.Join(err, advWant(n, 2))
	}},
	{"archive due", "ArchiveDue", func(ctx context.Context, f *advFixture) error {
		n, err := f.e.ArchiveDue(ctx)
		return errors.Join(err, advWant(n, 0)) // nothing ended a retention ago
	}},
	{"export archive", "ExportArchive", func(ctx context.Context, f *advFixture) error {
		n, err := f.e.ExportArchive(ctx, io.Discard)
		if !f.e.Stats().Durable && errors.Is(err, ErrNoFile) {
			return nil // as far as an engine without a file goes
		}
		return errors.Join(err, advWant(n, 0))
	}},
	{"get", "Get", func(ctx context.Context, f *advFixture) error { _, err := f.e.Get(ctx, f.paid.Code); return err }},
	{"by billing code", "ByBillingCode", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.ByBillingCode(ctx, f.paid.BillingCode)
		return err
	}},
	{"account bookings", "AccountBookings", func(ctx context.Context, f *advFixture) error {
		list, err := f.e.AccountBookings(ctx, f.paid.Account)
		return errors.Join(err, advWant(len(list), 1))
	}},
	{"month", "Month", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Month(ctx, kt.Office, 2026, time.December)
		return err
	}},
	{"month in", "MonthIn", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.MonthIn(ctx, kt.Office, kt.Online, 2026, time.December)
		return err
	}},
	{"month as states", "AppendMonth", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.AppendMonth(ctx, nil, kt.Office, 2026, time.December)
		return err
	}},
	{"month in as states", "AppendMonthIn", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.AppendMonthIn(ctx, nil, kt.Office, kt.Online, 2026, time.December)
		return err
	}},
	{"proof", "Proof", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Proof(ctx, f.paid.Code)
		return err
	}},
	{"check a proof", "CheckProof", func(ctx context.Context, f *advFixture) error {
		token, err := f.e.Proof(bg, f.paid.Code)
		if err != nil {
			return err
		}
		_, _, err = f.e.CheckProof(ctx, token)
		return err
	}},
	{"rotate the proof key", "RotateProofKey", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.RotateProofKey(ctx)
		return err
	}},
	{"proof keys", "ProofKeys", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.ProofKeys(ctx)
		return err
	}},
	{"draw", "Draw", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Draw(ctx, sby, kt.T0)
		return err
	}},
	{"run due draws", "RunDueDraws", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.RunDueDraws(ctx)
		return err
	}},
	{"feed", "Feed", func(ctx context.Context, f *advFixture) error {
		_, _, err := f.e.Feed(ctx, 0, nil)
		return err
	}},
	{"day", "Day", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.Day(ctx, kt.Office, kt.Dec10)
		return err
	}},
	{"day in", "DayIn", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.DayIn(ctx, kt.Office, kt.WalkIn, kt.Dec10)
		return err
	}},
	{"day in as slot states", "AppendDayIn", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.AppendDayIn(ctx, nil, kt.Office, kt.WalkIn, kt.Dec10)
		return err
	}},
	{"day bookings", "DayBookings", func(ctx context.Context, f *advFixture) error {
		_, err := f.e.DayBookings(ctx, kt.Office, kt.Dec10)
		return err
	}},
	{"check", "Check", func(ctx context.Context, f *advFixture) error {
		v, err := f.e.Check(ctx)
		return errors.Join(err, advWant(len(v), 0))
	}},
	{"backup", "Backup", func(ctx context.Context, f *advFixture) error {
		n, err := f.e.Backup(ctx, io.Discard)
		if !f.e.Stats().Durable && errors.Is(err, ErrNoFile) {
			return nil // as far as an engine without a file goes
		}
		if err == nil && n == 0 {
			return errors.New("an empty backup")
		}
		return err
	}},
}

// advAt moves the fixture's clock to at and returns the function that
// moves it back.
func advAt(f *advFixture, at time.Time) func() {
	was := f.clk.Now()
	f.clk.Set(at)
	return func() { f.clk.Set(was) }
}

func advWant(got, want int) error {
	if got != want {
		return fmt.Errorf("got %d, want %d", got, want)
	}
	return nil
}

// advFreshNIK is the kt.NIK index of the NIK the call "hold, fresh"
// books: far above every index the fixture and the refusal tables use (1
// to 5 for the fixture's bookings, 100 on for its fresh requests), so
// that no booking of the fixture has it.
const advFreshNIK = 9000

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

// A nil context is refused with ErrNilContext by every method that takes
// one, before anything else is looked at, in memory and on disk, and the
// refusal changes nothing. (TestAdversarialEndedContext grants each of
// advValidCalls with a live context, so the refusal is the nil context's
// doing.) Then, through a whole life, each step is refused with a nil
// context and made with a live one.
func TestAdversarialNilContext(t *testing.T) {
	// advValidCalls calls every method that takes a context.
	covered := map[string]bool{}
	for _, tt := range advValidCalls {
		covered[tt.method] = true
	}
	ctxType, engine := reflect.TypeFor[context.Context](), reflect.TypeFor[*Engine]()
	for i := range engine.NumMethod() {
		if m := engine.Method(i); m.Type.NumIn() > 1 && m.Type.In(1) == ctxType {
			require.True(t, covered[m.Name], "advValidCalls has no call of %s", m.Name)
		}
	}

	var ctx context.Context // nil
	// Calls that would be refused for something else: the nil context is
	// refused first.
	badToo := []struct {
		name string
		call func(ctx context.Context, f *advFixture) error
	}{
		{"hold, zero request", func(ctx context.Context, f *advFixture) error { _, err := f.e.Hold(ctx, HoldRequest{}); return err }},
		{"pay, bad reference", func(ctx context.Context, f *advFixture) error {
			_, err := f.e.Pay(ctx, f.held.BillingCode, "")
			return err
		}},
		{"get, bad code", func(ctx context.Context, f *advFixture) error { _, err := f.e.Get(ctx, "!"); return err }},
		{"reject, no reason", func(ctx context.Context, f *advFixture) error {
			_, err := f.e.Reject(ctx, f.paid.Code, Reason{})
			return err
		}},
		{"set capacity, unknown slot", func(ctx context.Context, f *advFixture) error {
			return f.e.SetCapacity(ctx, kt.Office, kt.Dec10, "", kt.Online, 9)
		}},
		{"month, year 0", func(ctx context.Context, f *advFixture) error { _, err := f.e.Month(ctx, "NOPE", 0, 0); return err }},
	}
	for _, durable := range []bool{false, true} {
		t.Run(fmt.Sprint("durable=", durable), func(t *testing.T) {
			f := newAdvFixture(t, durable)
			e := f.e
			accounts := append(f.accounts, "fresh@example.com")
			before := captureEngine(t, e, accounts)
			for _, tt := range advValidCalls {
				require.ErrorIs(t, tt.call(ctx, f), ErrNilContext, tt.name)
			}
			for _, tt := range badToo {
				require.ErrorIs(t, tt.call(ctx, f), ErrNilContext, tt.name)
			}
			requireUnchanged(t, e, before, accounts)

			_, err := e.Reschedule(ctx, f.paid.Code, kt.Dec11, kt.Slot0)
			require.ErrorIs(t, err, ErrNilContext)
			b, err := e.Reschedule(bg, f.paid.Code, kt.Dec11, kt.Slot0)
			require.NoError(t, err)
			f.clk.Set(kt.T5.AddDate(0, 0, 1))
			_, err = e.CheckIn(ctx, b.Code)
			require.ErrorIs(t, err, ErrNilContext)
			b, err = e.CheckIn(bg, b.Code)
			require.NoError(t, err)
			_, err = e.Reject(ctx, b.Code, Reason{Kind: ReasonInvalidData, Text: "ditolak di loket"})
			require.ErrorIs(t, err, ErrNilContext)
			_, err = e.Reject(bg, b.Code, Reason{Kind: ReasonInvalidData, Text: "ditolak di loket"})
			require.NoError(t, err)
			f.clk.Set(time.Date(2026, time.December, 11, 10, 0, 0, 0, kt.WIB)) // slot 1 of the 11th ends
			n, err := e.MarkNoShows(ctx)
			require.ErrorIs(t, err, ErrNilContext)
			require.Zero(t, n)
			n, err = e.MarkNoShows(bg)
			require.NoError(t, err)
			require.Equal(t, 1, n, "the other paid booking on the 11th")
			n, err = e.ExpireDue(ctx)
			require.ErrorIs(t, err, ErrNilContext)
			require.Zero(t, n)
			n, err = e.ExpireDue(bg)
			require.NoError(t, err)
			require.Equal(t, 1, n, "the fixture's hold")
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
		want error // ErrEngineClosed when nil
	}
	tests := []test{
		{name: "office", call: func() error { _, err := e.Office(bg, kt.Office); return err }},
		{name: "office, unknown", call: func() error { _, err := e.Office(bg, "NOPE"); return err }},
		{name: "backup", call: func() error { _, err := e.Backup(bg, io.Discard); return err }},
		{name: "hold, bad account", call: func() error { _, err := e.Hold(bg, HoldRequest{Account: "\n"}); return err }},
		{name: "pay, bad reference", call: func() error { _, err := e.Pay(bg, f.held.BillingCode, ""); return err }},
		{name: "get, bad code", call: func() error { _, err := e.Get(bg, "!"); return err }},
		{name: "reschedule, zero date", call: func() error { _, err := e.Reschedule(bg, f.paid.Code, calendar.Date{}, kt.Slot0); return err }},
		{name: "register, zero config", call: func() error { return e.RegisterOffice(bg, OfficeConfig{}) }},
		{name: "close day, unknown office", call: func() error { return e.CloseDay(bg, "NOPE", kt.Dec10, "x") }},
		{name: "month, year 0", call: func() error { _, err := e.Month(bg, kt.Office, 0, 0); return err }},
		{name: "day bookings, unknown office", call: func() error { _, err := e.DayBookings(bg, "NOPE", kt.Dec10); return err }},
		{name: "expire due, zero instant", call: func() error {
			defer advAt(f, time.Time{})()
			_, err := e.ExpireDue(bg)
			return err
		}},
		// A nil context is refused before anything else is looked at, the
		// engine's state included.
		{name: "mark no-shows, nil context", want: ErrNilContext, call: func() error {
			defer advAt(f, kt.T6)()
			var ctx context.Context
			_, err := e.MarkNoShows(ctx)
			return err
		}},
		{name: "check in, cancelled context", call: func() error {
			ctx, cancel := context.WithCancel(bg)
			cancel()
			_, err := e.CheckIn(ctx, f.paid.Code)
			return err
		}},
		{name: "reject, bad reason", call: func() error { _, err := e.Reject(bg, f.paid.Code, Reason{}); return err }},
		{name: "set capacity, unknown office", call: func() error { return e.SetCapacity(bg, "NOPE", kt.Dec10, kt.Slot0, kt.Online, 9) }},
		{name: "set capacity, unknown pool", call: func() error { return e.SetCapacity(bg, kt.Office, kt.Dec10, kt.Slot0, "NOPE", 9) }},
	}
	for _, tt := range advValidCalls {
		tests = append(tests, test{name: tt.name, call: func() error { return tt.call(bg, f) }})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == nil {
				want = ErrEngineClosed
			}
			require.ErrorIs(t, tt.call(), want)
		})
	}
	require.Nil(t, e.Offices())
	list, err := e.AccountBookings(bg, f.held.Account)
	require.ErrorIs(t, err, ErrEngineClosed)
	for _, b := range list {
		t.Fatalf("a closed engine yields no bookings of an account, got %s", b.Code)
	}
	require.NotPanics(t, func() { e.Stats(); _, _ = e.Check(bg) })
}

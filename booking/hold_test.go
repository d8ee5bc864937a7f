package booking_test

// Hold: what a grant looks like, the lapsed holds a full cell gives back,
// idempotency keys, the re-apply window, and Hold's refusals, a table run
// on the shared refusal harness (refusal_test.go).

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// cellLeft returns the seats left in one cell of the test office, as the
// counters stand (a lapsed hold counts until something expires it).
func cellLeft(t testing.TB, e *Engine, d calendar.Date, slot, pool int) int {
	t.Helper()
	c, err := e.Cell(kt.Office, d, slot, pool)
	require.NoError(t, err)
	return c.Left
}

// getBooking returns the booking with the given code, which must exist.
func getBooking(t testing.TB, e *Engine, code string) Booking {
	t.Helper()
	b, err := e.Get(bg, code)
	require.NoError(t, err)
	return b
}

// historyStates lists the states a booking's history went through.
func historyStates(h []Event) []State {
	var out []State
	for _, ev := range h {
		out = append(out, ev.State)
	}
	return out
}

func TestHoldPayCheckIn(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	req := kt.HoldRequest(t, 1)
	req.Applicants = kt.Applicants(t, 1, 5)

	b, err := e.Hold(bg, req)
	require.NoError(t, err)
	require.Regexp(t, regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{10}$`), b.Code)
	require.Regexp(t, regexp.MustCompile(`^[1-9][0-9]{14}$`), b.BillingCode)
	require.Equal(t, Held, b.State)
	require.True(t, b.PayBy.Equal(kt.T1.Add(2*time.Hour)))
	require.Equal(t, kt.Online, b.Pool)
	require.Equal(t, 5, len(b.Applicants))
	require.Equal(t, 0, cellLeft(t, e, kt.Dec10, 0, 0), "five seats in one reservation")
	kt.RequireConsistent(t, e)

	clk.Set(kt.T1.Add(time.Hour))
	paid, err := e.Pay(bg, b.BillingCode, "BANK-REF-1")
	require.NoError(t, err)
	require.Equal(t, Paid, paid.State)
	require.Equal(t, "BANK-REF-1", paid.PaymentRef)

	again, err := e.Pay(bg, b.BillingCode, "BANK-REF-1")
	require.NoError(t, err, "the same payment again is a no-op")
	require.Equal(t, paid, again)
	_, err = e.Pay(bg, b.BillingCode, "BANK-REF-2")
	require.ErrorIs(t, err, ErrAlreadyPaid)

	clk.Set(kt.T5)
	in, err := e.CheckIn(bg, b.Code)
	require.NoError(t, err)
	require.Equal(t, CheckedIn, in.State)
	require.Equal(t, 0, cellLeft(t, e, kt.Dec10, 0, 0), "checked-in seats stay taken")

	require.Equal(t, []State{Held, Paid, CheckedIn}, historyStates(in.History))
	require.True(t, in.History[1].At.Equal(kt.T1.Add(time.Hour)))

	got, err := e.Get(bg, strings.ToLower(b.Code))
	require.NoError(t, err, "codes are read case-insensitively")
	require.Equal(t, in, got)
	byBill, err := e.ByBillingCode(bg, b.BillingCode)
	require.NoError(t, err)
	require.Equal(t, in, byBill)
	kt.RequireConsistent(t, e)
}

func TestHoldExpiresOverdueHoldsWhenFull(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	req := kt.HoldRequest(t, 1)
	req.Pool, req.Applicants = kt.WalkIn, kt.Applicants(t, 1, 2)
	first, err := e.Hold(bg, req)
	require.NoError(t, err)
	other := HoldRequest{Account: "other", Office: kt.Office, Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.WalkIn, Applicants: kt.Applicants(t, 10, 1)}
	_, err = e.Hold(bg, other)
	require.ErrorIs(t, err, quota.ErrFull)

	// No sweep has run, but the hold is past its deadline: the full cell
	// releases it before refusing anyone.
	clk.Set(first.PayBy)
	b, err := e.Hold(bg, other)
	require.NoError(t, err)
	require.Equal(t, Held, b.State)
	require.Equal(t, Expired, getBooking(t, e, first.Code).State)
	kt.RequireConsistent(t, e)
}

func TestIdempotency(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	req := kt.HoldRequest(t, 1)
	req.IdempotencyKey = "req-42"
	a, err := e.Hold(bg, req)
	require.NoError(t, err)
	b, err := e.Hold(bg, req)
	require.NoError(t, err)
	require.Equal(t, a, b)

	changed := req
	changed.Slot = kt.Slot1
	_, err = e.Hold(bg, changed)
	require.ErrorIs(t, err, ErrIdempotencyConflict)

	other := kt.HoldRequest(t, 2)
	other.IdempotencyKey = "req-42" // the same key in another account is another request
	_, err = e.Hold(bg, other)
	require.NoError(t, err)
	require.Equal(t, 3, cellLeft(t, e, kt.Dec10, 0, 0), "two bookings, two seats")

	// Once the cell is full, a retry is still owed its booking: the key
	// is looked up before the seats.
	for i := range 3 {
		_, err := e.Hold(bg, kt.HoldRequest(t, 10+i))
		require.NoError(t, err)
	}
	_, err = e.Hold(bg, kt.HoldRequest(t, 20))
	require.ErrorIs(t, err, quota.ErrFull)
	b, err = e.Hold(bg, req)
	require.NoError(t, err)
	require.Equal(t, a, b)
}

func TestReapplyWindow(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = e.Pay(bg, b.BillingCode, "ref")
	require.NoError(t, err)

	// While the booking is paid and its date has not passed, the NIK is
	// booked; after the date, the re-apply window applies until 10 January.
	second := kt.HoldRequest(t, 1)
	second.Date = calendar.NewDate(2026, 12, 21)
	_, err = e.Hold(bg, second)
	require.ErrorIs(t, err, ErrNIKBooked)

	// On the arrival day itself the paid booking is still live: it has
	// not gone past its date yet.
	clk.Set(kt.T5)
	_, err = e.Hold(bg, second)
	require.ErrorIs(t, err, ErrNIKBooked)
	_, err = e.CheckIn(bg, b.Code)
	require.NoError(t, err)
	clk.Set(time.Date(2026, 12, 14, 8, 0, 0, 0, kt.WIB))
	_, err = e.Hold(bg, second)
	require.ErrorIs(t, err, reschedule.ErrReapplyTooSoon)
	var we *reschedule.WindowError
	require.ErrorAs(t, err, &we)
	require.True(t, we.Opens.Equal(time.Date(2027, 1, 10, 0, 0, 0, 0, kt.WIB)), "opens %v", we.Opens)

	// A NIK whose hold expired may book again at once.
	other := kt.HoldRequest(t, 2)
	other.Date = calendar.NewDate(2026, 12, 21)
	h, err := e.Hold(bg, other)
	require.NoError(t, err)
	clk.Set(h.PayBy)
	n, err := e.ExpireDue(bg)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	other.Date = calendar.NewDate(2026, 12, 22)
	_, err = e.Hold(bg, other)
	require.NoError(t, err)
	kt.RequireConsistent(t, e)
}

// Hold's refusals run on the shared harness (refusal_test.go): each must
// be the documented sentinel, and must leave the engine exactly as it was:
// no seat taken, no booking made, nothing left behind in the NIK and
// account indexes.
//
// Deliberately not in the table: reschedule.ErrReapplyTooSoon needs the
// clock moved past an arrival (TestReapplyWindow), ErrTooManyBookings
// needs a limit of its own (TestAbuseRefusals asks an engine at it), and
// ErrNilContext is every method's (TestAdversarialNilContext).
func TestHoldRefusals(t *testing.T) {
	calls := advHoldCalls(t)
	// Every refusal Hold documents is in the table, so that a sentinel
	// dropped from it is noticed.
	for _, want := range []error{
		context.Canceled, ErrBadAccount, ErrBadIdempotencyKey, ErrUnknownOffice, calendar.ErrBadDate, ErrUnknownSlot,
		ErrUnknownPool, ErrApplicantCount, ErrBadNIK, ErrDuplicateNIK, ErrMetadataTooLarge, ErrIdempotencyConflict,
		ErrTooManyHolds, quota.ErrPast, quota.ErrOutsideHorizon, quota.ErrClosed, quota.ErrNotOpened, quota.ErrNoQuota, quota.ErrFull, ErrNIKBooked,
	} {
		require.True(t, slices.ContainsFunc(calls, func(c advCall) bool { return errors.Is(c.want, want) }), "no case refuses with %v", want)
	}
	runRefusals(t, calls)
}

// holdCall is the case "hold <name>": the fixture's fresh request, with
// change made to it, refused with want (and, when index is not -1, an
// *ApplicantError naming that applicant).
func holdCall(t *testing.T, name string, want error, index int, change func(f *advFixture, r *HoldRequest)) advCall {
	return advCall{name: "hold " + name, want: want, index: index, call: func(ctx context.Context, f *advFixture) error {
		r := f.req(t)
		change(f, &r)
		_, err := f.e.Hold(ctx, r)
		return err
	}}
}

// advHoldCalls are refusals of Hold, each a valid request with one thing
// wrong, and then several wrong at once to check the documented order.
func advHoldCalls(t *testing.T) []advCall {
	return slices.Concat(advHoldFieldCalls(t), advHoldApplicantCalls(t), advHoldClockCalls(t), advHoldReplayCalls(t))
}

// advHoldFieldCalls are refusals of a request's account, key, office,
// date, slot or pool.
func advHoldFieldCalls(t *testing.T) []advCall {
	hold := func(name string, want error, index int, change func(f *advFixture, r *HoldRequest)) advCall {
		return holdCall(t, name, want, index, change)
	}
	var calls []advCall
	for name, s := range advBadLabels {
		calls = append(calls, hold("account "+name, ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) { r.Account = s }))
		if s != "" {
			calls = append(calls, hold("key "+name, ErrBadIdempotencyKey, -1, func(_ *advFixture, r *HoldRequest) { r.IdempotencyKey = s }))
		}
	}
	calls = append(calls,
		hold("account of 129 bytes", ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) { r.Account = strings.Repeat("a", AccountBytesMax+1) }),
		hold("key of 129 bytes", ErrBadIdempotencyKey, -1, func(_ *advFixture, r *HoldRequest) { r.IdempotencyKey = strings.Repeat("k", IdempotencyKeyBytesMax+1) }),
		hold("account with a line separator", ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) { r.Account = "budi@example.com\u2028forged" }),
		hold("account with a bidi override", ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) { r.Account = "budi@example.com\u202e" }),
	)
	for _, office := range []string{"", "NOPE", "jkt", "JKT\n", "JKT ", " JKT", "JKT\x00", "\xff", advMiB} {
		calls = append(calls, hold(fmt.Sprintf("office %.12q", office), ErrUnknownOffice, -1, func(_ *advFixture, r *HoldRequest) { r.Office = office }))
	}
	for _, tt := range []struct {
		name string
		date calendar.Date
		slot string
		want error
	}{
		{"zero date", calendar.Date{}, kt.Slot0, calendar.ErrBadDate},
		{"year 1", calendar.NewDate(calendar.YearMin, 1, 1), kt.Slot0, quota.ErrPast},
		{"yesterday", calendar.NewDate(2026, 10, 30), kt.Slot0, quota.ErrPast},
		{"year 9999", calendar.NewDate(calendar.YearMax, 12, 31), kt.Slot0, quota.ErrOutsideHorizon},
		{"before the table", calendar.NewDate(2026, 11, 30), kt.Slot0, quota.ErrOutsideHorizon},
		{"beyond the horizon", calendar.NewDate(2027, 2, 1), kt.Slot0, quota.ErrOutsideHorizon},
		{"a Saturday", calendar.NewDate(2026, 12, 12), kt.Slot0, quota.ErrClosed},
		{"Christmas", kt.Dec25, kt.Slot0, quota.ErrClosed},
		{"a closed day", calendar.NewDate(2026, 12, 14), kt.Slot0, quota.ErrClosed},
		{"a closed slot", calendar.NewDate(2026, 12, 15), kt.Slot1, quota.ErrClosed},
		{"not opened", kt.Jan04, kt.Slot0, quota.ErrNotOpened},
		// Slots are named by their start: a request that never set its
		// slot, or names one by its old index, books nothing.
		{"slot never set", kt.Dec10, "", ErrUnknownSlot},
		{"slot -1", kt.Dec10, "-1", ErrUnknownSlot},
		{"slot 0, an index", kt.Dec10, "0", ErrUnknownSlot},
		{"slot 2", kt.Dec10, "2", ErrUnknownSlot},
		{"slot MaxInt", kt.Dec10, strconv.Itoa(math.MaxInt), ErrUnknownSlot},
		{"slot MinInt", kt.Dec10, strconv.Itoa(math.MinInt), ErrUnknownSlot},
		{"slot 256", kt.Dec10, "256", ErrUnknownSlot},
		{"slot 10:00, where the last one ends", kt.Dec10, "10:00", ErrUnknownSlot},
		{"slot 08:30, inside one", kt.Dec10, "08:30", ErrUnknownSlot},
		{"slot of one MiB", kt.Dec10, advMiB, ErrUnknownSlot},
	} {
		calls = append(calls, hold(tt.name, tt.want, -1, func(_ *advFixture, r *HoldRequest) { r.Date, r.Slot = tt.date, tt.slot }))
	}
	for _, pool := range []string{"", "ONLINE", "online\n", " online", "online\x00", "\xff", advMiB} {
		calls = append(calls, hold(fmt.Sprintf("pool %.12q", pool), ErrUnknownPool, -1, func(_ *advFixture, r *HoldRequest) { r.Pool = pool }))
	}
	return calls
}

// advHoldApplicantCalls are refusals of a request's applicants, and of
// the seats and NIKs they ask for.
func advHoldApplicantCalls(t *testing.T) []advCall {
	hold := func(name string, want error, index int, change func(f *advFixture, r *HoldRequest)) advCall {
		return holdCall(t, name, want, index, change)
	}
	aps := func(first, n int) []Applicant { return kt.Applicants(t, first, n) }
	bigMeta := func(r *HoldRequest, n, each int) {
		r.Applicants = aps(100, n)
		for i := range r.Applicants {
			r.Applicants[i].Meta = make([]byte, each)
		}
	}
	return []advCall{
		hold("nil applicants", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = nil }),
		hold("no applicants", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = []Applicant{} }),
		hold("6 applicants", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = aps(100, ApplicantsMax+1) }),
		hold("1000 applicants", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = make([]Applicant, 1000) }),
		hold("zero NIK", ErrBadNIK, 0, func(_ *advFixture, r *HoldRequest) { r.Applicants = []Applicant{{}} }),
		hold("zero NIK fourth", ErrBadNIK, 3, func(_ *advFixture, r *HoldRequest) { r.Applicants = aps(100, 5); r.Applicants[3].NIK = NIK{} }),
		hold("NIK twice", ErrDuplicateNIK, 1, func(_ *advFixture, r *HoldRequest) { r.Applicants = append(aps(100, 1), aps(100, 1)...) }),
		hold("NIK twice, last", ErrDuplicateNIK, 4, func(_ *advFixture, r *HoldRequest) { r.Applicants = append(aps(100, 4), aps(101, 1)...) }),
		hold("metadata of one MiB", ErrMetadataTooLarge, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants[0].Meta = []byte(advMiB) }),
		hold("metadata one byte over, five applicants", ErrMetadataTooLarge, -1, func(_ *advFixture, r *HoldRequest) {
			bigMeta(r, 5, MetadataBytesMax/5)
			r.Applicants[4].Meta = make([]byte, MetadataBytesMax-4*(MetadataBytesMax/5)+1)
		}),
		hold("metadata one byte over, two applicants", ErrMetadataTooLarge, -1, func(_ *advFixture, r *HoldRequest) { bigMeta(r, 2, MetadataBytesMax/2+1) }),

		// The NIK of a live booking, alone or after fresh ones that must
		// be released again.
		hold("NIK of a hold", ErrNIKBooked, 0, func(f *advFixture, r *HoldRequest) { r.Applicants = []Applicant{{NIK: f.held.Applicants[0].NIK}} }),
		hold("NIK of a paid booking, third", ErrNIKBooked, 2, func(f *advFixture, r *HoldRequest) {
			r.Applicants = append(aps(100, 2), Applicant{NIK: f.paid2.Applicants[1].NIK})
		}),
		hold("more than the walk-in pool", quota.ErrFull, -1, func(_ *advFixture, r *HoldRequest) { r.Pool, r.Applicants = kt.WalkIn, aps(100, 3) }),
		hold("more than is left", quota.ErrFull, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = aps(100, 4) }),
		hold("more than a shrunk cell", quota.ErrFull, -1, func(f *advFixture, r *HoldRequest) { r.Date, r.Applicants = f.tiny, aps(100, 2) }),
		hold("a cell with no quota", quota.ErrNoQuota, -1, func(f *advFixture, r *HoldRequest) { r.Date, r.Pool = f.noQuota, kt.WalkIn }),
		hold("second unpaid hold", ErrTooManyHolds, -1, func(f *advFixture, r *HoldRequest) { r.Account = f.held.Account }),
	}
}

// advHoldClockCalls are refusals that need something other than the
// request: a context already cancelled, or the clock past the slot. Each
// puts the clock back before it returns, so the cases after it see the
// fixture as it was.
func advHoldClockCalls(t *testing.T) []advCall {
	return []advCall{
		{name: "hold with a cancelled context", want: context.Canceled, index: -1, call: func(_ context.Context, f *advFixture) error {
			ctx, cancel := context.WithCancel(bg)
			cancel()
			_, err := f.e.Hold(ctx, f.req(t))
			return err
		}},
		{name: "hold once the slot has ended", want: quota.ErrPast, index: -1, call: func(ctx context.Context, f *advFixture) error {
			was := f.clk.Now()
			defer f.clk.Set(was)
			f.clk.Set(kt.T6)
			_, err := f.e.Hold(ctx, f.req(t))
			return err
		}},
	}
}

// advHoldReplayCalls are refusals of an idempotency key replayed with
// anything different, and of several faults at once, where the first in
// the documented order wins.
func advHoldReplayCalls(t *testing.T) []advCall {
	hold := func(name string, want error, index int, change func(f *advFixture, r *HoldRequest)) advCall {
		return holdCall(t, name, want, index, change)
	}
	aps := func(first, n int) []Applicant { return kt.Applicants(t, first, n) }
	var calls []advCall
	for _, tt := range []struct {
		name   string
		change func(f *advFixture, r *HoldRequest)
	}{
		{"another slot", func(_ *advFixture, r *HoldRequest) { r.Slot = kt.Slot1 }},
		{"another date", func(_ *advFixture, r *HoldRequest) { r.Date = kt.Dec11 }},
		{"another pool", func(_ *advFixture, r *HoldRequest) { r.Pool = kt.WalkIn }},
		{"another office", func(_ *advFixture, r *HoldRequest) { r.Office = sby }},
		{"another applicant", func(_ *advFixture, r *HoldRequest) { r.Applicants = aps(100, 1) }},
		{"an extra applicant", func(_ *advFixture, r *HoldRequest) { r.Applicants = append(r.Applicants, aps(100, 1)...) }},
		{"other metadata", func(_ *advFixture, r *HoldRequest) { r.Applicants[0].Meta = []byte(`{"name":"someone else"}`) }},
		{"metadata of one more byte", func(_ *advFixture, r *HoldRequest) { r.Applicants[0].Meta = append(r.Applicants[0].Meta, ' ') }},
		{"no metadata", func(_ *advFixture, r *HoldRequest) { r.Applicants[0].Meta = nil }},
	} {
		calls = append(calls, hold("replayed key with "+tt.name, ErrIdempotencyConflict, -1, func(f *advFixture, r *HoldRequest) {
			// A deep copy of the held booking's applicants: the change
			// below must not reach the fixture's booking.
			held := make([]Applicant, len(f.held.Applicants))
			for i, a := range f.held.Applicants {
				held[i] = Applicant{NIK: a.NIK, Meta: slices.Clone(a.Meta)}
			}
			*r = HoldRequest{Account: f.held.Account, Office: kt.Office, Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online,
				Applicants: held, IdempotencyKey: advHeldKey}
			tt.change(f, r)
		}))
	}
	calls = append(calls,
		hold("everything wrong", ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) {
			*r = HoldRequest{Account: "\n", IdempotencyKey: "\n", Office: "NOPE", Slot: "-1", Pool: "x", Applicants: make([]Applicant, 9)}
		}),
		hold("bad key, unknown office", ErrBadIdempotencyKey, -1, func(_ *advFixture, r *HoldRequest) { r.IdempotencyKey, r.Office = "\xff", "NOPE" }),
		hold("unknown office, zero date", ErrUnknownOffice, -1, func(_ *advFixture, r *HoldRequest) { r.Office, r.Date = "NOPE", calendar.Date{} }),
		hold("zero date, bad slot", calendar.ErrBadDate, -1, func(_ *advFixture, r *HoldRequest) { r.Date, r.Slot = calendar.Date{}, "10:00" }),
		hold("bad slot, bad pool", ErrUnknownSlot, -1, func(_ *advFixture, r *HoldRequest) { r.Slot, r.Pool = "10:00", "x" }),
		hold("bad pool, no applicants", ErrUnknownPool, -1, func(_ *advFixture, r *HoldRequest) { r.Pool, r.Applicants = "x", nil }),
		hold("6 applicants with zero NIKs", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = make([]Applicant, 6) }),
		hold("zero NIK, metadata too large", ErrBadNIK, 0, func(_ *advFixture, r *HoldRequest) { r.Applicants = []Applicant{{Meta: []byte(advMiB)}} }),
		hold("metadata too large, replayed key", ErrMetadataTooLarge, -1, func(f *advFixture, r *HoldRequest) {
			r.Account, r.IdempotencyKey, r.Applicants[0].Meta = f.held.Account, advHeldKey, []byte(advMiB)
		}),
		hold("replayed key, too many holds", ErrIdempotencyConflict, -1, func(f *advFixture, r *HoldRequest) { r.Account, r.IdempotencyKey = f.held.Account, advHeldKey }),
		hold("replayed key, full", ErrIdempotencyConflict, -1, func(f *advFixture, r *HoldRequest) {
			r.Account, r.IdempotencyKey, r.Applicants = f.held.Account, advHeldKey, aps(100, 5)
		}),
		hold("full, too many holds", quota.ErrFull, -1, func(f *advFixture, r *HoldRequest) { r.Account, r.Applicants = f.held.Account, aps(100, 5) }),
		hold("too many holds, NIK booked", ErrTooManyHolds, -1, func(f *advFixture, r *HoldRequest) {
			r.Account, r.Applicants = f.held.Account, []Applicant{{NIK: f.held.Applicants[0].NIK}}
		}),
		hold("a Saturday in the past", quota.ErrPast, -1, func(_ *advFixture, r *HoldRequest) { r.Date = calendar.NewDate(2026, 10, 31) }),
		hold("full, NIK booked", quota.ErrFull, -1, func(f *advFixture, r *HoldRequest) {
			r.Applicants = append(aps(100, 3), Applicant{NIK: f.held.Applicants[0].NIK})
		}),
	)
	return calls
}

// The engine keeps its own copy of a hold's applicants, for a family of
// one (copied beside the booking) and of several: a caller that reuses
// its slices and metadata afterwards changes nothing in the engine.
func TestHoldKeepsItsOwnApplicants(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	for _, n := range []int{1, 3} {
		req := kt.HoldRequest(t, 10*n)
		req.Applicants = kt.Applicants(t, 10*n, n)
		for i := range req.Applicants {
			req.Applicants[i].Meta = []byte(`{"name":"Siti"}`)
		}
		b, err := e.Hold(bg, req)
		require.NoError(t, err)
		want := slices.Clone(b.Applicants)
		for i := range req.Applicants {
			req.Applicants[i].Meta[2] = 'X'
			req.Applicants[i].NIK = kt.NIK(t, 999)
		}
		got, err := e.Get(bg, b.Code)
		require.NoError(t, err)
		require.Equal(t, want, got.Applicants, "family of %d", n)
		require.Equal(t, `{"name":"Siti"}`, string(got.Applicants[0].Meta))
	}
}

// Hold keeps nothing of its request: a caller's applicants, in an array
// on its own stack, stay there (the request is copied only for an opening
// draw, which keeps it), so a hold made from such an array allocates no
// more than one made from a slice the caller allocated once, up front.
func TestHoldKeepsNothingOfItsRequest(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	req := kt.HoldRequest(t, 1)
	kept := slices.Clone(req.Applicants) // allocated once, outside the runs
	holdAndCancel := func(r HoldRequest) {
		b, err := e.Hold(bg, r)
		if err != nil {
			panic(err)
		}
		if _, err := e.Cancel(bg, b.Code, Reason{}); err != nil {
			panic(err)
		}
	}
	heap := testing.AllocsPerRun(200, func() {
		r := req
		r.Applicants = kept
		holdAndCancel(r)
	})
	stack := testing.AllocsPerRun(200, func() {
		var family [1]Applicant // on this frame's stack, unless Hold keeps it
		family[0] = kept[0]
		r := req
		r.Applicants = family[:]
		holdAndCancel(r)
	})
	require.Positive(t, heap, "the views Hold and Cancel return")
	require.Equal(t, heap, stack, "allocations of a hold and its cancelling: the array on the stack moved to the heap")
}

// TestHoldsInALargeEngine holds in an engine whose NIK index grows past
// the caches, from where Hold asks the CPU for its index slots without
// the indexes' locks: from two goroutines at once, while the indexes
// split and grow under them. Every hold is made, each booking keeps its
// own applicants, and a NIK already booked is still refused.
func TestHoldsInALargeEngine(t *testing.T) {
	const offices, families = 10, 16_000 // 80,000 NIKs: about 1,250 in each of the 64 shards, past the 1,024 of a split
	e := benchEngine(t, offices, 1000, nil)
	family := func(i int) []Applicant {
		apps := make([]Applicant, ApplicantsMax)
		for k := range apps {
			apps[k].NIK = benchNIK(uint64(i*ApplicantsMax + k))
		}
		return apps
	}
	request := func(i int) HoldRequest {
		return HoldRequest{
			Account: "acct" + strconv.Itoa(i), Office: fmt.Sprint("OFC", i%offices),
			Date: benchFirst.AddDays(i / offices % 60), Slot: benchStarts[i/(offices*60)%len(benchStarts)],
			Pool: kt.Online, Applicants: family(i),
		}
	}
	codes := make([]string, families)
	errs := make(chan error, 2)
	for w := range 2 {
		go func() {
			for i := w; i < families; i += 2 {
				b, err := e.Hold(bg, request(i))
				if err != nil {
					errs <- fmt.Errorf("family %d: %w", i, err)
					return
				}
				codes[i] = b.Code
			}
			errs <- nil
		}()
	}
	require.NoError(t, <-errs)
	require.NoError(t, <-errs)
	require.True(t, e.NIKIndexLarge(), "%d NIKs did not split the index", families*ApplicantsMax)
	for _, i := range []int{0, 1, 1023, families / 2, families - 1} {
		b, err := e.Get(bg, codes[i])
		require.NoError(t, err)
		require.Equal(t, family(i), b.Applicants, "family %d", i)
		require.Equal(t, "acct"+strconv.Itoa(i), b.Account)
	}
	again := request(families)
	again.Applicants[3].NIK = benchNIK(uint64(ApplicantsMax*(families/3) + 5))
	_, err := e.Hold(bg, again)
	require.ErrorIs(t, err, ErrNIKBooked)
}

// A change writes in its core's places: the arena lane and the deadline
// shards of the core that makes it (coreHint), so that two cores' holds
// and payments write apart. The test keeps to one core, with a hint that
// is neither lane's nor shard's 0, and the collector off, which would give
// the core a new hint. Under the race detector, whose pool drops a quarter
// of what is put back, the core's hint changes every few changes: there
// the changes must still not all write in lane and shard 0, as they did
// when a hold never took its hint.
func TestChangesWriteInTheirCoresPlaces(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	e := benchEngine(t, 4, 1000, nil)
	h := TakeCoreHint(func(h uint32) bool { return h%DeadlineShards != 0 && h%ArenaLanes != 0 })
	for i := range uint64(50) {
		b, err := e.Hold(bg, HoldRequest{
			Account: "acct" + strconv.FormatUint(i, 10), Office: fmt.Sprint("OFC", i%4),
			Date: benchFirst.AddDays(int(i)), Slot: benchStarts[0], Pool: kt.Online,
			Applicants: []Applicant{{NIK: benchNIK(i)}},
		})
		require.NoError(t, err)
		if i%2 == 0 {
			_, err = e.Pay(bg, b.BillingCode, "ref")
			require.NoError(t, err)
		}
	}
	lanes, holds, arrivals := CorePlaces(e)
	if !raceEnabled {
		require.Equal(t, []int{int(h % ArenaLanes)}, lanes, "arena lanes, core hint %d", h)
		require.Equal(t, []int{int(h % DeadlineShards)}, holds, "hold deadline shards")
		require.Equal(t, []int{int(h % DeadlineShards)}, arrivals, "arrival deadline shards")
	}
	require.NotEqual(t, []int{0}, lanes, "arena lanes")
	require.NotEqual(t, []int{0}, holds, "hold deadline shards")
	require.NotEqual(t, []int{0}, arrivals, "arrival deadline shards")
}

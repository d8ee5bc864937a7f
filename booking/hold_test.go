package booking

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/reschedule"
)

func TestHoldPayCheckIn(t *testing.T) {
	e, clk := newTestEngine(t, nil)
	req := holdReq(t, 1)
	req.Applicants = applicants(t, 1, 5)

	b, err := e.Hold(bg, req)
	require.NoError(t, err)
	require.Regexp(t, regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{10}$`), b.Code)
	require.Regexp(t, regexp.MustCompile(`^[1-9][0-9]{14}$`), b.BillingCode)
	require.Equal(t, Held, b.State)
	require.True(t, b.PayBy.Equal(t1.Add(2*time.Hour)))
	require.Equal(t, online, b.Pool)
	require.Equal(t, 5, len(b.Applicants))
	require.Equal(t, 0, seatsLeft(t, e, dec10, 0, 0), "five seats in one reservation")
	requireConsistent(t, e)

	clk.Set(t1.Add(time.Hour))
	paid, err := e.Pay(bg, b.BillingCode, "BANK-REF-1")
	require.NoError(t, err)
	require.Equal(t, Paid, paid.State)
	require.Equal(t, "BANK-REF-1", paid.PaymentRef)

	again, err := e.Pay(bg, b.BillingCode, "BANK-REF-1")
	require.NoError(t, err, "the same payment again is a no-op")
	require.Equal(t, paid, again)
	_, err = e.Pay(bg, b.BillingCode, "BANK-REF-2")
	require.ErrorIs(t, err, ErrAlreadyPaid)

	clk.Set(t5)
	in, err := e.CheckIn(bg, b.Code)
	require.NoError(t, err)
	require.Equal(t, CheckedIn, in.State)
	require.Equal(t, 0, seatsLeft(t, e, dec10, 0, 0), "checked-in seats stay taken")

	require.Equal(t, []State{Held, Paid, CheckedIn}, states(in.History))
	require.True(t, in.History[1].At.Equal(t1.Add(time.Hour)))

	got, err := e.Get(bg, strings.ToLower(b.Code))
	require.NoError(t, err, "codes are read case-insensitively")
	require.Equal(t, in, got)
	byBill, err := e.ByBillingCode(bg, b.BillingCode)
	require.NoError(t, err)
	require.Equal(t, in, byBill)
	requireConsistent(t, e)
}

func states(h []Event) []State {
	var out []State
	for _, ev := range h {
		out = append(out, ev.State)
	}
	return out
}

func TestHoldRefusals(t *testing.T) {
	e, clk := newTestEngine(t, nil)

	// A second account takes a NIK that refusals below run into.
	taken, err := e.Hold(bg, holdReq(t, 50))
	require.NoError(t, err)
	// The first account already has its one hold.
	_, err = e.Hold(bg, holdReq(t, 60))
	require.NoError(t, err)

	cancelled, cancel := context.WithCancel(bg)
	cancel()
	mutate := func(f func(*HoldRequest)) HoldRequest {
		r := holdReq(t, 1)
		f(&r)
		return r
	}
	tests := []struct {
		name string
		ctx  context.Context
		req  HoldRequest
		now  time.Time
		want error
		idx  int // applicant index for an *ApplicantError, or -1
	}{
		{name: "cancelled context", ctx: cancelled, req: holdReq(t, 1), want: context.Canceled},
		{name: "no account", req: mutate(func(r *HoldRequest) { r.Account = "" }), want: ErrBadAccount},
		{name: "account with newline", req: mutate(func(r *HoldRequest) { r.Account = "a\nb" }), want: ErrBadAccount},
		{name: "account too long", req: mutate(func(r *HoldRequest) { r.Account = strings.Repeat("a", AccountBytesMax+1) }), want: ErrBadAccount},
		{name: "bad idempotency key", req: mutate(func(r *HoldRequest) { r.IdempotencyKey = "\x00" }), want: ErrBadIdempotencyKey},
		{name: "unknown office", req: mutate(func(r *HoldRequest) { r.Office = "BDG" }), want: ErrUnknownOffice},
		{name: "zero date", req: mutate(func(r *HoldRequest) { r.Date = calendar.Date{} }), want: ErrBadDate},
		{name: "slot -1", req: mutate(func(r *HoldRequest) { r.Slot = -1 }), want: ErrUnknownSlot},
		{name: "slot 2", req: mutate(func(r *HoldRequest) { r.Slot = 2 }), want: ErrUnknownSlot},
		{name: "unknown pool", req: mutate(func(r *HoldRequest) { r.Pool = "vip" }), want: ErrUnknownPool},
		{name: "no applicants", req: mutate(func(r *HoldRequest) { r.Applicants = nil }), want: ErrApplicantCount},
		{name: "six applicants", req: mutate(func(r *HoldRequest) { r.Applicants = applicants(t, 1, 6) }), want: ErrApplicantCount},
		{name: "zero NIK", req: mutate(func(r *HoldRequest) { r.Applicants = []Applicant{{}} }), want: ErrBadNIK, idx: 0},
		{name: "duplicate NIK", req: mutate(func(r *HoldRequest) {
			r.Applicants = append(applicants(t, 1, 2), Applicant{NIK: nik(t, 1)})
		}), want: ErrDuplicateNIK, idx: 2},
		{name: "metadata too large", req: mutate(func(r *HoldRequest) {
			r.Applicants = applicants(t, 1, 2)
			r.Applicants[0].Meta = bytes.Repeat([]byte("x"), MetadataBytesMax)
		}), want: ErrMetadataTooLarge},
		{name: "too many holds", req: mutate(func(r *HoldRequest) { r.Account = "account-60" }), want: ErrTooManyHolds},
		{name: "past", req: holdReq(t, 1), now: t6, want: ErrPast},
		{name: "outside horizon", req: mutate(func(r *HoldRequest) { r.Date = calendar.NewDate(2027, 3, 1) }), want: ErrOutsideHorizon},
		{name: "holiday", req: mutate(func(r *HoldRequest) { r.Date = dec25 }), want: ErrOfficeClosed},
		{name: "weekend", req: mutate(func(r *HoldRequest) { r.Date = calendar.NewDate(2026, 12, 12) }), want: ErrOfficeClosed},
		{name: "not opened", req: mutate(func(r *HoldRequest) { r.Date = jan04 }), want: ErrNotOpened},
		{name: "full", req: mutate(func(r *HoldRequest) { r.Pool, r.Applicants = "walk-in", applicants(t, 1, 3) }), want: ErrFull},
		{name: "NIK booked", req: mutate(func(r *HoldRequest) { r.Applicants = []Applicant{{NIK: nik(t, 2)}, {NIK: nik(t, 50)}} }), want: ErrNIKBooked, idx: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Set(t1)
			if !tt.now.IsZero() {
				clk.Set(tt.now)
			}
			ctx := tt.ctx
			if ctx == nil {
				ctx = bg
			}
			before := seatsLeft(t, e, dec10, 0, 0)
			_, err := e.Hold(ctx, tt.req)
			require.ErrorIs(t, err, tt.want)
			var ae *ApplicantError
			if tt.idx > 0 || tt.want == ErrBadNIK || tt.want == ErrDuplicateNIK {
				require.True(t, errors.As(err, &ae), "want an *ApplicantError, got %T", err)
				require.Equal(t, tt.idx, ae.Index)
			}
			require.Equal(t, before, seatsLeft(t, e, dec10, 0, 0), "a refusal takes no seat")
			requireConsistent(t, e)
		})
	}
	require.Equal(t, Held, mustGet(t, e, taken.Code).State)
	require.EqualValues(t, 2, e.total.Load(), "refusals create no booking")
	for i := 1; i < 10; i++ {
		require.Empty(t, e.accounts.bookings(holdReq(t, i).Account), "refused accounts leave nothing behind")
		sh := e.accounts.shard(holdReq(t, i).Account)
		_, known := sh.latest[holdReq(t, i).Account]
		require.False(t, known)
	}
}

func mustGet(t testing.TB, e *Engine, code string) Booking {
	t.Helper()
	b, err := e.Get(bg, code)
	require.NoError(t, err)
	return b
}

func TestHoldExpiresOverdueHoldsWhenFull(t *testing.T) {
	e, clk := newTestEngine(t, nil)
	req := holdReq(t, 1)
	req.Pool, req.Applicants = "walk-in", applicants(t, 1, 2)
	first, err := e.Hold(bg, req)
	require.NoError(t, err)
	_, err = e.Hold(bg, HoldRequest{Account: "other", Office: jkt, Date: dec10, Pool: "walk-in", Applicants: applicants(t, 10, 1)})
	require.ErrorIs(t, err, ErrFull)

	// No sweep has run, but the hold is past its deadline: the full cell
	// releases it before refusing anyone.
	clk.Set(first.PayBy)
	b, err := e.Hold(bg, HoldRequest{Account: "other", Office: jkt, Date: dec10, Pool: "walk-in", Applicants: applicants(t, 10, 1)})
	require.NoError(t, err)
	require.Equal(t, Held, b.State)
	require.Equal(t, Expired, mustGet(t, e, first.Code).State)
	requireConsistent(t, e)
}

func TestIdempotency(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	req := holdReq(t, 1)
	req.IdempotencyKey = "req-42"
	a, err := e.Hold(bg, req)
	require.NoError(t, err)
	b, err := e.Hold(bg, req)
	require.NoError(t, err)
	require.Equal(t, a, b)

	changed := req
	changed.Slot = 1
	_, err = e.Hold(bg, changed)
	require.ErrorIs(t, err, ErrIdempotencyConflict)

	other := holdReq(t, 2)
	other.IdempotencyKey = "req-42" // the same key in another account is another request
	_, err = e.Hold(bg, other)
	require.NoError(t, err)
	require.Equal(t, 3, seatsLeft(t, e, dec10, 0, 0), "two bookings, two seats")
}

func TestReapplyWindow(t *testing.T) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	b, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)
	_, err = e.Pay(bg, b.BillingCode, "ref")
	require.NoError(t, err)

	// While the booking is paid and its date has not passed, the NIK is
	// booked; after the date, the re-apply window applies until 10 January.
	second := holdReq(t, 1)
	second.Date = calendar.NewDate(2026, 12, 21)
	_, err = e.Hold(bg, second)
	require.ErrorIs(t, err, ErrNIKBooked)

	// On the arrival day itself the paid booking is still live: it has
	// not gone past its date yet.
	clk.Set(t5)
	_, err = e.Hold(bg, second)
	require.ErrorIs(t, err, ErrNIKBooked)
	_, err = e.CheckIn(bg, b.Code)
	require.NoError(t, err)
	clk.Set(time.Date(2026, 12, 14, 8, 0, 0, 0, wib))
	_, err = e.Hold(bg, second)
	require.ErrorIs(t, err, ErrReapplyTooSoon)
	var we *reschedule.WindowError
	require.True(t, errors.As(err, &we))
	require.True(t, we.Opens.Equal(time.Date(2027, 1, 10, 0, 0, 0, 0, wib)), "opens %v", we.Opens)

	// A NIK whose hold expired may book again at once.
	other := holdReq(t, 2)
	other.Date = calendar.NewDate(2026, 12, 21)
	h, err := e.Hold(bg, other)
	require.NoError(t, err)
	clk.Set(h.PayBy)
	n, err := e.ExpireDue(bg, h.PayBy)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	other.Date = calendar.NewDate(2026, 12, 22)
	_, err = e.Hold(bg, other)
	require.NoError(t, err)
	requireConsistent(t, e)
}

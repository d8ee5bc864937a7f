package booking

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/reschedule"
)

// paidBooking holds and pays a booking for account acc on the 10th, slot 0.
func paidBooking(t *testing.T, e *Engine, acc int) Booking {
	t.Helper()
	b, err := e.Hold(bg, holdReq(t, acc))
	require.NoError(t, err)
	b, err = e.Pay(bg, b.BillingCode, "ref")
	require.NoError(t, err)
	return b
}

func TestPayRefusals(t *testing.T) {
	e, clk := newTestEngine(t, nil)
	b, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)

	for _, tt := range []struct {
		billing, ref string
		want         error
	}{
		{billing: "12345", ref: "r", want: ErrBadBillingCode},
		{billing: "0" + b.BillingCode[1:], ref: "r", want: ErrBadBillingCode},
		{billing: b.BillingCode[:14] + "x", ref: "r", want: ErrBadBillingCode},
		{billing: "999999999999999", ref: "r", want: ErrNotFound},
		{billing: b.BillingCode, ref: "", want: ErrBadPaymentRef},
		{billing: b.BillingCode, ref: "a\nb", want: ErrBadPaymentRef},
		{billing: b.BillingCode, ref: strings.Repeat("r", PaymentRefBytesMax+1), want: ErrBadPaymentRef},
	} {
		_, err := e.Pay(bg, tt.billing, tt.ref)
		require.ErrorIs(t, err, tt.want, "%q %q", tt.billing, tt.ref)
	}

	// At the deadline, without any sweep, the payment is refused and the
	// seat returns.
	clk.Set(b.PayBy)
	_, err = e.Pay(bg, b.BillingCode, "late")
	require.ErrorIs(t, err, ErrExpired)
	require.ErrorIs(t, err, ErrWrongState)
	require.Equal(t, Expired, mustGet(t, e, b.Code).State)
	require.True(t, mustGet(t, e, b.Code).History[1].At.Equal(b.PayBy), "expired at the deadline")
	require.Equal(t, 5, seatsLeft(t, e, dec10, 0, 0))

	// A nanosecond before its deadline another hold is paid.
	clk.Set(t1)
	c, err := e.Hold(bg, holdReq(t, 2))
	require.NoError(t, err)
	clk.Set(c.PayBy.Add(-time.Nanosecond))
	_, err = e.Pay(bg, c.BillingCode, "just in time")
	require.NoError(t, err)
	requireConsistent(t, e)
}

func TestCancel(t *testing.T) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})

	held, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)
	got, err := e.Cancel(bg, held.Code)
	require.NoError(t, err)
	require.Equal(t, Cancelled, got.State)
	require.Equal(t, 5, seatsLeft(t, e, dec10, 0, 0))
	_, err = e.Cancel(bg, held.Code)
	var se *StateError
	require.True(t, errors.As(err, &se))
	require.Equal(t, StateError{Op: "cancel", State: Cancelled}, *se)

	p1, p2 := paidBooking(t, e, 2), paidBooking(t, e, 3)
	clk.Set(t3.Add(-time.Nanosecond)) // the last instant of H-2
	_, err = e.Cancel(bg, p1.Code)
	require.NoError(t, err)
	clk.Set(t3)
	_, err = e.Cancel(bg, p2.Code)
	require.ErrorIs(t, err, ErrCancelClosed)
	var we *reschedule.WindowError
	require.True(t, errors.As(err, &we))
	require.True(t, we.Closes.Equal(t3))
	require.Equal(t, 4, seatsLeft(t, e, dec10, 0, 0))

	for _, bad := range []string{"", "SHORT", "UUUUUUUUUU", "0123456789A"} {
		_, err = e.Cancel(bg, bad)
		require.ErrorIs(t, err, ErrBadCode, bad)
	}
	_, err = e.Cancel(bg, "0000000000")
	require.ErrorIs(t, err, ErrNotFound)
	requireConsistent(t, e)
}

func TestReschedule(t *testing.T) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	b := paidBooking(t, e, 1)

	clk.Set(t2)
	moved, err := e.Reschedule(bg, b.Code, dec11, 1)
	require.NoError(t, err)
	require.Equal(t, dec11, moved.Date)
	require.Equal(t, 1, moved.Slot)
	require.Equal(t, 1, moved.Reschedules)
	require.Equal(t, "rescheduled from 2026-12-10 08:00–09:00", moved.History[len(moved.History)-1].Note)
	require.Equal(t, "2026-12-11 09:00 WIB", moved.SlotStart.Format("2006-01-02 15:04 MST"))
	require.Equal(t, "2026-12-11 10:00 WIB", moved.SlotEnd.Format("2006-01-02 15:04 MST"))
	require.Equal(t, 5, seatsLeft(t, e, dec10, 0, 0), "old seat returned")
	require.Equal(t, 4, seatsLeft(t, e, dec11, 1, 0), "new seat taken")

	_, err = e.Reschedule(bg, b.Code, dec10, 0)
	require.ErrorIs(t, err, ErrRescheduleLimit)
	requireConsistent(t, e)
}

func TestRescheduleRefusals(t *testing.T) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	b := paidBooking(t, e, 1)
	held, err := e.Hold(bg, holdReq(t, 2))
	require.NoError(t, err)
	// Fill the 11th's first slot.
	full := HoldRequest{Account: "filler", Office: jkt, Date: dec11, Pool: online, Applicants: applicants(t, 20, 5)}
	_, err = e.Hold(bg, full)
	require.NoError(t, err)

	tests := []struct {
		name string
		code string
		date calendar.Date
		slot int
		now  time.Time
		want error
	}{
		{name: "held", code: held.Code, date: dec11, slot: 1, want: ErrWrongState},
		{name: "same slot", code: b.Code, date: dec10, slot: 0, want: ErrSameSlot},
		{name: "zero date", code: b.Code, slot: 0, want: ErrBadDate},
		{name: "unknown slot", code: b.Code, date: dec11, slot: 7, want: ErrUnknownSlot},
		{name: "full", code: b.Code, date: dec11, slot: 0, want: ErrFull},
		{name: "holiday", code: b.Code, date: dec25, slot: 0, want: ErrOfficeClosed},
		{name: "not opened", code: b.Code, date: jan04, slot: 0, want: ErrNotOpened},
		{name: "window closed", code: b.Code, date: dec11, slot: 1, now: t4, want: ErrRescheduleClosed},
		{name: "bad code", code: "x", date: dec11, want: ErrBadCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Set(t1)
			if !tt.now.IsZero() {
				clk.Set(tt.now)
			}
			_, err := e.Reschedule(bg, tt.code, tt.date, tt.slot)
			require.ErrorIs(t, err, tt.want)
			got := mustGet(t, e, b.Code)
			require.Equal(t, dec10, got.Date, "a failed reschedule leaves the booking as it was")
			require.Equal(t, 0, got.Reschedules)
			requireConsistent(t, e)
		})
	}
	// The last instant of H-1 still works.
	clk.Set(t4.Add(-time.Nanosecond))
	_, err = e.Reschedule(bg, b.Code, dec11, 1)
	require.NoError(t, err)
}

func TestCheckInWindow(t *testing.T) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	b := paidBooking(t, e, 1)
	held, err := e.Hold(bg, holdReq(t, 2))
	require.NoError(t, err)

	clk.Set(t5.Add(-time.Nanosecond))
	_, err = e.CheckIn(bg, b.Code)
	require.ErrorIs(t, err, ErrCheckInEarly)
	clk.Set(t6)
	_, err = e.CheckIn(bg, b.Code)
	require.ErrorIs(t, err, ErrCheckInLate)
	clk.Set(t6.Add(-time.Nanosecond))
	_, err = e.CheckIn(bg, b.Code)
	require.NoError(t, err)
	_, err = e.CheckIn(bg, b.Code)
	require.ErrorIs(t, err, ErrWrongState)
	_, err = e.CheckIn(bg, held.Code)
	require.ErrorIs(t, err, ErrWrongState)
}

func TestReject(t *testing.T) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	b := paidBooking(t, e, 1)
	c := paidBooking(t, e, 2)
	held, err := e.Hold(bg, holdReq(t, 3))
	require.NoError(t, err)

	_, err = e.Reject(bg, b.Code, "")
	require.ErrorIs(t, err, ErrBadReason)
	_, err = e.Reject(bg, held.Code, "daftar cekal")
	require.ErrorIs(t, err, ErrWrongState)

	got, err := e.Reject(bg, b.Code, "daftar cekal")
	require.NoError(t, err)
	require.Equal(t, Rejected, got.State)
	require.Equal(t, "daftar cekal", got.History[len(got.History)-1].Note)
	require.Equal(t, "ref", got.PaymentRef, "the payment is kept")

	clk.Set(t5)
	_, err = e.CheckIn(bg, c.Code)
	require.NoError(t, err)
	_, err = e.Reject(bg, c.Code, "dokumen tidak lengkap")
	require.NoError(t, err, "a checked-in booking can be rejected at the counter")
	require.Equal(t, 4, seatsLeft(t, e, dec10, 0, 0), "both rejected bookings returned their seats")
	requireConsistent(t, e)
}

func TestExpireDueAndNoShows(t *testing.T) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	h1, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)
	clk.Set(t1.Add(time.Minute))
	h2, err := e.Hold(bg, holdReq(t, 2))
	require.NoError(t, err)
	p := paidBooking(t, e, 3)

	n, err := e.ExpireDue(bg, h1.PayBy.Add(-time.Nanosecond))
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = e.ExpireDue(bg, h1.PayBy)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, Expired, mustGet(t, e, h1.Code).State)
	require.Equal(t, Held, mustGet(t, e, h2.Code).State)
	n, err = e.ExpireDue(bg, h2.PayBy)
	require.NoError(t, err)
	require.Equal(t, 1, n)

	n, err = e.MarkNoShows(bg, t6.Add(-time.Nanosecond))
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = e.MarkNoShows(bg, t6)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Equal(t, NoShow, mustGet(t, e, p.Code).State)
	require.Equal(t, 5, seatsLeft(t, e, dec10, 0, 0))
	requireConsistent(t, e)
}

// A rescheduled booking is a no-show at the end of its new slot, not its
// old one.
func TestNoShowFollowsReschedule(t *testing.T) {
	e, clk := newTestEngine(t, nil)
	b := paidBooking(t, e, 1)
	clk.Set(t2)
	_, err := e.Reschedule(bg, b.Code, dec11, 1)
	require.NoError(t, err)
	n, err := e.MarkNoShows(bg, t6)
	require.NoError(t, err)
	require.Zero(t, n)
	n, err = e.MarkNoShows(bg, time.Date(2026, 12, 11, 10, 0, 0, 0, wib))
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

func TestHistory(t *testing.T) {
	e, clk := newTestEngine(t, nil)
	a := paidBooking(t, e, 1)
	clk.Set(t2)
	_, err := e.Cancel(bg, a.Code)
	require.NoError(t, err)
	req := holdReq(t, 1)
	req.Applicants = applicants(t, 2, 1)
	b, err := e.Hold(bg, req)
	require.NoError(t, err)

	var codes []string
	for bk := range e.History("account-1") {
		codes = append(codes, bk.Code)
	}
	require.Equal(t, []string{a.Code, b.Code}, codes)
	for range e.History("nobody") {
		t.Fatal("unknown account has no history")
	}
	for range e.History("account-1") {
		break // stopping early is fine
	}
}

func TestMonthCountsExpiredHoldsAsFree(t *testing.T) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	req := holdReq(t, 1)
	req.Applicants = applicants(t, 1, 5)
	b, err := e.Hold(bg, req)
	require.NoError(t, err)
	req = holdReq(t, 2)
	req.Slot, req.Applicants = 1, applicants(t, 10, 5)
	_, err = e.Hold(bg, req)
	require.NoError(t, err)
	days, err := e.Month(bg, jkt, 2026, time.December)
	require.NoError(t, err)
	require.Equal(t, calendar.Full, days[9].StateIn(0))

	clk.Set(b.PayBy)
	days, err = e.Month(bg, jkt, 2026, time.December)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, days[9].StateIn(0), "lapsed holds are free again")
	day, err := e.Day(bg, jkt, dec10)
	require.NoError(t, err)
	require.Equal(t, 5, day.Slots[0].Pools[0].Left)

	_, err = e.Month(bg, "nope", 2026, time.December)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = e.Day(bg, jkt, calendar.Date{})
	require.ErrorIs(t, err, ErrBadDate)
}

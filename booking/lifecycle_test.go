package booking_test

// The operations on a booking after Hold: Pay, Cancel, Reschedule,
// CheckIn and Reject, at the edges of their windows, and an account's
// bookings; and their refusals that change nothing, a table run on the
// shared refusal harness (refusal_test.go).

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// holdAndPay holds and pays a booking for account acc on the 10th, slot 0,
// with payment reference "ref".
func holdAndPay(t *testing.T, e *Engine, acc int) Booking {
	t.Helper()
	b, err := e.Hold(bg, kt.HoldRequest(t, acc))
	require.NoError(t, err)
	b, err = e.Pay(bg, b.BillingCode, "ref")
	require.NoError(t, err)
	return b
}

// A payment at the deadline is refused, without any sweep, and the seat
// returns; a nanosecond before, it is accepted.
func TestPayAtTheDeadline(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)

	clk.Set(b.PayBy)
	_, err = e.Pay(bg, b.BillingCode, "late")
	require.ErrorIs(t, err, ErrExpired)
	require.ErrorIs(t, err, ErrWrongState)
	require.Equal(t, Expired, getBooking(t, e, b.Code).State)
	require.True(t, getBooking(t, e, b.Code).History[1].At.Equal(b.PayBy), "expired at the deadline")
	require.Equal(t, 5, cellLeft(t, e, kt.Dec10, 0, 0))

	clk.Set(kt.T1)
	c, err := e.Hold(bg, kt.HoldRequest(t, 2))
	require.NoError(t, err)
	clk.Set(c.PayBy.Add(-time.Nanosecond))
	_, err = e.Pay(bg, c.BillingCode, "just in time")
	require.NoError(t, err)
	kt.RequireConsistent(t, e)
}

func TestCancel(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})

	held, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	got, err := e.Cancel(bg, held.Code, Reason{})
	require.NoError(t, err)
	require.Equal(t, Cancelled, got.State)
	require.Equal(t, 5, cellLeft(t, e, kt.Dec10, 0, 0))
	_, err = e.Cancel(bg, held.Code, Reason{})
	var se *StateError
	require.ErrorAs(t, err, &se)
	require.Equal(t, StateError{Op: "cancel", State: Cancelled}, *se)

	p1, p2 := holdAndPay(t, e, 2), holdAndPay(t, e, 3)
	clk.Set(kt.T3.Add(-time.Nanosecond)) // the last instant of H-2
	_, err = e.Cancel(bg, p1.Code, Reason{})
	require.NoError(t, err)
	clk.Set(kt.T3)
	_, err = e.Cancel(bg, p2.Code, Reason{})
	require.ErrorIs(t, err, reschedule.ErrCancelClosed)
	var we *reschedule.WindowError
	require.ErrorAs(t, err, &we)
	require.True(t, we.Closes.Equal(kt.T3))
	require.Equal(t, 4, cellLeft(t, e, kt.Dec10, 0, 0))
	kt.RequireConsistent(t, e)
}

func TestReschedule(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	b := holdAndPay(t, e, 1)

	clk.Set(kt.T2)
	moved, err := e.Reschedule(bg, b.Code, kt.Dec11, kt.Slot1)
	require.NoError(t, err)
	require.Equal(t, kt.Dec11, moved.Date)
	require.Equal(t, kt.Slot1, moved.Slot)
	require.Equal(t, 1, moved.Reschedules)
	require.Equal(t, "rescheduled from 2026-12-10 08:00–09:00", moved.History[len(moved.History)-1].Note)
	require.Equal(t, "2026-12-11 09:00 WIB", moved.SlotStart.Format("2006-01-02 15:04 MST"))
	require.Equal(t, "2026-12-11 10:00 WIB", moved.SlotEnd.Format("2006-01-02 15:04 MST"))
	require.Equal(t, 5, cellLeft(t, e, kt.Dec10, 0, 0), "old seat returned")
	require.Equal(t, 4, cellLeft(t, e, kt.Dec11, 1, 0), "new seat taken")

	_, err = e.Reschedule(bg, b.Code, kt.Dec10, kt.Slot0)
	require.ErrorIs(t, err, reschedule.ErrRescheduleLimit)
	kt.RequireConsistent(t, e)
}

// A booking rescheduled as often as a policy allows has a history longer
// than a view walks on its stack (viewHistoryInline): its view lists
// every event, oldest first, each with its own note.
func TestViewOfALongHistory(t *testing.T) {
	p := reschedule.Default()
	p.ReschedulesMax = reschedule.ReschedulesMaxLimit
	e, clk := kt.NewEngine(t, &Options{Policy: &p})
	b := holdAndPay(t, e, 1)
	clk.Set(kt.T2)
	var want []string
	for i := range p.ReschedulesMax {
		from, to := "2026-12-10 08:00–09:00", kt.Dec11
		slot := kt.Slot1
		if i%2 == 1 {
			from, to, slot = "2026-12-11 09:00–10:00", kt.Dec10, kt.Slot0
		}
		moved, err := e.Reschedule(bg, b.Code, to, slot)
		require.NoError(t, err, "reschedule %d", i+1)
		want = append(want, "rescheduled from "+from)
		require.Len(t, moved.History, 2+i+1)
	}
	got, err := e.Get(bg, b.Code)
	require.NoError(t, err)
	require.Len(t, got.History, 2+p.ReschedulesMax)
	require.Equal(t, []State{Held, Paid}, []State{got.History[0].State, got.History[1].State})
	var notes []string
	for k, ev := range got.History[2:] {
		require.Equal(t, Paid, ev.State, "event %d", k+2)
		require.False(t, ev.At.Before(got.History[k+1].At), "event %d before the one before it", k+2)
		notes = append(notes, ev.Note)
	}
	require.Equal(t, want, notes)
	require.Equal(t, got.History[0].At, got.Created)
	require.Equal(t, p.ReschedulesMax, got.Reschedules)
}

// The reschedule window closes at the end of H-1: its last instant still
// moves the booking, the next one does not.
func TestRescheduleUntilTheEndOfH1(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	b := holdAndPay(t, e, 1)

	clk.Set(kt.T4)
	_, err := e.Reschedule(bg, b.Code, kt.Dec11, kt.Slot1)
	require.ErrorIs(t, err, reschedule.ErrRescheduleClosed)
	require.Equal(t, b, getBooking(t, e, b.Code), "a refused reschedule leaves the booking as it was")

	clk.Set(kt.T4.Add(-time.Nanosecond))
	moved, err := e.Reschedule(bg, b.Code, kt.Dec11, kt.Slot1)
	require.NoError(t, err)
	require.Equal(t, kt.Dec11, moved.Date)
	kt.RequireConsistent(t, e)
}

// Check-in opens an hour before the slot and closes at its end, when the
// booking becomes a no-show: from then on it is refused for that state, as
// every read shows it, whether or not the sweep has recorded it.
func TestCheckInWindow(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	b := holdAndPay(t, e, 1)
	late := holdAndPay(t, e, 3)
	held, err := e.Hold(bg, kt.HoldRequest(t, 2))
	require.NoError(t, err)

	clk.Set(kt.T5.Add(-time.Nanosecond))
	_, err = e.CheckIn(bg, b.Code)
	require.ErrorIs(t, err, reschedule.ErrCheckInEarly)
	clk.Set(kt.T6.Add(-time.Nanosecond))
	_, err = e.CheckIn(bg, b.Code)
	require.NoError(t, err)
	_, err = e.CheckIn(bg, b.Code)
	require.ErrorIs(t, err, ErrWrongState)
	_, err = e.CheckIn(bg, held.Code)
	require.ErrorIs(t, err, ErrWrongState)
	clk.Set(kt.T6)
	_, err = e.CheckIn(bg, late.Code)
	var se *StateError
	require.ErrorAs(t, err, &se, "at the slot's end the window has closed: a no-show")
	require.Equal(t, NoShow, se.State)
}

func TestReject(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	b := holdAndPay(t, e, 1)
	c := holdAndPay(t, e, 2)
	held, err := e.Hold(bg, kt.HoldRequest(t, 3))
	require.NoError(t, err)

	cekal := Reason{Kind: ReasonPreventionList, Text: "daftar cekal"}
	_, err = e.Reject(bg, b.Code, Reason{})
	require.ErrorIs(t, err, ErrBadReason)
	_, err = e.Reject(bg, held.Code, cekal)
	require.ErrorIs(t, err, ErrWrongState)

	got, err := e.Reject(bg, b.Code, cekal)
	require.NoError(t, err)
	require.Equal(t, Rejected, got.State)
	require.Equal(t, "daftar cekal", got.History[len(got.History)-1].Note)
	require.Equal(t, cekal, got.History[len(got.History)-1].Reason)
	require.Equal(t, "ref", got.PaymentRef, "the payment is kept")

	clk.Set(kt.T5)
	_, err = e.CheckIn(bg, c.Code)
	require.NoError(t, err)
	_, err = e.Reject(bg, c.Code, Reason{Kind: ReasonInvalidData, Text: "dokumen tidak lengkap"})
	require.NoError(t, err, "a checked-in booking can be rejected at the counter")
	require.Equal(t, 4, cellLeft(t, e, kt.Dec10, 0, 0), "both rejected bookings returned their seats")
	kt.RequireConsistent(t, e)
}

func TestHistory(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	a := holdAndPay(t, e, 1)
	clk.Set(kt.T2)
	_, err := e.Cancel(bg, a.Code, Reason{})
	require.NoError(t, err)
	req := kt.HoldRequest(t, 1)
	req.Applicants = kt.Applicants(t, 2, 1)
	b, err := e.Hold(bg, req)
	require.NoError(t, err)

	list, err := e.AccountBookings(bg, "account-1")
	require.NoError(t, err)
	var codes []string
	for _, bk := range list {
		codes = append(codes, bk.Code)
	}
	require.Equal(t, []string{a.Code, b.Code}, codes)
	none, err := e.AccountBookings(bg, "nobody")
	require.NoError(t, err)
	require.Empty(t, none, "unknown account has no history")
}

// The refusals of the lookups and of Pay, Cancel, Reschedule, CheckIn and
// Reject run on the shared harness (refusal_test.go): each must be the
// documented sentinel and leave the engine exactly as it was, the booking
// it names included.
func TestBookingRefusals(t *testing.T) {
	runRefusals(t, advBookingCalls())
}

// advStrings maps a case name to a string made from the fixture.
type advStrings map[string]func(f *advFixture) string

func advConst(s string) func(*advFixture) string { return func(*advFixture) string { return s } }

// advBadCodes are strings that cannot be a booking code.
var advBadCodes = advStrings{
	"empty":                            advConst(""),
	"5 letters":                        advConst("SHORT"),
	"9 symbols":                        advConst("ABCDEFGHJ"),
	"11 symbols":                       advConst("ABCDEFGHJKM"),
	"U":                                advConst("UUUUUUUUUU"),
	"punctuation":                      advConst("!!!!!!!!!!"),
	"newline":                          advConst("ABCDEFGHJ\n"),
	"leading space":                    advConst(" ABCDEFGHJ"),
	"Arabic-Indic digits":              advConst("٣٣٣٣٣"),
	"fullwidth digits":                 advConst("３３３4"),
	"invalid UTF-8":                    advConst(strings.Repeat("\xff", 10)),
	"NULs":                             advConst(strings.Repeat("\x00", 10)),
	"one MiB":                          advConst(advMiB),
	"a billing code":                   func(f *advFixture) string { return f.paid.BillingCode },
	"a code and a newline":             func(f *advFixture) string { return f.paid.Code + "\n" },
	"a code, hyphenated":               func(f *advFixture) string { return f.paid.Code[:5] + "-" + f.paid.Code[5:] },
	"a code, one symbol replaced by #": func(f *advFixture) string { return "#" + f.paid.Code[1:] },
}

// advAbsentCodes are well-formed booking codes that find no booking (each
// could find one of the fixture's five with probability 5/2⁵⁰).
var advAbsentCodes = advStrings{
	"never handed out":        func(f *advFixture) string { return f.absentCode },
	"never handed out, lower": func(f *advFixture) string { return strings.ToLower(f.absentCode) },
	"of sequence number 0":    func(f *advFixture) string { return f.e.CodeOf(0) },
	"all zeros":               advConst("0000000000"),
	"all O":                   advConst("OOOOOOOOOO"),
	"all Z":                   advConst("ZZZZZZZZZZ"),
	"a billing code's head":   func(f *advFixture) string { return f.paid.BillingCode[:10] },
	"a billing code's tail":   func(f *advFixture) string { return f.paid.BillingCode[5:] },
	"another booking's with its last symbol changed": func(f *advFixture) string {
		const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ" // the codes' alphabet
		c := f.paid.Code
		return c[:9] + string(crockford[(strings.IndexByte(crockford, c[9])+1)%32])
	},
}

// advBadBillings are strings that cannot be a billing code.
var advBadBillings = advStrings{
	"empty":             advConst(""),
	"5 digits":          advConst("12345"),
	"14 digits":         func(f *advFixture) string { return f.paid.BillingCode[:14] },
	"16 digits":         func(f *advFixture) string { return f.paid.BillingCode + "0" },
	"leading zero":      func(f *advFixture) string { return "0" + f.paid.BillingCode[1:] },
	"a letter last":     func(f *advFixture) string { return f.paid.BillingCode[:14] + "x" },
	"fullwidth digit":   func(f *advFixture) string { return "１" + f.paid.BillingCode[3:] },
	"Arabic-Indic":      func(f *advFixture) string { return "٣" + f.paid.BillingCode[2:] },
	"space inside":      func(f *advFixture) string { b := f.paid.BillingCode; return b[:7] + " " + b[8:] },
	"minus sign":        func(f *advFixture) string { return "-" + f.paid.BillingCode[1:] },
	"plus sign":         func(f *advFixture) string { return "+" + f.paid.BillingCode[1:] },
	"exponent":          func(f *advFixture) string { return "1e14" + f.paid.BillingCode[4:] },
	"hexadecimal":       func(f *advFixture) string { return "0x" + f.paid.BillingCode[2:] },
	"a booking code":    func(f *advFixture) string { return f.paid.Code },
	"invalid UTF-8":     advConst(strings.Repeat("\xff", 15)),
	"NULs":              advConst(strings.Repeat("\x00", 15)),
	"newline":           func(f *advFixture) string { return f.paid.BillingCode[:14] + "\n" },
	"one MiB":           advConst(advMiB),
	"one MiB of digits": advConst(strings.Repeat("1", 1<<20)),
}

// advAbsentBillings are well-formed billing codes that find no booking.
var advAbsentBillings = advStrings{
	"never handed out": func(f *advFixture) string { return f.absentBilling },
	"all nines":        advConst("999999999999999"),
	"the smallest":     advConst("100000000000000"),
}

// advBookingCalls are refusals of the lookups and of Pay, Cancel,
// Reschedule, CheckIn and Reject.
func advBookingCalls() []advCall {
	calls := advCodeCalls()
	add := func(name string, want error, call func(ctx context.Context, f *advFixture) (Booking, error)) {
		calls = append(calls, advCall{name: name, want: want, index: -1, call: func(ctx context.Context, f *advFixture) error {
			_, err := call(ctx, f)
			return err
		}})
	}
	for name, ref := range advBadLabels {
		add("pay, reference "+name, ErrBadPaymentRef, func(ctx context.Context, f *advFixture) (Booking, error) {
			return f.e.Pay(ctx, f.held.BillingCode, ref)
		})
		// A rejection must say why: the empty reason is the one without
		// a kind; every other bad label is a bad text of a kind.
		reason := Reason{Kind: ReasonOther, Text: ref}
		if ref == "" {
			reason = Reason{}
		}
		add("reject, reason "+name, ErrBadReason, func(ctx context.Context, f *advFixture) (Booking, error) {
			return f.e.Reject(ctx, f.paid.Code, reason)
		})
		if ref != "" {
			add("cancel, reason "+name, ErrBadReason, func(ctx context.Context, f *advFixture) (Booking, error) {
				return f.e.Cancel(ctx, f.paid.Code, Reason{Kind: ReasonOther, Text: ref})
			})
		}
	}
	add("reject, reason of an unknown kind", ErrBadReason, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Reject(ctx, f.paid.Code, Reason{Kind: ReasonOther + 1, Text: "ditolak"})
	})
	add("reject, words without a kind", ErrBadReason, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Reject(ctx, f.paid.Code, Reason{Text: "ditolak"})
	})
	add("cancel, reason of an unknown kind", ErrBadReason, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Cancel(ctx, f.paid.Code, Reason{Kind: ReasonOther + 1})
	})
	add("cancel, words without a kind", ErrBadReason, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Cancel(ctx, f.paid.Code, Reason{Text: "sakit"})
	})
	pay := func(name string, want error, billing func(f *advFixture) string, ref string) {
		add("pay "+name, want, func(ctx context.Context, f *advFixture) (Booking, error) { return f.e.Pay(ctx, billing(f), ref) })
	}
	pay("reference of 129 bytes", ErrBadPaymentRef, func(f *advFixture) string { return f.held.BillingCode }, strings.Repeat("r", PaymentRefBytesMax+1))
	pay("bad reference and bad billing code", ErrBadPaymentRef, func(*advFixture) string { return "x" }, "")
	pay("a paid booking with another reference", ErrAlreadyPaid, func(f *advFixture) string { return f.paid.BillingCode }, "ref-other")
	pay("a paid booking with a reference that differs in case", ErrAlreadyPaid, func(f *advFixture) string { return f.paid.BillingCode }, "REF-PAID")
	pay("a cancelled booking", ErrWrongState, func(f *advFixture) string { return f.cancelled.BillingCode }, "ref-x")

	add("cancel a cancelled booking", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Cancel(ctx, f.cancelled.Code, Reason{})
	})
	add("check in a hold", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) { return f.e.CheckIn(ctx, f.held.Code) })
	add("check in a cancelled booking", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) { return f.e.CheckIn(ctx, f.cancelled.Code) })
	add("check in a month early", reschedule.ErrCheckInEarly, func(ctx context.Context, f *advFixture) (Booking, error) { return f.e.CheckIn(ctx, f.paid.Code) })
	add("reject a hold", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Reject(ctx, f.held.Code, Reason{Kind: ReasonOther, Text: "ditolak"})
	})
	add("reject a cancelled booking", ErrWrongState, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Reject(ctx, f.cancelled.Code, Reason{Kind: ReasonOther, Text: "ditolak"})
	})
	add("reject, reason of 201 bytes", ErrBadReason, func(ctx context.Context, f *advFixture) (Booking, error) {
		return f.e.Reject(ctx, f.paid.Code, Reason{Kind: ReasonOther, Text: strings.Repeat("r", ReasonBytesMax+1)})
	})
	// The clock at the end of H-1 of the paid booking's date, put back
	// before the call returns so the cases after it see the fixture as
	// it was.
	add("reschedule after H-1", reschedule.ErrRescheduleClosed, func(ctx context.Context, f *advFixture) (Booking, error) {
		was := f.clk.Now()
		defer f.clk.Set(was)
		f.clk.Set(kt.T4)
		return f.e.Reschedule(ctx, f.paid.Code, kt.Dec11, kt.Slot1)
	})
	return append(calls, advRescheduleCalls()...)
}

// advCodeCalls are refusals of every call that names a booking by its
// booking code or its billing code, for each bad or absent code.
func advCodeCalls() []advCall {
	var calls []advCall
	add := func(name string, want error, call func(ctx context.Context, f *advFixture) error) {
		calls = append(calls, advCall{name: name, want: want, index: -1, call: call})
	}
	// The strings depend on the fixture, so each case picks its string
	// by name when it runs.
	byCode := map[string]func(ctx context.Context, f *advFixture, code string) error{
		"get": func(ctx context.Context, f *advFixture, c string) error { _, err := f.e.Get(ctx, c); return err },
		"cancel": func(ctx context.Context, f *advFixture, c string) error {
			_, err := f.e.Cancel(ctx, c, Reason{})
			return err
		},
		"reschedule": func(ctx context.Context, f *advFixture, c string) error {
			_, err := f.e.Reschedule(ctx, c, kt.Dec11, kt.Slot0)
			return err
		},
		"check in": func(ctx context.Context, f *advFixture, c string) error { _, err := f.e.CheckIn(ctx, c); return err },
		"reject": func(ctx context.Context, f *advFixture, c string) error {
			_, err := f.e.Reject(ctx, c, Reason{Kind: ReasonOther, Text: "ditolak"})
			return err
		},
	}
	for op, call := range byCode {
		for name, code := range advBadCodes {
			add(op+", code "+name, ErrBadCode, func(ctx context.Context, f *advFixture) error { return call(ctx, f, code(f)) })
		}
		for name, code := range advAbsentCodes {
			add(op+", code "+name, ErrNotFound, func(ctx context.Context, f *advFixture) error { return call(ctx, f, code(f)) })
		}
	}
	byBilling := map[string]func(ctx context.Context, f *advFixture, billing string) error{
		"by billing code": func(ctx context.Context, f *advFixture, b string) error {
			_, err := f.e.ByBillingCode(ctx, b)
			return err
		},
		"pay": func(ctx context.Context, f *advFixture, b string) error {
			_, err := f.e.Pay(ctx, b, "ref-x")
			return err
		},
	}
	for op, call := range byBilling {
		for name, billing := range advBadBillings {
			add(op+", billing "+name, ErrBadBillingCode, func(ctx context.Context, f *advFixture) error { return call(ctx, f, billing(f)) })
		}
		for name, billing := range advAbsentBillings {
			add(op+", billing "+name, ErrNotFound, func(ctx context.Context, f *advFixture) error { return call(ctx, f, billing(f)) })
		}
	}
	return calls
}

// advRescheduleCalls are refusals of Reschedule for a target that cannot
// be booked, or a booking that cannot move.
func advRescheduleCalls() []advCall {
	var calls []advCall
	paid := func(f *advFixture) string { return f.paid.Code }
	on := func(d calendar.Date) func(*advFixture) calendar.Date {
		return func(*advFixture) calendar.Date { return d }
	}
	for _, tt := range []struct {
		name string
		code func(f *advFixture) string
		date func(f *advFixture) calendar.Date
		slot string
		want error
	}{
		{"zero date", paid, on(calendar.Date{}), kt.Slot0, calendar.ErrBadDate},
		{"zero date of a hold", func(f *advFixture) string { return f.held.Code }, on(calendar.Date{}), kt.Slot0, calendar.ErrBadDate},
		// Slots are named by their start: the empty string, or an old
		// index, names none.
		{"slot never set", paid, on(kt.Dec11), "", ErrUnknownSlot},
		{"slot -1", paid, on(kt.Dec11), "-1", ErrUnknownSlot},
		{"slot 1, an index", paid, on(kt.Dec11), "1", ErrUnknownSlot},
		{"slot 2", paid, on(kt.Dec11), "2", ErrUnknownSlot},
		{"slot 256", paid, on(kt.Dec11), "256", ErrUnknownSlot},
		{"slot MaxInt", paid, on(kt.Dec11), strconv.Itoa(math.MaxInt), ErrUnknownSlot},
		{"slot MinInt", paid, on(kt.Dec11), strconv.Itoa(math.MinInt), ErrUnknownSlot},
		{"slot 10:00, where the last one ends", paid, on(kt.Dec11), "10:00", ErrUnknownSlot},
		{"slot 9:00", paid, on(kt.Dec11), "9:00", ErrUnknownSlot},
		{"a hold", func(f *advFixture) string { return f.held.Code }, on(kt.Dec11), kt.Slot0, ErrWrongState},
		{"a cancelled booking", func(f *advFixture) string { return f.cancelled.Code }, on(kt.Dec11), kt.Slot0, ErrWrongState},
		{"the same slot", paid, on(kt.Dec10), kt.Slot0, ErrSameSlot},
		{"year 1", paid, on(calendar.NewDate(1, 1, 1)), kt.Slot0, quota.ErrPast},
		{"year 9999", paid, on(calendar.NewDate(9999, 12, 31)), kt.Slot0, quota.ErrOutsideHorizon},
		{"a Saturday", paid, on(calendar.NewDate(2026, 12, 12)), kt.Slot0, quota.ErrClosed},
		{"Christmas", paid, on(kt.Dec25), kt.Slot0, quota.ErrClosed},
		{"a closed day", paid, func(f *advFixture) calendar.Date { return f.closedDay }, kt.Slot0, quota.ErrClosed},
		{"a closed slot", paid, func(f *advFixture) calendar.Date { return f.closedSlotDay }, kt.Slot1, quota.ErrClosed},
		{"not opened", paid, on(kt.Jan04), kt.Slot0, quota.ErrNotOpened},
		{"a cell too small", func(f *advFixture) string { return f.paid2.Code }, func(f *advFixture) calendar.Date { return f.tiny }, kt.Slot0, quota.ErrFull},
	} {
		calls = append(calls, advCall{name: "reschedule to " + tt.name, want: tt.want, index: -1, call: func(ctx context.Context, f *advFixture) error {
			_, err := f.e.Reschedule(ctx, tt.code(f), tt.date(f), tt.slot)
			return err
		}})
	}
	return calls
}

// TestAChangeAnswersAsOfItsInstant: the booking a change returns is read
// as of the change's own instant, not at a later reading of the clock
// (booking's doc, Time). On a clock that leaps ahead after every reading,
// a hold comes back held though the next instant is past its deadline,
// and a payment comes back paid though the next is past the slot; the
// next read shows what those instants bring.
func TestAChangeAnswersAsOfItsInstant(t *testing.T) {
	var mu sync.Mutex
	now, leap := kt.T1, time.Duration(0)
	clock := func() time.Time { // each reading moves the clock on by leap
		mu.Lock()
		defer mu.Unlock()
		at := now
		now = now.Add(leap)
		return at
	}
	setLeap := func(d time.Duration) { mu.Lock(); leap = d; mu.Unlock() }
	e, err := New(&Options{Now: clock, NoSweeper: true})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))

	setLeap(DefaultHoldTTL + time.Minute)
	lapsed, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	require.Equal(t, Held, lapsed.State, "as of the hold's instant")
	setLeap(0)
	require.Equal(t, Expired, getBooking(t, e, lapsed.Code).State, "the next read is past the deadline")

	b, err := e.Hold(bg, kt.HoldRequest(t, 2))
	require.NoError(t, err)
	setLeap(kt.Dec10.AddDays(1).Start(kt.WIB).Sub(kt.T1)) // past the slot's end
	paid, err := e.Pay(bg, b.BillingCode, "ref-1")
	require.NoError(t, err)
	require.Equal(t, Paid, paid.State, "as of the payment's instant")
	setLeap(0)
	require.Equal(t, NoShow, getBooking(t, e, b.Code).State, "the next read is past the slot")
}

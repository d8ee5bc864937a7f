package booking_test

// The rules at their exact boundaries, in the three zones of Indonesia:
// every instant is checked one nanosecond before it and at it. .ci/run
// runs these tests again under TZ=UTC, Asia/Jayapura and America/New_York,
// so that no rule leans on the host's zone: those named for the
// boundaries, and by name the others that loop over zoneOffices.

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/reschedule"
)

// zoneOffices are the test office in each Indonesian zone. A test that
// loops over them and is not named for the boundaries is named in the
// time zone loop of .ci/run, so that it runs under the hosts' zones too.
var zoneOffices = []struct {
	name string
	loc  *time.Location
}{
	{"WIB", calendar.Jakarta()},
	{"WITA", calendar.Makassar()},
	{"WIT", calendar.Jayapura()},
}

// newZoneEngine returns an in-memory engine whose test office is in loc,
// on a clock at 1 November 09:00 local, with opts (which may be nil).
func newZoneEngine(t *testing.T, loc *time.Location, opts *Options) (*Engine, *kt.Clock) {
	t.Helper()
	clk := kt.NewClock(time.Date(2026, time.November, 1, 9, 0, 0, 0, loc))
	e := kt.NewEmptyEngine(t, clk, opts)
	cfg := kt.OfficeConfig(t)
	cfg.Quota.Schedule.Location = loc
	require.NoError(t, e.RegisterOffice(bg, cfg))
	return e, clk
}

// reads returns b as every read shows it: Get, ByBillingCode,
// AccountBookings and DayBookings must agree.
func reads(t *testing.T, e *Engine, b Booking) Booking {
	t.Helper()
	got, err := e.Get(bg, b.Code)
	require.NoError(t, err)
	byBill, err := e.ByBillingCode(bg, b.BillingCode)
	require.NoError(t, err)
	require.Equal(t, got, byBill)
	list, err := e.AccountBookings(bg, b.Account)
	require.NoError(t, err)
	require.Contains(t, list, got)
	day, err := e.DayBookings(bg, kt.Office, b.Date)
	require.NoError(t, err)
	require.Contains(t, day, got)
	return got
}

// At its payment deadline a hold reads Expired everywhere, with the
// sweeper off; a nanosecond before, Held. At its slot's end a paid booking
// reads NoShow; a nanosecond before, Paid. The sweep then records exactly
// what the reads showed.
func TestReadsAreExactAtTheBoundaries(t *testing.T) {
	for _, z := range zoneOffices {
		t.Run(z.name, func(t *testing.T) {
			e, clk := newZoneEngine(t, z.loc, nil)
			held, paid := heldAndPaid(t, e)

			clk.Set(held.PayBy.Add(-time.Nanosecond))
			require.Equal(t, Held, reads(t, e, held).State)
			clk.Set(held.PayBy)
			shown := reads(t, e, held)
			require.Equal(t, Expired, shown.State)
			last := shown.History[len(shown.History)-1]
			require.Equal(t, Event{At: held.PayBy, State: Expired, Note: "payment deadline passed"}, last)
			require.Equal(t, 1, e.Stats().Bookings[Held], "read, not recorded")
			n, err := e.ExpireDue(bg)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			require.Equal(t, shown, reads(t, e, held), "the sweep records what reads showed")

			clk.Set(paid.SlotEnd.Add(-time.Nanosecond))
			require.Equal(t, Paid, reads(t, e, paid).State)
			clk.Set(paid.SlotEnd)
			shown = reads(t, e, paid)
			require.Equal(t, NoShow, shown.State)
			require.Equal(t, paid.SlotEnd, shown.History[len(shown.History)-1].At)
			n, err = e.MarkNoShows(bg)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			require.Equal(t, shown, reads(t, e, paid))
			require.Equal(t, 1, e.Stats().Bookings[NoShow])
		})
	}
}

// A booking carries its windows, and each is exact: the operation it
// governs succeeds a nanosecond before it closes and is refused at it.
func TestBookingWindowsAtTheBoundaries(t *testing.T) {
	for _, z := range zoneOffices {
		t.Run(z.name, func(t *testing.T) {
			e, clk := newZoneEngine(t, z.loc, &Options{Policy: &reschedule.Policy{ReschedulesMax: 2, RescheduleUntil: 1, CancelUntil: 2, CheckInEarly: time.Hour}})
			b, err := e.Hold(bg, kt.HoldRequest(t, 1))
			require.NoError(t, err)
			b, err = e.Pay(bg, b.BillingCode, "ref-1")
			require.NoError(t, err)
			paidIn := func(acc int, slot string) Booking {
				req := kt.HoldRequest(t, acc)
				req.Slot = slot
				got, err := e.Hold(bg, req)
				require.NoError(t, err)
				got, err = e.Pay(bg, got.BillingCode, "ref")
				require.NoError(t, err)
				return got
			}
			lastMinute, late := paidIn(5, kt.Slot1), paidIn(6, kt.Slot1)
			p := e.Policy()
			require.Equal(t, p.RescheduleDeadline(kt.Dec10, z.loc), b.RescheduleBy)
			require.Equal(t, p.CancelDeadline(kt.Dec10, z.loc), b.CancelBy)
			opens, closes := p.CheckInWindow(kt.Dec10, 8*time.Hour, 9*time.Hour, z.loc)
			require.Equal(t, opens, b.CheckInOpens)
			require.Equal(t, closes, b.CheckInCloses)
			require.Equal(t, b.SlotEnd, b.CheckInCloses)
			require.Equal(t, time.Date(2026, 12, 10, 0, 0, 0, 0, z.loc), b.RescheduleBy, "the end of H-1")
			require.Equal(t, time.Date(2026, 12, 9, 0, 0, 0, 0, z.loc), b.CancelBy, "the end of H-2")
			require.Equal(t, z.loc, b.RescheduleBy.Location(), "instants in the office's zone")

			// Reschedule: to slot 1 a nanosecond before the window
			// closes, and back at its close: refused, the window first.
			clk.Set(b.RescheduleBy.Add(-time.Nanosecond))
			b, err = e.Reschedule(bg, b.Code, kt.Dec10, kt.Slot1)
			require.NoError(t, err)
			clk.Set(b.RescheduleBy)
			_, err = e.Reschedule(bg, b.Code, kt.Dec10, kt.Slot0)
			require.ErrorIs(t, err, reschedule.ErrRescheduleClosed)

			// Check in: refused a nanosecond before the window opens and
			// accepted at it; accepted a nanosecond before it closes, and
			// at its close refused, the booking being a no-show (each
			// boundary on a booking of its own: the refusal at the close
			// records the no-show every read already shows).
			clk.Set(b.CheckInOpens.Add(-time.Nanosecond))
			_, err = e.CheckIn(bg, b.Code)
			require.ErrorIs(t, err, reschedule.ErrCheckInEarly)
			clk.Set(b.CheckInOpens)
			in, err := e.CheckIn(bg, b.Code)
			require.NoError(t, err)
			require.Equal(t, CheckedIn, in.State)
			clk.Set(b.CheckInCloses.Add(-time.Nanosecond))
			in, err = e.CheckIn(bg, lastMinute.Code)
			require.NoError(t, err)
			require.Equal(t, CheckedIn, in.State)
			clk.Set(b.CheckInCloses)
			_, err = e.CheckIn(bg, late.Code)
			require.ErrorIs(t, err, ErrWrongState, "at its close the booking reads no-show")
			got, err := e.Get(bg, late.Code)
			require.NoError(t, err)
			require.Equal(t, NoShow, got.State)

			// Cancel: a second booking, a nanosecond before and at the
			// end of H-2.
			clk.Set(time.Date(2026, time.November, 2, 9, 0, 0, 0, z.loc))
			c, err := e.Hold(bg, kt.HoldRequest(t, 2))
			require.NoError(t, err)
			c, err = e.Pay(bg, c.BillingCode, "ref-2")
			require.NoError(t, err)
			clk.Set(c.CancelBy)
			_, err = e.Cancel(bg, c.Code, Reason{})
			require.ErrorIs(t, err, reschedule.ErrCancelClosed)
			clk.Set(c.CancelBy.Add(-time.Nanosecond))
			c, err = e.Cancel(bg, c.Code, Reason{})
			require.NoError(t, err)
			require.Equal(t, Cancelled, c.State)
		})
	}
}

// A second reschedule once H-1 has ended is refused for the window, which
// is checked before the count; a nanosecond before the end, for the count.
func TestSecondRescheduleAfterH1SaysTheWindowClosed(t *testing.T) {
	for _, z := range zoneOffices {
		t.Run(z.name, func(t *testing.T) {
			e, clk := newZoneEngine(t, z.loc, nil)
			b, err := e.Hold(bg, kt.HoldRequest(t, 1))
			require.NoError(t, err)
			_, err = e.Pay(bg, b.BillingCode, "ref-1")
			require.NoError(t, err)
			b, err = e.Reschedule(bg, b.Code, kt.Dec10, kt.Slot1)
			require.NoError(t, err)
			require.Equal(t, time.Date(2026, 12, 10, 0, 0, 0, 0, z.loc), b.RescheduleBy, "the end of H-1 in the office's zone")
			clk.Set(b.RescheduleBy)
			_, err = e.Reschedule(bg, b.Code, kt.Dec10, kt.Slot0)
			require.ErrorIs(t, err, reschedule.ErrRescheduleClosed)
			require.NotErrorIs(t, err, reschedule.ErrRescheduleLimit)
			clk.Set(b.RescheduleBy.Add(-time.Nanosecond))
			_, err = e.Reschedule(bg, b.Code, kt.Dec10, kt.Slot0)
			require.ErrorIs(t, err, reschedule.ErrRescheduleLimit, "within the window, the count")
			require.NotErrorIs(t, err, reschedule.ErrRescheduleClosed)
		})
	}
}

// A NIK whose booking never reached its date books again at once by
// default; with Policy.ReapplyAfterUnreached its window runs from that
// booking's arrival date, to the nanosecond. A booking ends unreached when
// it is cancelled, when its hold expires, or when the office rejects it
// before its date begins, office time; a rejection from the date's first
// instant on counts as reached, and starts the window whatever the policy.
func TestReapplyAfterUnreachedAtTheBoundaries(t *testing.T) {
	// Each way the first booking, on the 10th, ends; each leaves the clock
	// where its NIK asks again, once January is released (1 December,
	// 08:00).
	ends := []struct {
		name    string
		end     func(t *testing.T, e *Engine, clk *kt.Clock, b Booking, loc *time.Location)
		reached bool // whether the booking counts as having reached its date
	}{
		{"cancelled", func(t *testing.T, e *Engine, clk *kt.Clock, b Booking, loc *time.Location) {
			_, err := e.Cancel(bg, b.Code, Reason{})
			require.NoError(t, err)
			clk.Set(time.Date(2026, time.December, 1, 9, 0, 0, 0, loc))
		}, false},
		{"expired", func(t *testing.T, e *Engine, clk *kt.Clock, b Booking, loc *time.Location) {
			clk.Set(b.PayBy)
			n, err := e.ExpireDue(bg)
			require.NoError(t, err)
			require.Equal(t, 1, n)
			clk.Set(time.Date(2026, time.December, 1, 9, 0, 0, 0, loc))
		}, false},
		{"rejected a nanosecond before its date", func(t *testing.T, e *Engine, clk *kt.Clock, b Booking, loc *time.Location) {
			rejectAt(t, e, clk, b, time.Date(2026, time.December, 10, 0, 0, 0, 0, loc).Add(-time.Nanosecond))
		}, false},
		{"rejected as its date begins", func(t *testing.T, e *Engine, clk *kt.Clock, b Booking, loc *time.Location) {
			rejectAt(t, e, clk, b, time.Date(2026, time.December, 10, 0, 0, 0, 0, loc))
		}, true},
	}
	for _, z := range zoneOffices {
		for _, end := range ends {
			for _, after := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/after unreached %v", z.name, end.name, after), func(t *testing.T) {
					p := reschedule.Default()
					p.ReapplyAfterUnreached = after
					e, clk := newZoneEngine(t, z.loc, &Options{Policy: &p})
					first, err := e.Hold(bg, kt.HoldRequest(t, 1))
					require.NoError(t, err)
					end.end(t, e, clk, first, z.loc)
					again := kt.HoldRequest(t, 1)
					again.Date = kt.Jan04
					_, err = e.Hold(bg, again)
					if !end.reached && !after {
						require.NoError(t, err, "at once after a booking that never reached its date")
						return
					}
					var we *reschedule.WindowError
					require.ErrorAs(t, err, &we)
					require.ErrorIs(t, err, reschedule.ErrReapplyTooSoon)
					opens := p.ReapplyFrom(kt.Dec10, z.loc)
					require.Equal(t, opens, we.Opens)
					require.Equal(t, time.Date(2027, time.January, 10, 0, 0, 0, 0, z.loc), opens, "a month after the 10th, office time")
					clk.Set(opens.Add(-time.Nanosecond))
					again.Date = calendar.NewDate(2027, time.January, 11)
					_, err = e.Hold(bg, again)
					require.ErrorIs(t, err, reschedule.ErrReapplyTooSoon)
					clk.Set(opens)
					_, err = e.Hold(bg, again)
					require.NoError(t, err)
				})
			}
		}
	}
}

// rejectAt pays b and rejects it at the instant at, leaving the clock
// there.
func rejectAt(t *testing.T, e *Engine, clk *kt.Clock, b Booking, at time.Time) {
	t.Helper()
	_, err := e.Pay(bg, b.BillingCode, "ref")
	require.NoError(t, err)
	clk.Set(at)
	got, err := e.Reject(bg, b.Code, Reason{Kind: ReasonInvalidData, Text: "berkas tidak lengkap"})
	require.NoError(t, err)
	require.Equal(t, Rejected, got.State)
	require.Equal(t, at, got.History[len(got.History)-1].At)
}

// A reschedule is logged as a reschedule, not as a payment.
func TestRescheduleIsLoggedAsOne(t *testing.T) {
	var buf bytes.Buffer
	e, _ := kt.NewEngine(t, &Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = e.Pay(bg, b.BillingCode, "ref-1")
	require.NoError(t, err)
	buf.Reset()
	_, err = e.Reschedule(bg, b.Code, kt.Dec11, kt.Slot1)
	require.NoError(t, err)
	require.Contains(t, buf.String(), `msg="booking rescheduled"`)
	require.Contains(t, buf.String(), "slot=09:00")
	require.NotContains(t, buf.String(), "booking paid")
}

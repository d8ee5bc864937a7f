package pgbench

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kuota/kuota/bench"
	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// The plain system must answer every operation as the mutex-and-map
// baseline, its reference model here, does on the same clock, and show
// the same days: the same rules, kept in PostgreSQL.

// answer names an operation's outcome by the sentinel it matches, with
// the applicant's index or the booking's state when the error carries
// them. An error no sentinel matches keeps its text, which the other
// system will not repeat.
func answer(err error) string {
	if err == nil {
		return "ok"
	}
	var ae *booking.ApplicantError
	if errors.As(err, &ae) {
		return fmt.Sprintf("applicant %d: %s", ae.Index, answer(ae.Err))
	}
	var se *booking.StateError
	if errors.As(err, &se) {
		return fmt.Sprintf("cannot %s a %s booking", se.Op, se.State)
	}
	for _, s := range []error{
		quota.ErrFull, quota.ErrNoQuota, quota.ErrNotOpened, quota.ErrClosed, quota.ErrPast, quota.ErrOutsideHorizon,
		booking.ErrTooManyHolds, booking.ErrNIKBooked, booking.ErrExpired, booking.ErrNotFound, booking.ErrUnknownSlot,
		reschedule.ErrCancelClosed, reschedule.ErrRescheduleClosed, reschedule.ErrRescheduleLimit,
		reschedule.ErrCheckInEarly, reschedule.ErrCheckInLate,
	} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "unexpected: " + err.Error()
}

var (
	modelDays   = []calendar.Date{kt.Dec10, kt.Dec11}
	modelStarts = []string{kt.Slot0, kt.Slot1}
	modelPools  = []string{kt.Online, kt.WalkIn}
	// modelInstants are where the rules change for bookings of Dec10:
	// cancel closes, reschedule closes, check-in opens, slots end.
	modelInstants = []time.Time{kt.T2, kt.T3, kt.T4, kt.T5, kt.T6, kt.T6.Add(time.Hour), kt.T6.Add(24 * time.Hour)}
)

func TestPlainMatchesMutexMap(t *testing.T) {
	opts := needPostgres(t)
	// One caller at a time: a small pool, opened afresh for each check.
	opts.MaxConns = 2
	niks := make([]booking.NIK, 5) // few, so that bookings share them
	for i := range niks {
		niks[i] = kt.NIK(t, i)
	}
	rapid.Check(t, func(rt *rapid.T) {
		clk := new(bench.Clock)
		const holdsMax = 2
		p, err := OpenPlain(clk, holdsMax, false, opts)
		require.NoError(rt, err)
		defer func() { require.NoError(rt, p.Close()) }()
		ref, err := bench.NewSystem(bench.MutexMap, clk, "", holdsMax, true)
		require.NoError(rt, err)
		defer ref.Close()
		cfg := kt.OfficeConfig(t)
		for s := range cfg.Quota.Layout.Slots {
			cfg.Quota.Layout.Slots[s].Seats = []int{3, 1} // full soon
		}
		cfg.Quota.Layout.Slots[1].Seats[1] = 0 // and a cell with no quota
		require.NoError(rt, p.Register(cfg))
		require.NoError(rt, ref.Register(cfg))
		clk.Set(kt.T1)

		type pair struct{ plain, ref bench.Ticket }
		var tickets []pair
		same := func(t *rapid.T, op string, got, want error) {
			if answer(got) != answer(want) {
				t.Fatalf("%s: postgres-plain says %q, mutex-map %q", op, answer(got), answer(want))
			}
		}
		pick := func(t *rapid.T) pair {
			if len(tickets) == 0 {
				t.Skip("no booking yet")
			}
			return rapid.SampledFrom(tickets).Draw(t, "booking")
		}
		rt.Repeat(map[string]func(*rapid.T){
			"hold": func(t *rapid.T) {
				acc := rapid.IntRange(0, 2).Draw(t, "account")
				who := rapid.SliceOfNDistinct(rapid.IntRange(0, len(niks)-1), 1, 2, func(i int) int { return i }).Draw(t, "niks")
				req := booking.HoldRequest{
					Account: fmt.Sprint("acc", acc), Office: kt.Office,
					Date: rapid.SampledFrom(modelDays).Draw(t, "date"),
					Slot: rapid.SampledFrom(modelStarts).Draw(t, "slot"), Pool: rapid.SampledFrom(modelPools).Draw(t, "pool"),
				}
				for _, k := range who {
					req.Applicants = append(req.Applicants, booking.Applicant{NIK: niks[k]})
				}
				got, err := p.Hold(req)
				want, wantErr := ref.Hold(req)
				same(t, "hold", err, wantErr)
				if err == nil {
					tickets = append(tickets, pair{got, want})
				}
			},
			"pay": func(t *rapid.T) {
				b := pick(t)
				same(t, "pay", p.Pay(b.plain, "ref"), ref.Pay(b.ref, "ref"))
			},
			"cancel": func(t *rapid.T) {
				b := pick(t)
				same(t, "cancel", p.Cancel(b.plain), ref.Cancel(b.ref))
			},
			"reschedule": func(t *rapid.T) {
				b := pick(t)
				d, slot := rapid.SampledFrom(modelDays).Draw(t, "date"), rapid.SampledFrom(modelStarts).Draw(t, "slot")
				same(t, "reschedule", p.Reschedule(b.plain, d, slot), ref.Reschedule(b.ref, d, slot))
			},
			"checkIn": func(t *rapid.T) {
				b := pick(t)
				same(t, "check in", p.CheckIn(b.plain), ref.CheckIn(b.ref))
			},
			"sweep": func(t *rapid.T) {
				same(t, "sweep", p.Sweep(), ref.Sweep())
			},
			"wait": func(t *rapid.T) {
				clk.Advance(rapid.SampledFrom([]time.Duration{10 * time.Minute, bench.HoldTTL, 24 * time.Hour}).Draw(t, "wait"))
			},
			"jump": func(t *rapid.T) {
				if at := rapid.SampledFrom(modelInstants).Draw(t, "instant"); at.After(clk.Now()) {
					clk.Set(at)
				}
			},
			"": func(t *rapid.T) {
				// Both show the same days (not Month: mutex-map's expires
				// overdue holds as it reads), and both balance.
				for _, d := range modelDays {
					got, err := p.Day(kt.Office, d)
					require.NoError(t, err)
					want, err := ref.Day(kt.Office, d)
					require.NoError(t, err)
					require.Equal(t, want, got, "day %s", d)
				}
				got, err := p.Audit()
				require.NoError(t, err)
				want, err := ref.Audit()
				require.NoError(t, err)
				require.Zero(t, got.Violations)
				require.Equal(t, want, got)
			},
		})
	})
}

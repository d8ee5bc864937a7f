package bench

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// The floor runs the office and roomy rushes as kuota in memory does:
// every run balances, the same clients take the same seats from both,
// and at this scale both seat everyone. The scenarios it cannot run as
// kuota does are not run, and say so. One worker, so that the clients
// come in one order: with several, two families can race for a slot's
// last seats and one run out of retries, and which one differs from run
// to run (TestRuleLessSystemsNeverOversell races the floor).
func TestQuotaSeatsRunsTheRushes(t *testing.T) {
	results, err := Run(Scenarios, []string{KuotaMemory, QuotaSeats}, t.TempDir(), Config{Scale: 0.002, Seed: 1, Workers: 1})
	require.NoError(t, err)
	require.Len(t, results, 2*len(Scenarios))
	taken := map[string]map[string]int{}
	for _, r := range results {
		require.True(t, r.Correct(), "%+v", r)
		if taken[r.Scenario] == nil {
			taken[r.Scenario] = map[string]int{}
		}
		taken[r.Scenario][r.System] = r.Taken
		switch r.Scenario {
		case "office rush", "roomy rush":
			require.Equal(t, r.Applicants, r.Bookings, "%s on %s: %+v", r.Scenario, r.System, r.Refusals)
			require.Equal(t, r.Capacity, r.Taken+r.Left, r.Scenario)
		default:
			if r.System == QuotaSeats {
				require.Equal(t, notRunOnSeats, r.Note, r.Scenario)
				require.Zero(t, r.Applicants, r.Scenario)
			}
		}
	}
	for _, sc := range []string{"office rush", "roomy rush"} {
		require.Positive(t, taken[sc][QuotaSeats], sc)
		require.Equal(t, taken[sc][KuotaMemory], taken[sc][QuotaSeats], sc)
	}
}

// The floor keeps no bookings: every call on one is refused as
// unsupported, and a second registration of an office is refused.
func TestQuotaSeatsKeepsNoBookings(t *testing.T) {
	_, sys := testSystem(t, QuotaSeats)
	office := rushOffice("JKT", calendar.Jakarta())
	require.NoError(t, sys.Register(office))
	require.Error(t, sys.Register(office))
	day := calendar.NewDate(rushYear, rushMonth, 1)
	for name, err := range map[string]error{
		"pay":        sys.Pay(Ticket{}, "ref"),
		"cancel":     sys.Cancel(Ticket{}),
		"reschedule": sys.Reschedule(Ticket{}, day, rushSlot(0)),
		"check in":   sys.CheckIn(Ticket{}),
	} {
		require.ErrorIs(t, err, errors.ErrUnsupported, name)
	}
	require.NoError(t, sys.Sweep())
	_, err := sys.Hold(booking.HoldRequest{Account: "a", Office: "NOPE", Date: day, Slot: rushSlot(0), Pool: rushPool, Applicants: []booking.Applicant{{NIK: kt.NIK(t, 1)}}})
	require.ErrorIs(t, err, booking.ErrUnknownOffice)
	_, err = sys.Month("NOPE", rushYear, rushMonth)
	require.ErrorIs(t, err, booking.ErrUnknownOffice)
	_, err = sys.(dayStater).AppendDayIn(nil, office.Code, "no such pool", day)
	require.ErrorIs(t, err, booking.ErrUnknownPool)
}

package bench

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// The floor runs the rushes as kuota in memory does: the same clients
// take the same seats from it, every run balances, and the roomy rush
// books everyone. The scenarios that need bookings are not run on it, and
// say so.
func TestQuotaSeatsRunsTheRushes(t *testing.T) {
	results, err := Run(Scenarios, []string{KuotaMemory, QuotaSeats}, t.TempDir(), Config{Scale: 0.002, Seed: 1, Workers: 16})
	require.NoError(t, err)
	require.Len(t, results, 2*len(Scenarios))
	taken := map[string]map[string]int{}
	for _, r := range results {
		require.True(t, r.Correct(), "%+v", r)
		if r.System != QuotaSeats {
			continue
		}
		switch r.Scenario {
		case "steady day", "recovery":
			require.Equal(t, notRunOnSeats, r.Note, r.Scenario)
			require.Zero(t, r.Applicants, r.Scenario)
			continue
		case "roomy rush":
			require.Equal(t, r.Applicants, r.Bookings, "%+v", r.Refusals)
		}
		require.Positive(t, r.Bookings, r.Scenario)
		require.Equal(t, r.Capacity, r.Taken+r.Left, r.Scenario)
	}
	for _, r := range results {
		if taken[r.Scenario] == nil {
			taken[r.Scenario] = map[string]int{}
		}
		taken[r.Scenario][r.System] = r.Taken
	}
	// The office rush sells out whatever answers: its seats all go.
	require.Equal(t, taken["office rush"][KuotaMemory], taken["office rush"][QuotaSeats])
	require.Positive(t, taken["office rush"][QuotaSeats])
}

// The floor sells a cell's seats once, however many callers race for
// them, and its audit counts them: the ledger's one rule.
func TestQuotaSeatsNeverOversells(t *testing.T) {
	clk, sys := testSystem(t, QuotaSeats)
	office := rushOffice("JKT", calendar.Jakarta())
	require.NoError(t, sys.Register(office))
	clk.Set(rushRelease.ReleaseAt(calendar.NewDate(rushYear, rushMonth, 1), calendar.Jakarta()))
	day := calendar.NewDate(rushYear, rushMonth, 1)
	const callers, tries = 16, 20
	var mu sync.Mutex // guards held and other
	held, other := 0, 0
	var wg sync.WaitGroup
	for c := range callers {
		wg.Go(func() {
			for i := range tries {
				_, err := sys.Hold(holdFor("acct", day, 0, kt.NIK(t, c*tries+i)))
				mu.Lock()
				switch {
				case err == nil:
					held++
				case !errors.Is(err, quota.ErrFull):
					other++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.Zero(t, other)
	require.Equal(t, rushOnlineSeats[0], held)
	a := requireBalanced(t, sys)
	require.Equal(t, held, a.LiveBookings)
	require.Equal(t, held, a.Taken)
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

package bench

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// A hold refused on a full cell still returns the seats of the overdue
// holds it expired on the way, on every system: an expiry undone with the
// refusal would be found again, and undone again, by every later hold.
func TestFullCellKeepsItsExpiries(t *testing.T) {
	for _, kind := range AllSystems {
		t.Run(kind, func(t *testing.T) {
			clk := new(Clock)
			sys, err := NewSystem(kind, clk, t.TempDir(), 1, true)
			require.NoError(t, err)
			defer sys.Close()
			office := rushOffice("JKT", calendar.Jakarta())
			require.NoError(t, sys.Register(office))
			clk.Set(rushRelease.ReleaseAt(calendar.NewDate(rushYear, rushMonth, 1), calendar.Jakarta()))
			day := calendar.NewDate(rushYear, rushMonth, 1)

			n := 0
			hold := func(slot int) (Ticket, error) {
				n++
				return sys.Hold(booking.HoldRequest{
					Account: fmt.Sprint("acct", n), Office: office.Code, Date: day, Slot: slot, Pool: rushPool,
					Applicants: []booking.Applicant{{NIK: kt.NIK(t, n)}},
				})
			}
			for range rushOnlineSeats[0] { // slot 0 sold out, and paid
				tk, err := hold(0)
				require.NoError(t, err)
				require.NoError(t, sys.Pay(tk, "ref"))
			}
			_, err = hold(1) // a hold in slot 1, never paid
			require.NoError(t, err)
			left := func() int {
				v, err := sys.Day(office.Code, day)
				require.NoError(t, err)
				return v.Slots[1].Pools[rushPoolIndex].Left
			}
			require.Equal(t, rushOnlineSeats[1]-1, left())

			clk.Advance(holdTTL)
			_, err = hold(0)
			require.ErrorIs(t, err, quota.ErrFull)
			require.Equal(t, rushOnlineSeats[1], left(), "the overdue hold's seat is back")
			a, err := sys.Audit()
			require.NoError(t, err)
			require.Zero(t, a.Violations)
		})
	}
}

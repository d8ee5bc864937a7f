package bench

import (
	"errors"
	"fmt"
	"slices"
	"sync"
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
// The rule-less engine expires nothing on the way: its sweep does.
func TestFullCellKeepsItsExpiries(t *testing.T) {
	for _, kind := range AllSystems {
		t.Run(kind, func(t *testing.T) {
			clk, sys := testSystem(t, kind)
			office := rushOffice("JKT", calendar.Jakarta())
			require.NoError(t, sys.Register(office))
			clk.Set(rushRelease.ReleaseAt(calendar.NewDate(rushYear, rushMonth, 1), calendar.Jakarta()))
			day := calendar.NewDate(rushYear, rushMonth, 1)

			n := 0
			hold := func(slot int) (Ticket, error) {
				n++
				return sys.Hold(booking.HoldRequest{
					Account: fmt.Sprint("acct", n), Office: office.Code, Date: day, Slot: rushSlot(slot), Pool: rushPool,
					Applicants: []booking.Applicant{{NIK: kt.NIK(t, n)}},
				})
			}
			for range rushOnlineSeats[0] { // slot 0 sold out, and paid
				tk, err := hold(0)
				require.NoError(t, err)
				require.NoError(t, sys.Pay(tk, "ref"))
			}
			_, err := hold(1) // a hold in slot 1, never paid
			require.NoError(t, err)
			left := func() int {
				v, err := sys.Day(office.Code, day)
				require.NoError(t, err)
				return seatsLeft(v.Slots[1].Pools, rushPool)
			}
			require.Equal(t, rushOnlineSeats[1]-1, left())

			clk.Advance(holdTTL)
			_, err = hold(0)
			require.ErrorIs(t, err, quota.ErrFull)
			if kind == MutexNoRules {
				// The rule-less engine looks for lapsed holds only
				// when it sweeps, never on the way to a refusal.
				require.Equal(t, rushOnlineSeats[1]-1, left(), "not before the sweep")
				require.NoError(t, sys.Sweep())
			}
			require.Equal(t, rushOnlineSeats[1], left(), "the overdue hold's seat is back")
			a, err := sys.Audit()
			require.NoError(t, err)
			require.Zero(t, a.Violations)
		})
	}
}

// Every system answers a cell without quota, and a slot start no slot
// has, as kuota does: quota.ErrNoQuota and a yellow NoQuota day or slot in
// that pool, never a red Full one; booking.ErrUnknownSlot.
func TestNoQuotaAndSlotStarts(t *testing.T) {
	for _, kind := range append(slices.Clone(AllSystems), QuotaSeats) {
		t.Run(kind, func(t *testing.T) {
			clk, sys := testSystem(t, kind)
			office := rushOffice("JKT", calendar.Jakarta())
			for s := range office.Quota.Layout.Slots {
				office.Quota.Layout.Slots[s].Seats[1] = 0 // no walk-in quota at all
			}
			require.NoError(t, sys.Register(office))
			clk.Set(rushRelease.ReleaseAt(calendar.NewDate(rushYear, rushMonth, 1), calendar.Jakarta()))
			day := calendar.NewDate(rushYear, rushMonth, 1)

			tests := []struct {
				name       string
				slot, pool string
				want       error
			}{
				{"no walk-in quota", rushSlot(0), "walk-in", quota.ErrNoQuota},
				{"no slot starts then", "07:00", rushPool, booking.ErrUnknownSlot},
				{"slot never set", "", rushPool, booking.ErrUnknownSlot},
			}
			for i, tt := range tests {
				_, err := sys.Hold(booking.HoldRequest{
					Account: fmt.Sprint("acct", i), Office: office.Code, Date: day, Slot: tt.slot, Pool: tt.pool,
					Applicants: []booking.Applicant{{NIK: kt.NIK(t, i)}},
				})
				require.ErrorIs(t, err, tt.want, tt.name)
			}

			month, err := sys.Month(office.Code, rushYear, rushMonth)
			require.NoError(t, err)
			require.Equal(t, calendar.Available, month[0].State)
			require.Equal(t, calendar.Available, month[0].StateIn(rushPool))
			require.Equal(t, calendar.NoQuota, month[0].StateIn("walk-in"))
			require.Equal(t, calendar.Yellow, month[0].StateIn("walk-in").Color())
			v, err := sys.Day(office.Code, day)
			require.NoError(t, err)
			require.Equal(t, []string{rushPool, "walk-in"}, []string{v.Slots[0].Pools[0].Pool, v.Slots[0].Pools[1].Pool})
			require.Equal(t, calendar.NoQuota, v.Slots[0].StateIn("walk-in"))
			require.Equal(t, rushOnlineSeats[0], seatsLeft(v.Slots[0].Pools, rushPool))
		})
	}
}

// testSystem builds a system of kind on a clock of its own, with one
// unpaid hold per account and no fsync, closed when the test ends.
func testSystem(t *testing.T, kind string) (*Clock, System) {
	t.Helper()
	clk := new(Clock)
	sys, err := NewSystem(kind, clk, t.TempDir(), 1, true)
	require.NoError(t, err)
	t.Cleanup(func() { sys.Close() })
	return clk, sys
}

// The systems that keep none of kuota's rules but the seats' — the
// rule-less engine and the floor — sell a cell's seats once, however many
// callers race for them, and their audits count the seats sold (and the
// rule-less engine's, its bookings).
func TestRuleLessSystemsNeverOversell(t *testing.T) {
	for _, kind := range []string{MutexNoRules, QuotaSeats} {
		t.Run(kind, func(t *testing.T) {
			clk, sys := testSystem(t, kind)
			require.NoError(t, sys.Register(rushOffice("JKT", calendar.Jakarta())))
			clk.Set(rushRelease.ReleaseAt(calendar.NewDate(rushYear, rushMonth, 1), calendar.Jakarta()))
			day := calendar.NewDate(rushYear, rushMonth, 1)
			const callers, tries = 16, 20
			var mu sync.Mutex // guards held, holds and other
			held, holds, other := 0, 0, 0
			var wg sync.WaitGroup
			for c := range callers {
				wg.Go(func() {
					for i := range tries {
						n := 1 + (c+i)%3
						niks := make([]booking.NIK, n)
						for j := range niks {
							niks[j] = kt.NIK(t, (c*tries+i)*3+j)
						}
						_, err := sys.Hold(holdFor(fmt.Sprint("acct", c), day, 0, niks...))
						mu.Lock()
						switch {
						case err == nil:
							held += n
							holds++
						case !errors.Is(err, quota.ErrFull):
							other++
						}
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			require.Zero(t, other, "refusals other than full")
			v, err := sys.Day("JKT", day)
			require.NoError(t, err)
			require.Equal(t, rushOnlineSeats[0]-held, seatsLeft(v.Slots[0].Pools, rushPool))
			require.LessOrEqual(t, held, rushOnlineSeats[0])
			require.Greater(t, held, rushOnlineSeats[0]-3, "sold out but for less than the largest family")
			a := requireBalanced(t, sys)
			require.Equal(t, held, a.Taken)
			if kind == MutexNoRules {
				require.Equal(t, holds, a.LiveBookings)
			} else {
				require.Zero(t, a.LiveBookings, "the floor keeps no bookings")
			}
		})
	}
}

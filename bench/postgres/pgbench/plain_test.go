package pgbench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/bench"
	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// The SQL spells the states as literals; they must be booking's.
func TestStateLiterals(t *testing.T) {
	tests := []struct {
		give string
		want booking.State
	}{
		{sqlHeld, booking.Held},
		{sqlPaid, booking.Paid},
		{sqlCheckedIn, booking.CheckedIn},
	}
	for _, tt := range tests {
		require.Equal(t, fmt.Sprint(uint8(tt.want)), tt.give, tt.want.String())
	}
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name string
		give Options
		want int // MaxConns after the defaults
		err  error
	}{
		{"defaults", Options{DSN: "host=127.0.0.1"}, DefaultMaxConns, nil},
		{"set", Options{DSN: "host=127.0.0.1", MaxConns: 8}, 8, nil},
		{"no DSN", Options{}, 0, ErrNoDSN},
		{"negative", Options{DSN: "host=127.0.0.1", MaxConns: -1}, 0, ErrMaxConns},
		{"too many", Options{DSN: "host=127.0.0.1", MaxConns: MaxConnsLimit + 1}, 0, ErrMaxConns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := tt.give.check()
			require.ErrorIs(t, err, tt.err)
			if tt.err == nil {
				require.Equal(t, tt.want, o.MaxConns)
			}
		})
	}
	_, err := OpenPlain(new(bench.Clock), 1, false, nil)
	require.ErrorIs(t, err, ErrNoDSN)
}

// The plain system runs the scenarios through bench, registered as
// PlainKind, and every run balances its books: nothing oversold, seats
// taken plus seats left equal to capacity, and every applicant a
// different person.
func TestPlainPassesTheAudit(t *testing.T) {
	needPostgres(t)
	require.True(t, registered)
	tests := []struct {
		scenario string
		scale    float64
	}{
		{"rush", 0.01},      // 1,000 applicants for 6,600 seats
		{"national", 0.002}, // 2,000 applicants in three waves
		{"steady", 0.002},   // every operation: pay, reschedule, cancel, check in, sweep
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			results, err := bench.Run([]string{tt.scenario}, []string{PlainKind}, t.TempDir(),
				bench.Config{Scale: tt.scale, Seed: 1, Workers: 64})
			require.NoError(t, err)
			require.Len(t, results, 1)
			r := results[0]
			require.True(t, r.Correct(), "%+v", r)
			require.Positive(t, r.Bookings)
			require.Equal(t, r.Capacity, r.Taken+r.Left)
			_, nikBooked, _ := strings.Cut(booking.ErrNIKBooked.Error(), ": ") // as bench names it
			require.Zero(t, r.Refusals[nikBooked], "%+v", r.Refusals)
			for reason := range r.Refusals {
				require.NotContains(t, reason, "error:", "%+v", r.Refusals)
			}
		})
	}
}

// Races of 64 callers, each on a fresh cell of 10 seats: for the seats
// (exactly 10 get one, the others are told the slot is full), for one NIK
// (one booking), for one account's single unpaid hold (one). The cells
// and the bookings agree after each.
func TestPlainRaces(t *testing.T) {
	const seats, callers = 10, 64
	clk := new(bench.Clock)
	p := openPlain(t, clk, 1, callers) // every caller in a transaction at once
	cfg := kt.OfficeConfig(t)
	for s := range cfg.Quota.Layout.Slots {
		cfg.Quota.Layout.Slots[s].Seats = []int{seats, 0}
	}
	require.NoError(t, p.Register(cfg))
	clk.Set(kt.T1)

	tests := []struct {
		name    string
		day     calendar.Date
		slot    int
		account func(i int) string
		nik     func(i int) int
		want    int   // holds made
		refusal error // everyone else's
	}{
		{"seats", kt.Dec10, 0, func(i int) string { return fmt.Sprint("seats-", i) }, func(i int) int { return 1000 + i }, seats, quota.ErrFull},
		{"seats again", kt.Dec10, 1, func(i int) string { return fmt.Sprint("again-", i) }, func(i int) int { return 2000 + i }, seats, quota.ErrFull},
		{"one NIK", kt.Dec11, 0, func(i int) string { return fmt.Sprint("nik-", i) }, func(int) int { return 3000 }, 1, booking.ErrNIKBooked},
		{"one account", kt.Dec11, 1, func(int) string { return "one-account" }, func(i int) int { return 4000 + i }, 1, booking.ErrTooManyHolds},
	}
	taken := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var held atomic.Int64
			errs := make([]error, callers)
			reqs := make([]booking.HoldRequest, callers)
			for i := range reqs {
				reqs[i] = booking.HoldRequest{
					Account: tt.account(i), Office: kt.Office, Date: tt.day, Slot: []string{kt.Slot0, kt.Slot1}[tt.slot],
					Pool: kt.Online, Applicants: kt.Applicants(t, tt.nik(i), 1),
				}
			}
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range callers {
				wg.Go(func() {
					<-start
					if _, errs[i] = p.Hold(reqs[i]); errs[i] == nil {
						held.Add(1)
					}
				})
			}
			close(start)
			wg.Wait()
			require.EqualValues(t, tt.want, held.Load())
			for _, err := range errs {
				if err != nil {
					require.ErrorIs(t, err, tt.refusal)
				}
			}

			taken += tt.want
			v, err := p.Day(kt.Office, tt.day)
			require.NoError(t, err)
			require.Equal(t, seats-tt.want, v.Slots[tt.slot].Pools[0].Left)
			a, err := p.Audit()
			require.NoError(t, err)
			require.Zero(t, a.Violations)
			require.Equal(t, taken, a.Taken)
			require.Equal(t, taken, a.LiveBookings)
		})
	}
}

// Close drops the system's schema and everything in it.
func TestPlainCloseDropsItsSchema(t *testing.T) {
	opts := needPostgres(t)
	p, err := OpenPlain(new(bench.Clock), 1, false, opts)
	require.NoError(t, err)
	schema := p.Schema()
	require.Regexp(t, `^kuota_plain_[0-9a-f]{16}$`, schema)
	require.NoError(t, p.Register(kt.OfficeConfig(t)))
	require.NoError(t, p.Close())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, opts.DSN)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM pg_namespace WHERE nspname = $1`, schema).Scan(&n))
	require.Zero(t, n)
}

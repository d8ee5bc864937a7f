package bench

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Without an opening window the earliest arrivals always win; with one
// they win about their fair share; no seat is oversold either way.
func TestFairness(t *testing.T) {
	ctx := context.Background()
	cfg := FairnessConfig{Arrivals: 2_000, Seats: 100, Runs: 3}
	fcfs, err := Fairness(ctx, cfg)
	require.NoError(t, err)
	t.Log(fcfs)
	require.Equal(t, fcfs.EarlyTries, fcfs.EarlyWins, "first come, first served: the earliest 1% always win")
	require.Equal(t, 3*cfg.Seats, fcfs.Booked)
	require.Zero(t, fcfs.Oversold)

	cfg.Window = time.Minute
	fair, err := Fairness(ctx, cfg)
	require.NoError(t, err)
	t.Log(fair)
	require.Equal(t, 3*cfg.Seats, fair.Booked)
	require.Zero(t, fair.Oversold)
	// 60 early tries at a 5% chance: 3 wins expected; 15 or more has a
	// probability under one in a million.
	require.Less(t, fair.EarlyWins, 15, "the earliest 1%% won %d of %d", fair.EarlyWins, fair.EarlyTries)
}

func TestFairnessRefusesABadConfig(t *testing.T) {
	for _, cfg := range []FairnessConfig{
		{Arrivals: 10, Seats: 1, Runs: 1},
		{Arrivals: 1000, Seats: 0, Runs: 1},
		{Arrivals: 1000, Seats: 10, Runs: 0},
		{Arrivals: 1000, Seats: 10, Runs: 1, Window: time.Hour},
	} {
		_, err := Fairness(context.Background(), cfg)
		require.Error(t, err, "%+v", cfg)
	}
}

// BenchmarkOpeningFairness measures the earliest 1%'s advantage over their
// fair share (1 is fair) and the seats oversold, with and without an
// opening window: 10,000 arrivals for 300 seats.
func BenchmarkOpeningFairness(b *testing.B) {
	for _, window := range []time.Duration{0, time.Minute} {
		name := "fcfs"
		if window > 0 {
			name = "window=" + window.String()
		}
		b.Run(name, func(b *testing.B) {
			var total FairnessResult
			for b.Loop() {
				r, err := Fairness(context.Background(), FairnessConfig{Arrivals: 10_000, Seats: 300, Window: window, Runs: 1})
				if err != nil {
					b.Fatal(err)
				}
				total.EarlyWins += r.EarlyWins
				total.EarlyTries += r.EarlyTries
				total.FairShare = r.FairShare
				total.Oversold += r.Oversold
			}
			b.ReportMetric(total.Advantage(), "early-advantage")
			b.ReportMetric(float64(total.Oversold), "oversold")
		})
	}
}

package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// The fairness of an opening: who gets the seats when more people arrive
// in the first minute than there are seats. Without an opening window the
// first requests win, and the first requests are the scripts'; with one
// (booking.OfficeConfig.OpeningWindow) every arrival in the window has the
// same chance. Fairness measures how often the earliest 1% of arrivals
// win, against their fair share (seats ÷ arrivals), with and without the
// window, and audits every cell: no seat oversold either way.

// FairnessConfig is one measurement of an opening's fairness.
type FairnessConfig struct {
	Arrivals int           // applicants arriving in the first minute, one seat each
	Seats    int           // seats on offer: one day, one slot, one pool
	Window   time.Duration // the office's opening window; 0 for first come, first served
	Runs     int           // repetitions (each with its own draw), at least 1
}

// FairnessResult is what Fairness measured over every run.
type FairnessResult struct {
	Config FairnessConfig
	// EarlyWins is how many of the earliest 1% of arrivals got a seat,
	// over all runs, and EarlyTries how many tried.
	EarlyWins, EarlyTries int
	// FairShare is seats ÷ arrivals: what any arrival's chance should be.
	FairShare float64
	// Booked is the seats sold over all runs; Oversold the seats sold
	// beyond the offer, by the engine's own Check and the count of holds.
	Booked, Oversold int
}

// EarlyRate is the earliest 1%'s chance of a seat.
func (r FairnessResult) EarlyRate() float64 {
	return float64(r.EarlyWins) / float64(max(r.EarlyTries, 1))
}

// Advantage is EarlyRate over the fair share: 1 is fair, 1/FairShare
// means the earliest always win.
func (r FairnessResult) Advantage() float64 { return r.EarlyRate() / r.FairShare }

func (r FairnessResult) String() string {
	mode := "first come, first served"
	if r.Config.Window > 0 {
		mode = fmt.Sprintf("opening window %v", r.Config.Window)
	}
	return fmt.Sprintf("%s: the earliest 1%% won %d of %d tries (%.1f%%), fair share %.1f%%: %.2f× fair; %d seats booked, %d oversold",
		mode, r.EarlyWins, r.EarlyTries, 100*r.EarlyRate(), 100*r.FairShare, r.Advantage(), r.Booked, r.Oversold)
}

// fairnessOpens is the release instant of the measured day.
var fairnessOpens = time.Date(2026, time.November, 1, 8, 0, 0, 0, calendar.Jakarta())

// Fairness runs cfg.Runs openings on in-memory engines at a fake clock:
// the arrivals come in order during the first half of the window (a
// second apart at most), the earliest 1% first, and are served as the
// office serves them.
func Fairness(ctx context.Context, cfg FairnessConfig) (FairnessResult, error) {
	if cfg.Arrivals < 100 || cfg.Seats < 1 || cfg.Seats > quota.CellSeatsMax || cfg.Runs < 1 || cfg.Window < 0 || cfg.Window > booking.OpeningWindowMax {
		return FairnessResult{}, fmt.Errorf("bench: fairness: a config of %+v", cfg)
	}
	r := FairnessResult{Config: cfg, FairShare: float64(min(cfg.Seats, cfg.Arrivals)) / float64(cfg.Arrivals)}
	for run := range cfg.Runs {
		if err := fairnessRun(ctx, cfg, run, &r); err != nil {
			return r, err
		}
	}
	return r, nil
}

// fairnessRun is one opening. Each run has its own engine, and so its own
// code keys and draw seed.
func fairnessRun(ctx context.Context, cfg FairnessConfig, run int, r *FairnessResult) error {
	clk := &Clock{}
	clk.Set(fairnessOpens)
	e, err := booking.New(&booking.Options{Now: clk.Now, NoSweeper: true, BookingsMax: cfg.Arrivals + 1})
	if err != nil {
		return err
	}
	defer e.Close()
	office := rushOffice("JKT", calendar.Jakarta())
	office.OpeningWindow = cfg.Window
	office.Quota.Layout = quota.Layout{Pools: []string{rushPool}, Slots: []quota.Slot{{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{cfg.Seats}}}}
	if err := e.RegisterOffice(ctx, office); err != nil {
		return err
	}
	day := calendar.NewDate(2026, time.December, 10)
	early := max(1, cfg.Arrivals/100)
	won := make([]bool, cfg.Arrivals)
	hold := func(i int) (booking.Booking, error) {
		return e.Hold(ctx, booking.HoldRequest{
			Account: fmt.Sprintf("run%d-applicant%d", run, i), Office: "JKT", Date: day, Slot: "08:00", Pool: rushPool,
			Applicants: []booking.Applicant{{NIK: nikFor(uint64(i))}},
		})
	}
	results := make(chan error, cfg.Arrivals)
	spacing := min(time.Second, cfg.Window/time.Duration(2*cfg.Arrivals))
	for i := range cfg.Arrivals {
		if cfg.Window == 0 {
			_, err := hold(i) // first come, first served: in order of arrival
			won[i] = err == nil
			results <- err
			continue
		}
		clk.Advance(spacing)
		go func() {
			_, err := hold(i)
			won[i] = err == nil // read after every result is in
			results <- err
		}()
	}
	if cfg.Window > 0 {
		if err := waitEntrants(ctx, e, cfg.Arrivals); err != nil {
			return err
		}
		clk.Set(fairnessOpens.Add(cfg.Window))
		if _, err := e.RunDueDraws(ctx); err != nil {
			return err
		}
	}
	for range cfg.Arrivals {
		if err := <-results; err != nil && !errors.Is(err, quota.ErrFull) {
			return fmt.Errorf("bench: fairness: a hold: %w", err)
		}
	}
	booked := 0
	for i, w := range won {
		if w {
			booked++
			if i < early {
				r.EarlyWins++
			}
		}
	}
	r.EarlyTries += early
	r.Booked += booked
	r.Oversold += max(0, booked-cfg.Seats)
	violations, err := e.Check(ctx)
	if err != nil {
		return err
	}
	if len(violations) > 0 {
		r.Oversold += len(violations)
		return fmt.Errorf("bench: fairness: %v", violations[0])
	}
	return nil
}

// waitEntrants waits, at most a minute, until n holds are in the draw.
func waitEntrants(ctx context.Context, e *booking.Engine, n int) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		d, err := e.Draw(ctx, "JKT", fairnessOpens)
		if err != nil {
			return err
		}
		if d.Entrants == n {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("bench: fairness: %d entrants did not all enter the draw in a minute", n)
}

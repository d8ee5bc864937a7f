package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/calendar/idholiday"
	"github.com/kuota/kuota/internal/grid"
	"github.com/kuota/kuota/internal/term"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

const (
	// rushWorkers is how many applicants are at their keyboards at once.
	// Sixty-four keeps two cores busy while some of them wait for an
	// fsync, and is enough to make them collide on the last seats.
	rushWorkers = 64
	// triesMax is how often an applicant who loses a race for a slot
	// (ErrFull) looks again before giving up, as a person would.
	triesMax = 3
	// paysPercent of the families that get a slot pay at once; the others
	// walk away and let their billing code lapse two hours later.
	paysPercent = 60
)

// familySizePercent is how likely each family size is, 1 to 5: mostly
// people booking for themselves or a couple, some whole families.
var familySizePercent = [booking.ApplicantsMax]int{45, 25, 13, 10, 7}

// applicant is one family in the rush.
type applicant struct {
	account string
	niks    []booking.NIK
	pays    bool
}

// outcome is how an applicant's rush ended.
type outcome uint8

const (
	booked    outcome = iota
	soldOut           // no green day left in the month
	noFit             // green days left, but no slot with seats for the whole family
	gaveUp            // lost the race for a slot triesMax times
	nikBooked         // a NIK still booked by an earlier run on the same file
	outcomes
)

// outcomeText says what a family met, after its count ("18361 found
// December sold out").
var outcomeText = [outcomes]string{
	booked:    "booked",
	soldOut:   "found December sold out",
	noFit:     "found no slot for the whole family",
	gaveUp:    fmt.Sprintf("lost the race %d times and gave up", triesMax),
	nikBooked: "had a NIK already booked",
}

// rushTally counts what happened, from every worker at once.
type rushTally struct {
	outcomes [outcomes]atomic.Int64
	seats    atomic.Int64 // seats taken by the bookings
	paid     atomic.Int64
	lost     atomic.Int64 // holds refused with ErrFull: races lost to a faster applicant
	done     atomic.Int64 // applicants served, for the progress bar

	mu  sync.Mutex // guards err
	err error      // the first unexpected error, which ends the rush
}

func (t *rushTally) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err == nil {
		t.err = err
	}
}

// makeApplicants draws the rush's families. It runs before the rush, on
// one goroutine, so the same seed makes the same people.
func (s *story) makeApplicants() []applicant {
	out := make([]applicant, s.cfg.applicants)
	for i := range out {
		n, roll := 1, s.niks.rng.IntN(100)
		for _, p := range familySizePercent {
			if roll < p {
				break
			}
			roll -= p
			n++
		}
		out[i] = applicant{
			account: fmt.Sprintf("applicant-%06d", i+1),
			niks:    s.niks.family(n),
			pays:    s.niks.rng.IntN(100) < paysPercent,
		}
	}
	return out
}

// rush runs the opening: every applicant arrives at 08:00 sharp.
func (s *story) rush() error {
	s.p.section(4, "The opening rush")
	applicants := s.makeApplicants()
	if _, err := s.at(start.Add(5 * time.Minute)); err != nil {
		return err
	}
	people := 0
	for _, a := range applicants {
		people += len(a.niks)
	}
	workers := min(rushWorkers, len(applicants))
	s.p.line("%s (%s) %s the app at 08:00 WIB for Jakarta Selatan. %s %s them,",
		count(int64(len(applicants)), "family", "families"), count(int64(people), "person", "people"),
		verb(len(applicants), "opens", "open"), count(int64(workers), "goroutine", "goroutines"), verb(workers, "plays", "play"))
	s.p.line("one family at a time each: read the online month (Engine.MonthIn), take the earliest green day")
	s.p.line("with seats for the whole family, a slot on it (Engine.DayIn), and Hold; on quota.ErrFull look")
	s.p.line("again, %d tries in all.", triesMax)
	s.p.line("About %d in 10 families pay at once (Engine.Pay); the rest walk away from their billing code.", paysPercent/10)

	var tally rushTally
	// The progress bar goes to a terminal only: a pipe or a file would
	// just collect carriage returns.
	var bar io.Writer
	if term.IsTerminal(s.stderr) {
		bar = s.stderr
	}
	stopProgress := term.StartProgress(bar, "rush", len(applicants), func() int { return int(tally.done.Load()) }, 0)
	began := time.Now()
	s.runRush(applicants, &tally)
	elapsed := time.Since(began)
	stopProgress()
	if tally.err != nil {
		return tally.err
	}
	return s.afterRush(&tally, elapsed)
}

// runRush serves every applicant on a pool of goroutines.
func (s *story) runRush(applicants []applicant, tally *rushTally) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(rushWorkers, len(applicants)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(applicants) || s.ctx.Err() != nil {
					return
				}
				o, err := s.serve(&applicants[i], tally)
				if err != nil {
					tally.fail(err)
					return
				}
				tally.outcomes[o].Add(1)
				tally.done.Add(1)
			}
		})
	}
	wg.Wait()
	if err := s.ctx.Err(); err != nil {
		tally.fail(err)
	}
}

// serve plays one applicant. Refusals are outcomes; an error is anything
// a rush should not meet (a failing disk, an interrupt).
func (s *story) serve(a *applicant, tally *rushTally) (outcome, error) {
	people := make([]booking.Applicant, len(a.niks))
	for i, nik := range a.niks {
		people[i] = booking.Applicant{NIK: nik}
	}
	for range triesMax {
		date, slot, o, err := s.choose(len(people))
		if err != nil || o != booked {
			return o, err
		}
		b, err := s.e.Hold(s.ctx, booking.HoldRequest{
			Account: a.account, Office: jakarta, Date: date, Slot: slot, Pool: onlinePool, Applicants: people,
		})
		switch {
		case errors.Is(err, quota.ErrFull):
			tally.lost.Add(1)
			continue // someone was faster: look at the calendar again
		case errors.Is(err, booking.ErrNIKBooked), errors.Is(err, reschedule.ErrReapplyTooSoon):
			return nikBooked, nil
		case err != nil:
			return 0, fmt.Errorf("rush hold: %w", err)
		}
		tally.seats.Add(int64(len(people)))
		if a.pays {
			if _, err := s.e.Pay(s.ctx, b.BillingCode, "bank-"+b.BillingCode); err != nil {
				return 0, fmt.Errorf("rush payment: %w", err)
			}
			tally.paid.Add(1)
		}
		return booked, nil
	}
	return gaveUp, nil
}

// choose finds the earliest slot in Jakarta's December with n online
// seats left, as a person scanning the app's calendar would: the online
// pool's own views, whose State and Left count online seats only. It
// returns the slot's start, as Hold takes it.
func (s *story) choose(n int) (calendar.Date, string, outcome, error) {
	days, err := s.e.MonthIn(s.ctx, jakarta, onlinePool, 2026, time.December)
	if err != nil {
		return calendar.Date{}, "", 0, err
	}
	green := false
	for i := range days {
		d := &days[i]
		if d.State != calendar.Available {
			continue
		}
		green = true
		// Left counts the seats of every bookable slot of the day: fewer
		// than n, and no slot can have n, so skip the day view.
		if d.Left < n {
			continue
		}
		v, err := s.e.DayIn(s.ctx, jakarta, onlinePool, d.Date)
		if err != nil {
			return calendar.Date{}, "", 0, err
		}
		for j := range v.Slots {
			sl := &v.Slots[j]
			if sl.State == calendar.Available && sl.Pools[0].Left >= n {
				return d.Date, quota.FormatClock(sl.Start), booked, nil
			}
		}
	}
	if !green {
		return calendar.Date{}, "", soldOut, nil
	}
	return calendar.Date{}, "", noFit, nil
}

// afterRush reports the rush and shows the month again.
func (s *story) afterRush(tally *rushTally, elapsed time.Duration) error {
	n := tally.outcomes[booked].Load()
	var refused []string
	for o := booked + 1; o < outcomes; o++ {
		if c := tally.outcomes[o].Load(); c > 0 {
			refused = append(refused, fmt.Sprintf("%d %s", c, outcomeText[o]))
		}
	}
	without := "every family got one"
	if len(refused) > 0 {
		without = "without a booking: " + strings.Join(refused, ", ")
	}
	secs := elapsed.Seconds()
	s.p.varies("%s (%s, %d paid); %s for a slot lost (ErrFull) and retried; %s",
		count(n, "booking", "bookings"), count(tally.seats.Load(), "seat", "seats"), tally.paid.Load(),
		count(tally.lost.Load(), "race", "races"), without)
	s.p.varies("%.2f s: %.0f bookings/s, every one on disk before its Hold returned; %.0f families answered/s",
		secs, float64(n)/secs, float64(tally.done.Load())/secs)

	online, err := s.e.MonthIn(s.ctx, jakarta, onlinePool, 2026, time.December)
	if err != nil {
		return err
	}
	all, err := s.e.Month(s.ctx, jakarta, 2026, time.December)
	if err != nil {
		return err
	}
	left, capacity := 0, 0
	for _, d := range online {
		// A MonthIn day names its one pool: the online one.
		for _, p := range d.Pools {
			left += p.Left
			capacity += p.Capacity
		}
	}
	s.p.line("December's online pool in Jakarta: %d seats offered, %d left. Which families won the last", capacity, left)
	s.p.line("seats depends on the scheduler; that no seat went twice does not (Engine.Check, at the end).")
	s.p.line("")
	s.p.grids(s.cfg.style,
		[]string{grid.Title(2026, time.December, jakarta) + ", online", grid.Title(2026, time.December, jakarta) + ", walk-in"},
		[][]quota.DayView{online, all}, []string{"", walkInPool})
	s.p.line("")
	if left == 0 {
		s.p.line("Online (Engine.MonthIn), December is red.")
	} else {
		s.p.line("Online (Engine.MonthIn), December still has seats: %s %s too few to sell it out.",
			count(int64(s.cfg.applicants), "family", "families"), verb(s.cfg.applicants, "was", "were"))
	}
	s.p.line("The walk-in counter's quota is a separate pool and still green: Engine.Month counts every")
	s.p.line("pool, and DayView.StateIn(\"walk-in\") reads one of them by name.")
	return s.january()
}

// january says why January is yellow: its quota opens on 1 December,
// and its year has no holiday data.
func (s *story) january() error {
	jan, err := s.e.DayIn(s.ctx, jakarta, onlinePool, januaryDay)
	if err != nil {
		return err
	}
	if jan.Reason != calendar.NoHolidayDataReason {
		s.p.line("January stays yellow until its quota opens on 1 December.")
		return nil
	}
	found, err := s.e.HolidayGaps(s.ctx)
	if err != nil {
		return err
	}
	var gaps []string
	for _, g := range found {
		gaps = append(gaps, fmt.Sprintf("%s %v", g.Office, g.Years))
	}
	years := idholiday.Years()
	s.p.line("January is yellow too, and would stay so after its release on 1 December: kuota ships the")
	s.p.line("holidays of %d to %d, and a service day of a year without holiday data is not opened,", years[0], years[len(years)-1])
	s.p.line("with the reason %q (DayView.Reason), until the office", jan.Reason)
	s.p.line("is registered again with that year's decree (package idholiday loads one from a CSV): a")
	s.p.line("holiday of %d must not be booked by mistake. Engine.HolidayGaps names the gaps:", januaryDay.Year())
	s.p.line("  %s", strings.Join(gaps, ", "))
	return nil
}

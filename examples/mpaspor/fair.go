package main

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/examples/internal/demo"
	"github.com/kuota/kuota/quota"
)

// The fair opening: one release sold twice, to the same applicants
// arriving in the same order, first come first served and then through
// an opening draw, each on an in-memory engine of its own (the story's
// file is left alone). What is measured is what the draw is for: how
// often the earliest arrivals — the scripts — win, against the share of
// the seats everyone would get if arrival order did not matter.
const (
	// fairApplicants arrive for fairSeats seats: a fair share of 10%.
	fairApplicants = 5000
	fairSeats      = 500
	// fairEarliest is the earliest 1% of arrivals.
	fairEarliest = fairApplicants / 100
	// fairWindow is the office's opening window in the second sale.
	fairWindow = time.Minute
	// fairArrivalGap is the time between two arrivals: all 5000 within
	// 25 seconds of the release, inside the window.
	fairArrivalGap = 5 * time.Millisecond
)

// fairOffice is the office of both sales: one slot of fairSeats online
// seats a day, each day released the day before at 08:00 WIB.
const fairOffice = "JKT-UTARA"

// fairDay is the day both sales sell, and fairRelease its release.
var (
	fairDay     = calendar.NewDate(2026, time.December, 22)
	fairRelease = time.Date(2026, time.December, 21, 8, 0, 0, 0, calendar.Jakarta())
)

// fairResult is how one sale went.
type fairResult struct {
	won         int // bookings made
	earliestWon int // of them, by the earliest fairEarliest arrivals
	violations  int // Engine.Check's, after the sale
	draw        booking.Draw
}

// fairOpening tells the two sales side by side.
func (s *story) fairOpening() error {
	s.p.section(9, "A fair opening: the same rush without and with an opening window")
	people := make([][]booking.Applicant, fairApplicants)
	for i := range people {
		people[i] = []booking.Applicant{{NIK: s.niks.family(1)[0]}}
	}
	s.p.line("At an opening the first requests win by network luck, which scripts exploit. An office may")
	s.p.line("set an opening window (OfficeConfig.OpeningWindow): the holds that arrive in its first")
	s.p.line("minute are collected and admitted in a random order, from a seed whose SHA-256 the office")
	s.p.line("publishes before the window (Engine.Draw) and reveals after it, so that anyone can audit the")
	s.p.line("order (booking.VerifyDraw). Here %d applicants arrive one after another, %d ms apart, for the",
		fairApplicants, fairArrivalGap.Milliseconds())
	s.p.line("%d seats of one day at %s, sold twice on fresh engines: first come, first served, then",
		fairSeats, fairOffice)
	s.p.line("through an opening window of %s:", span(fairWindow))
	began := time.Now()
	fcfs, err := s.fairSale(people, 0)
	if err != nil {
		return err
	}
	drawn, err := s.fairSale(people, fairWindow)
	if err != nil {
		return err
	}
	elapsed := time.Since(began)
	share := 100 * fairSeats / fairApplicants
	s.p.line("")
	s.p.line("  %-26s %6s  %-26s  %-10s  %s", "", "seats", "the earliest 1% won", "fair share", "oversold")
	for _, r := range []struct {
		name string
		res  fairResult
	}{{"first come, first served", fcfs}, {"opening window of " + span(fairWindow), drawn}} {
		s.p.line("  %-26s %6d  %-26s  %-10s  %d", r.name, r.res.won,
			fmt.Sprintf("%d of %d (%d%%)", r.res.earliestWon, fairEarliest, 100*r.res.earliestWon/fairEarliest),
			fmt.Sprintf("%d%%", share), max(0, r.res.won-fairSeats))
	}
	s.p.line("")
	if err := booking.VerifyDraw(drawn.draw); err != nil {
		return fmt.Errorf("the draw does not verify: %w", err)
	}
	s.p.line("First come, first served, the earliest arrivals take every seat they ask for. In the draw they")
	s.p.line("win about their fair share, like everyone. Neither sale sells a seat twice: %d seats, %d",
		fairSeats, fairSeats)
	s.p.line("bookings, and Engine.Check finds %s after each. The draw's commitment",
		count(int64(fcfs.violations+drawn.violations), "violation", "violations"))
	s.p.line("%x… was published from %s;", drawn.draw.Commitment[:8], when(drawn.draw.Opens))
	s.p.line("after %s its seed was revealed, and booking.VerifyDraw recomputes the order of its %d",
		hhmm(drawn.draw.Closes), drawn.draw.Entrants)
	s.p.line("tickets from it.")
	s.p.varies("both sales in %.2f s", elapsed.Seconds())
	return nil
}

// fairSale sells fairOffice's day to people, in their order, on a new
// in-memory engine whose office has the opening window given (0: none).
func (s *story) fairSale(people [][]booking.Applicant, window time.Duration) (fairResult, error) {
	var res fairResult
	clock := &fakeClock{}
	clock.set(fairRelease)
	e, err := booking.New(&booking.Options{Now: clock.Now, NoSweeper: true, Rand: seededReader(s.cfg.seed)})
	if err != nil {
		return res, err
	}
	defer e.Close()
	layout := demo.Layout(demo.Seats{})
	layout.Slots = []quota.Slot{{Start: 8 * time.Hour, End: 16 * time.Hour, Seats: []int{fairSeats, 0, 0, 0}}}
	err = e.RegisterOffice(s.ctx, booking.OfficeConfig{
		Code: fairOffice, Name: "Kantor Imigrasi Jakarta Utara", OpeningWindow: window,
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: calendar.Jakarta(), Holidays: mustHolidays()},
			Layout:   layout,
			Release:  quota.ReleaseRule{Every: quota.Daily, Lead: 1, At: 8 * time.Hour},
			First:    fairDay.AddDays(-7),
			Days:     14,
		},
	})
	if err != nil {
		return res, fmt.Errorf("the fair opening's office: %w", err)
	}
	if window == 0 {
		err = s.fairFirstCome(e, clock, people, &res)
	} else {
		err = s.fairDraw(e, clock, people, window, &res)
	}
	if err != nil {
		return res, err
	}
	vs, err := e.Check(s.ctx)
	res.violations = len(vs)
	return res, err
}

// fairHold is applicant i's hold.
func fairHold(i int, people []booking.Applicant) booking.HoldRequest {
	return booking.HoldRequest{
		Account: fmt.Sprintf("fair-%05d", i+1), Office: fairOffice, Date: fairDay, Slot: "08:00",
		Pool: onlinePool, Applicants: people,
	}
}

// fairFirstCome serves each applicant as it arrives.
func (s *story) fairFirstCome(e *booking.Engine, clock *fakeClock, people [][]booking.Applicant, res *fairResult) error {
	for i := range people {
		clock.set(fairRelease.Add(time.Duration(i) * fairArrivalGap))
		_, err := e.Hold(s.ctx, fairHold(i, people[i]))
		switch {
		case errors.Is(err, quota.ErrFull):
			continue
		case err != nil:
			return fmt.Errorf("first come, first served: %w", err)
		}
		res.won++
		if i < fairEarliest {
			res.earliestWon++
		}
	}
	return nil
}

// fairDraw has every applicant enter the draw in the order of arrival,
// each Hold waiting on its own goroutine, then closes the window and runs
// the draw. A ticket is the place in the order of arrival, so the
// earliest 1% hold tickets 1 to fairEarliest.
func (s *story) fairDraw(e *booking.Engine, clock *fakeClock, people [][]booking.Applicant, window time.Duration, res *fairResult) error {
	type answer struct {
		b   booking.Booking
		err error
	}
	answers := make(chan answer, len(people))
	var wg sync.WaitGroup
	for i := range people {
		clock.set(fairRelease.Add(time.Duration(i) * fairArrivalGap))
		wg.Go(func() {
			b, err := e.Hold(s.ctx, fairHold(i, people[i]))
			answers <- answer{b, err}
		})
	}
	// Every hold is in the draw before the window closes.
	for {
		d, err := e.Draw(s.ctx, fairOffice, fairRelease)
		if err != nil {
			return err
		}
		if d.Entrants == len(people) {
			break
		}
		if err := s.ctx.Err(); err != nil {
			return err
		}
		runtime.Gosched()
	}
	clock.set(fairRelease.Add(window))
	if _, err := e.RunDueDraws(s.ctx); err != nil {
		return err
	}
	wg.Wait()
	close(answers)
	for a := range answers {
		var de *booking.DrawError
		switch {
		case a.err == nil:
			res.won++
			if a.b.DrawTicket <= fairEarliest {
				res.earliestWon++
			}
		case errors.As(a.err, &de) && errors.Is(a.err, quota.ErrFull):
		default:
			return fmt.Errorf("opening draw: %w", a.err)
		}
	}
	var err error
	res.draw, err = e.Draw(s.ctx, fairOffice, fairRelease)
	return err
}

// mustHolidays is the shipped holiday data, which cannot fail to load.
func mustHolidays() calendar.Holidays {
	h, err := demo.Holidays()
	if err != nil {
		panic(err) // the embedded data: a bug in the build
	}
	return h
}

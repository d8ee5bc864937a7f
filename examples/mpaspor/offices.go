package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/examples/internal/demo"
	"github.com/kuota/kuota/internal/grid"
	"github.com/kuota/kuota/quota"
)

// Office codes, as demo.Offices names them.
const (
	jakarta  = "JKT-SEL"
	makassar = "MKS"
	jayapura = "JPR"
)

// offices registers the three demo offices and shows when each releases
// December: the same wall-clock time, three different instants.
func (s *story) offices() error {
	s.p.section(2, "Three offices, three time zones")
	cfgs, err := demo.Configs(seats, release, windowFirst, windowDays)
	if err != nil {
		return err
	}
	known := s.e.Offices()
	for _, cfg := range cfgs {
		// Registering an office the file already knows is what a service
		// does on every start: the bookings and operator changes stay.
		if err := s.e.RegisterOffice(s.ctx, cfg); err != nil {
			return fmt.Errorf("register %s: %w", cfg.Code, err)
		}
	}
	if len(known) > 0 {
		s.p.line("The file already knew %v; registering them again changed nothing.", known)
	} else {
		s.p.line("Registered with Engine.RegisterOffice:")
	}
	for _, cfg := range cfgs {
		loc := cfg.Quota.Schedule.Location
		s.p.line("  %-8s %-32s %-14s %s", cfg.Code, cfg.Name, loc, zoneName(start.In(loc)))
	}
	s.p.line("Each serves Monday to Friday, closes on the 2026 national holidays and collective leave, and offers")
	s.p.line("in every one-hour slot from 08:00 to 16:00: %d online, %d walk-in, %d accelerated and %d collective seats.",
		seats.Online, seats.WalkIn, seats.Accelerated, seats.Collective)
	s.p.line("December opens on 1 November at 08:00 office time (quota.ReleaseRule{Every: Monthly, Lead: 1,")
	s.p.line("Day: 1, At: 8h}): one wall-clock time, three instants. At %s:", when(s.clock.Now()))
	for _, cfg := range cfgs {
		d, err := s.e.Day(s.ctx, cfg.Code, windowFirst)
		if err != nil {
			return err
		}
		status := "in " + span(d.Opens.Sub(s.clock.Now()))
		if !d.Opens.After(s.clock.Now()) {
			status = "already open"
		}
		s.p.line("  %-8s opens %-38s %s", cfg.Code, inWIB(d.Opens), status)
	}
	return nil
}

// beforeOpening shows Jakarta's December while it is still yellow, next
// to Makassar's, which opened an hour earlier.
func (s *story) beforeOpening() error {
	s.p.section(3, "Before the quota opens")
	if _, err := s.at(start); err != nil {
		return err
	}
	jkt, err := s.e.MonthIn(s.ctx, jakarta, onlinePool, 2026, time.December)
	if err != nil {
		return err
	}
	mks, err := s.e.MonthIn(s.ctx, makassar, onlinePool, 2026, time.December)
	if err != nil {
		return err
	}
	s.p.line("Engine.MonthIn draws an office's month in M-Paspor's colours as one pool sees it, here the")
	s.p.line("online pool the app books from: the walk-in counter's seats never make a day green online.")
	s.p.line("Jakarta's service days are yellow: the quota is not open yet. Makassar's are green already.")
	s.p.line("")
	s.p.grids(s.cfg.style,
		[]string{grid.Title(2026, time.December, jakarta) + ", online", grid.Title(2026, time.December, makassar) + ", online"},
		[][]quota.DayView{jkt, mks}, []string{"", ""})
	s.p.line("")
	for _, d := range jkt {
		if d.State == calendar.Holiday {
			s.p.line("  %s is grey: %s.", day(d.Date), d.Reason)
		}
	}
	s.p.line("  (The demo offices observe collective leave, so the cuti bersama before Christmas is closed too.)")
	first := jkt[slices.IndexFunc(jkt, func(d quota.DayView) bool { return d.State == calendar.NotOpened })]
	s.p.line("DayView.Opens says when a yellow day turns green: %s opens %s, in %s.",
		day(first.Date), when(first.Opens), span(first.Opens.Sub(s.clock.Now())))
	return nil
}

// explainStates says where each state's bookings come from, at the end
// of the story: the states the rush's bookings ended in are the
// clock's doing, not the story's.
func (s *story) explainStates() {
	s.p.line("The clock reads %s, six weeks after the rush, whose families the story", when(s.clock.Now()))
	s.p.line("does not follow to the office. So, of the rush's bookings:")
	s.p.line("  expired    the holds nobody paid: their billing codes lapsed two hours after the rush")
	s.p.line("             (and the Wendas' hold, in section 6);")
	s.p.line("  no-show    the paid ones whose slot has ended: nobody checked them in, so each became")
	s.p.line("             a no-show at the end of its slot (Engine.MarkNoShows, which this program")
	s.p.line("             runs at each move of the clock, as the background sweeper would), as M-Paspor")
	s.p.line("             cancels a booking nobody came for;")
	s.p.line("  paid       the ones whose slot is still to come, later on the 17th or after.")
	s.p.line("The one checked in is the Rahmans', the one rejected Rina's, the one cancelled Yohanes's.")
	if s.runs > 0 {
		s.p.line("The counts include the bookings of the earlier runs on this file.")
	}
}

// summary ends the story with the engine's own counters and its
// invariant check.
func (s *story) summary() error {
	s.p.section(10, "Summary")
	st := s.e.Stats()
	s.p.line("Engine.Stats counts every booking in the file by state:")
	s.p.varies("%d bookings: %d held, %d paid, %d checked in, %d cancelled, %d expired, %d rejected, %d no-show",
		st.Total, st.Bookings[booking.Held], st.Bookings[booking.Paid], st.Bookings[booking.CheckedIn],
		st.Bookings[booking.Cancelled], st.Bookings[booking.Expired], st.Bookings[booking.Rejected], st.Bookings[booking.NoShow])
	s.explainStates()
	if st.Durable {
		s.p.line("Every change was on disk before the call that made it returned; one writer goroutine")
		s.p.line("gathered concurrent changes into one transaction and one fsync (group commit):")
		s.p.varies("%d changes in %d commits since Open, %.1f changes per fsync on average, last commit %v (disk %v)",
			st.Changes, st.Commits, st.AvgBatch, st.LastCommit.Round(time.Microsecond), st.LastSync.Round(time.Microsecond))
	}
	violations, err := s.e.Check(s.ctx)
	if err != nil {
		return err
	}
	s.p.line("Engine.Check: %s of the invariants (seats taken by live bookings + seats left",
		count(int64(len(violations)), "violation", "violations"))
	s.p.line("= capacity in every cell; one live booking per NIK; every code finds its booking).")
	for _, v := range violations {
		s.p.line("  %v", v)
	}
	if s.cfg.dbPath != "" {
		s.p.line("The database is kept at %s; run again with -db %s to reopen it.", s.cfg.dbPath, s.cfg.dbPath)
	}
	if len(violations) > 0 {
		return fmt.Errorf("engine check: %d violations", len(violations))
	}
	return nil
}

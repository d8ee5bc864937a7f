package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
)

// rinaRegion is Rina's family card: Kota Jayapura, another district.
var rinaRegion = region{province: 91, regency: 71, district: 2}

// refused checks that a call was refused with want, and prints the
// engine's error. Anything else means the story went wrong, and ends
// the program: an example that quietly shows the wrong thing teaches
// the wrong thing.
func (s *story) refused(what string, err, want error, wantName string) error {
	if err == nil {
		return fmt.Errorf("%s: the engine accepted it", what)
	}
	if !errors.Is(err, want) {
		return fmt.Errorf("%s: %w (want %v)", what, err, want)
	}
	s.p.refusal(what, err, wantName)
	return nil
}

// refusals shows what a user is told when the engine says no. Every
// refusal changes nothing.
func (s *story) refusals() error {
	s.p.section(7, "Refusals")
	if _, err := s.at(start.Add(2*time.Hour + 50*time.Minute)); err != nil {
		return err
	}
	s.p.line("Each refusal is a sentinel error (errors.Is), with a message fit to show a user:")
	family := s.family5

	six := append(slices.Clone(family.Applicants), s.applicants(rahmanRegion, grandmother)...)
	_, err := s.e.Hold(s.ctx, booking.HoldRequest{
		Account: familyAccount, Office: makassar, Date: calendar.NewDate(2026, time.December, 18), Slot: 0,
		Pool: onlinePoolName, Applicants: six,
	})
	if err := s.refused("six applicants (the grandmother too)", err, booking.ErrApplicantCount, "ErrApplicantCount"); err != nil {
		return err
	}

	_, err = s.e.Reschedule(s.ctx, family.Code, calendar.NewDate(2026, time.December, 18), 2)
	if err := s.refused("a second reschedule", err, booking.ErrRescheduleLimit, "ErrRescheduleLimit"); err != nil {
		return err
	}

	// Sitti's sister wants to take her along in Jayapura; Sitti's NIK is
	// on the family's paid booking.
	withSitti := append(s.applicants(rinaRegion, rina), family.Applicants[1])
	_, err = s.e.Hold(s.ctx, booking.HoldRequest{
		Account: sisterAccount, Office: jayapura, Date: calendar.NewDate(2026, time.December, 15), Slot: 0,
		Pool: onlinePoolName, Applicants: withSitti,
	})
	if err := s.refused("a NIK already booked (Sitti, on her sister's booking)", err, booking.ErrNIKBooked, "ErrNIKBooked"); err != nil {
		return err
	}

	_, err = s.e.Hold(s.ctx, booking.HoldRequest{
		Account: sisterAccount, Office: jakarta, Date: calendar.NewDate(2027, time.January, 5), Slot: 0,
		Pool: onlinePoolName, Applicants: s.applicants(rinaRegion, rina),
	})
	if err := s.refused("January, before its quota opens", err, booking.ErrNotOpened, "ErrNotOpened"); err != nil {
		return err
	}

	_, err = s.e.Pay(s.ctx, s.couple.BillingCode, "BANK-VA-0002")
	if err := s.refused("the Wendas pay after their deadline", err, booking.ErrExpired, "ErrExpired"); err != nil {
		return err
	}

	// The day before arrival: too late to cancel (until the end of H-2),
	// though a reschedule would still be allowed (until the end of H-1)
	// had they not used theirs.
	loc := calendar.Makassar()
	if _, err := s.at(family.Date.AddDays(-1).Start(loc).Add(9 * time.Hour)); err != nil {
		return err
	}
	_, err = s.e.Cancel(s.ctx, family.Code)
	return s.refused("cancel on H-1, the day before arrival", err, booking.ErrCancelClosed, "ErrCancelClosed")
}

// arrival checks the Rahmans in on their day, and shows the booking's
// history.
func (s *story) arrival() error {
	s.p.section(8, "Arrival day: check in")
	family := s.family5
	cfg, err := s.e.Office(family.Office)
	if err != nil {
		return err
	}
	loc := cfg.Quota.Schedule.Location
	slotStart := family.Date.Start(loc).Add(cfg.Quota.Layout.Slots[family.Slot].Start)

	if _, err := s.at(slotStart.Add(-90 * time.Minute)); err != nil {
		return err
	}
	s.p.line("The Rahmans are keen and arrive ninety minutes early. Check-in opens an hour before the slot:")
	_, err = s.e.CheckIn(s.ctx, family.Code)
	if err := s.refused("check in at "+hhmm(s.clock.Now().In(loc)), err, booking.ErrCheckInEarly, "ErrCheckInEarly"); err != nil {
		return err
	}

	// M-Paspor asks applicants to be there 15 minutes before their slot.
	if _, err := s.at(slotStart.Add(-15 * time.Minute)); err != nil {
		return err
	}
	in, err := s.e.CheckIn(s.ctx, family.Code)
	if err != nil {
		return fmt.Errorf("family check-in: %w", err)
	}
	s.family5 = in
	s.p.step("check in", "%s: %s, booking code %s", in.State, s.where(in), in.Code)
	s.p.line("The booking's history (Booking.History, M-Paspor's \"Riwayat\"), in the office's time:")
	for _, ev := range in.History {
		line := fmt.Sprintf("%-26s  %-10s  %s", when(ev.At), ev.State, ev.Note)
		s.p.line("  %s", strings.TrimRight(line, " "))
	}
	return nil
}

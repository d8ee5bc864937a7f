package main

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// rinaRegion is Rina's family card: Kota Jayapura, another district.
var rinaRegion = region{province: 91, regency: 71, district: 2}

// rinaReason is why the Jayapura office rejects Rina's booking: a kind the
// engine knows, and words for people.
var rinaReason = booking.Reason{
	Kind: booking.ReasonInvalidData,
	Text: "the birth date on her birth certificate differs from her KTP",
}

// refused checks that a call was refused with want, and prints the
// engine's error and wantName, the sentinel's name with its package.
// Anything else means the story went wrong, and ends the program: an
// example that quietly shows the wrong thing teaches the wrong thing.
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
	s.p.line("Each refusal is a sentinel error (errors.Is), with a message fit to show a user. Each meaning")
	s.p.line("has one sentinel, in the package that owns it: quota's seats, reschedule's windows, booking's own.")
	family := s.family5

	six := append(slices.Clone(family.Applicants), s.applicants(rahmanRegion, grandmother)...)
	_, err := s.e.Hold(s.ctx, booking.HoldRequest{
		Account: familyAccount, Office: makassar, Date: calendar.NewDate(2026, time.December, 18), Slot: "08:00",
		Pool: onlinePool, Applicants: six,
	})
	if err := s.refused("six applicants (the grandmother too)", err, booking.ErrApplicantCount, "booking.ErrApplicantCount"); err != nil {
		return err
	}

	_, err = s.e.Reschedule(s.ctx, family.Code, calendar.NewDate(2026, time.December, 18), "10:00")
	if err := s.refused("a second reschedule", err, reschedule.ErrRescheduleLimit, "reschedule.ErrRescheduleLimit"); err != nil {
		return err
	}

	// Sitti's sister wants to take her along in Jayapura; Sitti's NIK is
	// on the family's paid booking.
	withSitti := append(s.applicants(rinaRegion, rina), family.Applicants[1])
	_, err = s.e.Hold(s.ctx, booking.HoldRequest{
		Account: sisterAccount, Office: jayapura, Date: calendar.NewDate(2026, time.December, 15), Slot: "08:00",
		Pool: onlinePool, Applicants: withSitti,
	})
	if err := s.refused("a NIK already booked (Sitti, on her sister's booking)", err, booking.ErrNIKBooked, "booking.ErrNIKBooked"); err != nil {
		return err
	}

	_, err = s.e.Hold(s.ctx, booking.HoldRequest{
		Account: sisterAccount, Office: jakarta, Date: januaryDay, Slot: "08:00",
		Pool: onlinePool, Applicants: s.applicants(rinaRegion, rina),
	})
	if err := s.refused("January, not opened (no 2027 holiday data, and before its release)", err, quota.ErrNotOpened, "quota.ErrNotOpened"); err != nil {
		return err
	}
	if err := s.sisterBooks(); err != nil {
		return err
	}

	_, err = s.e.Pay(s.ctx, s.couple.BillingCode, "BANK-VA-0002")
	if err := s.refused("the Wendas pay after their deadline", err, booking.ErrExpired, "booking.ErrExpired"); err != nil {
		return err
	}
	if err := s.cancelledProof(); err != nil {
		return err
	}

	// The day before arrival: too late to cancel (the window closed with
	// H-2, at the booking's CancelBy), though a reschedule would still be
	// allowed (until RescheduleBy, the end of H-1) had they not used
	// theirs. A cancellation may give a reason, of the kinds a rejection
	// gives; this one never gets that far.
	loc := calendar.Makassar()
	if _, err := s.at(family.Date.AddDays(-1).Start(loc).Add(9 * time.Hour)); err != nil {
		return err
	}
	_, err = s.e.Cancel(s.ctx, family.Code, booking.Reason{Kind: booking.ReasonOther, Text: "Andi has to travel for work that week"})
	return s.refused("cancel on H-1, the day before arrival", err, reschedule.ErrCancelClosed, "reschedule.ErrCancelClosed")
}

// cancelledProof has Yohanes Wenda book again alone, pay, save his proof
// of booking and cancel: the proof still verifies offline, since its
// signature is genuine, and only the engine, online, knows it is void.
func (s *story) cancelledProof() error {
	mon := calendar.NewDate(2026, time.December, 14)
	slot, _, err := s.firstSlot(jayapura, mon, 0, 1)
	if err != nil {
		return err
	}
	held, err := s.e.Hold(s.ctx, booking.HoldRequest{
		Account: coupleAccount, Office: jayapura, Date: mon, Slot: slot, Pool: onlinePool,
		Applicants: s.applicants(wendaRegion, wendas[0]),
	})
	if err != nil {
		return fmt.Errorf("Yohanes's hold: %w", err)
	}
	paid, err := s.e.Pay(s.ctx, held.BillingCode, "BANK-VA-0004")
	if err != nil {
		return fmt.Errorf("Yohanes's payment: %w", err)
	}
	token, err := s.e.Proof(s.ctx, paid.Code)
	if err != nil {
		return fmt.Errorf("Yohanes's proof: %w", err)
	}
	cancelled, err := s.e.Cancel(s.ctx, paid.Code, booking.Reason{Kind: booking.ReasonOther, Text: "he cannot travel after all"})
	if err != nil {
		return fmt.Errorf("Yohanes's cancellation: %w", err)
	}
	s.p.line("  Yohanes books again, alone, pays (queue number %v), saves his proof of booking, and cancels:", paid.Queue)
	s.p.step("cancelled", "%s: booking code %s; its number %v is never given again", cancelled.State, cancelled.Code, cancelled.Queue)
	if _, _, err := s.verifyOffline(token); err != nil {
		return fmt.Errorf("Yohanes's proof offline: %w", err)
	}
	s.p.line("  His saved proof still verifies offline (VerifyProof: the signature is genuine). Online, the")
	s.p.line("  office's door asks the engine, which knows the booking is gone:")
	_, _, err = s.e.CheckProof(s.ctx, token)
	return s.refused("Engine.CheckProof of the cancelled booking's proof", err, booking.ErrProofRevoked, "booking.ErrProofRevoked")
}

// verifyOffline checks a proof token as a counter does with no
// connection: against each of the engine's public keys, which it fetched
// once (Engine.ProofKeys; kuotahttp's GET /proof-keys). It returns what
// the proof says and the key that signed it.
func (s *story) verifyOffline(token string) (booking.Proof, booking.ProofKey, error) {
	keys, err := s.e.ProofKeys(s.ctx)
	if err != nil {
		return booking.Proof{}, booking.ProofKey{}, err
	}
	err = booking.ErrBadProof
	for _, k := range keys {
		var p booking.Proof
		if p, err = booking.VerifyProof(token, k.Public); err == nil {
			return p, k, nil
		}
	}
	return booking.Proof{}, booking.ProofKey{}, err
}

// sisterBooks has Rina book for herself alone, in Jayapura on the day the
// Rahmans moved to, and pay. She takes the first slot that starts once
// theirs in Makassar has ended (12:00 WIT, when theirs is 10:00 WITA), so
// that the story's clock, which only runs forward, meets her after them.
func (s *story) sisterBooks() error {
	d := s.family5.Date
	v, err := s.e.DayIn(s.ctx, jayapura, onlinePool, d)
	if err != nil {
		return err
	}
	slot := ""
	for _, sl := range v.Slots {
		start := d.Start(calendar.Jayapura()).Add(sl.Start)
		if sl.State == calendar.Available && !start.Before(s.family5.SlotEnd) {
			slot = quota.FormatClock(sl.Start)
			break
		}
	}
	if slot == "" {
		return fmt.Errorf("%s %v: no online seat after the Rahmans' slot", jayapura, d)
	}
	held, err := s.e.Hold(s.ctx, booking.HoldRequest{
		Account: sisterAccount, Office: jayapura, Date: d, Slot: slot,
		Pool: onlinePool, Applicants: s.applicants(rinaRegion, rina),
	})
	if err != nil {
		return fmt.Errorf("sister hold: %w", err)
	}
	paid, err := s.e.Pay(s.ctx, held.BillingCode, "BANK-VA-0003")
	if err != nil {
		return fmt.Errorf("sister payment: %w", err)
	}
	s.sister = paid
	s.p.line("  Rina books for herself alone instead, in Jayapura, and pays at once:")
	s.p.step("pay", "%s: booking code %s, %s", paid.State, paid.Code, s.where(paid))
	return nil
}

// arrival checks the Rahmans in on their day, and shows the booking's
// history.
func (s *story) arrival() error {
	s.p.section(8, "Arrival day: a check-in and a rejection")
	family := s.family5
	// The booking's instants are in the office's zone.
	loc := family.SlotStart.Location()

	if _, err := s.at(family.SlotStart.Add(-90 * time.Minute)); err != nil {
		return err
	}
	s.p.line("The Rahmans are keen and arrive ninety minutes early. Check-in opens an hour before the slot,")
	s.p.line("at %s (Booking.CheckInOpens):", hhmm(family.CheckInOpens))
	_, err := s.e.CheckIn(s.ctx, family.Code)
	if err := s.refused("check in at "+hhmm(s.clock.Now().In(loc)), err, reschedule.ErrCheckInEarly, "reschedule.ErrCheckInEarly"); err != nil {
		return err
	}

	// M-Paspor asks applicants to be there 15 minutes before their slot.
	if _, err := s.at(family.SlotStart.Add(-15 * time.Minute)); err != nil {
		return err
	}
	if err := s.atTheDoor(); err != nil {
		return err
	}
	in, err := s.e.CheckIn(s.ctx, family.Code)
	if err != nil {
		return fmt.Errorf("family check-in: %w", err)
	}
	s.family5 = in
	s.p.step("check in", "%s: %s, booking code %s", in.State, s.where(in), in.Code)
	s.p.line("The booking's history (Booking.History, M-Paspor's \"Riwayat\"), in the office's time:")
	s.history(in)
	if err := s.arrivalList(); err != nil {
		return err
	}
	return s.rejection()
}

// atTheDoor has the office check the Rahmans' proof of booking offline,
// and each applicant's KTP against it.
func (s *story) atTheDoor() error {
	p, key, err := s.verifyOffline(s.proof)
	if err != nil {
		return fmt.Errorf("the family's proof: %w", err)
	}
	s.p.line("At the door the officer scans their QR code. The counter holds the engine's public keys")
	s.p.line("(Engine.ProofKeys, fetched once) and checks the proof offline, with booking.VerifyProof:")
	s.p.step("verified", "booking %s, %s %s %s, queue number %v, %d applicants (key %d)",
		p.Code, p.Office, day(p.Date), p.Slot, p.Queue, p.Applicants, p.KeyID)
	s.p.line("Each applicant shows a KTP, whose NIK the counter checks against the proof's keyed hashes")
	s.p.line("with the key's NIK key (Proof.HasNIK). The children's grandmother came along, and shows hers:")
	stranger := s.applicants(rahmanRegion, grandmother)[0].NIK
	for i, a := range s.family5.Applicants[:2] {
		s.p.line("  %14s %-28s on the booking: %v", "", rahmans[i].name+"'s KTP", p.HasNIK(key.NIKKey, a.NIK))
	}
	s.p.line("  %14s %-28s on the booking: %v", "", grandmother.name+"'s KTP", p.HasNIK(key.NIKKey, stranger))
	return nil
}

// arrivalList shows how an office calls its arrivals: Jakarta Selatan's
// list for the day, in queue order.
func (s *story) arrivalList() error {
	list, err := s.e.DayBookings(s.ctx, jakarta, s.family5.Date)
	if err != nil {
		return err
	}
	first := list[:0]
	for _, b := range list {
		if b.Slot == "08:00" {
			first = append(first, b)
		}
	}
	s.p.line("Jakarta Selatan, an hour behind, calls its 08:00 slot. Its arrival list (Engine.DayBookings)")
	s.p.line("is in queue order, the order of payment; a hold never paid has no number and comes last:")
	const shown = 4
	for _, b := range first[:min(shown, len(first))] {
		queue := b.Queue.String()
		if queue == "" {
			queue = "-"
		}
		s.p.varies("%14s %-5s  %s  %-10s %s", "", queue, b.Code, b.State, count(int64(len(b.Applicants)), "applicant", "applicants"))
	}
	if len(first) > shown {
		s.p.varies("%14s … and %d more", "", len(first)-shown)
	}
	if len(first) == 0 {
		s.p.line("  %14s (nobody booked it: the rush was too small to reach the 17th)", "")
	}
	return nil
}

// rejection has the Jayapura office reject Rina's booking at the counter,
// after she checked in, with a reason of a kind the engine knows.
func (s *story) rejection() error {
	rina := s.sister
	if _, err := s.at(rina.SlotStart.Add(-15 * time.Minute)); err != nil {
		return err
	}
	in, err := s.e.CheckIn(s.ctx, rina.Code)
	if err != nil {
		return fmt.Errorf("sister check-in: %w", err)
	}
	s.p.line("In Jayapura, Rina checks in for her interview:")
	s.p.step("check in", "%s: %s, booking code %s", in.State, s.where(in), in.Code)

	if _, err := s.at(rina.SlotStart.Add(10 * time.Minute)); err != nil {
		return err
	}
	s.p.line("The officer finds that her documents disagree, and rejects the booking with Engine.Reject. A")
	s.p.line("rejection must give a reason of a known kind (prevention list, non-procedural migrant worker,")
	s.p.line("invalid data, other), and may add words for people:")
	rejected, err := s.e.Reject(s.ctx, rina.Code, rinaReason)
	if err != nil {
		return fmt.Errorf("sister rejection: %w", err)
	}
	last := rejected.History[len(rejected.History)-1]
	s.p.step("rejected", "%s: reason %q, %s", rejected.State, last.Reason.Kind, last.Reason.Text)
	s.p.line("  %14s her payment stays on record (%s) and is not refunded: M-Paspor keeps the fee of", "", rejected.PaymentRef)
	s.p.line("  %14s a rejected application. Her seat returns to the quota.", "")
	s.p.line("Her booking's history keeps the reason as data (Event.Reason), for a service to count or translate:")
	s.history(rejected)
	return nil
}

// noteSpan finds a slot's times at the end of an event's note, such as
// "rescheduled from 2026-12-10 09:00–10:00": the office's wall clock,
// which history labels with the office's zone.
var noteSpan = regexp.MustCompile(`\d\d:\d\d–\d\d:\d\d$`)

// history prints a booking's events in the office's time, with the kind of
// any reason given.
func (s *story) history(b booking.Booking) {
	for _, ev := range b.History {
		note := ev.Note
		if noteSpan.MatchString(note) {
			note += " " + zoneName(ev.At)
		}
		if ev.Reason.Kind != booking.ReasonNone {
			note = fmt.Sprintf("[%s] %s", ev.Reason.Kind, ev.Reason.Text)
		}
		line := fmt.Sprintf("%-26s  %-10s  %s", when(ev.At), ev.State, note)
		s.p.line("  %s", strings.TrimRight(line, " "))
	}
}

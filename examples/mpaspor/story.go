package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/grid"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// The people the story follows. Their NIKs are made from these facts and
// a serial that differs per run on one file (see named).
const (
	familyAccount = "keluarga-rahman"
	coupleAccount = "pasangan-wenda"
	sisterAccount = "rina-rahmawati"
)

// named is a person of the story.
type named struct {
	name string
	person
}

var (
	// The Rahman family of Kota Makassar (73 71), five on one card.
	rahmanRegion = region{province: 73, regency: 71, district: 5}
	rahmans      = []named{
		{"Andi Rahman", person{born: date3{1978, 3, 14}}},
		{"Sitti Rahmawati", person{born: date3{1981, 7, 2}, female: true}},
		{"Nur Aisyah", person{born: date3{2008, 11, 21}, female: true}},
		{"Muhammad Fadli", person{born: date3{2011, 5, 9}}},
		{"Putri Amalia", person{born: date3{2016, 1, 30}, female: true}},
	}
	// Their family card, issued after Putri was born.
	rahmanCardIssued = date3{2016, 2, 15}
	// Their grandmother, who would make six.
	grandmother = named{"Hajjah Aminah", person{born: date3{1952, 12, 1}, female: true}}
	// Sitti's sister, who lives in Jayapura.
	rina = named{"Rina Rahmawati", person{born: date3{1985, 4, 18}, female: true}}
	// The Wenda couple of Kota Jayapura (91 71).
	wendaRegion = region{province: 91, regency: 71, district: 3}
	wendas      = []named{
		{"Yohanes Wenda", person{born: date3{1990, 8, 17}}},
		{"Maria Wenda", person{born: date3{1992, 2, 11}, female: true}},
	}
)

// applicants turns people into a booking's applicants, with their names
// as the opaque metadata the engine stores but never logs.
func (s *story) applicants(r region, people ...named) []booking.Applicant {
	out := make([]booking.Applicant, len(people))
	for i, p := range people {
		// Serials step by run, so each run on one file has new people:
		// the earlier run's Rahmans have checked in, and may not book
		// again for a month.
		serial := 1 + (s.runs*16+i)%9999
		nik := mustNIK(r, p.person, serial)
		s.niks.seen[nik] = true
		out[i] = booking.Applicant{NIK: nik, Meta: fmt.Appendf(nil, `{"name":%q}`, p.name)}
	}
	return out
}

// familyCard returns the family card of region r issued on issued, with
// a serial that steps by run like the applicants' (see applicants).
func (s *story) familyCard(r region, issued date3) booking.FamilyCard {
	return mustFamilyCard(r, issued, 1+s.runs%9999)
}

// firstSlot returns the start ("10:00") of the first slot of an office's
// day, from its from-th slot on, with n online seats left, and the day as
// the online pool sees it (Engine.DayIn): each slot's State, Left and
// Pools count online seats only.
func (s *story) firstSlot(office string, d calendar.Date, from, n int) (string, quota.DayView, error) {
	v, err := s.e.DayIn(s.ctx, office, onlinePool, d)
	if err != nil {
		return "", v, err
	}
	for _, sl := range v.Slots[from:] {
		if sl.State == calendar.Available && sl.Pools[0].Left >= n {
			return quota.FormatClock(sl.Start), v, nil
		}
	}
	return "", v, fmt.Errorf("%s %v: no slot with %d online seats", office, d, n)
}

// seatsLeft returns the online seats left in the slot that starts at slot.
func (s *story) seatsLeft(office string, d calendar.Date, slot string) (int, error) {
	v, err := s.e.DayIn(s.ctx, office, onlinePool, d)
	if err != nil {
		return 0, err
	}
	for _, sl := range v.Slots {
		if quota.FormatClock(sl.Start) == slot {
			return sl.Pools[0].Left, nil
		}
	}
	return 0, fmt.Errorf("%s %v: no slot starts at %s", office, d, slot)
}

// where formats a booking's office, date and slot in the office's zone,
// from the booking's own instants: no layout to look up.
func (s *story) where(b booking.Booking) string {
	return fmt.Sprintf("%s %s %s–%s %s", b.Office, day(b.Date),
		b.SlotStart.Format("15:04"), b.SlotEnd.Format("15:04"), zoneName(b.SlotStart))
}

// family follows the Rahmans of Makassar from hold to reschedule.
func (s *story) family() error {
	s.p.section(5, "A family of five in Makassar: hold, pay, reschedule")
	mks := calendar.Makassar()
	if _, err := s.at(time.Date(2026, time.November, 1, 9, 5, 0, 0, mks)); err != nil {
		return err
	}
	held, err := s.familyHold()
	if err != nil {
		return err
	}

	if _, err := s.at(time.Date(2026, time.November, 1, 9, 20, 0, 0, mks)); err != nil {
		return err
	}
	paid, err := s.e.Pay(s.ctx, held.BillingCode, "BANK-VA-0001")
	if err != nil {
		return fmt.Errorf("family payment: %w", err)
	}
	s.p.step("pay", "%s: payment reference %s, by the billing code", paid.State, paid.PaymentRef)
	s.p.line("  %14s queue number %v: the order the office calls the slot's arrivals in (Booking.Queue,", "", paid.Queue)
	s.p.line("  %14s M-Paspor's nomor antrian), given at payment, never twice in a slot", "")

	if _, err := s.at(time.Date(2026, time.November, 1, 9, 30, 0, 0, mks)); err != nil {
		return err
	}
	s.p.line("Fadli has an exam on the 10th. They move to Thursday 17 December, once, as M-Paspor allows:")
	thu17 := calendar.NewDate(2026, time.December, 17)
	slot17, _, err := s.firstSlot(makassar, thu17, 2, len(held.Applicants))
	if err != nil {
		return err
	}
	moved, err := s.e.Reschedule(s.ctx, held.Code, thu17, slot17)
	if err != nil {
		return fmt.Errorf("family reschedule: %w", err)
	}
	s.family5 = moved
	back, err := s.seatsLeft(makassar, held.Date, held.Slot)
	if err != nil {
		return err
	}
	s.p.step("rescheduled", "%s: now %s, %d of %d reschedules used",
		moved.State, s.where(moved), moved.Reschedules, reschedule.Default().ReschedulesMax)
	s.p.line("  %14s a new queue number in the new slot: %v (%v is never given again)", "", moved.Queue, paid.Queue)
	s.p.line("  %14s passports ready for collection on %s (Booking.ReadyOn: the office's third", "", day(moved.ReadyOn))
	s.p.line("  %14s service day after arrival, weekends and holidays skipped)", "")
	s.p.line("  %14s the old slot on %s has %d online seats left again", "", day(held.Date), back)
	s.p.line("  %14s the booking carries its windows, in the office's zone:", "")
	s.p.line("  %14s   cancel before      %s (Booking.CancelBy)", "", when(moved.CancelBy))
	s.p.line("  %14s   reschedule before  %s (Booking.RescheduleBy)", "", when(moved.RescheduleBy))
	s.p.line("  %14s   check in from      %s until %s (CheckInOpens, CheckInCloses)", "",
		hhmm(moved.CheckInOpens), hhmm(moved.CheckInCloses))
	return s.familyProof()
}

// familyProof has the Rahmans take their proof of booking, which they
// will show at the door as a QR code.
func (s *story) familyProof() error {
	token, err := s.e.Proof(s.ctx, s.family5.Code)
	if err != nil {
		return fmt.Errorf("family proof: %w", err)
	}
	s.proof = token
	s.p.line("Andi saves the proof of booking (Engine.Proof): a token of %d characters, signed by the engine", len(token))
	s.p.line("(Ed25519), carrying the code, office, date, slot, queue number and keyed hashes of the five")
	s.p.line("NIKs, never a NIK. The app shows it as a QR code; it was made after the move, so it names the")
	s.p.line("new slot and number.")
	return nil
}

// familyHold shows the Rahmans' chosen day and holds five seats on it.
func (s *story) familyHold() (booking.Booking, error) {
	s.p.line("Andi Rahman books for his family on one account. Makassar is an hour ahead of Jakarta, and its")
	s.p.line("quota opened at 08:00 WITA. He looks at Thursday 10 December (Engine.DayIn, online seats left,")
	s.p.line("times in WITA):")
	thu := calendar.NewDate(2026, time.December, 10)
	people := s.applicants(rahmanRegion, rahmans...)
	card := s.familyCard(rahmanRegion, rahmanCardIssued)
	slot, v, err := s.firstSlot(makassar, thu, 1, len(people))
	if err != nil {
		return booking.Booking{}, err
	}
	var b strings.Builder
	for i, sl := range v.Slots {
		fmt.Fprintf(&b, "  %s %2d", sl.Span(), sl.Pools[0].Left)
		if i%4 == 3 || i == len(v.Slots)-1 {
			s.p.line("  %s", strings.TrimSpace(b.String()))
			b.Reset()
		}
	}

	held, err := s.e.Hold(s.ctx, booking.HoldRequest{
		Account: familyAccount, Office: makassar, Date: thu, Slot: slot, Pool: onlinePool, Applicants: people,
		FamilyCard: card,
	})
	if err != nil {
		return held, fmt.Errorf("family hold: %w", err)
	}
	s.family5 = held
	s.p.step("hold", "%s: booking code %s, billing code %s", held.State, held.Code, held.BillingCode)
	s.p.line("  %14s %s, %d applicants", "", s.where(held), len(held.Applicants))
	s.p.line("  %14s of family card %v (HoldRequest.FamilyCard), the account holder first:", "", held.FamilyCard)
	for i, a := range held.Applicants {
		s.p.line("  %14s   %-16s %v", "", rahmans[i].name, a.NIK)
	}
	left, err := s.seatsLeft(makassar, thu, slot)
	if err != nil {
		return held, err
	}
	s.p.line("  %14s pay by %s (two hours); the slot has %d online seats left", "", hhmm(held.PayBy), left)
	s.p.line("  %14s (The engine checks the card number's form; only Dukcapil's register knows who is on", "")
	s.p.line("  %14s a card, so the service checks membership before Hold. NIKs and cards print masked.)", "")
	return held, nil
}

// lapse lets a hold pass its payment deadline: the Wendas' in Jayapura,
// and the rush's unpaid holds in Jakarta.
func (s *story) lapse() error {
	s.p.section(6, "Holds that are never paid")
	jpr := calendar.Jayapura()
	if _, err := s.at(time.Date(2026, time.November, 1, 10, 40, 0, 0, jpr)); err != nil {
		return err
	}
	mon := calendar.NewDate(2026, time.December, 14)
	people := s.applicants(wendaRegion, wendas...)
	slot, _, err := s.firstSlot(jayapura, mon, 0, len(people))
	if err != nil {
		return err
	}
	before, err := s.seatsLeft(jayapura, mon, slot)
	if err != nil {
		return err
	}
	held, err := s.e.Hold(s.ctx, booking.HoldRequest{
		Account: coupleAccount, Office: jayapura, Date: mon, Slot: slot, Pool: onlinePool, Applicants: people,
	})
	if err != nil {
		return fmt.Errorf("couple hold: %w", err)
	}
	s.couple = held
	during, err := s.seatsLeft(jayapura, mon, slot)
	if err != nil {
		return err
	}
	s.p.line("Yohanes and Maria Wenda hold two seats in Jayapura, and then forget to pay.")
	s.p.step("hold", "%s: booking code %s, %s, pay by %s", held.State, held.Code, s.where(held), hhmm(held.PayBy))
	s.p.line("  %14s online seats left in the slot: %d before, %d now", "", before, during)

	if err := s.jakartaLapse(); err != nil {
		return err
	}

	// The Wendas' deadline itself, with no sweep: reads are exact at the
	// engine's clock. (Only Get here: a calendar view would record the
	// expiry itself before counting seats, and leave the sweep nothing.)
	if err := s.move(held.PayBy); err != nil {
		return err
	}
	got, err := s.e.Get(s.ctx, held.Code)
	if err != nil {
		return err
	}
	s.p.line("The Wendas' deadline, to the nanosecond. No sweep has run, yet Engine.Get already reads it:")
	s.p.step("expired", "%s: booking code %s, expired at %s", got.State, got.Code, hhmm(got.History[len(got.History)-1].At))

	// A minute later the program sweeps, as the background sweeper would.
	expired, err := s.at(held.PayBy.Add(time.Minute))
	if err != nil {
		return err
	}
	after, err := s.seatsLeft(jayapura, mon, slot)
	if err != nil {
		return err
	}
	s.p.line("Engine.ExpireDue recorded %s, at the deadline: the sweep makes durable what reads showed.", count(int64(expired), "expiry", "expiries"))
	s.p.line("  %14s online seats left in the slot: %d again", "", after)
	return nil
}

// jakartaLapse moves the clock to 10:00 WIB, when every unpaid hold of
// the rush lapses at once, and shows Jakarta's month turning green.
func (s *story) jakartaLapse() error {
	expired, err := s.at(start.Add(2*time.Hour + 5*time.Minute))
	if err != nil {
		return err
	}
	jkt, err := s.e.MonthIn(s.ctx, jakarta, onlinePool, 2026, time.December)
	if err != nil {
		return err
	}
	left := 0
	for _, d := range jkt {
		left += d.Left // a MonthIn day counts its one pool
	}
	s.p.line("Meanwhile in Jakarta, two hours after the opening, the rush's unpaid billing codes lapse,")
	s.p.line("all at once, and their seats return to the quota at that instant:")
	s.p.varies("Engine.ExpireDue expired %s at 10:00 WIB; December has %s left",
		count(int64(expired), "hold", "holds"), count(int64(left), "online seat", "online seats"))
	s.p.line("")
	s.p.grids(s.cfg.style, []string{grid.Title(2026, time.December, jakarta) + ", online, 10:00 WIB"},
		[][]quota.DayView{jkt}, []string{""})
	s.p.line("")
	s.p.line("This is the second chance M-Paspor regulars wait for, two hours after an opening.")
	return nil
}

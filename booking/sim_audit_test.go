package booking_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// The auditor: every reply of the engine held against the model, and the
// invariants swept at every reopen and every 25 calls.

// expect fails the run unless got, read just now, is booking b as the
// model shows it now.
func (s *sim) expect(what string, got Booking, b *simBooking) {
	s.expectAt(what, got, b, s.clock.Now())
}

// expectAnswer fails the run unless got, the booking the last call
// answered with, is b as the model shows it at the call's instant: a
// change's answer shows the booking as of the change, not as of its
// return after the disk's wait (Engine.settle), so a deadline that
// passes during a slow sync is the next read's to show.
func (s *sim) expectAnswer(what string, got Booking, b *simBooking) {
	s.expectAt(what, got, b, s.callAt)
}

// expectAt fails the run unless got is b as the model shows it at at.
func (s *sim) expectAt(what string, got Booking, b *simBooking, at time.Time) {
	if problem := s.differs(got, b, at); problem != "" {
		s.fail("%s: booking %s: %s", what, b.code, problem)
	}
}

// expectGet fails the run unless Get shows the booking with the given
// code as the model does: a refused change left nothing, an unanswered
// one is there (until a reopen decides), an archived booking answers
// ErrArchived.
func (s *sim) expectGet(what, code string) {
	b := s.model.byCode[code]
	got, err := s.e.Get(bg, code)
	switch {
	case b == nil && !errors.Is(err, ErrNotFound):
		s.fail("%s: Get %s: %v, the model has no such booking", what, code, err)
	case b != nil && b.archived && !errors.Is(err, ErrArchived):
		s.fail("%s: Get %s: %v, the model archived it at %s", what, code, err, b.archivedAt.In(kt.WIB).Format(time.DateTime))
	case b == nil, b.archived:
	case err != nil:
		s.fail("%s: Get %s: %v", what, code, err)
	default:
		s.expect(what+", then Get", got, b)
	}
}

// differs says how got differs from b as the model shows it at now, or "".
func (s *sim) differs(got Booking, b *simBooking, now time.Time) string {
	hist := s.model.history(b, now)
	field := func(name string, g, w any) string { return fmt.Sprintf("%s: engine %v, model %v", name, g, w) }
	switch {
	case got.Code != b.code || got.BillingCode != b.billing:
		return field("codes", got.Code+" "+got.BillingCode, b.code+" "+b.billing)
	case got.Account != b.account || got.Office != kt.Office:
		return field("account and office", got.Account+" "+got.Office, b.account+" "+kt.Office)
	case got.Date != b.date || got.Slot != simStarts[b.slot] || got.Pool != simPools[b.pool]:
		return field("cell", fmt.Sprint(got.Date, " ", got.Slot, " ", got.Pool), fmt.Sprint(b.date, " ", simStarts[b.slot], " ", simPools[b.pool]))
	case got.State != s.model.effective(b, now):
		return field("state", got.State, s.model.effective(b, now)) + "; history " + simEvents(got.History)
	case got.PaymentRef != b.paymentRef || got.Reschedules != b.reschedules:
		return field("payment and reschedules", fmt.Sprint(got.PaymentRef, " ", got.Reschedules), fmt.Sprint(b.paymentRef, " ", b.reschedules))
	case !got.PayBy.Equal(b.deadline):
		return field("pay by", got.PayBy, b.deadline)
	case len(got.Applicants) != len(b.niks):
		return field("applicants", len(got.Applicants), len(b.niks))
	}
	for i, k := range b.niks {
		if got.Applicants[i].NIK != s.niks[k] {
			return fmt.Sprintf("applicant %d is another NIK", i+1)
		}
	}
	want := make([]Event, len(hist))
	for i, ev := range hist {
		want[i] = Event{At: ev.at, State: ev.state, Reason: ev.reason}
	}
	same := len(got.History) == len(want)
	for i := 0; same && i < len(want); i++ {
		g := got.History[i]
		same = g.State == want[i].State && g.At.Equal(want[i].At) && g.Reason == want[i].Reason
	}
	if !same {
		return field("history", simEvents(got.History), simEvents(want))
	}
	return ""
}

// simEvents formats a history: "held@11-01 09:00 paid@…".
func simEvents(h []Event) string {
	var b strings.Builder
	for _, ev := range h {
		fmt.Fprintf(&b, "%v@%s", ev.State, ev.At.In(kt.WIB).Format("01-02 15:04:05.000"))
		if ev.Reason.Kind != ReasonNone {
			fmt.Fprintf(&b, "(%v %q)", ev.Reason.Kind, ev.Reason.Text)
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

// recorded returns the state the engine has recorded for a booking it
// keeps (not archived), which tells whose seats its counters still count.
func (s *sim) recorded(code string) State {
	st, err := s.e.Recorded(code)
	if err != nil {
		s.fail("Recorded %s: %v", code, err)
	}
	return st
}

// lapsed returns the seats the counters of cell c still count for bookings
// that no longer hold them: holds past their deadline and paid bookings
// past their slot whose expiry or no-show nobody has recorded yet.
func (s *sim) lapsed(c simCell) int {
	now, n := s.clock.Now(), 0
	for _, b := range s.model.bookings {
		if !b.archived && b.date == c.date && b.slot == c.slot && b.pool == c.pool && !simTakes(s.model.effective(b, now)) && simTakes(s.recorded(b.code)) {
			n += len(b.niks)
		}
	}
	return n
}

// checkCell fails the run unless cell c has the model's capacity and its
// seats taken and left add up to it.
func (s *sim) checkCell(what string, c simCell) {
	st, err := s.e.Cell(kt.Office, c.date, c.slot, c.pool)
	if err != nil {
		s.fail("%s: cell %v: %v", what, c, err)
	}
	taken, lapsed := s.model.taken(c, s.clock.Now()), s.lapsed(c)
	if st.Capacity != s.model.cap(c) || st.Taken() != taken+lapsed {
		s.fail("%s: %s %s %s: engine %d seats left of %d, model %d taken (and %d lapsed, not yet recorded) of %d",
			what, c.date, simStarts[c.slot], simPools[c.pool], st.Left, st.Capacity, taken, lapsed, s.model.cap(c))
	}
}

// audit sweeps every invariant: Check is clean; every booking reads as the
// model has it, an archived one as ErrArchived; no NIK has two live
// bookings; no booking exists that the model does not know (a refused hold
// left nothing); every account lists its bookings; the office has its
// name; every cell's seats taken and left add up to its capacity, the
// model's.
func (s *sim) audit(why string) {
	s.compareStandby(why)
	now := s.clock.Now()
	if v, err := s.e.Check(bg); err != nil || len(v) > 0 {
		s.fail("%s: Check: %v %v", why, err, v)
	}
	if n := s.e.Stats().Total; n != s.model.live() {
		s.fail("%s: the engine has %d bookings, the model %d (and %d archived)", why, n, s.model.live(), len(s.model.bookings)-s.model.live())
	}
	live := map[NIK]string{}
	for _, b := range s.model.bookings {
		if b.archived {
			s.expectGet(why, b.code)
			continue
		}
		got, err := s.e.Get(bg, b.code)
		if err != nil {
			s.fail("%s: Get %s: %v", why, b.code, err)
		}
		s.expect(why, got, b)
		if got.State == Held || got.State == Paid && now.Before(got.Date.AddDays(1).Start(kt.WIB)) {
			for _, a := range got.Applicants {
				if other, dup := live[a.NIK]; dup {
					s.fail("%s: a NIK has two live bookings, %s and %s", why, other, b.code)
				}
				live[a.NIK] = b.code
			}
		}
	}
	for _, c := range s.clients {
		s.expectAccount(why, c.account)
	}
	if cfg, err := s.e.Office(bg, kt.Office); err != nil || cfg.Name != s.model.name {
		s.fail("%s: the office is %q (%v), the model's %q", why, cfg.Name, err, s.model.name)
	}
	for _, d := range simDates {
		if !simInTable(d) {
			continue
		}
		for slot := range simSlots {
			for pool := range simPools {
				s.checkCell(why, simCell{date: d, slot: slot, pool: pool})
			}
		}
	}
}

// expectAccount fails the run unless the account lists the model's
// bookings but the archived, oldest first, each as the model has it.
func (s *sim) expectAccount(what, account string) {
	got, err := s.e.AccountBookings(bg, account)
	if err != nil {
		s.fail("%s: AccountBookings: %v", what, err)
	}
	want := s.model.ofAccount(account, false)
	codes := func(n int, code func(i int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = code(i)
		}
		return out
	}
	g, w := codes(len(got), func(i int) string { return got[i].Code }), codes(len(want), func(i int) string { return want[i].code })
	if !slices.Equal(g, w) {
		s.fail("%s: %s lists %v, the model %v", what, account, g, w)
	}
	for i, b := range want {
		s.expect(what+", in the account's list", got[i], b)
	}
}

// read makes the reads of a client: a booking by code and billing code,
// or the account's list.
func (s *sim) read(op simOp, c *simClient) simOutcome {
	if op == simAccount {
		s.expectAccount("account "+c.account, c.account)
		s.tracef("account %s: ok", c.account)
		return simOK
	}
	b := s.pick(c)
	s.expectGet("get", b.code)
	got, err := s.e.ByBillingCode(bg, b.billing)
	switch {
	case b.archived && !errors.Is(err, ErrArchived):
		s.fail("ByBillingCode %s: %v, the model archived %s", b.billing, err, b.code)
	case b.archived:
		s.stats.archivedAnswers++
		s.tracef("get %s: archived", b.code)
		return simOK
	case err != nil:
		s.fail("ByBillingCode %s: %v", b.billing, err)
	}
	s.expect("by billing code", got, b)
	s.tracef("get %s: ok", b.code)
	return simOK
}

// simSchedule is the test office's schedule, for the states of closed days.
var simSchedule = simOfficeConfig([2]int{}, "").Quota.Schedule

// simDayView is a day as the model shows it.
type simDayView struct {
	state  calendar.State
	reason string
	left   int
	slots  []quota.SlotView // State, Reason and Pools only
}

// dayView is the model's view of day d now, in the day-state order of
// quota's gate: past, closed (by the schedule, the operator's day, its
// slot), not opened, then the seats. Seats left are the counters': lapsed
// bookings not yet recorded still count.
func (s *sim) dayView(d calendar.Date) simDayView {
	now, m := s.clock.Now(), s.model
	schedState, schedReason := simSchedule.Status(d)
	dayReason, dayClosed := m.dayClosed[d]
	gate := func(start time.Time, slotClosed bool, slotReason string, capacity, left int) (calendar.State, string) {
		switch {
		case !now.Before(start):
			return calendar.Past, ""
		case schedState != calendar.Available:
			return schedState, schedReason
		case dayClosed:
			return calendar.Holiday, dayReason
		case slotClosed:
			return calendar.Holiday, slotReason
		case now.Before(simRelease(d)):
			return calendar.NotOpened, ""
		case capacity == 0:
			return calendar.NoQuota, ""
		case left == 0:
			return calendar.Full, ""
		}
		return calendar.Available, ""
	}
	var v simDayView
	dayCapacity, open, firstReason := 0, 0, ""
	for slot := range simSlots {
		reason, closed := m.slotClosed[simCell{date: d, slot: slot}]
		if closed && firstReason == "" {
			firstReason = reason
		}
		sv := quota.SlotView{Pools: make([]quota.PoolSeats, len(simPools))}
		capacity, left := 0, 0
		for pool := range simPools {
			c := simCell{date: d, slot: slot, pool: pool}
			sv.Pools[pool] = quota.PoolSeats{Pool: simPools[pool], Capacity: m.cap(c), Left: m.cap(c) - m.taken(c, now) - s.lapsed(c)}
			capacity += sv.Pools[pool].Capacity
			left += sv.Pools[pool].Left
		}
		start := simSlotStart(d, slot)
		sv.State, sv.Reason = gate(start, closed, reason, capacity, left)
		if now.Before(start) && !closed && schedState == calendar.Available && !dayClosed {
			open++
			dayCapacity += capacity
			v.left += left
		}
		v.slots = append(v.slots, sv)
	}
	v.state, v.reason = gate(simSlotStart(d, len(simSlots)-1), open == 0, firstReason, dayCapacity, v.left)
	return v
}

// view reads the month or one day of the calendar and checks it against
// the model. A view records the expiry of overdue holds first, so that
// their seats show as free; while the journal refuses writes it cannot.
func (s *sim) view(op simOp) simOutcome {
	d := simDates[s.rng.IntN(len(simDates)-1)] // the last is outside the table
	if op == simMonth {
		got, err := s.e.Month(bg, kt.Office, d.Year(), d.Month())
		if err != nil {
			s.fail("Month %d-%02d: %v", d.Year(), d.Month(), err)
		}
		for _, dd := range simDates[:len(simDates)-1] {
			if dd.Year() != d.Year() || dd.Month() != d.Month() {
				continue
			}
			g, w := got[dd.Day()-1], s.dayView(dd)
			if g.State != w.state || g.Reason != w.reason || g.Left != w.left {
				s.fail("Month: %s is %v %q with %d left, the model %v %q with %d", dd, g.State, g.Reason, g.Left, w.state, w.reason, w.left)
			}
		}
		s.tracef("month %d-%02d: ok", d.Year(), d.Month())
	} else {
		got, err := s.e.Day(bg, kt.Office, d)
		if err != nil {
			s.fail("Day %s: %v", d, err)
		}
		w := s.dayView(d)
		if got.State != w.state || got.Reason != w.reason || got.Left != w.left || len(got.Slots) != len(w.slots) {
			s.fail("Day: %s is %v %q with %d left, the model %v %q with %d", d, got.State, got.Reason, got.Left, w.state, w.reason, w.left)
		}
		for i, sv := range got.Slots {
			ws := w.slots[i]
			if sv.State != ws.State || sv.Reason != ws.Reason || !slices.Equal(sv.Pools, ws.Pools) {
				s.fail("Day: %s slot %d is %v %q %v, the model %v %q %v", d, i, sv.State, sv.Reason, sv.Pools, ws.State, ws.Reason, ws.Pools)
			}
		}
		s.tracef("day %s: ok", d)
	}
	s.checkViewExpired(op.String())
	return simOK
}

// checkViewExpired checks that a view recorded every overdue hold, as
// Month and Day promise; a journal that refuses writes (failed, or
// retrying a write) cannot record them, and the run counts those views.
func (s *sim) checkViewExpired(what string) {
	now := s.clock.Now()
	for _, b := range s.model.bookings {
		if b.archived || s.model.effective(b, now) != Expired || s.recorded(b.code) != Held {
			continue
		}
		if !s.broken() {
			s.fail("%s: hold %s is past its deadline, and the view did not record its expiry", what, b.code)
		}
		s.stats.staleViews++
		return
	}
}

package booking

import (
	"errors"
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// errStale is returned by apply when the booking changed after the rules
// decided on it (change.from): they look at it again.
var errStale = errors.New("booking: changed concurrently")

// apply makes change c: the one path by which the engine's state changes,
// live and in replay. It checks c against the transition table, takes or
// gives back seats in quota, hands the record of c to the journal, and
// files the booking in every index its new state belongs to. It returns
// the LSN the caller waits for before it tells anyone; a refusal changes
// nothing.
//
// The order is what makes every prefix of the journal a state the engine
// could have been in, so that a crash at any point recovers: a change that
// takes seats (or a NIK) takes them before its record gets its place, and
// one that frees them frees them after; a booking's change is published
// only after its record has its place, so whoever acts on it comes later
// in the journal. The caller of a hold holds the account's shard of the
// account index; the caller of an office or operator change holds
// adminMu.
func (m *machine) apply(c *change) (uint64, error) {
	switch c.op {
	case opKeys:
		return m.setKeys(c)
	case opOffice:
		return m.registerOffice(c)
	case opOverride:
		return m.override(c)
	case opHold:
		return m.hold(c)
	case opPay, opReschedule, opCheckIn, opCancel, opReject, opExpire, opNoShow:
		return m.step(c)
	case opImport:
		return m.importBooking(c)
	}
	return 0, fmt.Errorf("%w: change %d", ErrCorrupt, c.op)
}

// hold applies opHold: the new booking takes its seats, then its NIKs and,
// while it holds them, its sequence number and its place in the journal;
// only then can anyone find it.
func (m *machine) hold(c *change) (uint64, error) {
	o := c.o
	if o == nil {
		if o = m.lookupOffice(c.officeCode); o == nil {
			return 0, ErrUnknownOffice
		}
	}
	if err := m.checkCell(o, c.slot, c.pool); err != nil {
		return 0, err
	}
	if m.total.Add(1) > m.bookingsMax {
		m.total.Add(-1)
		return 0, fmt.Errorf("%w: limit %d", ErrTooManyBookings, m.bookingsMax)
	}
	b := &booking{office: o, account: c.account, idem: c.idem, applicants: c.applicants, familyCard: c.familyCard}
	s := &snapshot{at: c.at, state: moves[opHold].to, date: c.date, slot: c.slot, pool: c.pool, deadline: c.deadline}
	b.st.Store(s)
	if m.replaying {
		if err := m.number(b, c); err != nil { // known already: name it in errors
			m.total.Add(-1)
			return 0, err
		}
	}
	if err := m.take(b, s, c.at); err != nil {
		m.total.Add(-1)
		return 0, err
	}
	lsn, err := m.enter(b, c, s)
	if err != nil {
		m.release(b, s)
		m.total.Add(-1)
		return 0, err
	}
	return lsn, nil
}

// enter ends the making of a new booking b in state s, whose seats are
// taken: it claims b's NIKs and, while it holds them, gives b its number
// and c its place in the journal; only then can anyone find b, and it is
// filed. An error leaves the NIKs, the numbers and the journal as they
// were; the seats are the caller's to give back.
func (m *machine) enter(b *booking, c *change, s *snapshot) (uint64, error) {
	var lsn uint64
	err := m.niks.claim(b, c.at, func() error {
		if err := m.number(b, c); err != nil {
			return err
		}
		var err error
		if lsn, err = m.commit(c); err != nil {
			return err
		}
		b.lsn.Store(lsn)
		m.slab.put(b)
		return nil
	})
	if err != nil {
		return 0, err
	}
	m.accounts.add(b)
	m.file(b, c.op, nil, s)
	return lsn, nil
}

// importBooking applies opImport: a booking brought in as it stands. Each
// step of its history is checked against the transition table and made
// with next, as live changes are; the booking then takes the seats of its
// final state (if it holds any) and claims its NIKs as of its hold, and is
// filed as a hold is.
func (m *machine) importBooking(c *change) (uint64, error) {
	o := m.lookupOffice(c.officeCode)
	if o == nil {
		return 0, ErrUnknownOffice
	}
	if err := m.checkCell(o, c.slot, c.pool); err != nil {
		return 0, err
	}
	b := &booking{office: o, account: c.account, idem: c.idem, applicants: c.applicants, familyCard: c.familyCard}
	s := &snapshot{at: c.at, state: moves[opHold].to, date: c.date, slot: c.slot, pool: c.pool, deadline: c.deadline}
	for i := range c.steps {
		st := &c.steps[i]
		if err := can(st.op, s.state); err != nil {
			return 0, fmt.Errorf("step %d: %w", i+1, err)
		}
		if st.op == opReschedule {
			if err := m.checkCell(o, st.slot, c.pool); err != nil {
				return 0, fmt.Errorf("step %d: %w", i+1, err)
			}
		}
		s = m.next(b, s, &change{op: st.op, at: st.at, date: st.date, slot: st.slot, text: st.text, reason: st.reason})
	}
	b.st.Store(s)
	if m.total.Add(1) > m.bookingsMax {
		m.total.Add(-1)
		return 0, fmt.Errorf("%w: limit %d", ErrTooManyBookings, m.bookingsMax)
	}
	if err := m.number(b, c); err != nil {
		m.total.Add(-1)
		return 0, err
	}
	if s.state.holdsSeats() {
		if err := m.take(b, s, c.at); err != nil {
			m.total.Add(-1)
			return 0, err
		}
	}
	lsn, err := m.enter(b, c, s)
	if err != nil {
		if s.state.holdsSeats() {
			m.release(b, s)
		}
		m.total.Add(-1)
		return 0, err
	}
	return lsn, nil
}

// number gives a new booking its sequence number and, derived from it,
// its codes: the next number when live, the stored one in replay.
func (m *machine) number(b *booking, c *change) error {
	if b.seq != 0 {
		return nil // numbered already
	}
	if !m.hasCodes {
		return fmt.Errorf("%w: a booking before the code keys", ErrCorrupt)
	}
	if m.replaying {
		if m.slab.get(c.seq) != nil {
			return fmt.Errorf("%w: booking number %d held twice", ErrCorrupt, c.seq)
		}
		m.seq.Store(max(m.seq.Load(), c.seq))
	} else {
		c.seq = m.seq.Add(1)
	}
	b.seq = c.seq
	b.code, b.billing = m.codes.code(b.seq), m.codes.billingOf(b.seq)
	return nil
}

// step applies a change of an existing booking. A reschedule takes the new
// seats first, outside the booking's lock, and gives them back if the
// change is refused.
func (m *machine) step(c *change) (uint64, error) {
	b := m.slab.get(c.seq)
	if b == nil {
		return 0, ErrNotFound
	}
	var moved *snapshot // a reschedule's new cell
	if c.op == opReschedule {
		if err := m.checkCell(b.office, c.slot, b.st.Load().pool); err != nil {
			return 0, err
		}
		moved = &snapshot{date: c.date, slot: c.slot, pool: b.st.Load().pool}
		if err := m.take(b, moved, c.at); err != nil {
			return 0, err
		}
	}
	b.mu.Lock()
	from := b.st.Load()
	var err error
	if c.from != nil && c.from != from {
		err = errStale
	} else {
		err = can(c.op, from.state)
	}
	var to *snapshot
	var lsn uint64
	if err == nil {
		to = m.next(b, from, c)
		lsn, err = m.commit(c)
	}
	if err != nil {
		b.mu.Unlock()
		if moved != nil {
			m.release(b, moved)
		}
		return 0, err
	}
	b.st.Store(to)
	b.lsn.Store(lsn)
	b.mu.Unlock()
	m.file(b, c.op, from, to)
	if from.state.holdsSeats() && (moved != nil || !to.state.holdsSeats()) {
		m.release(b, from)
	}
	return lsn, nil
}

// next returns the state c leads b to from state from: the transition
// table's target, and what the change adds to the history.
func (m *machine) next(b *booking, from *snapshot, c *change) *snapshot {
	to := moves[c.op].to
	switch c.op {
	case opPay:
		n := from.next(to, c.at, "")
		n.paymentRef = c.text
		return n
	case opReschedule:
		n := from.next(to, c.at, "rescheduled from "+from.date.String()+" "+m.slot(b.office, from.slot).Span())
		n.date, n.slot, n.reschedules = c.date, c.slot, from.reschedules+1
		return n
	case opCancel, opReject:
		n := from.next(to, c.at, c.text)
		n.reason = c.reason
		return n
	case opExpire:
		return from.next(to, c.at, "payment deadline passed")
	}
	return from.next(to, c.at, "")
}

// checkCell checks a slot and pool against the office's layout: the rules
// check a request's, replay a stored change's.
func (m *machine) checkCell(o *office, slot, pool uint8) error {
	if _, err := m.ledger.Slot(o.id, int(slot)); err != nil {
		return err
	}
	_, err := m.ledger.PoolName(o.id, int(pool))
	return err
}

// take takes b's seats in the cell of s. Live, the clock decides as
// quota.Reserve does (not started, not closed, released, not full), and a
// full cell first expires the holds that are overdue at atNs. In replay
// the seats only have to fit (quota.Restore): the change was admitted
// under the rules of its day.
func (m *machine) take(b *booking, s *snapshot, atNs int64) error {
	id, d, slot, pool, n := b.office.id, s.date, int(s.slot), int(s.pool), b.seats()
	if m.replaying {
		return m.restoreSeats(b, s, m.ledger.Restore(id, d, slot, pool, n))
	}
	now := time.Unix(0, atNs)
	err := m.ledger.Reserve(id, d, slot, pool, n, now)
	if err == quota.ErrFull && m.holds.due(atNs) {
		m.expireDue(atNs)
		err = m.ledger.Reserve(id, d, slot, pool, n, now)
	}
	return err
}

// restoreSeats judges, in replay, the outcome of taking b's seats in the
// cell of s again.
func (m *machine) restoreSeats(b *booking, s *snapshot, err error) error {
	switch {
	case err == nil:
		delete(m.unseated, b)
		return nil
	case errors.Is(err, quota.ErrOutsideHorizon) && s.date.Before(m.firstDay(b.office)):
		// A day that has left the window took its counters along.
		return nil
	case m.lenient:
		if m.unseated == nil {
			m.unseated = map[*booking]bool{}
		}
		m.unseated[b] = true
		m.violations = append(m.violations, Violation{Code: formatCode(b.code),
			Problem: fmt.Sprintf("its %s %s %s slot %d pool %d: %v", plural(b.seats(), "seat"), doNotFit(b.seats()), s.date, s.slot, s.pool, err)})
		return nil
	}
	return fmt.Errorf("%w: %s %s %s slot %d pool %d: %w", ErrInconsistent, plural(b.seats(), "seat"), doNotFit(b.seats()), s.date, s.slot, s.pool, err)
}

// firstDay returns the first day of the office's quota table.
func (m *machine) firstDay(o *office) calendar.Date {
	cfg, _ := m.ledger.Config(o.id)
	return cfg.First
}

// release gives b's seats in the cell of s back to the quota. It is called
// only once the change that freed them has its place in the journal (see
// apply). A day that has since left the quota table has no counter to
// return to; its seats are gone with it.
func (m *machine) release(b *booking, s *snapshot) {
	if m.unseated[b] {
		return // a read-only load kept it without its seats
	}
	err := m.ledger.Release(b.office.id, s.date, int(s.slot), int(s.pool), b.seats())
	if err != nil && err != quota.ErrOutsideHorizon {
		// Unreachable while the engine's invariants hold; Check reports
		// the resulting imbalance if they do not.
		m.log.Error("releasing seats", "code", formatCode(b.code), "err", err)
	}
}

// plural writes "1 seat" or "3 seats".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func doNotFit(n int) string {
	if n == 1 {
		return "does not fit"
	}
	return "do not fit"
}

// expire records that b's hold lapsed, if it is overdue at nowNs, and
// returns the expiry's LSN and whether it made it. A payment racing it
// ends with exactly one winner: both are changes of b.
func (m *machine) expire(b *booking, nowNs int64) (uint64, bool) {
	for {
		s := b.st.Load()
		if !s.overdue(nowNs) {
			return 0, false
		}
		// The expiry happened at the deadline, whenever it is noticed.
		lsn, err := m.apply(&change{op: opExpire, seq: b.seq, at: s.deadline, from: s})
		if err != errStale {
			return lsn, err == nil
		}
	}
}

// recordDue records the change whose instant has come for b, in state s,
// at nowNs — the expiry of an overdue hold, the no-show of a paid booking
// whose slot has ended — as the sweeper would, so that an operation acts
// on the state every read already shows. It returns errStale if b moved
// on, and nil when nothing is due.
func (m *machine) recordDue(b *booking, s *snapshot, nowNs int64) error {
	c := change{seq: b.seq, from: s}
	switch {
	case s.overdue(nowNs):
		c.op, c.at = opExpire, s.deadline
	case s.state == Paid && m.noShowAt(b, s) <= nowNs:
		c.op, c.at = opNoShow, m.noShowAt(b, s)
	default:
		return nil
	}
	_, err := m.apply(&c)
	return err
}

// expireDue expires the holds due at nowNs and returns how many, and the
// LSN of the last expiry.
func (m *machine) expireDue(nowNs int64) (int, uint64) {
	n, last := 0, uint64(0)
	for _, b := range m.holds.pop(nowNs) {
		if lsn, ok := m.expire(b, nowNs); ok {
			n++
			last = max(last, lsn)
		}
	}
	return n, last
}

// markNoShows marks the paid bookings whose slot ended at or before nowNs
// as no-shows and returns how many, and the LSN of the last.
func (m *machine) markNoShows(nowNs int64) (int, uint64) {
	n, last := 0, uint64(0)
	for _, b := range m.arrivals.pop(nowNs) {
		for {
			s := b.st.Load()
			// Entries go stale when a booking is checked in, cancelled or
			// rescheduled (a rescheduled booking got an entry for its new
			// slot); only a booking still paid for the slot that ended
			// is a no-show.
			if s.state != Paid || m.noShowAt(b, s) > nowNs {
				break
			}
			// The no-show happened when the slot ended, whenever it is
			// noticed: the instant every read already shows.
			lsn, err := m.apply(&change{op: opNoShow, seq: b.seq, at: m.noShowAt(b, s), from: s})
			if err == nil {
				n++
				last = max(last, lsn)
			}
			if err != errStale {
				break
			}
		}
	}
	return n, last
}

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
// only after its record has its place and its freed seats are back, so
// whoever acts on it comes later in the journal, and whoever reads it sees
// its seats as it left them. The caller of a hold holds the account's shard of the
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
	case opArchive:
		return m.archive(c)
	case opProofKey:
		return m.addProofKey(c)
	}
	return 0, fmt.Errorf("%w: change %d", ErrCorrupt, c.op)
}

// hold applies opHold. A cell without room refuses at once, before any
// NIK is locked; otherwise the new booking claims its NIKs, and while it holds
// them takes its seats, its sequence number and its place in the journal;
// only then can anyone find it. A refused hold leaves no trace another
// caller could see: it takes its seats only once its NIKs are judged free.
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
	b, s := newHold(c, o)
	if !m.replaying {
		// The quota-opening rush ends here for most callers: a sold-out
		// cell costs one atomic load.
		if err := m.fits(b, s, c.at); err != nil {
			return 0, err
		}
	}
	if m.total.Add(1) > m.bookingsMax {
		m.total.Add(-1)
		return 0, fmt.Errorf("%w: limit %d", ErrTooManyBookings, m.bookingsMax)
	}
	if m.replaying {
		if err := m.number(b, c); err != nil { // known already: name it in errors
			m.total.Add(-1)
			return 0, err
		}
	}
	lsn, err := m.enter(b, c, s, true)
	if err != nil {
		m.total.Add(-1)
		return 0, err
	}
	return lsn, nil
}

// enter ends the making of a new booking b in state s: it claims b's NIKs
// and, while it holds them, takes b's seats (when seated), gives b its
// number and c its place in the journal; only then can anyone find b, and
// it is filed. An error leaves the seats, the NIKs, the numbers and the
// journal as they were.
//
// When a NIK is refused, the seats' own refusal, if any, comes first (see
// Engine.Hold): it is judged while the NIKs are held, so both answers are
// true of one instant.
func (m *machine) enter(b *booking, c *change, s *snapshot, seated bool) (uint64, error) {
	var lsn uint64
	err := m.niks.claim(b, c.at, func(refused error) error {
		if refused != nil {
			if seated && !m.replaying {
				if err := m.fits(b, s, c.at); err != nil {
					return err
				}
			}
			return refused
		}
		if seated {
			if err := m.take(b, s, c.at); err != nil {
				return err
			}
		}
		err := m.number(b, c)
		if err == nil {
			lsn, err = m.commit(c, b, nil, s)
		}
		if err != nil {
			if seated {
				m.release(b, s)
			}
			return err
		}
		b.lsn.Store(lsn)
		m.slab.put(b)
		if m.replaying {
			m.seq.Store(max(m.seq.Load(), b.seq)) // see number
		}
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
// with next, as live changes are; the booking then claims its NIKs as of
// its hold and takes the seats of its final state (if it holds any), and
// is filed as a hold is.
func (m *machine) importBooking(c *change) (uint64, error) {
	o := m.lookupOffice(c.officeCode)
	if o == nil {
		return 0, ErrUnknownOffice
	}
	b, s, err := m.rebuild(o, c)
	if err != nil {
		return 0, err
	}
	if m.total.Add(1) > m.bookingsMax {
		m.total.Add(-1)
		return 0, fmt.Errorf("%w: limit %d", ErrTooManyBookings, m.bookingsMax)
	}
	if err := m.number(b, c); err != nil {
		m.total.Add(-1)
		return 0, err
	}
	lsn, err := m.enter(b, c, s, s.state.holdsSeats())
	if err != nil {
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
	cd := m.codes.Load()
	if cd == nil {
		return fmt.Errorf("%w: a booking before the code keys", ErrCorrupt)
	}
	if m.replaying {
		if m.slab.get(c.seq) != nil {
			return fmt.Errorf("%w: booking number %d held twice", ErrCorrupt, c.seq)
		}
		// m.seq follows once b is in the slab (enter): a standby's reader
		// must not take a number not filed yet for an archived one (find).
	} else {
		for {
			last := m.seq.Load()
			if last >= bookingNumbersMax {
				return fmt.Errorf("%w: every booking number (%d) is used", ErrTooManyBookings, uint64(bookingNumbersMax))
			}
			if m.seq.CompareAndSwap(last, last+1) {
				c.seq = last + 1
				break
			}
		}
	}
	b.seq = c.seq
	b.code, b.billing = cd.code(b.seq), cd.billingOf(b.seq)
	return nil
}

// step applies a change of an existing booking, under the booking's lock
// from the look at its state to the publication of the new one. A
// reschedule takes its new seats there, so that a refusal for want of them
// is true of the booking as it stands. Seats a change frees are given back
// before the new state is published, and readers of a booking wait for
// its lock (settled): whoever sees the change sees its seats free.
func (m *machine) step(c *change) (uint64, error) {
	b, err := m.find(c.seq)
	if err != nil {
		return 0, err
	}
	if c.op == opReschedule && !m.replaying && m.holds.due(c.at) {
		// Lapsed holds give their seats back before the lock, not while
		// readers of b wait for it (take would, for a full cell).
		m.expireDue(c.at, inOffice(b.office))
	}
	b.mu.Lock()
	from := b.st.Load()
	switch {
	case b.archived():
		err = ErrArchived // it left the slab after this change found it
	case c.from != nil && c.from != from:
		err = errStale
	default:
		err = can(c.op, from.state)
	}
	var moved *snapshot // a reschedule's new cell
	if err == nil && c.op == opReschedule {
		if err = m.checkCell(b.office, c.slot, from.pool); err == nil {
			moved = &snapshot{date: c.date, slot: c.slot, pool: from.pool}
			if err = m.take(b, moved, c.at); err != nil {
				moved = nil
			}
		}
	}
	var to *snapshot
	var lsn uint64
	if err == nil {
		to = m.next(b, from, c)
		lsn, err = m.commit(c, b, from, to)
	}
	if err != nil {
		if moved != nil {
			m.release(b, moved)
		}
		b.mu.Unlock()
		return 0, err
	}
	if from.state.holdsSeats() && (moved != nil || !to.state.holdsSeats()) {
		m.release(b, from)
	}
	b.st.Store(to)
	b.lsn.Store(lsn)
	b.mu.Unlock()
	m.file(b, c.op, from, to)
	return lsn, nil
}

// next returns the state c leads b to from state from: the transition
// table's target, and what the change adds to the history.
func (m *machine) next(b *booking, from *snapshot, c *change) *snapshot {
	to := moves[c.op].to
	switch c.op {
	case opPay:
		n := from.next(to, c.at, "")
		n.text = c.text
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
	if m.replaying {
		return m.restoreSeats(b, s, m.ledger.Restore(b.office.id, s.date, int(s.slot), int(s.pool), b.seats()))
	}
	return m.ask(b, s, atNs, true)
}

// seatsFor returns, allocating nothing, the refusal of n seats in a cell
// of office o as of atNs — or nil when they fit, or may: a full cell with
// holds overdue, which take (ask) expires first.
func (m *machine) seatsFor(o *office, d calendar.Date, slot, pool uint8, n int, atNs int64) error {
	err := m.ledger.Fits(o.id, d, int(slot), int(pool), n, time.Unix(0, atNs))
	if err == quota.ErrFull && m.holds.due(atNs) {
		return nil
	}
	return err
}

// fits returns the error take would return, taking nothing.
func (m *machine) fits(b *booking, s *snapshot, atNs int64) error {
	return m.ask(b, s, atNs, false)
}

// ask asks quota for b's seats in the cell of s as of atNs: to take them
// (Reserve) or whether they fit (Fits). A full cell first expires the
// holds overdue at atNs, and is asked again; if the journal refuses those
// expiries, so that their seats cannot be given back, the answer is its
// refusal (ErrStorage), not a "full" that is not so.
func (m *machine) ask(b *booking, s *snapshot, atNs int64, reserve bool) error {
	id, d, slot, pool, n, now := b.office.id, s.date, int(s.slot), int(s.pool), b.seats(), time.Unix(0, atNs)
	try := func() error {
		if reserve {
			return m.ledger.Reserve(id, d, slot, pool, n, now)
		}
		return m.ledger.Fits(id, d, slot, pool, n, now)
	}
	err := try()
	if err == quota.ErrFull && m.holds.due(atNs) {
		if _, _, refused := m.expireDue(atNs, inCell(b.office, d, s.slot, s.pool)); refused != nil {
			if err = try(); err == quota.ErrFull {
				return refused
			}
			return err
		}
		err = try()
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

package booking

import (
	"errors"
	"fmt"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
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

// hold applies opHold: the new booking claims its NIKs, and while it holds
// them takes its seats, its sequence number and its place in the journal;
// only then can anyone find it. A refused hold leaves no trace another
// caller could see: it takes its seats only once its NIKs are judged free.
// Live, its caller (Engine.holdNow) has just looked at the seats under the
// account's lock, so that a cell without room refuses before any NIK is
// locked; take decides.
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
	// The booking's first state, until it has a record to be written in.
	first := firstState(c)
	h := holder{o: o, n: len(c.applicants), seq: c.seq}
	return m.enter(c, h, &first, true, nil)
}

// enter ends the making of a new booking of change c, whose seats are h
// in the cell of state last: it claims the NIKs and, while it holds them,
// takes the seats (when seated), gives the booking its number, its record
// and c its place in the journal; only then can anyone find it, and it is
// filed. history, if not nil, writes the booking's states after its first
// into its record's arena and returns the last. An error leaves the
// seats, the NIKs, the numbers and the journal as they were.
//
// When a NIK is refused, the seats' own refusal, if any, comes first (see
// Engine.Hold): it is judged while the NIKs are held, and the NIK judged
// again after it (nikIndex.claim), so both answers are true of one
// instant. Before the NIKs, the booking is counted against
// bookingsMax, and in replay its stored number is checked, so that an
// error names it.
func (m *machine) enter(c *change, h holder, last *snapshot, seated bool, history func(b *booking, first *snapshot) *snapshot) (uint64, error) {
	c.core = coreHint()
	if m.total.Add(1) > m.bookingsMax {
		m.total.Add(-1)
		return 0, fmt.Errorf("%w: limit %d", ErrTooManyBookings, m.bookingsMax)
	}
	if m.replaying {
		if err := m.number(c); err != nil {
			m.total.Add(-1)
			return 0, err
		}
	}
	var lsn uint64
	var b *booking
	var s *snapshot
	err := m.niks.claim(h.o, c.applicants, c.at, func(refused error) (uint64, error) {
		if refused != nil {
			if seated && !m.replaying {
				if err := m.fits(h, last, c.at); err != nil {
					return 0, err
				}
			}
			return 0, nil // no refusal of its own: the NIK's stands
		}
		if seated {
			if err := m.take(h, last, c.at); err != nil {
				return 0, err
			}
		}
		var err error
		if !m.replaying {
			err = m.number(c) // replay's was checked above
		}
		if err == nil {
			b = m.slab.reserve(c.seq)
			s = m.write(b, c, h.o)
			if history != nil {
				s = history(b, s)
			}
			if lsn, err = m.commit(c, b, nil, s); err != nil {
				m.slab.unreserve(b)
			}
		}
		if err != nil {
			if seated {
				m.release(h, last)
			}
			return 0, err
		}
		b.lsn.Store(lsn)
		b.publish(s)
		m.slab.put(b)
		if m.replaying {
			m.seq.Store(max(m.seq.Load(), b.seq)) // see number
		}
		return b.seq, nil
	})
	if err != nil {
		m.total.Add(-1)
		return 0, err
	}
	m.accounts.add(b)
	m.file(b, c, nil, s)
	return lsn, nil
}

// write writes record b, numbered already, of the booking c makes at
// office o, with its own copy of c's strings and applicants, and returns
// its first state, unpublished: the caller writes the rest of its
// history, if any.
func (m *machine) write(b *booking, c *change, o *office) *snapshot {
	cd := m.codes.Load() // number checked the keys are there
	b.code, b.billing = cd.codesOf(b.seq)
	b.prevOfAccount = 0
	b.deadline = c.deadline
	b.officeID = uint16(o.id)
	return b.fill(&b.page().arena, c)
}

// importBooking applies opImport: a booking brought in as it stands. Each
// step of its history is checked against the transition table first, and
// made with next, as live changes are, once the booking has a record; the
// booking claims its NIKs as of its hold and takes the seats of its final
// state (if it holds any), and is filed as a hold is.
func (m *machine) importBooking(c *change) (uint64, error) {
	o := m.lookupOffice(c.officeCode)
	if o == nil {
		return 0, ErrUnknownOffice
	}
	last, err := m.checkSteps(o, c)
	if err != nil {
		return 0, err
	}
	h := holder{o: o, n: len(c.applicants), seq: c.seq}
	return m.enter(c, h, &last, last.state.holdsSeats(), func(b *booking, first *snapshot) *snapshot {
		return m.rebuild(b, first, c)
	})
}

// number gives a new booking its sequence number in c.seq: the next
// number when live; in replay, the stored one, checked to be free.
func (m *machine) number(c *change) error {
	if m.codes.Load() == nil {
		return fmt.Errorf("%w: a booking before the code keys", ErrCorrupt)
	}
	if m.replaying {
		if m.slab.get(c.seq) != nil {
			return fmt.Errorf("%w: booking number %d held twice", ErrCorrupt, c.seq)
		}
		// m.seq follows once the booking is in the slab (enter): a
		// standby's reader must not take a number not filed yet for an
		// archived one (find).
		return nil
	}
	for {
		last := m.seq.Load()
		if last >= bookingNumbersMax {
			return fmt.Errorf("%w: every booking number (%d) is used", ErrTooManyBookings, uint64(bookingNumbersMax))
		}
		if m.seq.CompareAndSwap(last, last+1) {
			c.seq = last + 1
			return nil
		}
	}
}

// step applies a change of an existing booking, under the booking's lock
// from the look at its state to the publication of the new one. A
// reschedule takes its new seats there, so that a refusal for want of them
// is true of the booking as it stands. Seats a change frees are given back
// before the new state is published, and readers of a booking wait for
// its lock while a change marks it busy (settled): whoever sees the
// change sees its seats free.
func (m *machine) step(c *change) (uint64, error) {
	c.core = coreHint()
	b, err := m.find(c.seq)
	if err != nil {
		return 0, err
	}
	if c.op == opReschedule && !m.replaying && m.holds.due(c.at) {
		// Lapsed holds give their seats back before the lock, not while
		// readers of b wait for it (take would, for a full cell).
		m.expireDue(c.at, inOffice(b.office()))
	}
	b.mu.Lock()
	from := b.state()
	switch {
	case b.archived():
		err = ErrArchived // it left the slab after this change found it
	case c.from != nil && c.from != from:
		err = errStale
	default:
		err = can(c.op, from.state)
	}
	busy := err == nil
	if busy {
		b.busy() // readers wait for the lock from here (settled)
	}
	var moved *snapshot // a reschedule's new cell
	if err == nil && c.op == opReschedule {
		if err = m.checkCell(b.office(), c.slot, from.pool); err == nil {
			moved = &snapshot{date: c.date, slot: c.slot, pool: from.pool}
			if err = m.take(b.holder(), moved, c.at); err != nil {
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
			m.release(b.holder(), moved)
		}
		if busy {
			b.idle()
		}
		b.mu.Unlock()
		return 0, err
	}
	if from.state.holdsSeats() && (moved != nil || !to.state.holdsSeats()) {
		m.release(b.holder(), from)
	}
	b.lsn.Store(lsn) // before the state: whoever sees the state waits for its LSN
	b.publish(to)
	b.mu.Unlock()
	m.file(b, c, from, to)
	return lsn, nil
}

// next writes into b's arena the state c leads b to from state from: the
// transition table's target, and what the change adds to the history. It
// returns it unpublished: a change the journal refuses leaves it unread.
func (m *machine) next(b *booking, from *snapshot, c *change) *snapshot {
	to := moves[c.op].to
	switch c.op {
	case opPay:
		return b.record(from, to, c, c.text) // the text of a payment is its reference
	case opReschedule:
		n := b.record(from, to, c, "rescheduled from "+from.date.String()+" "+m.slot(b.office(), from.slot).Span())
		n.date, n.slot, n.reschedules = c.date, c.slot, from.reschedules+1
		return n
	case opCancel, opReject:
		n := b.record(from, to, c, c.text)
		n.reason = c.reason
		return n
	}
	return b.record(from, to, c, "")
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

// holder is whose seats take, fits and release count: n seats at office
// o, for the booking numbered seq (0 for a live hold not numbered yet:
// only replay, which knows every number, reports seats by it).
type holder struct {
	o   *office
	n   int
	seq uint64
}

func (b *booking) holder() holder { return holder{b.office(), b.seats(), b.seq} }

// take takes h's seats in the cell of s. Live, the clock decides as
// quota.Reserve does (not started, not closed, released, not full), and a
// full cell first expires the holds that are overdue at atNs. In replay
// the seats only have to fit (quota.Restore): the change was admitted
// under the rules of its day.
func (m *machine) take(h holder, s *snapshot, atNs int64) error {
	if m.replaying {
		return m.restoreSeats(h, s, m.ledger.Restore(h.o.id, s.date, int(s.slot), int(s.pool), h.n))
	}
	return m.ask(h, s, atNs, true)
}

// seatsFor returns the refusal of n seats in a cell of office o as of
// atNs, or nil when they fit: fits for a hold not made yet. It allocates
// nothing unless the cell is full with holds overdue, which it expires
// first, so that its answer is the one take would give.
func (m *machine) seatsFor(o *office, d calendar.Date, slot, pool uint8, n int, atNs int64) error {
	return m.fits(holder{o: o, n: n}, &snapshot{date: d, slot: slot, pool: pool}, atNs)
}

// fits returns the error take would return, taking nothing.
func (m *machine) fits(h holder, s *snapshot, atNs int64) error {
	return m.ask(h, s, atNs, false)
}

// ask asks quota for h's seats in the cell of s as of atNs: to take them
// (Reserve) or whether they fit (Fits). A full cell first expires the
// holds overdue at atNs, and is asked again; if the journal refuses those
// expiries, so that their seats cannot be given back, the answer is its
// refusal (ErrStorage), not a "full" that is not so.
func (m *machine) ask(h holder, s *snapshot, atNs int64, reserve bool) error {
	id, d, slot, pool, n, now := h.o.id, s.date, int(s.slot), int(s.pool), h.n, unixns.Time(atNs)
	try := func() error {
		if reserve {
			return m.ledger.Reserve(id, d, slot, pool, n, now)
		}
		return m.ledger.Fits(id, d, slot, pool, n, now)
	}
	err := try()
	if err == quota.ErrFull && m.holds.due(atNs) {
		if _, _, refused := m.expireDue(atNs, inCell(h.o, d, s.slot, s.pool)); refused != nil {
			if err = try(); err == quota.ErrFull {
				return refused
			}
			return err
		}
		err = try()
	}
	return err
}

// restoreSeats judges, in replay, the outcome of taking h's seats in the
// cell of s again.
func (m *machine) restoreSeats(h holder, s *snapshot, err error) error {
	switch {
	case err == nil:
		delete(m.unseated, h.seq)
		return nil
	case errors.Is(err, quota.ErrOutsideHorizon) && s.date.Before(m.firstDay(h.o)):
		// A day that has left the window took its counters along.
		return nil
	case m.lenient:
		if m.unseated == nil {
			m.unseated = map[uint64]bool{}
		}
		m.unseated[h.seq] = true
		m.violations = append(m.violations, Violation{Code: formatCode(m.codes.Load().code(h.seq)),
			Problem: fmt.Sprintf("its %s %s %s slot %d pool %d: %v", plural(h.n, "seat"), doNotFit(h.n), s.date, s.slot, s.pool, err)})
		return nil
	}
	return fmt.Errorf("%w: %s %s %s slot %d pool %d: %w", ErrInconsistent, plural(h.n, "seat"), doNotFit(h.n), s.date, s.slot, s.pool, err)
}

// firstDay returns the first day of the office's quota table.
func (m *machine) firstDay(o *office) calendar.Date {
	cfg, _ := m.ledger.Config(o.id)
	return cfg.First
}

// release gives h's seats in the cell of s back to the quota. It is called
// only once the change that freed them has its place in the journal (see
// apply). A day that has since left the quota table has no counter to
// return to; its seats are gone with it.
func (m *machine) release(h holder, s *snapshot) {
	if m.unseated[h.seq] {
		return // a read-only load kept it without its seats
	}
	err := m.ledger.Release(h.o.id, s.date, int(s.slot), int(s.pool), h.n)
	if err != nil && err != quota.ErrOutsideHorizon {
		// Unreachable while the engine's invariants hold; Check reports
		// the resulting imbalance if they do not.
		m.log.Error("releasing seats", "seq", h.seq, "err", err)
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

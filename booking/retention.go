package booking

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/kuota/kuota/internal/journal"
	"github.com/kuota/kuota/internal/unixns"
)

// Retention: a booking that ended — expired, cancelled, rejected, a
// no-show, or checked in — more than Options.Retention ago leaves memory.
// Its leaving is a change like any (opArchive), recorded with the booking
// as it stood, so that replay leaves it out too and the journal itself is
// the archive: ExportArchive reads the archived bookings back out of it.
// What the NIK rules still need stays: each NIK keeps the instant from
// which it may book again (nikIndex.release). BookingsMax then bounds the
// bookings in memory, not every booking ever made.

// fileEnd records when ended booking b, in state s, leaves memory.
func (m *machine) fileEnd(b *booking, s *snapshot) {
	m.ends.add(unixns.Add(s.at, m.retention), b.seq)
}

// ended reports whether a booking in state st has ended: it can change no
// more but by a rejection at the counter (CheckedIn), and leaves memory
// after the retention.
func (st State) ended() bool { return st != Held && st != Paid }

// archive applies opArchive: booking c.seq leaves memory. Live, it must
// have ended at least the retention before c.at; in replay it must have
// ended. A checked-in booking gives back the seats of its day, which has
// long gone by: no seat is counted for a booking memory no longer holds.
func (m *machine) archive(c *change) (uint64, error) {
	b, err := m.find(c.seq)
	if err != nil {
		return 0, err
	}
	b.mu.Lock()
	s := b.state()
	switch {
	case b.archived():
		err = ErrArchived
	case c.from != nil && c.from != s:
		err = errStale
	case !s.state.ended():
		err = &StateError{Op: "archive", State: s.state}
	case !m.replaying && c.at < unixns.Add(s.at, m.retention):
		err = fmt.Errorf("booking: archiving a booking that ended at %v, within the retention", unixns.Time(s.at))
	}
	var lsn uint64
	if err == nil {
		if c.archived == nil {
			a := m.asImport(b)
			c.archived = &a
		}
		lsn, err = m.commit(c, nil, nil, nil)
	}
	if err != nil {
		b.mu.Unlock()
		return 0, err
	}
	// Under the lock, so that a change that found b and waits for the
	// lock finds it archived (step), and after the record has its place:
	// the seats go back.
	b.lsn.Store(lsn | archivedBit)
	if s.state.holdsSeats() {
		m.release(b.holder(), s)
	}
	b.mu.Unlock()
	// The account's and the NIKs' shards are taken before a booking's
	// lock elsewhere (a hold), so not under it. The NIKs let go of b
	// before b leaves the slab: a NIK names its latest booking by number,
	// and a claim must find it there to fold in its re-apply window.
	m.accounts.remove(b)
	m.niks.release(b, c.at)
	m.slab.remove(b.seq)
	m.states[s.state].Add(-1)
	m.total.Add(-1)
	return lsn, nil
}

// archiveDue archives the bookings whose retention ended at or before
// nowNs (see sweep).
func (m *machine) archiveDue(nowNs int64) (int, uint64, error) {
	return m.sweep(m.ends, nowNs, func(b *booking) (uint64, bool, error) {
		for {
			s := b.state()
			// Stale entries: a booking archived already (an entry filed
			// in replay, before its archiving was replayed), or one that
			// ended again (rejected at the counter after its check-in),
			// which file gave an entry of its own.
			if m.slab.get(b.seq) != b || !s.state.ended() || unixns.Add(s.at, m.retention) > nowNs {
				return 0, false, nil
			}
			lsn, err := m.apply(&change{op: opArchive, seq: b.seq, at: nowNs, from: s})
			switch {
			case err == ErrArchived || err == ErrNotFound:
				return 0, false, nil // archived meanwhile, by ArchiveDue and the sweeper both
			case err != errStale:
				return lsn, err == nil, err
			}
		}
	}, func(*booking) bool {
		return false // no reader waits for an archiving: nothing it shows changes
	})
}

// asImport returns booking b as it stands, as an import: its hold, and one
// step per later change. Replaying it through rebuild gives b back.
func (m *machine) asImport(b *booking) change {
	var chain []*snapshot
	for h := b.state(); h != nil; h = b.snap(h.prev) {
		chain = append(chain, h)
	}
	first := chain[len(chain)-1]
	c := change{
		op: opImport, seq: b.seq, at: first.at, officeCode: b.office().code, account: b.accountID(),
		date: first.date, slot: first.slot, pool: first.pool, deadline: b.deadline,
		applicants: b.applicantsCopy(), familyCard: b.familyCard(),
	}
	if key, hash, ok := b.key(); ok {
		c.idem = &idempotency{key: key, hash: hash}
	}
	for i := len(chain) - 2; i >= 0; i-- {
		prev, h := chain[i+1], chain[i]
		st := step{op: opBetween(prev.state, h.state), at: h.at, date: h.date, slot: h.slot, reason: h.reason}
		switch st.op {
		case opPay:
			st.text = b.payment(h)
		case opCancel, opReject:
			st.text = b.note(h)
		}
		c.steps = append(c.steps, st)
	}
	return c
}

// checkSteps checks the history an import describes against the transition
// table and the office's layout, and returns its last state: what rebuild
// will make of it, but for the texts.
func (m *machine) checkSteps(o *office, c *change) (snapshot, error) {
	if err := m.checkCell(o, c.slot, c.pool); err != nil {
		return snapshot{}, err
	}
	s := firstState(c)
	for i := range c.steps {
		st := &c.steps[i]
		if err := can(st.op, s.state); err != nil {
			return snapshot{}, fmt.Errorf("step %d: %w", i+1, err)
		}
		if st.op == opReschedule {
			if err := m.checkCell(o, st.slot, c.pool); err != nil {
				return snapshot{}, fmt.Errorf("step %d: %w", i+1, err)
			}
			s.date, s.slot = st.date, st.slot
		}
		s.state, s.at = moves[st.op].to, st.at
	}
	return s, nil
}

// rebuild writes into b's arena the history of the import c after its
// first state, checked by checkSteps, each step made with next as live
// changes are, and returns its last state.
func (m *machine) rebuild(b *booking, first *snapshot, c *change) *snapshot {
	s := first
	for i := range c.steps {
		st := &c.steps[i]
		s = m.next(b, s, &change{op: st.op, at: st.at, date: st.date, slot: st.slot, text: st.text, reason: st.reason})
	}
	return s
}

// ArchiveDue records the archiving of every booking whose retention has
// run out on the engine's clock (see Options.Retention), and returns how
// many it archived. The background sweeper does it on time; callers that
// run their own scheduler (Options.NoSweeper) call it.
func (e *Engine) ArchiveDue(ctx context.Context) (int, error) {
	if err := e.beginWrite(ctx); err != nil {
		return 0, err
	}
	n, lsn, err := e.m.archiveDue(e.nowNs())
	return n, cmp.Or(e.wait(ctx, lsn), err)
}

// ArchivedBooking is a booking as it stood when it left memory, as
// ExportArchive writes it: a Booking, with the applicants' NIKs and the
// family card as digits. Its Queue is zero: the journal does not record
// queue numbers (they follow from its order), and the archive does not
// rebuild them. It is personal data: keep the export as you keep
// the database file.
type ArchivedBooking struct {
	Booking
	Applicants []ArchivedApplicant `json:"Applicants"`
	FamilyCard string              `json:"FamilyCard,omitempty"`
	ArchivedAt time.Time
}

// ArchivedApplicant is an applicant of an ArchivedBooking.
type ArchivedApplicant struct {
	NIK  string
	Meta []byte
}

// ExportArchive writes every booking the engine archived to w, as JSON
// lines of ArchivedBooking, oldest archiving first, and returns how many
// it wrote. It reads the journal, so it works while the engine serves; an
// engine made by New keeps no journal (ErrNoFile), and one opened
// read-only has closed its file: ExportArchiveFile reads a file directly.
func (e *Engine) ExportArchive(ctx context.Context, w io.Writer) (int, error) {
	if err := e.begin(ctx); err != nil {
		return 0, err
	}
	if e.standby.Load() {
		return 0, e.standbyError() // its journal is another engine's
	}
	if !e.m.encode || e.opts.ReadOnly {
		return 0, ErrNoFile
	}
	return exportArchive(ctx, e.opts, e.m.journal.Replay, w)
}

// ExportArchiveFile is ExportArchive for the file at path, which it opens
// read-only (so not while a service has it open for writing: copy it with
// Backup first).
func ExportArchiveFile(ctx context.Context, path string, opts *Options, w io.Writer) (int, error) {
	if ctx == nil {
		return 0, ErrNilContext
	}
	o, err := opts.resolve()
	if err != nil {
		return 0, err
	}
	log, err := journal.OpenBolt(path, &journal.BoltOptions{ReadOnly: true, LockTimeout: o.LockTimeout,
		AllowSharedRead: o.AllowSharedRead, Upgrade: upgradeV1(o)})
	if err != nil {
		return 0, journalError(err)
	}
	defer log.Close()
	return exportArchive(ctx, o, func(fn func(uint64, []byte) error) error { return log.Read(1, fn) }, w)
}

// exportArchive writes the archived bookings among the records read yields.
// It keeps only the offices and the code keys in memory: a scratch machine
// applies those, and each archived booking is rebuilt, written and let go.
func exportArchive(ctx context.Context, o Options, read func(func(uint64, []byte) error) error, w io.Writer) (int, error) {
	m := newMachine(&o, &journal.Memory{})
	m.replaying = true
	enc := json.NewEncoder(w)
	n := 0
	scratch := &page{m: m} // each archived booking is rebuilt in it, and let go
	err := read(func(lsn uint64, rec []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		c, err := decodeChange(rec)
		if err != nil {
			return fmt.Errorf("record %d: %w", lsn, err)
		}
		switch c.op {
		case opKeys, opOffice, opOverride:
			_, err = m.apply(&c)
			if c.op == opOverride {
				err = nil // a day that left the window, as in replay
			}
			return err
		case opArchive:
			a, err := m.archivedView(&c, scratch)
			if err != nil {
				return fmt.Errorf("record %d: %w", lsn, err)
			}
			n++
			return enc.Encode(a)
		}
		return nil
	})
	return n, err
}

// archivedView rebuilds the booking an opArchive carries, as written out,
// in a record of scratch, whose arena it empties first: the view shares
// nothing with it.
func (m *machine) archivedView(c *change, scratch *page) (ArchivedBooking, error) {
	a := c.archived
	o := m.lookupOffice(a.officeCode)
	if o == nil {
		return ArchivedBooking{}, ErrUnknownOffice
	}
	if _, err := m.checkSteps(o, a); err != nil {
		return ArchivedBooking{}, err
	}
	if m.codes.Load() == nil {
		return ArchivedBooking{}, fmt.Errorf("%w: a booking before the code keys", ErrCorrupt)
	}
	scratch.arena = arena{}
	b := &scratch.slots[slotOf(a.seq)]
	b.seq = a.seq
	b.publish(m.rebuild(b, m.write(b, a, o), a))
	v := ArchivedBooking{FamilyCard: b.familyCard().Digits(), ArchivedAt: unixns.Time(c.at).In(m.loc(o))}
	m.view(&v.Booking, b, c.at)
	for _, ap := range v.Booking.Applicants {
		v.Applicants = append(v.Applicants, ArchivedApplicant{NIK: ap.NIK.Digits(), Meta: ap.Meta})
	}
	v.Booking.Applicants, v.Booking.FamilyCard = nil, FamilyCard{}
	return v, nil
}

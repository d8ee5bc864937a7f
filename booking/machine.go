package booking

import (
	"context"
	"fmt"
	"hash/maphash"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/internal/journal"
	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// machine is the engine's state — offices, bookings, seat counters and
// indexes — and the one path that changes it: apply (apply.go). It reads
// no clock (a change carries its instant) and does no I/O of its own: each
// change it applies is handed to the journal, and replaying the journal
// through apply rebuilds the same state (recover.go). The Engine above it
// holds the rules: it validates requests, asks the policy about windows,
// and turns each request into a change.
//
// # Concurrency
//
// apply is safe for concurrent use. Seats are taken with quota's lock-free
// compare-and-swap; a booking's changes serialize on the booking's own
// mutex, a hold's NIK claims on the NIK index's shards, an account's holds
// on its shard of the account index (held by the caller), and office and
// operator changes on adminMu (held by the caller). See apply for the order
// in which a change takes effect and reaches the journal.
type machine struct {
	ledger  *quota.Ledger
	journal journal.Journal
	// encode is false for a journal that keeps nothing (an in-memory
	// engine's): its changes are not encoded at all.
	encode bool
	policy reschedule.Policy // where no-shows and re-apply windows fall
	log    *slog.Logger
	// bookingsMax bounds the bookings kept (Options.BookingsMax).
	bookingsMax int64
	// wake tells the sweeper about a new deadline; nil while replaying.
	wake func(at int64)
	// replaying is true while Open replays the journal, on one goroutine:
	// changes are checked against the transition table and the invariants
	// but not against the clock, and nothing is handed to the journal.
	replaying bool
	// lenient, with replaying, makes a read-only Open load a file that
	// breaks an invariant: the problems go to violations (Check reports
	// them), and a booking whose seats do not fit is kept without them.
	lenient    bool
	violations []Violation
	// applied is the LSN of the last record replayed (recover), on the
	// replaying goroutine.
	applied uint64
	// replayLSN is the LSN of the record being replayed, for its event.
	replayLSN uint64
	unseated  map[uint64]bool // by sequence number

	offices atomic.Pointer[map[string]*office] // copied on write under adminMu
	// byID is every office at the index of its ledger ID, which a
	// booking keeps instead of a pointer (booking.office); copied on
	// write under adminMu, and only ever longer.
	byID    atomic.Pointer[[]*office]
	adminMu sync.Mutex // serializes office registration and operator changes

	// codes is set by the first change, opKeys, and fixed from then on;
	// atomic, since a standby's readers may look before it arrives.
	codes atomic.Pointer[codec]
	// proofKeys are the keys proofs of booking are signed with, oldest
	// first; copied on write under adminMu.
	proofKeys atomic.Pointer[[]*proofKey]
	slab      slab // every booking, by sequence number
	niks      nikIndex
	accounts  *accountIndex
	holds     *deadlineIndex // Held bookings by payment deadline
	arrivals  *deadlineIndex // Paid bookings by the end of their slot, for no-shows
	ends      *deadlineIndex // ended bookings by the end of their retention
	// retention is how long an ended booking stays in memory
	// (Options.Retention).
	retention time.Duration
	// collectionDays is Options.CollectionServiceDays.
	collectionDays int

	feed  *feed        // the latest changes' events (feed.go)
	queue queueNumbers // the slots' queue numbers (queue.go)

	seq    atomic.Uint64            // the last booking sequence number handed out
	total  atomic.Int64             // bookings kept, for bookingsMax
	states [NoShow + 1]atomic.Int64 // bookings per state
}

func newMachine(o *Options, j journal.Journal) *machine {
	mem, isMem := j.(*journal.Memory)
	m := &machine{
		ledger:         quota.NewLedger(),
		journal:        j,
		encode:         !isMem || mem.Keep,
		policy:         *o.Policy,
		log:            o.Logger,
		bookingsMax:    int64(o.BookingsMax),
		holds:          newDeadlineIndex(),
		arrivals:       newDeadlineIndex(),
		ends:           newDeadlineIndex(),
		retention:      o.Retention,
		collectionDays: o.CollectionServiceDays,
		feed:           newFeed(o.FeedBuffered),
	}
	m.niks.m, m.niks.seed, m.niks.mask = m, maphash.MakeSeed(), ^uint64(0)
	m.slab.m = m
	m.accounts = newAccountIndex(&m.slab)
	return m
}

// presize gives the account and NIK indexes room for the bookings of a
// journal of records records, so that a replay does not grow them step by
// step (a third of a reopen's time otherwise). Every booking has at least
// one record, so records bounds the bookings from above.
func (m *machine) presize(records uint64) {
	n := int(min(records, uint64(m.bookingsMax)))
	per := n/shardCount + 1
	for i := range m.accounts.shards {
		m.accounts.shards[i].latest.reserve(per)
	}
	for i := range m.niks.shards {
		m.niks.shards[i].latest.reserve(per)
	}
}

// office is the engine's record of one office: its code, its name and its
// ID in the ledger, which holds everything else (see quota.Ledger.Config).
type office struct {
	code string
	id   quota.OfficeID
	name atomic.Pointer[string] // replaced when the office is registered again
	// window is OfficeConfig.OpeningWindow, in ns (draw.go).
	window atomic.Int64
}

// officeByID returns the office whose ledger ID is id. A booking names an
// office registered before it, so it is there.
func (m *machine) officeByID(id int) *office { return (*m.byID.Load())[id] }

// officeIDs is checked against quota.OfficesMax: a booking keeps its
// office's ID in 16 bits.
var _ = [1 << 16]struct{}{}[quota.OfficesMax]

// find returns the booking with sequence number seq: ErrArchived for one
// that has left memory (a number handed out and no longer kept),
// ErrNotFound for one never handed out.
func (m *machine) find(seq uint64) (*booking, error) {
	if b := m.slab.get(seq); b != nil {
		return b, nil
	}
	if seq >= 1 && seq <= m.seq.Load() {
		return nil, ErrArchived
	}
	return nil, ErrNotFound
}

// lookupOffice returns the office registered under code, or nil.
func (m *machine) lookupOffice(code string) *office {
	if p := m.offices.Load(); p != nil {
		return (*p)[code]
	}
	return nil
}

// loc returns the office's time zone.
func (m *machine) loc(o *office) *time.Location {
	loc, _ := m.ledger.Zone(o.id) // o came from the ledger: always known
	return loc
}

// slot returns slot i of the office's layout.
func (m *machine) slot(o *office, i uint8) quota.Slot {
	s, _ := m.ledger.Slot(o.id, int(i)) // stored bookings name slots of the layout
	return s
}

// commit hands the record of c to the journal and returns its LSN, and
// writes the event of booking b going from state from (nil for a new
// booking) to to into the feed (b nil: c is no booking's change). While
// replaying it hands nothing to the journal, where the record already is,
// and recover publishes the event once the record is applied.
func (m *machine) commit(c *change, b *booking, from, to *snapshot) (uint64, error) {
	if b == nil || !numbered(c.op, to.state) {
		return m.append(c, b, from, to)
	}
	k := m.queue.take(b, to)
	lsn, err := m.append(c, b, from, to)
	m.queue.settle(k, to, err)
	return lsn, err
}

// append is commit without the queue number.
func (m *machine) append(c *change, b *booking, from, to *snapshot) (uint64, error) {
	if m.replaying {
		if b != nil {
			m.feed.write(m.replayLSN, b, from, to)
		}
		return 0, nil
	}
	var rec []byte
	if m.encode {
		rec = c.encode()
	}
	lsn, err := m.journal.Append(rec)
	if err != nil {
		return 0, journalError(err)
	}
	m.feed.write(lsn, b, from, to)
	m.feed.publish(lsn)
	return lsn, nil
}

// setKeys applies opKeys: the keys of the booking and billing codes.
func (m *machine) setKeys(c *change) (uint64, error) {
	if m.hasCodes() {
		return 0, fmt.Errorf("%w: code keys set twice", ErrCorrupt)
	}
	lsn, err := m.commit(c, nil, nil, nil)
	if err != nil {
		return 0, err
	}
	cd := newCodec(c.keys)
	m.codes.Store(&cd)
	return lsn, nil
}

// hasCodes reports whether the code keys are set.
func (m *machine) hasCodes() bool { return m.codes.Load() != nil }

// byCode returns the booking with booking code code (see find);
// ErrNotFound before the code keys are set (a standby that has not
// followed them yet).
func (m *machine) byCode(code uint64) (*booking, error) {
	cd := m.codes.Load()
	if cd == nil {
		return nil, ErrNotFound
	}
	return m.find(cd.seqOfCode(code))
}

// byBilling is byCode for a billing code.
func (m *machine) byBilling(billing uint64) (*booking, error) {
	cd := m.codes.Load()
	if cd == nil {
		return nil, ErrNotFound
	}
	return m.find(cd.seqOfBilling(billing))
}

// registerOffice applies opOffice; the caller holds adminMu. A new office
// is published to lookups only once its record has its place in the
// journal, so no booking of it can come first.
func (m *machine) registerOffice(c *change) (uint64, error) {
	cfg := c.office
	o := m.lookupOffice(cfg.Code)
	var lsn uint64
	commit := func() error {
		var err error
		lsn, err = m.commit(c, nil, nil, nil)
		return err
	}
	if o != nil {
		if err := m.ledger.Reconfigure(o.id, cfg.Quota, commit); err != nil {
			return 0, err
		}
		o.name.Store(&cfg.Name)
		o.window.Store(int64(cfg.OpeningWindow))
		return lsn, nil
	}
	id, err := m.ledger.AddOffice(cfg.Quota)
	if err != nil {
		return 0, err
	}
	if err := commit(); err != nil {
		return 0, err // the ledger keeps an office nobody can find
	}
	o = &office{code: cfg.Code, id: id}
	o.name.Store(&cfg.Name)
	o.window.Store(int64(cfg.OpeningWindow))
	next := map[string]*office{}
	if p := m.offices.Load(); p != nil {
		next = maps.Clone(*p)
	}
	next[cfg.Code] = o
	m.offices.Store(&next)
	var ids []*office
	if p := m.byID.Load(); p != nil {
		ids = *p
	}
	ids = append(ids[:len(ids):len(ids)], make([]*office, int(id)+1-len(ids))...)
	ids[id] = o
	m.byID.Store(&ids)
	return lsn, nil
}

// override applies opOverride; the caller holds adminMu. The ledger calls
// commit at the instant the change takes effect, with the cells it
// changes frozen: a capacity raised for a hold is in the journal before
// the hold, a capacity lowered after every hold it counted.
func (m *machine) override(c *change) (uint64, error) {
	o := m.lookupOffice(c.officeCode)
	if o == nil {
		return 0, ErrUnknownOffice
	}
	var lsn uint64
	commit := func() error {
		var err error
		lsn, err = m.commit(c, nil, nil, nil)
		return err
	}
	if err := m.ledger.Apply(o.id, c.override, commit); err != nil {
		return 0, err
	}
	return lsn, nil
}

// file does the bookkeeping of a booking that change c moved from state
// from (nil for a new booking) to to: it lists every index a state belongs
// to, in c's shard of each (c.core). The slab, the account and the NIKs
// are filed by the making of the booking itself, once.
func (m *machine) file(b *booking, c *change, from, to *snapshot) {
	if from != nil {
		m.states[from.state].Add(-1)
	}
	m.states[to.state].Add(1)
	var at int64
	switch {
	case to.state == Held:
		at = b.deadline
		m.holds.addIn(c.core%deadlineShards, at, b.seq)
	case to.state == Paid:
		at = m.noShowAt(b, to)
		m.arrivals.addIn(c.core%deadlineShards, at, b.seq)
	default:
		m.fileEnd(b, to)
		at = unixns.Add(to.at, m.retention)
	}
	if m.replaying {
		return
	}
	if at != 0 {
		m.wake(at)
	}
	ctx := context.Background()
	if m.log.Enabled(ctx, slog.LevelInfo) {
		// Never the account, a NIK, a family card or metadata: only what
		// identifies the booking to an operator.
		m.log.LogAttrs(ctx, slog.LevelInfo, "booking "+moves[c.op].done,
			slog.String("code", b.codeString()),
			slog.String("office", b.office().code),
			slog.String("date", to.date.String()),
			slog.String("slot", quota.FormatClock(m.slot(b.office(), to.slot).Start)),
			slog.Int("seats", b.seats()),
		)
	}
}

// slotAt returns the index of the office's slot that starts at slot,
// "HH:MM"; ErrUnknownSlot for anything else, the empty string included.
func (m *machine) slotAt(o *office, slot string) (uint8, error) {
	start, err := quota.ParseClock(slot)
	if err != nil {
		return 0, fmt.Errorf("%w: want the start of a slot, HH:MM", ErrUnknownSlot)
	}
	i, err := m.ledger.SlotAt(o.id, start)
	if err != nil {
		// A copy: the caller's string, in its request, stays its own
		// (escape analysis would move every HoldRequest's contents to
		// the heap for this error's sake).
		return 0, fmt.Errorf("%w: no slot starts at %s", ErrUnknownSlot, strings.Clone(slot))
	}
	return uint8(i), nil
}

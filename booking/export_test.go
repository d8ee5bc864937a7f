package booking

// This file lets the external tests (package booking_test, which can use
// internal/kuotatest) reach the few internals they check. It is compiled
// into the package only under go test.

import (
	"context"
	"fmt"
	"slices"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/journal"
	"github.com/kuota/kuota/quota"
)

// StartWith builds an engine over journal j, as New does over an empty
// in-memory journal: it replays what j holds and starts serving. On error
// it closes j.
func StartWith(opts *Options, j journal.Journal) (*Engine, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	return start(o, j)
}

// PromoteWith is Promote over a journal of the caller's (the simulation's
// deterministic one), which continues the records the standby followed.
func PromoteWith(e *Engine, j journal.Journal) error {
	e.followMu.Lock()
	defer e.followMu.Unlock()
	var keys codeKeys
	if !e.m.hasCodes() {
		var err error
		if keys, err = newCodeKeys(e.opts.Rand); err != nil {
			return err
		}
	}
	return e.promote(j, keys)
}

// Cell returns one cell of an office's quota table.
func (e *Engine) Cell(office string, d calendar.Date, slot, pool int) (quota.CellState, error) {
	o := e.m.lookupOffice(office)
	if o == nil {
		return quota.CellState{}, ErrUnknownOffice
	}
	return e.m.ledger.Cell(o.id, d, slot, pool)
}

// CollideHashes gives every NIK, every account and every idempotency key
// of e the same hash, 0, from now on: each index keeps its entries in one
// run of one table, told apart by their bookings alone. Call it on an
// engine with no booking yet.
func CollideHashes(e *Engine) { e.m.niks.mask, e.m.accounts.mask = 0, 0 }

// ClaimNIKs runs the NIK index's claim of apps at office, as of the
// engine's clock, with commit in place of the engine's (nikIndex.claim).
func ClaimNIKs(e *Engine, office string, apps []Applicant, commit func(refused error) (uint64, error)) error {
	return e.m.niks.claim(e.m.lookupOffice(office), apps, e.nowNs(), commit)
}

// CodeOf and BillingOf give the codes of sequence number seq, booked or
// not.
func (e *Engine) CodeOf(seq uint64) string    { return formatCode(e.m.codes.Load().code(seq)) }
func (e *Engine) BillingOf(seq uint64) string { return formatBilling(e.m.codes.Load().billingOf(seq)) }

// Counts are the machine's own counters and the sizes of its indexes.
type Counts struct {
	Seq      uint64 // the last sequence number handed out
	Total    int64  // bookings kept
	States   [NoShow + 1]int64
	NIKs     int // NIKs with an entry
	Accounts int // accounts with a booking
	IdemKeys int
	Slab     int // bookings in the slab
}

func (e *Engine) Counts() Counts {
	m := e.m
	c := Counts{Seq: m.seq.Load(), Total: m.total.Load()}
	for s := range c.States {
		c.States[s] = m.states[s].Load()
	}
	for i := range m.niks.shards {
		sh := &m.niks.shards[i]
		sh.mu.Lock()
		c.NIKs += sh.latest.len()
		for n := range sh.windows {
			if m.niks.get(sh, n, m.niks.hash(n)).latest == 0 {
				c.NIKs++
			}
		}
		sh.mu.Unlock()
	}
	for i := range m.accounts.shards {
		sh := &m.accounts.shards[i]
		sh.mu.Lock()
		c.Accounts += sh.latest.len()
		c.IdemKeys += sh.idem.len()
		sh.mu.Unlock()
	}
	m.slab.all(func(*booking) { c.Slab++ })
	return c
}

// ExpireAt expires the booking with the given code if it is an overdue
// hold at at, as the sweeper does, and reports whether it did.
func (e *Engine) ExpireAt(code string, at int64) bool {
	b, err := e.lookup(context.Background(), code, false)
	if err != nil {
		return false
	}
	_, ok, _ := e.m.expire(b, at)
	return ok
}

// Indexes returns what the NIK and account indexes hold: each NIK's latest
// booking (by the NIK's digits), each account's latest booking, and each
// idempotency key's booking (by account, a NUL, and the key), as codes.
func (e *Engine) Indexes() (niks, latest, idem map[string]string) {
	m := e.m
	niks, latest, idem = map[string]string{}, map[string]string{}, map[string]string{}
	for i := range m.niks.shards {
		sh := &m.niks.shards[i]
		sh.mu.Lock()
		for _, e := range sh.latest.entries() {
			// The entry names its booking and the NIK's place there.
			seq, at := (e&valMask)>>nikPlaceBits, int(e&(1<<nikPlaceBits-1))
			b := m.slab.get(seq)
			switch {
			case b == nil:
				niks[fmt.Sprintf("an entry of booking %d", seq)] = "not in the slab"
			case at >= len(b.niks()):
				niks[fmt.Sprintf("an entry of booking %d", seq)] = fmt.Sprintf("for applicant %d of %d", at, len(b.niks()))
			case m.niks.hash(b.niks()[at])>>valBits != e>>valBits:
				niks[fmt.Sprintf("an entry of booking %d", seq)] = "under another NIK's hash"
			default:
				niks[b.niks()[at].Digits()] = b.codeString()
			}
		}
		sh.mu.Unlock()
	}
	for i := range m.accounts.shards {
		sh := &m.accounts.shards[i]
		sh.mu.Lock()
		code := func(seq uint64) string {
			if b := m.slab.get(seq); b != nil {
				return b.codeString()
			}
			return fmt.Sprintf("booking %d, not in the slab", seq)
		}
		for _, e := range sh.latest.entries() {
			seq := e & valMask
			if b := m.slab.get(seq); b != nil {
				latest[b.accountID()] = code(seq)
			} else {
				latest[fmt.Sprint("unknown account of ", seq)] = code(seq)
			}
		}
		for _, e := range sh.idem.entries() {
			seq := e & valMask
			if b := m.slab.get(seq); b != nil {
				if key, _, ok := b.key(); ok {
					idem[b.accountID()+"\x00"+key] = code(seq)
					continue
				}
			}
			idem[fmt.Sprint("unknown key of ", seq)] = code(seq)
		}
		sh.mu.Unlock()
	}
	return niks, latest, idem
}

// Recorded returns the state the journal records for the booking with the
// given code: Get shows an overdue hold as Expired and a paid booking past
// its slot's end as NoShow before any sweep records it, so only this tells
// a test whose seats the quota counters still count (TestEngineModel).
func (e *Engine) Recorded(code string) (State, error) {
	b, err := e.lookup(context.Background(), code, false)
	if err != nil {
		return 0, err
	}
	return b.state().state, nil
}

// BookingNumbersMax is the last booking number an engine gives.
const BookingNumbersMax = bookingNumbersMax

// SetLastNumber makes seq the last booking number given, as if that many
// bookings had been made.
func (e *Engine) SetLastNumber(seq uint64) { e.m.seq.Store(seq) }

// DrawOrder is the opening draw's shuffle.
var DrawOrder = drawOrder

// ForgeProof signs, with the engine's current proof key, a proof of b
// carrying niks instead of b's applicants: what a holder of a leaked key
// could make.
func (e *Engine) ForgeProof(b Booking, niks []NIK) string {
	key := e.m.currentProofKey()
	slot, _ := e.m.slotAt(e.m.lookupOffice(b.Office), b.Slot)
	return key.sign(encodeProof(key, &b, slot, niks, e.now()))
}

// HoldExpiryWaitsGivenUp returns how many times a caller of the engine
// gave up waiting for another sweep's expiries (deadlineIndex.await).
func HoldExpiryWaitsGivenUp(e *Engine) int64 { return e.m.holds.gaveUp.Load() }

// entries returns the index's entries, in no order.
func (x *seqIndex) entries() []uint64 {
	tables := []*seqTable{&x.whole}
	if parts := x.parts.Load(); parts != nil {
		for i := range parts {
			tables = append(tables, &parts[i])
		}
	}
	var out []uint64
	for _, t := range tables {
		for _, e := range t.slots {
			if e != 0 {
				out = append(out, e)
			}
		}
	}
	return out
}

// NIKIndexLarge reports whether the NIK index has grown past the caches,
// so that Hold prefetches its index slots (nikIndex.large).
func (e *Engine) NIKIndexLarge() bool { return e.m.niks.large() }

// TakeCoreHint makes the calling P's core hint one that ok accepts, taking
// new numbers until one is, and returns it. The caller keeps to one P
// (GOMAXPROCS 1) and keeps the collector off, which would drop the hint.
func TakeCoreHint(ok func(uint32) bool) uint32 {
	for {
		h := coreHints.Get().(*uint32)
		if ok(*h) {
			coreHints.Put(h)
			return *h
		}
	}
}

// CorePlaces returns the places e's changes wrote in that are chosen by
// core: the arena lanes with a chunk in any page, and the shards of the
// hold and the arrival deadline indexes with an entry.
func CorePlaces(e *Engine) (lanes, holdShards, arrivalShards []int) {
	for _, pg := range *e.m.slab.dir.Load() {
		for i := range pg.arena.lanes {
			if pg.arena.lanes[i].end != 0 && !slices.Contains(lanes, i) {
				lanes = append(lanes, i)
			}
		}
	}
	shards := func(x *deadlineIndex) (out []int) {
		for i := range x.shards {
			s := &x.shards[i]
			if !s.tail.empty() || s.tree.Len() > 0 {
				out = append(out, i)
			}
		}
		return out
	}
	return lanes, shards(e.m.holds), shards(e.m.arrivals)
}

// ArenaLanes and DeadlineShards are how many lanes an arena and shards a
// deadline index have (CorePlaces).
const ArenaLanes, DeadlineShards = arenaLanes, deadlineShards

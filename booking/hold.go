package booking

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/internal/unixns"
)

// Hold takes seats for the applicants of req in one all-or-nothing
// reservation and returns the new booking: Held, with a booking code, a
// billing code and a payment deadline HoldTTL from now.
//
// It checks, in this order, and refuses with the first that fails: the
// account ID (ErrBadAccount), the idempotency key's form
// (ErrBadIdempotencyKey), the office (ErrUnknownOffice), the date
// (calendar.ErrBadDate for the zero Date), the slot (ErrUnknownSlot: the
// start of one of the office's slots, "HH:MM") and pool (ErrUnknownPool),
// the number of applicants (ErrApplicantCount: 1..ApplicantsMax), each NIK
// (ErrBadNIK when unset, ErrDuplicateNIK when listed twice: an
// *ApplicantError), the metadata size (ErrMetadataTooLarge), an earlier
// request under the same idempotency key (the same booking back, or
// ErrIdempotencyConflict), the seats (quota.ErrPast, ErrOutsideHorizon,
// ErrClosed, ErrNotOpened, ErrNoQuota, ErrFull: looked at before anything
// is built and, for a request without an idempotency key, before any
// lock is taken, so that the rush's common answer costs no allocation and
// no wait), the account's unpaid holds (ErrTooManyHolds),
// Options.BookingsMax (ErrTooManyBookings), and each NIK's other bookings
// (ErrNIKBooked, reschedule.ErrReapplyTooSoon, as an *ApplicantError). A
// refusal changes nothing.
//
// When the cell is full, Hold first expires the holds whose deadline has
// passed, so an expired hold never keeps a seat from anyone.
//
// At an office with an OpeningWindow, a hold that arrives in the window
// after a release instant, for a day that release opens, enters the
// opening draw (see Engine.Draw): it is refused at once with ErrInDraw
// when its account or one of its NIKs is already in the draw, or
// ErrDrawFull beyond DrawEntrantsMax; otherwise Hold returns when the
// draw has admitted it, with Booking.DrawTicket and DrawPlace set, or
// refused it with a *DrawError carrying its place and why.
func (e *Engine) Hold(ctx context.Context, req HoldRequest) (Booking, error) {
	if err := e.beginWrite(ctx); err != nil {
		return Booking{}, err
	}
	o, slot, pool, err := e.checkHold(&req)
	if err != nil {
		return Booking{}, err
	}
	var v Booking // filled in place (see machine.view)
	nowNs := e.nowNs()
	if o.window.Load() != 0 || e.draws.active.Load() != 0 {
		en, d, err := e.join(o, &req, slot, pool, nowNs)
		if err != nil {
			return Booking{}, err
		}
		if en != nil {
			err := e.await(ctx, &v, en, d)
			return v, err
		}
		nowNs = e.nowNs() // join may have run a draw meanwhile: the hold is made now
	}
	b, lsn, err := e.holdNow(&req, o, slot, pool, nowNs)
	if err != nil {
		return Booking{}, err
	}
	// A new booking and an idempotent replay alike return once the
	// booking is durable.
	err = e.settle(ctx, &v, b, lsn, nowNs)
	return v, err
}

// holdNow makes the hold req asks for, checked by checkHold, at nowNs,
// the engine's clock as Hold read it: the booking, or the earlier one for
// a replayed idempotency key, and the LSN to wait for. It runs under the
// mutex of the account's shard of the index, and builds the change only
// once the seats are known to fit: the rush's common refusal builds
// nothing.
func (e *Engine) holdNow(req *HoldRequest, o *office, slot, pool uint8, nowNs int64) (*booking, uint64, error) {
	var idem *idempotency
	if req.IdempotencyKey != "" {
		idem = &idempotency{key: req.IdempotencyKey, hash: requestHash(req, slot)}
	}
	// The quota-opening rush ends at the seats for most callers: a
	// sold-out cell costs a lookup and an atomic load. A request without
	// an idempotency key asks before it takes its account's lock, so that
	// the rush's refusals do not queue on it; one with a key looks for an
	// earlier request under it first, since a retry of the hold that took
	// the last seat is owed that booking, not ErrFull.
	seats := func() error { return e.m.seatsFor(o, req.Date, slot, pool, len(req.Applicants), nowNs) }
	// In an engine of many bookings, the account's and the NIKs' slots in
	// their indexes are a cache miss each: they are asked for before the
	// seats, whose cell is a miss too, so that the three waits overlap
	// (Hold+Pay 1.08×, bench/README.md). A refusal of a full cell pays
	// for it then, 24 → 30 ns.
	if e.m.niks.large() {
		e.m.accounts.prefetch(req.Account)
		e.m.niks.prefetch(req.Applicants)
	}
	if idem == nil {
		if err := seats(); err != nil {
			return nil, 0, err
		}
	}
	sh, h := e.m.accounts.locate(req.Account)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if idem != nil {
		if b := e.m.accounts.idemBooking(sh, req.Account, idem.key); b != nil {
			if _, hash, _ := b.key(); hash != idem.hash {
				return nil, 0, ErrIdempotencyConflict
			}
			return b, b.lastLSN(), nil
		}
	}
	// Asked (again) under the lock, where the account's unpaid holds can
	// only fall: a refusal for them is then one the seats allowed at an
	// instant the account had them. Without it, another hold of the
	// account could take the last seat between the first look and the
	// count, and this one be refused for holds the full cell never let
	// it reach.
	if err := seats(); err != nil {
		return nil, 0, err
	}
	if e.unpaidHolds(e.m.accounts.latestAt(sh, h, req.Account), nowNs) >= e.opts.MaxHoldsPerAccount {
		return nil, 0, fmt.Errorf("%w: limit %d", ErrTooManyHolds, e.opts.MaxHoldsPerAccount)
	}
	c := change{
		op:         opHold,
		at:         nowNs,
		o:          o,
		officeCode: o.code,
		account:    req.Account,
		date:       req.Date,
		slot:       slot,
		pool:       pool,
		deadline:   unixns.Add(nowNs, e.opts.HoldTTL),
		idem:       idem,
		// The new booking keeps its own copy (the caller may reuse its
		// slices), in its page's arena (machine.write).
		applicants: req.Applicants,
		familyCard: req.FamilyCard,
	}
	// machine.hold, where apply would send an opHold: apply's other cases
	// keep parts of their change (a proof key, an office), and the
	// compiler, which cannot tell the cases apart, would move every
	// caller's request to the heap (TestHoldKeepsNothingOfItsRequest).
	lsn, err := e.m.hold(&c)
	if err != nil {
		return nil, 0, err
	}
	return e.m.slab.get(c.seq), lsn, nil
}

// checkHold validates req in the documented order and returns its office,
// slot and pool indexes.
func (e *Engine) checkHold(req *HoldRequest) (*office, uint8, uint8, error) {
	if err := label.Check(req.Account, AccountBytesMax); err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrBadAccount, err)
	}
	if err := label.CheckOptional(req.IdempotencyKey, IdempotencyKeyBytesMax); err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrBadIdempotencyKey, err)
	}
	o := e.m.lookupOffice(req.Office)
	if o == nil {
		return nil, 0, 0, ErrUnknownOffice
	}
	if req.Date.IsZero() {
		return nil, 0, 0, calendar.ErrBadDate
	}
	slot, err := e.m.slotAt(o, req.Slot)
	if err != nil {
		return nil, 0, 0, err
	}
	pool, err := e.m.ledger.PoolIndex(o.id, req.Pool)
	if err != nil {
		return nil, 0, 0, ErrUnknownPool
	}
	if n := len(req.Applicants); n < 1 || n > ApplicantsMax {
		return nil, 0, 0, fmt.Errorf("%w: %d, want 1..%d", ErrApplicantCount, n, ApplicantsMax)
	}
	meta := 0
	for i, ap := range req.Applicants {
		if ap.NIK.IsZero() {
			return nil, 0, 0, &ApplicantError{Index: i, Err: fmt.Errorf("%w: missing", ErrBadNIK)}
		}
		for j := range i {
			if req.Applicants[j].NIK == ap.NIK {
				return nil, 0, 0, &ApplicantError{Index: i, Err: ErrDuplicateNIK}
			}
		}
		meta += len(ap.Meta)
	}
	if meta > MetadataBytesMax {
		return nil, 0, 0, fmt.Errorf("%w: %d bytes, limit %d", ErrMetadataTooLarge, meta, MetadataBytesMax)
	}
	return o, slot, uint8(pool), nil
}

// unpaidHolds counts the holds, among an account's bookings from latest
// back, that are still waiting for payment, expiring on the way those whose
// deadline has passed. It stops at the first booking whose deadline is
// more than HoldTTLMax gone: every booking before it was made earlier and
// had a deadline no later than its own creation plus HoldTTLMax, so none
// can still be a hold. The walk is the account's last week of bookings.
func (e *Engine) unpaidHolds(latest *booking, nowNs int64) int {
	n := 0
	for b := latest; b != nil; b = e.m.accounts.prev(b) {
		s := b.settled()
		if b.deadline+int64(HoldTTLMax) <= nowNs {
			break
		}
		if s.state != Held {
			continue
		}
		if b.overdue(s, nowNs) {
			// It reads expired: record it so (a refusal by the journal
			// leaves it due, and it is still not an unpaid hold).
			e.m.expire(b, nowNs)
			continue
		}
		n++
	}
	return n
}

// cloneRequest copies req, its strings and applicants (metadata included)
// too, for a draw's entrant, which keeps it beyond the call: so that the
// caller may reuse its slices, and so that no request's contents escape
// to the heap (Hold would otherwise move every caller's applicants there,
// to the compiler's eye, for the draw's sake).
//
// It names every field: a copy of the whole *req would make it all escape.
// TestCloneRequestCopiesEveryField fails when a field is added and not
// copied here.
func cloneRequest(req *HoldRequest) HoldRequest {
	return HoldRequest{
		Account:        strings.Clone(req.Account),
		Office:         strings.Clone(req.Office),
		Date:           req.Date,
		Slot:           strings.Clone(req.Slot),
		Pool:           strings.Clone(req.Pool),
		Applicants:     cloneApplicants(req.Applicants),
		FamilyCard:     req.FamilyCard,
		IdempotencyKey: strings.Clone(req.IdempotencyKey),
	}
}

// cloneApplicants copies the applicants, metadata included.
func cloneApplicants(in []Applicant) []Applicant {
	out := make([]Applicant, len(in))
	total := 0
	for _, a := range in {
		total += len(a.Meta)
	}
	meta := make([]byte, 0, total) // all the metadata in one allocation
	for i, a := range in {
		out[i].NIK = a.NIK
		if len(a.Meta) > 0 {
			at := len(meta)
			meta = append(meta, a.Meta...)
			out[i].Meta = meta[at:len(meta):len(meta)] // capped: an append never writes into the next
		}
	}
	return out
}

// requestHash fingerprints what a HoldRequest asks for, to tell a replay
// from a different request under the same idempotency key. FNV-1a is
// stable across processes, so the fingerprint can be stored. The slot is
// hashed as its index, which never changes (layouts only grow at the
// end), and the family card only when given, so that fingerprints stored
// before either existed still match.
func requestHash(req *HoldRequest, slot uint8) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(buf[:], v)
		h.Write(buf[:])
	}
	h.Write([]byte(req.Office))
	put(uint64(req.Date.EpochDays()))
	put(uint64(slot))
	h.Write([]byte(req.Pool))
	for _, a := range req.Applicants {
		put(a.NIK.n)
		put(uint64(len(a.Meta)))
		h.Write(a.Meta)
	}
	if !req.FamilyCard.IsZero() {
		put(req.FamilyCard.n)
	}
	return h.Sum64()
}

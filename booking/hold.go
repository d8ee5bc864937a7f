package booking

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// Hold takes seats for the applicants of req in one all-or-nothing
// reservation and returns the new booking: Held, with a booking code, a
// billing code and a payment deadline HoldTTL from now.
//
// It checks, in this order, and refuses with the first that fails: the
// account ID, the idempotency key's form, the office, the date (zero),
// slot and pool, the number of applicants (1..ApplicantsMax), each NIK
// (set, and not listed twice: an *ApplicantError), the metadata size, an
// earlier request under the same idempotency key (the same booking back,
// or ErrIdempotencyConflict), the account's unpaid holds
// (MaxHoldsPerAccount), BookingsMax, the seats (ErrPast,
// ErrOutsideHorizon, ErrOfficeClosed, ErrNotOpened, ErrFull), and each
// NIK's other bookings (ErrNIKBooked, ErrReapplyTooSoon, as an
// *ApplicantError). A refusal changes nothing.
//
// When the cell is full, Hold first expires the holds whose deadline has
// passed, so an expired hold never keeps a seat from anyone.
func (e *Engine) Hold(ctx context.Context, req HoldRequest) (Booking, error) {
	if err := e.beginWrite(ctx); err != nil {
		return Booking{}, err
	}
	o, pool, err := e.checkHold(&req)
	if err != nil {
		return Booking{}, err
	}
	now := e.now()
	sh := e.accounts.shard(req.Account)
	sh.mu.Lock()
	b, err := e.holdLocked(ctx, sh, o, pool, &req, now)
	sh.mu.Unlock()
	if err != nil {
		return Booking{}, err
	}
	// A new booking and an idempotent replay alike return once the
	// booking is on disk.
	return e.settle(ctx, b, b.lsn.Load())
}

// checkHold validates req in the documented order and returns its office
// and pool index.
func (e *Engine) checkHold(req *HoldRequest) (*office, uint8, error) {
	if err := label.Check(req.Account, AccountBytesMax); err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrBadAccount, err)
	}
	if err := label.CheckOptional(req.IdempotencyKey, IdempotencyKeyBytesMax); err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrBadIdempotencyKey, err)
	}
	o := e.lookupOffice(req.Office)
	if o == nil {
		return nil, 0, ErrUnknownOffice
	}
	if req.Date.IsZero() {
		return nil, 0, ErrBadDate
	}
	layout := &o.cfg.Load().Quota.Layout
	if req.Slot < 0 || req.Slot >= len(layout.Slots) {
		return nil, 0, ErrUnknownSlot
	}
	pool, ok := layout.Pool(req.Pool)
	if !ok {
		return nil, 0, ErrUnknownPool
	}
	if n := len(req.Applicants); n < 1 || n > ApplicantsMax {
		return nil, 0, fmt.Errorf("%w: %d, want 1..%d", ErrApplicantCount, n, ApplicantsMax)
	}
	meta := 0
	for i, ap := range req.Applicants {
		if ap.NIK.IsZero() {
			return nil, 0, &ApplicantError{Index: i, Err: fmt.Errorf("%w: missing", ErrBadNIK)}
		}
		for j := range i {
			if req.Applicants[j].NIK == ap.NIK {
				return nil, 0, &ApplicantError{Index: i, Err: ErrDuplicateNIK}
			}
		}
		meta += len(ap.Meta)
	}
	if meta > MetadataBytesMax {
		return nil, 0, fmt.Errorf("%w: %d bytes, limit %d", ErrMetadataTooLarge, meta, MetadataBytesMax)
	}
	return o, uint8(pool), nil
}

// holdLocked does the part of Hold that runs under the account shard's
// mutex: it returns the new booking, or the earlier one for a replayed
// idempotency key.
func (e *Engine) holdLocked(ctx context.Context, sh *accountShard, o *office, pool uint8, req *HoldRequest, now time.Time) (*booking, error) {
	nowNs := nanos(now)
	var idem *idempotency
	if req.IdempotencyKey != "" {
		idem = &idempotency{key: req.IdempotencyKey, hash: requestHash(req)}
		if b := sh.idem[idemKey{req.Account, idem.key}]; b != nil {
			if b.idem.hash != idem.hash {
				return nil, ErrIdempotencyConflict
			}
			return b, nil
		}
	}
	if e.unpaidHolds(ctx, sh.latest[req.Account], nowNs) >= e.opts.MaxHoldsPerAccount {
		return nil, fmt.Errorf("%w: limit %d", ErrTooManyHolds, e.opts.MaxHoldsPerAccount)
	}
	if e.total.Add(1) > int64(e.opts.BookingsMax) {
		e.total.Add(-1)
		return nil, fmt.Errorf("%w: limit %d", ErrTooManyBookings, e.opts.BookingsMax)
	}
	b := &booking{
		office:     o,
		account:    req.Account,
		idem:       idem,
		applicants: cloneApplicants(req.Applicants),
	}
	s := &snapshot{
		depth:    1,
		at:       nowNs,
		state:    Held,
		slot:     uint8(req.Slot),
		pool:     pool,
		date:     req.Date,
		deadline: addNanos(nowNs, e.opts.HoldTTL),
	}
	b.st.Store(s)

	if err := e.reserve(ctx, o, s.date, req.Slot, int(pool), b.seats(), now); err != nil {
		e.total.Add(-1)
		return nil, err
	}
	if err := e.claimNIKs(b, nowNs); err != nil {
		e.total.Add(-1)
		e.releaseSeats(b, s)
		return nil, err
	}
	// Nothing can fail from here on.
	e.place(b)
	sh.add(b)
	e.holds.add(s.deadline, b)
	e.wakeSweeper(s.deadline)
	e.transition(ctx, b, nil, s)
	e.persist(b, s)
	return b, nil
}

// unpaidHolds counts the holds, among an account's bookings from latest
// back, that are still waiting for payment, expiring on the way those whose
// deadline has passed. It stops at the first booking whose deadline is
// more than HoldTTLMax gone: every booking before it was made earlier and
// had a deadline no later than its own creation plus HoldTTLMax, so none
// can still be a hold. The walk is the account's last week of bookings.
func (e *Engine) unpaidHolds(ctx context.Context, latest *booking, nowNs int64) int {
	n := 0
	for b := latest; b != nil; b = b.prevOfAccount {
		s := b.st.Load()
		if s.deadline+int64(HoldTTLMax) <= nowNs {
			break
		}
		if s.state != Held {
			continue
		}
		if nowNs >= s.deadline && e.expire(ctx, b, nowNs) {
			continue
		}
		n++
	}
	return n
}

// reserve takes seats, first expiring overdue holds when the cell is full
// and some hold is overdue.
func (e *Engine) reserve(ctx context.Context, o *office, d calendar.Date, slot, pool, seats int, now time.Time) error {
	err := e.ledger.Reserve(o.id, d, slot, pool, seats, now)
	if err == quota.ErrFull && e.holds.due(nanos(now)) {
		e.expireDue(ctx, nanos(now))
		err = e.ledger.Reserve(o.id, d, slot, pool, seats, now)
	}
	return err
}

// place gives b its sequence number and, derived from it, its codes, and
// files it in the slab. It cannot fail: codes are unique by construction.
func (e *Engine) place(b *booking) {
	b.seq = e.seq.Add(1)
	b.code, b.billing = e.codes.code(b.seq), e.codes.billingOf(b.seq)
	e.slab.put(b)
}

// claimNIKs makes b the latest booking of each applicant's NIK, all or
// nothing. A NIK whose latest booking is live (held, or paid and not past
// its date) is refused, and so is one still inside its re-apply window.
func (e *Engine) claimNIKs(b *booking, nowNs int64) error {
	var prev [ApplicantsMax]*booking // each NIK's latest before b, to undo
	for i, ap := range b.applicants {
		p, err := e.claimNIK(ap.NIK, b, nowNs)
		if err != nil {
			e.unclaimNIKs(b, prev[:i])
			return &ApplicantError{Index: i, Err: err}
		}
		prev[i] = p
	}
	return nil
}

// claimNIK makes b the latest booking of n and returns the one before.
func (e *Engine) claimNIK(n NIK, b *booking, nowNs int64) (*booking, error) {
	sh := e.niks.shard(n)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if sh.m == nil {
		sh.m = make(map[NIK]nikEntry)
	}
	en := sh.m[n]
	if p := en.latest; p != nil {
		switch e.nikStatus(p, nowNs) {
		case nikLive:
			return nil, ErrNIKBooked
		case nikReached:
			en.reapplyFrom = max(en.reapplyFrom, e.reapplyFrom(p))
		}
	}
	if nowNs < en.reapplyFrom {
		sh.m[n] = en // keep what was learned about the earlier booking
		opens := time.Unix(0, en.reapplyFrom).In(b.office.loc())
		return nil, &reschedule.WindowError{Action: reschedule.Reapply, Opens: opens}
	}
	p := en.latest
	en.latest = b
	sh.m[n] = en
	return p, nil
}

// unclaimNIKs undoes claims of b: the applicant i's NIK gets prev[i] back
// as its latest booking.
func (e *Engine) unclaimNIKs(b *booking, prev []*booking) {
	for i, p := range prev {
		nik := b.applicants[i].NIK
		sh := e.niks.shard(nik)
		sh.mu.Lock()
		if en, ok := sh.m[nik]; ok && en.latest == b {
			en.latest = p
			if p == nil && en.reapplyFrom == 0 {
				delete(sh.m, nik)
			} else {
				sh.m[nik] = en
			}
		}
		sh.mu.Unlock()
	}
}

type nikStatus uint8

const (
	nikDead    nikStatus = iota // expired, cancelled, or rejected before its date
	nikLive                     // held (not overdue), or paid and not past its date
	nikReached                  // reached its date: starts the re-apply window
)

// nikStatus classifies a NIK's latest booking at nowNs.
func (e *Engine) nikStatus(p *booking, nowNs int64) nikStatus {
	s := p.st.Load()
	switch s.state {
	case Held:
		if nowNs < s.deadline {
			return nikLive
		}
	case Paid:
		if nowNs < nanos(s.date.AddDays(1).Start(p.office.loc())) {
			return nikLive
		}
		return nikReached
	case CheckedIn, NoShow:
		return nikReached
	case Rejected:
		// An office refusing the applicant at the counter ends a booking
		// that reached its date; a refusal before the date does not.
		if s.at >= nanos(s.date.Start(p.office.loc())) {
			return nikReached
		}
	}
	return nikDead
}

// reapplyFrom returns the instant from which the NIKs of p, which reached
// its date, may hold a new booking.
func (e *Engine) reapplyFrom(p *booking) int64 {
	return nanos(e.policy.ReapplyFrom(p.st.Load().date, p.office.loc()))
}

// cloneApplicants copies the applicants, metadata included, so that the
// caller may reuse its slices.
func cloneApplicants(in []Applicant) []Applicant {
	out := make([]Applicant, len(in))
	for i, a := range in {
		out[i] = Applicant{NIK: a.NIK, Meta: slices.Clone(a.Meta)}
	}
	return out
}

// requestHash fingerprints what a HoldRequest asks for, to tell a replay
// from a different request under the same idempotency key. FNV-1a is
// stable across processes, so the fingerprint can be stored.
func requestHash(req *HoldRequest) uint64 {
	h := fnv.New64a()
	var buf [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(buf[:], v)
		h.Write(buf[:])
	}
	h.Write([]byte(req.Office))
	put(uint64(req.Date.EpochDays()))
	put(uint64(req.Slot))
	h.Write([]byte(req.Pool))
	for _, a := range req.Applicants {
		put(a.NIK.n)
		put(uint64(len(a.Meta)))
		h.Write(a.Meta)
	}
	return h.Sum64()
}

package booking

import (
	"context"
	"fmt"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
)

// Pay confirms the hold with the given billing code: Held becomes Paid.
// Paying again with the same paymentRef is a no-op that succeeds; with
// another reference it fails with ErrAlreadyPaid. Once the payment deadline
// has passed Pay fails with ErrExpired, whether or not the sweeper has run,
// and the hold's seats return to the quota. A payment racing the expiry of
// the same hold ends with exactly one winner.
func (e *Engine) Pay(ctx context.Context, billingCode, paymentRef string) (Booking, error) {
	if err := e.beginWrite(ctx); err != nil {
		return Booking{}, err
	}
	if err := label.Check(paymentRef, PaymentRefBytesMax); err != nil {
		return Booking{}, fmt.Errorf("%w: %w", ErrBadPaymentRef, err)
	}
	billing, err := parseBilling(billingCode)
	if err != nil {
		return Booking{}, err
	}
	b := e.slab.get(e.codes.seqOfBilling(billing))
	if b == nil {
		return Booking{}, ErrNotFound
	}
	nowNs := nanos(e.now())
	for {
		s := b.st.Load()
		switch {
		case s.paymentRef != "" && s.paymentRef == paymentRef:
			return e.settle(ctx, b, b.lsn.Load()) // paid already, by this payment
		case s.paymentRef != "":
			return Booking{}, ErrAlreadyPaid
		case s.state != Held:
			return Booking{}, &StateError{Op: "pay", State: s.state}
		case nowNs >= s.deadline:
			e.expire(ctx, b, nowNs)
			return Booking{}, &StateError{Op: "pay", State: Expired}
		}
		n := s.next(Paid, nowNs, "")
		n.paymentRef = paymentRef
		if b.st.CompareAndSwap(s, n) {
			e.transition(ctx, b, s, n)
			at := e.noShowAt(b, n)
			e.arrivals.add(at, b)
			e.wakeSweeper(at)
			return e.settle(ctx, b, e.persist(b, n))
		}
	}
}

// Cancel cancels a booking at its holder's request. A hold can be cancelled
// until it expires; a paid booking only within the policy's cancel window
// (by default until the end of H-2), else ErrCancelClosed. The seats return
// to the quota.
func (e *Engine) Cancel(ctx context.Context, code string) (Booking, error) {
	b, err := e.lookup(ctx, code, true)
	if err != nil {
		return Booking{}, err
	}
	now := e.now()
	nowNs := nanos(now)
	for {
		s := b.st.Load()
		switch s.state {
		case Held:
			if nowNs >= s.deadline {
				e.expire(ctx, b, nowNs)
				return Booking{}, &StateError{Op: "cancel", State: Expired}
			}
		case Paid:
			if err := e.policy.CanCancel(now, s.date, b.office.loc()); err != nil {
				return Booking{}, err
			}
		default:
			return Booking{}, &StateError{Op: "cancel", State: s.state}
		}
		n := s.next(Cancelled, nowNs, "")
		if b.st.CompareAndSwap(s, n) {
			return e.settle(ctx, b, e.free(ctx, b, s, n))
		}
	}
}

// Reschedule moves a paid booking to another date and slot, in the same
// pool, within the policy's reschedule window and count (by default once,
// until the end of H-1). It takes the new seats before giving back the
// old: if the new slot cannot be booked the booking stays as it was.
func (e *Engine) Reschedule(ctx context.Context, code string, date calendar.Date, slot int) (Booking, error) {
	b, err := e.lookup(ctx, code, true)
	if err != nil {
		return Booking{}, err
	}
	if date.IsZero() {
		return Booking{}, ErrBadDate
	}
	if slot < 0 || slot >= len(b.office.cfg.Load().Quota.Layout.Slots) {
		return Booking{}, ErrUnknownSlot
	}
	now := e.now()
	nowNs := nanos(now)
	for {
		s := b.st.Load()
		if s.state != Paid {
			return Booking{}, &StateError{Op: "reschedule", State: s.state}
		}
		if err := e.policy.CanReschedule(now, s.date, int(s.reschedules), b.office.loc()); err != nil {
			return Booking{}, err
		}
		if date == s.date && slot == int(s.slot) {
			return Booking{}, ErrSameSlot
		}
		if err := e.reserve(ctx, b.office, date, slot, int(s.pool), b.seats(), now); err != nil {
			return Booking{}, err
		}
		n := s.next(Paid, nowNs, fmt.Sprintf("rescheduled from %s %s", s.date, b.office.slot(s.slot).Span()))
		n.date, n.slot, n.reschedules = date, uint8(slot), s.reschedules+1
		if !b.st.CompareAndSwap(s, n) {
			// Someone else changed the booking first (a cancellation,
			// the office): give the new seats back and look again.
			e.releaseSeats(b, n)
			continue
		}
		e.transition(ctx, b, s, n)
		at := e.noShowAt(b, n)
		e.arrivals.add(at, b)
		e.wakeSweeper(at)
		lsn := e.persist(b, n)
		e.releaseSeats(b, s) // only once the change is in the store's queue
		return e.settle(ctx, b, lsn)
	}
}

// CheckIn records that the applicants arrived: Paid becomes CheckedIn,
// within the policy's check-in window (by default from 60 minutes before
// the slot starts until it ends). The seats stay taken.
func (e *Engine) CheckIn(ctx context.Context, code string) (Booking, error) {
	b, err := e.lookup(ctx, code, true)
	if err != nil {
		return Booking{}, err
	}
	now := e.now()
	for {
		s := b.st.Load()
		if s.state != Paid {
			return Booking{}, &StateError{Op: "check in", State: s.state}
		}
		slot := b.office.slot(s.slot)
		if err := e.policy.CanCheckIn(now, s.date, slot.Start, slot.End, b.office.loc()); err != nil {
			return Booking{}, err
		}
		n := s.next(CheckedIn, nanos(now), "")
		if b.st.CompareAndSwap(s, n) {
			e.transition(ctx, b, s, n)
			return e.settle(ctx, b, e.persist(b, n))
		}
	}
}

// Reject records that the office refused a paid or checked-in booking (for
// example, an applicant on the prevention list). The seats return to the
// quota; the payment is not refunded. The reason is kept in the history.
func (e *Engine) Reject(ctx context.Context, code, reason string) (Booking, error) {
	if err := e.beginWrite(ctx); err != nil {
		return Booking{}, err
	}
	if err := label.Check(reason, ReasonBytesMax); err != nil {
		return Booking{}, fmt.Errorf("%w: %w", ErrBadReason, err)
	}
	b, err := e.lookup(ctx, code, true)
	if err != nil {
		return Booking{}, err
	}
	nowNs := nanos(e.now())
	for {
		s := b.st.Load()
		if s.state != Paid && s.state != CheckedIn {
			return Booking{}, &StateError{Op: "reject", State: s.state}
		}
		n := s.next(Rejected, nowNs, reason)
		if b.st.CompareAndSwap(s, n) {
			return e.settle(ctx, b, e.free(ctx, b, s, n))
		}
	}
}

// free finishes a change that won its compare-and-swap and gave up the
// booking's seats: it records and stores the change, then returns the
// seats, in that order (see releaseSeats).
func (e *Engine) free(ctx context.Context, b *booking, from, to *snapshot) uint64 {
	e.transition(ctx, b, from, to)
	lsn := e.persist(b, to)
	e.releaseSeats(b, from)
	return lsn
}

// lookup starts an operation on the booking with the given code; write
// says whether the operation changes it.
func (e *Engine) lookup(ctx context.Context, code string, write bool) (*booking, error) {
	begin := e.begin
	if write {
		begin = e.beginWrite
	}
	if err := begin(ctx); err != nil {
		return nil, err
	}
	c, err := parseCode(code)
	if err != nil {
		return nil, err
	}
	b := e.slab.get(e.codes.seqOfCode(c))
	if b == nil {
		return nil, ErrNotFound
	}
	return b, nil
}

// noShowAt returns the instant a paid booking in state s becomes a no-show.
func (e *Engine) noShowAt(b *booking, s *snapshot) int64 {
	return nanos(e.policy.NoShowAt(s.date, b.office.slot(s.slot).End, b.office.loc()))
}

package booking

import (
	"context"
	"fmt"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/internal/unixns"
)

// Each operation below looks at the booking's state, checks it against
// the transition table (can) and the policy's windows, and hands the
// machine a change made from the state it looked at; if the booking moved
// on meanwhile (errStale) it looks again.

// Pay confirms the hold with the given billing code: Held becomes Paid.
// Paying again with the same paymentRef is a no-op that succeeds; with
// another reference it fails with ErrAlreadyPaid. Once the payment deadline
// has passed Pay fails with ErrExpired, whether or not the sweeper has run,
// and the hold's seats return to the quota. A payment racing the expiry of
// the same hold ends with exactly one winner. The engine keeps a copy of
// paymentRef.
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
	b, err := e.m.byBilling(billing)
	if err != nil {
		return Booking{}, err
	}
	e.m.queue.prefetch(b, b.state()) // a hint: the state may change meanwhile
	nowNs := e.nowNs()
	var v Booking // filled in place (see machine.view)
	err = e.change(ctx, &v, b, nowNs, func(s *snapshot) (change, error) {
		switch ref := b.payment(s); {
		case ref != "" && ref == paymentRef:
			return change{}, nil // paid already, by this payment
		case ref != "":
			return change{}, ErrAlreadyPaid
		}
		if err := can(opPay, s.state); err != nil {
			return change{}, err // an overdue hold: expired, ErrExpired
		}
		return change{op: opPay, at: nowNs, text: paymentRef}, nil
	})
	return v, err
}

// Cancel cancels a booking at its holder's request, with a reason or
// none (the zero Reason). A hold can be cancelled until it expires; a paid
// booking only within the policy's cancel window (by default until the
// end of H-2), else reschedule.ErrCancelClosed. The seats return to the
// quota. A bad reason is ErrBadReason.
func (e *Engine) Cancel(ctx context.Context, code string, reason Reason) (Booking, error) {
	b, err := e.lookup(ctx, code, true)
	if err != nil {
		return Booking{}, err
	}
	if err := reason.check(false); err != nil {
		return Booking{}, err
	}
	nowNs := e.nowNs()
	now := unixns.Time(nowNs)
	var v Booking // filled in place (see machine.view)
	err = e.change(ctx, &v, b, nowNs, func(s *snapshot) (change, error) {
		if err := can(opCancel, s.state); err != nil {
			return change{}, err
		}
		if s.state == Paid {
			if err := e.m.policy.CanCancel(now, s.date, e.m.loc(b.office())); err != nil {
				return change{}, err
			}
		}
		return change{op: opCancel, at: nowNs, reason: reason.Kind, text: reason.Text}, nil
	})
	return v, err
}

// Reschedule moves a paid booking to another date and slot (its start,
// "HH:MM"), in the same pool, within the policy's reschedule window and
// count (by default once, until the end of H-1). It checks the booking's
// state, then the window, then the count (see
// reschedule.Policy.CanReschedule), then that the slot is another, then
// that the day's opening draw, if any, has run (ErrDrawPending). It
// takes the new seats before giving back the old: if the new slot cannot
// be booked the booking stays as it was.
func (e *Engine) Reschedule(ctx context.Context, code string, date calendar.Date, slot string) (Booking, error) {
	b, err := e.lookup(ctx, code, true)
	if err != nil {
		return Booking{}, err
	}
	if date.IsZero() {
		return Booking{}, calendar.ErrBadDate
	}
	to, err := e.m.slotAt(b.office(), slot)
	if err != nil {
		return Booking{}, err
	}
	nowNs := e.nowNs()
	now := unixns.Time(nowNs)
	var v Booking // filled in place (see machine.view)
	err = e.change(ctx, &v, b, nowNs, func(s *snapshot) (change, error) {
		if err := can(opReschedule, s.state); err != nil {
			return change{}, err
		}
		if err := e.m.policy.CanReschedule(now, s.date, int(s.reschedules), e.m.loc(b.office())); err != nil {
			return change{}, err
		}
		if date == s.date && to == s.slot {
			return change{}, ErrSameSlot
		}
		if e.drawPending(b.office(), date, nowNs) {
			return change{}, ErrDrawPending // the entrants come first
		}
		return change{op: opReschedule, at: nowNs, date: date, slot: to}, nil
	})
	return v, err
}

// CheckIn records that the applicants arrived: Paid becomes CheckedIn,
// within the policy's check-in window (by default from 60 minutes before
// the slot starts until it ends). The seats stay taken.
func (e *Engine) CheckIn(ctx context.Context, code string) (Booking, error) {
	b, err := e.lookup(ctx, code, true)
	if err != nil {
		return Booking{}, err
	}
	nowNs := e.nowNs()
	now := unixns.Time(nowNs)
	var v Booking // filled in place (see machine.view)
	err = e.change(ctx, &v, b, nowNs, func(s *snapshot) (change, error) {
		if err := can(opCheckIn, s.state); err != nil {
			return change{}, err
		}
		slot := e.m.slot(b.office(), s.slot)
		if err := e.m.policy.CanCheckIn(now, s.date, slot.Start, slot.End, e.m.loc(b.office())); err != nil {
			return change{}, err
		}
		return change{op: opCheckIn, at: nowNs}, nil
	})
	return v, err
}

// Reject records that the office refused a paid or checked-in booking, and
// why: a Reason with a kind (the prevention list, a non-procedural migrant
// worker, invalid data, other) and words for people. The seats return to
// the quota. The payment stays on record and is not refunded: M-Paspor
// keeps the fee of a rejected application. The reason is kept in the
// history ([Event.Reason]). A reason without a kind, or a bad text, is
// ErrBadReason.
func (e *Engine) Reject(ctx context.Context, code string, reason Reason) (Booking, error) {
	if err := e.beginWrite(ctx); err != nil {
		return Booking{}, err
	}
	if err := reason.check(true); err != nil {
		return Booking{}, err
	}
	b, err := e.lookup(ctx, code, true)
	if err != nil {
		return Booking{}, err
	}
	nowNs := e.nowNs()
	var v Booking // filled in place (see machine.view)
	err = e.change(ctx, &v, b, nowNs, func(s *snapshot) (change, error) {
		if err := can(opReject, s.state); err != nil {
			return change{}, err
		}
		return change{op: opReject, at: nowNs, reason: reason.Kind, text: reason.Text}, nil
	})
	return v, err
}

// change runs one operation on b at nowNs: decide turns the state the
// operation looks at into a change, or a refusal, or nothing to do (a
// change of op 0: an operation repeated); the machine applies the change if
// b is still in that state, else decide looks again. The state decide
// looks at is the one every read shows at nowNs: an expiry or no-show
// whose instant has come is recorded first, so that an operation refused
// before the sweep is refused the same way after it. It fills *v with b's
// view once b's latest change is durable, and leaves it as it was on an
// error. The change is a value, so that it stays on the stack.
func (e *Engine) change(ctx context.Context, v *Booking, b *booking, nowNs int64, decide func(*snapshot) (change, error)) error {
	for {
		s := b.settled()
		if err := e.m.recordDue(b, s, nowNs); err == errStale {
			continue
		} else if err != nil {
			return err
		}
		if b.state() != s {
			continue // the due change was recorded: decide on it
		}
		c, err := decide(s)
		if err != nil {
			return err
		}
		if c.op == 0 {
			return e.settle(ctx, v, b, b.lastLSN(), nowNs)
		}
		c.seq, c.from = b.seq, s
		lsn, err := e.m.apply(&c)
		if err == errStale {
			continue
		}
		if err != nil {
			return err
		}
		return e.settle(ctx, v, b, lsn, nowNs)
	}
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
	return e.m.byCode(c)
}

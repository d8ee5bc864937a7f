package booking_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/reschedule"
)

// The clients' calls: a booking's life from hold to its end, each call
// with the model's answer.

func (s *sim) hold(c *simClient, retry bool) simOutcome {
	now := s.clock.Now()
	r := c.last
	if !retry || r == nil || (!c.retryHold && s.rng.IntN(8) == 0) {
		r = &simRequest{cell: s.date()}
		if retry && c.last != nil {
			r.key = c.last.key // another request under a key already used
		} else if s.rng.IntN(2) == 0 {
			c.keys++
			r.key = fmt.Sprintf("%s-key-%d", c.account, c.keys)
		}
		n := 1 + s.rng.IntN(min(3, len(c.family)))
		for _, i := range s.rng.Perm(len(c.family))[:n] {
			r.niks = append(r.niks, c.family[i])
		}
		r.req = HoldRequest{Account: c.account, IdempotencyKey: r.key, Office: kt.Office, Date: r.cell.date,
			Slot: simStarts[r.cell.slot], Pool: simPools[r.cell.pool]}
		for _, k := range r.niks {
			r.req.Applicants = append(r.req.Applicants, Applicant{NIK: s.niks[k]})
		}
	}
	c.last, c.retryHold = r, false
	existing, want := s.model.holdAnswer(r, now)
	what := fmt.Sprintf("%s holds %s %s %s for %v, key %q", c.account, r.cell.date, r.req.Slot, r.req.Pool, r.niks, r.key)
	var got Booking
	out := s.call(what, want, func(ctx context.Context) error {
		var err error
		got, err = s.e.Hold(ctx, r.req)
		return err
	})
	switch {
	case existing != nil:
		if out == simOK {
			s.ack(existing.code)
			s.expectAnswer(what, got, existing)
		}
		return out
	case out == simRefused:
		if n := s.e.Stats().Total; n != s.model.live() {
			s.fail("%s: refused, yet the engine has %d bookings, the model %d", what, n, s.model.live())
		}
		if s.broken() && simInTable(r.cell.date) {
			s.checkCell(what, r.cell) // the seats it took went back
		}
		return out
	case out == simUnsure:
		// No booking came back: it has the number the engine gave last.
		c.retryHold = r.key != ""
		seq := s.e.Counts().Seq
		got.Code, got.BillingCode = s.e.CodeOf(seq), s.e.BillingOf(seq)
	}
	b := &simBooking{code: got.Code, billing: got.BillingCode, account: c.account, niks: r.niks, req: r.cell,
		date: r.cell.date, slot: r.cell.slot, pool: r.cell.pool, state: Held, deadline: now.Add(s.knobs.holdTTL),
		events: []simEvent{{state: Held, at: now}}}
	key := r.key
	s.change(what, b.code, out == simOK, func(m *simModel) {
		nb := *b
		nb.niks, nb.events = slices.Clone(b.niks), slices.Clone(b.events)
		m.add(&nb, key)
	})
	s.tracef("  the hold is %s", b.code)
	if out == simOK {
		s.expectAnswer(what, got, s.model.byCode[b.code])
	} else {
		s.expectGet(what, b.code)
	}
	return out
}

// holdAnswer is the model's answer to a hold, in the engine's order: the
// booking an idempotent replay returns, or the refusal, or neither for a
// new booking.
func (m *simModel) holdAnswer(r *simRequest, now time.Time) (replay *simBooking, want error) {
	if r.key != "" {
		if code, ok := m.idem[simIdem{r.req.Account, r.key}]; ok {
			b := m.byCode[code]
			if b.req == r.cell && slices.Equal(b.niks, r.niks) {
				return b, nil
			}
			return nil, ErrIdempotencyConflict
		}
	}
	if err := m.seatErr(r.cell, len(r.niks), now); err != nil {
		return nil, err
	}
	if m.unpaid(r.req.Account, now) >= m.maxHolds {
		return nil, ErrTooManyHolds
	}
	for i, k := range r.niks {
		if err := m.nikErr(k, now); err != nil {
			return nil, &ApplicantError{Index: i, Err: err}
		}
	}
	return nil, nil
}

// stepBooking runs one operation on booking b: the call, against the
// model's answer want, and, on success or no answer, the change to the
// model. A nil change is an operation that succeeds without changing
// anything (a payment repeated), which acknowledges the booking as it is.
// Every operation on an archived booking answers ErrArchived: the engine
// finds it before it judges anything else.
func (s *sim) stepBooking(what string, b *simBooking, want error, change func(x *simBooking), call func(ctx context.Context) (Booking, error)) simOutcome {
	if b.archived {
		want = ErrArchived
		what += " (archived)"
	}
	var got Booking
	out := s.call(what, want, func(ctx context.Context) error {
		var err error
		got, err = call(ctx)
		return err
	})
	code, cell := b.code, simCell{date: b.date, slot: b.slot, pool: b.pool}
	switch {
	case out == simOK && change == nil:
		s.ack(code)
	case out != simRefused && change != nil:
		s.change(what, code, out == simOK, func(m *simModel) { change(m.byCode[code]) })
	}
	if out == simOK {
		s.expectAnswer(what, got, s.model.byCode[code])
		return out
	}
	if b.archived && out == simRefused {
		s.stats.archivedAnswers++
	}
	s.expectGet(what, code)
	if out == simRefused && s.broken() && simInTable(cell.date) {
		s.checkCell(what, cell) // a change refused for want of a disk gave back no seat
	}
	return out
}

func (s *sim) pay(c *simClient) simOutcome {
	now := s.clock.Now()
	b := c.retryPay
	if b = s.model.byCode[simCode(b)]; b == nil {
		b = s.pick(c, Held)
	}
	c.retryPay = nil
	ref := "ref-" + b.code
	if s.rng.IntN(10) == 0 {
		ref = fmt.Sprint("other-", s.calls)
	}
	var want error
	change := func(x *simBooking) {
		x.state, x.paymentRef = Paid, ref
		x.events = append(x.events, simEvent{state: Paid, at: now})
	}
	switch st := s.model.effective(b, now); {
	case b.paymentRef == ref:
		change = nil // paid already, by this payment
	case b.paymentRef != "":
		want = ErrAlreadyPaid
	case st == Expired:
		want = ErrExpired
	case st != Held:
		want = ErrWrongState
	}
	out := s.stepBooking(fmt.Sprintf("pay %s with %s", b.code, ref), b, want, change, func(ctx context.Context) (Booking, error) {
		return s.e.Pay(ctx, b.billing, ref)
	})
	if out == simUnsure && c.account == b.account {
		c.retryPay = b
	}
	return out
}

// simCode is b's code, "" for nil.
func simCode(b *simBooking) string {
	if b == nil {
		return ""
	}
	return b.code
}

func (s *sim) cancel(c *simClient, withReason bool) simOutcome {
	now := s.clock.Now()
	b := s.pick(c, Held, Paid)
	var reason Reason
	if withReason {
		reason = Reason{Kind: ReasonOther, Text: "berhalangan hadir"}
	}
	var want error
	switch st := s.model.effective(b, now); st {
	case Held:
	case Paid:
		want = s.model.policy.CanCancel(now, b.date, kt.WIB)
	default:
		want = ErrWrongState
	}
	return s.stepBooking(fmt.Sprintf("cancel %s (%q)", b.code, reason.Text), b, simWindow(want), func(x *simBooking) {
		x.state = Cancelled
		x.events = append(x.events, simEvent{state: Cancelled, at: now, reason: reason})
	}, func(ctx context.Context) (Booking, error) { return s.e.Cancel(ctx, b.code, reason) })
}

func (s *sim) reschedule(c *simClient) simOutcome {
	now := s.clock.Now()
	b := s.pick(c, Paid)
	to := s.date()
	to.pool = b.pool
	var want error
	switch {
	case s.model.effective(b, now) != Paid:
		want = ErrWrongState
	default:
		if want = simWindow(s.model.policy.CanReschedule(now, b.date, b.reschedules, kt.WIB)); want == nil {
			if to.date == b.date && to.slot == b.slot {
				want = ErrSameSlot
			} else {
				want = s.model.seatErr(to, len(b.niks), now)
			}
		}
	}
	what := fmt.Sprintf("reschedule %s to %s %s", b.code, to.date, simStarts[to.slot])
	out := s.stepBooking(what, b, want, func(x *simBooking) {
		x.date, x.slot, x.reschedules = to.date, to.slot, x.reschedules+1
		x.events = append(x.events, simEvent{state: Paid, at: now})
	}, func(ctx context.Context) (Booking, error) {
		return s.e.Reschedule(ctx, b.code, to.date, simStarts[to.slot])
	})
	if out == simRefused && s.broken() && simInTable(to.date) {
		s.checkCell(what, to) // the new seats went back
	}
	return out
}

func (s *sim) checkIn(c *simClient) simOutcome {
	now := s.clock.Now()
	b := s.pick(c, Paid)
	want := ErrWrongState
	if s.model.effective(b, now) == Paid {
		want = simWindow(s.model.policy.CanCheckIn(now, b.date, simSlots[b.slot].Start, simSlots[b.slot].End, kt.WIB))
	}
	return s.stepBooking("check in "+b.code, b, want, func(x *simBooking) {
		x.state = CheckedIn
		x.events = append(x.events, simEvent{state: CheckedIn, at: now})
	}, func(ctx context.Context) (Booking, error) { return s.e.CheckIn(ctx, b.code) })
}

func (s *sim) reject() simOutcome {
	now := s.clock.Now()
	b := s.pick(nil, Paid, CheckedIn)
	reason := Reason{Kind: ReasonKind(1 + s.rng.IntN(4)), Text: "ditolak petugas"}
	var want error
	if st := s.model.effective(b, now); st != Paid && st != CheckedIn {
		want = ErrWrongState
	}
	return s.stepBooking(fmt.Sprintf("reject %s (%v)", b.code, reason.Kind), b, want, func(x *simBooking) {
		x.state = Rejected
		x.events = append(x.events, simEvent{state: Rejected, at: now, reason: reason})
	}, func(ctx context.Context) (Booking, error) { return s.e.Reject(ctx, b.code, reason) })
}

// simWindow returns a window refusal as its sentinel, which is what the
// engine's error is matched against.
func simWindow(err error) error {
	for _, w := range []error{reschedule.ErrRescheduleClosed, reschedule.ErrRescheduleLimit, reschedule.ErrCancelClosed, reschedule.ErrCheckInEarly, reschedule.ErrCheckInLate} {
		if errors.Is(err, w) {
			return w
		}
	}
	return err
}

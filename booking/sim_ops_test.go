package booking_test

import (
	"context"
	"errors"
	"slices"
	"time"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// simOp is one kind of call the simulation makes.
type simOp int

const (
	simHold      simOp = iota // a client holds, with an idempotency key or without
	simRetryHold              // a client sends its last hold again, under the same key
	simPay
	simCancel       // without a reason
	simCancelReason // with one
	simReschedule
	simCheckIn
	simReject // the office rejects a paid or checked-in booking, with a reason
	simGet    // Get and ByBillingCode
	simAccount
	simExpireDue
	simMarkNoShows
	simMonth
	simDay
	simCloseDay
	simOpenDay
	simCloseSlot
	simOpenSlot
	simCapacityUp
	simCapacityDown
	simRegister    // the operator registers the office again, renamed
	simArchiveDue  // the bookings past their retention leave memory
	simExportCheck // ExportArchive, checked against the model: rarely (see exportArchive)
	simOps
)

var simOpInfo = [simOps]struct {
	name   string
	weight int // before the seed's own factor
}{
	simHold: {"hold", 20}, simRetryHold: {"retry hold", 4}, simPay: {"pay", 14}, simCancel: {"cancel", 4},
	simCancelReason: {"cancel with reason", 3}, simReschedule: {"reschedule", 6}, simCheckIn: {"check in", 5},
	simReject: {"reject", 3}, simGet: {"get", 4}, simAccount: {"account", 3}, simExpireDue: {"expire due", 3},
	simMarkNoShows: {"mark no-shows", 3}, simMonth: {"month", 2}, simDay: {"day", 3}, simCloseDay: {"close day", 1},
	simOpenDay: {"open day", 2}, simCloseSlot: {"close slot", 1}, simOpenSlot: {"open slot", 2},
	simCapacityUp: {"capacity up", 2}, simCapacityDown: {"capacity down", 2}, simRegister: {"register again", 1},
	simArchiveDue: {"archive due", 3}, simExportCheck: {"export archive", 1},
}

func (op simOp) String() string { return simOpInfo[op].name }
func (op simOp) weight() int    { return simOpInfo[op].weight }

// simOutcome is how a call ended, as the auditor sees it.
type simOutcome int

const (
	simOK      simOutcome = iota // success: the change is acknowledged
	simRefused                   // refused: nothing the model sees changed
	simUnsure                    // no answer to trust — a storage failure or a deadline after the call's records were appended, or the process died — so the change may be kept or lost
)

// simClient is one account of the simulation.
type simClient struct {
	account string
	family  []int // the NIKs it books for, indexes of sim.niks; families overlap
	last    *simRequest
	keys    int
	// A client that got no answer asks again, as the engine tells it to:
	// the same hold under the same key, the same payment.
	retryHold bool
	retryPay  *simBooking
}

// simRequest is a hold as a client sent it, to send again.
type simRequest struct {
	req  HoldRequest
	key  string
	niks []int
	cell simCell
}

// step makes one call: an operation the seed's weights pick, by a client
// the seed picks.
func (s *sim) step() {
	s.calls++
	s.stats.calls++
	total := 0
	for _, w := range s.knobs.weights {
		total += w
	}
	op, r := simOp(0), s.rng.IntN(total)
	for ; r >= s.knobs.weights[op]; op++ {
		r -= s.knobs.weights[op]
	}
	if len(s.model.bookings) == 0 && op >= simPay && op <= simAccount {
		op = simHold // nothing to act on yet
	}
	c := s.clients[s.rng.IntN(len(s.clients))]
	if s.rng.IntN(2) == 0 || c.retryHold || c.retryPay != nil {
		op = s.intent(c, op)
	}
	if op == simExportCheck && !s.exportable() {
		op = simArchiveDue
	}
	out := s.do(op, c)
	s.stats.byOp[op][out]++
	switch out {
	case simOK:
		s.stats.ok++
	case simRefused:
		s.stats.refused++
	default:
		s.stats.unsure++
	}
}

// intent is what a client whose turn it is would do next with its own
// bookings: pay a hold, check in when the window is open, now and then
// move or cancel a paid booking; otherwise op, the seed's draw.
func (s *sim) intent(c *simClient, op simOp) simOp {
	switch {
	case c.retryHold:
		return simRetryHold
	case c.retryPay != nil:
		return simPay
	}
	now := s.clock.Now()
	for _, b := range s.model.ofAccount(c.account, false) {
		switch s.model.effective(b, now) {
		case Held:
			return simPay
		case Paid:
			if s.model.policy.CanCheckIn(now, b.date, simSlots[b.slot].Start, simSlots[b.slot].End, kt.WIB) == nil {
				return simCheckIn
			}
			if s.rng.IntN(8) == 0 {
				return []simOp{simReschedule, simCancel, simCancelReason}[s.rng.IntN(3)]
			}
		}
	}
	return op
}

func (s *sim) do(op simOp, c *simClient) simOutcome {
	switch op {
	case simHold, simRetryHold:
		return s.hold(c, op == simRetryHold)
	case simPay:
		return s.pay(c)
	case simCancel, simCancelReason:
		return s.cancel(c, op == simCancelReason)
	case simReschedule:
		return s.reschedule(c)
	case simCheckIn:
		return s.checkIn(c)
	case simReject:
		return s.reject()
	case simGet, simAccount:
		return s.read(op, c)
	case simExpireDue, simMarkNoShows:
		return s.sweep(op)
	case simMonth, simDay:
		return s.view(op)
	case simCloseDay, simOpenDay, simCloseSlot, simOpenSlot:
		return s.closure(op)
	case simCapacityUp, simCapacityDown:
		return s.capacity(op)
	case simArchiveDue:
		return s.archiveDue()
	case simExportCheck:
		return s.exportArchive()
	}
	return s.register()
}

// call runs one call of the engine, with a deadline in simulated time for
// some, and classifies its answer against want, the model's: it fails the
// run on a success the model refuses or a refusal it does not give.
//
// On a journal that refuses writes — failed for good, or retrying a
// write the disk may recover from — every change is refused; the engine
// documents ErrStorage as the answer, and some calls give another refusal
// instead (see TestSimFoundRefusalsOnAFailedJournal). The run counts those
// and goes on: what it must not find is an effect.
func (s *sim) call(what string, want error, fn func(ctx context.Context) error) simOutcome {
	lsn := s.j.Last()
	s.callAt = s.clock.Now()
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if s.rng.Float64() < s.knobs.pTimeout {
		ctx, cancel = s.clock.WithTimeout([]time.Duration{time.Second, 10 * time.Second}[s.rng.IntN(2)])
	}
	err := fn(ctx)
	cancel()
	appended := s.j.Last() > lsn
	switch {
	case s.disk.Down():
		s.dead = true
		s.tracef("%s: %v: the process died in the write", what, err)
		if appended && want == nil {
			return simUnsure
		}
		return simRefused
	case err == nil:
		if want != nil {
			s.fail("%s: the engine succeeded, the model says %v", what, want)
		}
		s.tracef("%s: ok", what)
		return simOK
	case errors.Is(err, ErrStorage):
	case errors.Is(err, context.DeadlineExceeded):
		s.stats.timeouts++
	default:
		// A journal that refuses writes makes the engine say ErrStorage,
		// above; any other refusal must be the model's.
		if !simSameError(err, want) {
			s.fail("%s: the engine says %v, the model %v", what, err, want)
		}
		s.tracef("%s: %v", what, err)
		return simRefused
	}
	s.tracef("%s: %v (records appended: %v)", what, err, appended)
	if appended && want == nil {
		return simUnsure
	}
	return simRefused
}

// simSameError says whether the engine's refusal is the model's: the same
// sentinel (a window error stands for its own), and for an applicant the
// same index.
func simSameError(got, want error) bool {
	if want == nil {
		return false
	}
	var wantApp *ApplicantError
	if errors.As(want, &wantApp) {
		var gotApp *ApplicantError
		return errors.As(got, &gotApp) && gotApp.Index == wantApp.Index && errors.Is(got, wantApp.Err)
	}
	return errors.Is(got, want)
}

// pick returns a booking for an operation: usually, when there is one, a
// booking of the client (all bookings for the office's operations) whose
// state the operation applies to and that the engine keeps, else any, so
// that refusals come too, ErrArchived among them.
func (s *sim) pick(c *simClient, wants ...State) *simBooking {
	pool := s.model.bookings
	if c != nil {
		if own := s.model.ofAccount(c.account, true); len(own) > 0 {
			pool = own
		}
	}
	if s.rng.IntN(5) > 0 {
		now := s.clock.Now()
		var fit []*simBooking
		for _, b := range pool {
			if !b.archived && slices.Contains(wants, s.model.effective(b, now)) {
				fit = append(fit, b)
			}
		}
		if len(fit) > 0 {
			pool = fit
		}
	}
	return pool[s.rng.IntN(len(pool))]
}

// date draws a date: mostly a bookable one, sometimes one the office is
// closed on or one outside its table.
func (s *sim) date() simCell {
	c := simCell{date: simBookable[s.rng.IntN(len(simBookable))], slot: s.rng.IntN(len(simSlots))}
	if s.rng.IntN(4) == 0 {
		c.pool = 1
	}
	switch r := s.rng.IntN(10); {
	case r == 0:
		c.date = simDates[s.rng.IntN(len(simDates))]
	case r < 8: // a slot still to come, if there is one
		now := s.clock.Now()
		for range 4 {
			if simSlotStart(c.date, c.slot).After(now) {
				break
			}
			c.date, c.slot = simBookable[s.rng.IntN(len(simBookable))], s.rng.IntN(len(simSlots))
		}
	}
	return c
}

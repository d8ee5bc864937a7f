package booking

import (
	"time"

	"github.com/kuota/kuota/internal/unixns"
)

// This file is the state machine's one transition table and the named
// rules derived from a booking's state. The live operations ask it before
// they change a booking, apply checks every change against it, and replay
// checks every stored change against it: there is no other list of legal
// moves.

// op names a change the state machine applies.
type op uint8

const (
	// opKeys sets the keys of the booking and billing codes; it is the
	// first record of every journal.
	opKeys op = iota + 1
	// opOffice registers an office, or replaces its configuration.
	opOffice
	// opOverride is an operator's change to a day, slot or cell.
	opOverride

	// The changes of one booking, in the order of its life.
	opHold
	opPay
	opReschedule
	opCheckIn
	opCancel
	opReject
	opExpire
	opNoShow

	// opImport brings in a booking as it stands, with its history: how a
	// file of an earlier format enters the journal.
	opImport
	// opArchive takes an ended booking out of memory after the retention,
	// carrying it as it stood (an import) for the archive.
	opArchive
	// opProofKey adds a key to sign proofs of booking with (proofkeys.go).
	opProofKey

	opMax = opProofKey
)

// stateSet is a set of States, one bit each.
type stateSet uint16

func statesOf(states ...State) stateSet {
	var s stateSet
	for _, st := range states {
		s |= 1 << st
	}
	return s
}

func (s stateSet) has(st State) bool { return s&(1<<st) != 0 }

// move is one row of the transition table: the change named verb takes a
// booking in one of the states from to the state to.
type move struct {
	verb string // for errors: "cannot pay a booking that is …"
	done string // for log lines: "booking rescheduled"
	from stateSet
	to   State
}

// moves is the transition table. A hold comes from no state: it makes the
// booking. Every other change applies to an existing booking.
var moves = [opNoShow + 1]move{
	opHold:       {verb: "hold", done: "held", to: Held},
	opPay:        {verb: "pay", done: "paid", from: statesOf(Held), to: Paid},
	opReschedule: {verb: "reschedule", done: "rescheduled", from: statesOf(Paid), to: Paid},
	opCheckIn:    {verb: "check in", done: "checked in", from: statesOf(Paid), to: CheckedIn},
	opCancel:     {verb: "cancel", done: "cancelled", from: statesOf(Held, Paid), to: Cancelled},
	opReject:     {verb: "reject", done: "rejected", from: statesOf(Paid, CheckedIn), to: Rejected},
	opExpire:     {verb: "expire", done: "expired", from: statesOf(Held), to: Expired},
	opNoShow:     {verb: "mark as no-show", done: "marked as no-show", from: statesOf(Paid), to: NoShow},
}

// can returns nil if change o applies to a booking in state st, and
// otherwise the *StateError a caller gets.
func can(o op, st State) error {
	if o < opHold || o > opNoShow {
		return &StateError{Op: "change", State: st} // not a booking's change
	}
	if !moves[o].from.has(st) {
		return &StateError{Op: moves[o].verb, State: st}
	}
	return nil
}

// opBetween returns the change that takes a booking from state from to
// state to, or 0 if none does.
func opBetween(from, to State) op {
	for o := opPay; o <= opNoShow; o++ {
		if moves[o].from.has(from) && moves[o].to == to {
			return o
		}
	}
	return 0
}

// holdsSeats reports whether a booking in state st takes seats from the
// quota: from the hold until it ends.
func (st State) holdsSeats() bool { return st == Held || st == Paid || st == CheckedIn }

// overdue reports whether b, in state s, is a hold whose payment deadline
// has passed at nowNs. An overdue hold is expired in everything but name:
// its seats are free to take, a payment is refused and its NIKs may book
// again; the expiry is recorded by whichever comes first (the sweeper, a
// payment, a hold that needs the seats or the NIK).
func (b *booking) overdue(s *snapshot, nowNs int64) bool {
	return s.state == Held && nowNs >= b.deadline
}

// nikUse is what a NIK's latest booking means for a new booking of that NIK.
type nikUse uint8

const (
	nikFree    nikUse = iota // ended before its date: expired, cancelled, rejected early
	nikBlocked               // live: held and not overdue, or paid and not past its date
	nikReached               // reached its date: the re-apply window runs from it
)

// startsReapply reports whether a booking of use u starts the re-apply
// window of its NIKs under policy choice afterUnreached (see
// reschedule.Policy.ReapplyAfterUnreached).
func (u nikUse) startsReapply(afterUnreached bool) bool {
	return u == nikReached || u == nikFree && afterUnreached
}

// nikUse classifies b, in state s, at nowNs; loc is its office's time
// zone, where its arrival date begins and ends.
func (b *booking) nikUse(s *snapshot, nowNs int64, loc *time.Location) nikUse {
	switch s.state {
	case Held:
		if !b.overdue(s, nowNs) {
			return nikBlocked
		}
	case Paid:
		if nowNs < unixns.Of(s.date.AddDays(1).Start(loc)) {
			return nikBlocked
		}
		return nikReached
	case CheckedIn, NoShow:
		return nikReached
	case Rejected:
		// An office refusing the applicant at the counter ends a booking
		// that reached its date; a refusal before the date does not.
		if s.at >= unixns.Of(s.date.Start(loc)) {
			return nikReached
		}
	}
	return nikFree
}

// blocksNIK reports whether b, in state s, keeps its NIKs from another
// booking at nowNs: the one-live-booking-per-NIK rule.
func (b *booking) blocksNIK(s *snapshot, nowNs int64, loc *time.Location) bool {
	return b.nikUse(s, nowNs, loc) == nikBlocked
}

// numbered reports whether change o, leading a booking to state to, gives
// it a queue number in its slot (queue.go): a payment, a reschedule (a
// paid booking's new slot), and a booking imported as paid or checked in.
func numbered(o op, to State) bool {
	switch o {
	case opPay, opReschedule:
		return true
	case opImport:
		return to == Paid || to == CheckedIn
	}
	return false
}

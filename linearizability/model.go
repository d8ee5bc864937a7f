package linearizability

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	"github.com/anishathalye/porcupine"

	"github.com/kuota/kuota/booking"
)

// SlotsMax bounds the slots of a modelled office: the model keeps the
// seats taken per slot in a fixed array, so that a state copies without
// allocating for them. Contention, not size, is what finds races.
const SlotsMax = 4

// Kind names an operation of a history.
type Kind uint8

const (
	// KindHold is Engine.Hold.
	KindHold Kind = iota + 1
	// KindPay is Engine.Pay.
	KindPay
	// KindCancel is Engine.Cancel.
	KindCancel
	// KindGet is Engine.Get.
	KindGet
	// KindReschedule is Engine.Reschedule.
	KindReschedule
	// KindSeats is a read of one cell's seats left, from Engine.DayIn.
	KindSeats
	// KindView is the booking that a successful Pay or Reschedule
	// returned, recorded as a read of its own over the same interval:
	// the engine reads that view once the change is durable, so it may
	// already show a later change made meanwhile (see Input.Of).
	KindView
	// KindLeave is the second step of a Reschedule that succeeded,
	// recorded over the same interval: the booking gives back the seats
	// of the cell it left. The engine takes the new seats before its
	// record has a place in the journal and gives back the old ones after
	// (so that every prefix of the journal recovers), so for a moment a
	// moving booking counts in both cells; nothing else can see the
	// booking itself between the two steps.
	KindLeave
	kindsMax
)

var kindNames = [...]string{
	KindHold: "hold", KindPay: "pay", KindCancel: "cancel", KindGet: "get",
	KindReschedule: "reschedule", KindSeats: "seats", KindView: "view", KindLeave: "leave",
}

// String returns the operation's name.
func (k Kind) String() string {
	if k >= KindHold && k < kindsMax {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Input is what a client asked for: one operation at one office.
type Input struct {
	Kind   Kind
	Office string // the partition: offices share no NIK and no account
	// Account numbers the holder among the office's accounts (Hold).
	Account int
	// NIKs number the applicants among the office's NIKs, in the order of
	// the request (Hold).
	NIKs []int
	// Slot is the cell of a Hold or a Seats read, and the target of a
	// Reschedule.
	Slot int
	// Code is the booking code of a Pay, Cancel, Get, Reschedule or View.
	Code string
	// Ref is a Pay's payment reference; for a View of a payment, the
	// reference the view must carry.
	Ref string
	// Of is, for a View, the operation that returned it: the view must
	// show that operation's effect (its payment reference, or a
	// reschedule), so it cannot be placed before it.
	Of Kind
}

// Outcome is the class of a call's error: the refusals the workload can
// provoke, each one sentinel of the engine.
type Outcome uint8

const (
	OK              Outcome = iota // nil
	Full                           // quota.ErrFull
	NIKBooked                      // booking.ErrNIKBooked
	TooManyHolds                   // booking.ErrTooManyHolds
	AlreadyPaid                    // booking.ErrAlreadyPaid
	WrongState                     // booking.ErrWrongState
	RescheduleLimit                // reschedule.ErrRescheduleLimit
	SameSlot                       // booking.ErrSameSlot
	Unexpected                     // anything else: never legal
	outcomesMax
)

var outcomeNames = [...]string{
	OK: "ok", Full: "full", NIKBooked: "NIK booked", TooManyHolds: "too many holds",
	AlreadyPaid: "already paid", WrongState: "wrong state", RescheduleLimit: "reschedule limit",
	SameSlot: "same slot", Unexpected: "unexpected",
}

// String returns the outcome in words.
func (o Outcome) String() string {
	if o < outcomesMax {
		return outcomeNames[o]
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// View is the part of a booking the model knows.
type View struct {
	State       booking.State
	Slot        int
	Seats       int
	Ref         string
	Reschedules int
}

func (v View) String() string {
	s := fmt.Sprintf("%v slot%d ×%d", v.State, v.Slot, v.Seats)
	if v.Ref != "" {
		s += " " + v.Ref
	}
	if v.Reschedules > 0 {
		s += fmt.Sprintf(" moved×%d", v.Reschedules)
	}
	return s
}

// Output is what the call returned.
type Output struct {
	Outcome Outcome
	// Applicant is, for NIKBooked, the 0-based index of the applicant
	// refused.
	Applicant int
	// Code is the new booking's code, for a Hold that succeeded.
	Code string
	// View is the booking returned by a Hold, Cancel or Get that
	// succeeded, and by a View.
	View View
	// Left is the seats left of a Seats read.
	Left int
	// Err is the error's text, for Unexpected.
	Err string
}

// Spec is what the model needs to know of the engine it models.
type Spec struct {
	// Capacity is the seats of each slot (one pool) of each office, by
	// office code; each office has at most SlotsMax slots.
	Capacity map[string][]int
	// HoldsPerAccountMax is Options.MaxHoldsPerAccount.
	HoldsPerAccountMax int
	// ReschedulesMax is the policy's ReschedulesMax.
	ReschedulesMax int
}

// state is the model's state of one office: seats taken per slot and its
// bookings, sorted by code so that equal states compare equal whatever
// order their holds were linearized in. A state never changes once made:
// Step returns a new one.
type state struct {
	taken    [SlotsMax]int
	bookings []modelBooking
}

type modelBooking struct {
	code    string
	account int
	niks    []int // shared between states: never written after the hold
	view    View
	// leaving is, between the two steps of a reschedule, 1 + the slot
	// whose seats the booking still holds; 0 otherwise.
	leaving int
}

// find returns the index of the booking with code, or -1.
func (s *state) find(code string) int {
	i, ok := slices.BinarySearchFunc(s.bookings, code, func(b modelBooking, c string) int { return cmp.Compare(b.code, c) })
	if !ok {
		return -1
	}
	return i
}

// unpaid counts the account's holds.
func (s *state) unpaid(account int) int {
	n := 0
	for _, b := range s.bookings {
		if b.account == account && b.view.State == booking.Held {
			n++
		}
	}
	return n
}

// live reports whether a booking of nik is live: held, or paid (the clock
// stands before every arrival date, so no paid booking has reached it).
func (s *state) live(nik int) bool {
	for _, b := range s.bookings {
		if (b.view.State == booking.Held || b.view.State == booking.Paid) && slices.Contains(b.niks, nik) {
			return true
		}
	}
	return false
}

// with returns a copy of s with booking i replaced by b (appended when i
// is -1, in code order) and seats taken changed by delta per slot.
func (s *state) with(i int, b modelBooking, slot, delta int) *state {
	n := &state{taken: s.taken}
	n.taken[slot] += delta
	if i >= 0 {
		n.bookings = slices.Clone(s.bookings)
		n.bookings[i] = b
		return n
	}
	j, _ := slices.BinarySearchFunc(s.bookings, b.code, func(x modelBooking, c string) int { return cmp.Compare(x.code, c) })
	n.bookings = slices.Insert(slices.Clone(s.bookings), j, b)
	return n
}

// NewModel returns the sequential specification of the engine's seats
// and booking lifecycle under spec, partitioned by office.
func NewModel(spec Spec) porcupine.Model {
	return porcupine.Model{
		Partition: partitionByOffice,
		Init:      func() any { return &state{} },
		Step: func(st, in, out any) (bool, any) {
			return spec.step(st.(*state), in.(Input), out.(Output))
		},
		Equal:             func(a, b any) bool { return a.(*state).equal(b.(*state)) },
		Hash:              func(st any) uint64 { return st.(*state).hash() },
		DescribeOperation: func(in, out any) string { return Describe(in.(Input), out.(Output)) },
		DescribeState:     func(st any) string { return st.(*state).String() },
	}
}

// partitionByOffice splits a history by office: no operation of one
// office reads or changes anything of another, as the workload gives each
// office its own accounts and NIKs.
func partitionByOffice(history []porcupine.Operation) [][]porcupine.Operation {
	index := map[string]int{}
	var parts [][]porcupine.Operation
	for _, op := range history {
		office := op.Input.(Input).Office
		i, ok := index[office]
		if !ok {
			i = len(parts)
			index[office] = i
			parts = append(parts, nil)
		}
		parts[i] = append(parts[i], op)
	}
	return parts
}

// step decides whether in could have returned out in state s, and the
// state after it. A refusal must be the first one that applies in the
// order the engine documents; a success must match the booking the model
// has.
func (spec Spec) step(s *state, in Input, out Output) (bool, *state) {
	if out.Outcome == Unexpected {
		return false, s
	}
	switch in.Kind {
	case KindHold:
		return spec.hold(s, in, out)
	case KindSeats:
		caps := spec.Capacity[in.Office]
		return out.Outcome == OK && in.Slot < len(caps) && out.Left == caps[in.Slot]-s.taken[in.Slot], s
	}
	i := s.find(in.Code)
	if i < 0 {
		return false, s // an operation on a booking the model never saw made
	}
	b := s.bookings[i]
	if b.leaving > 0 {
		// A moving booking is under its lock: only the reschedule's own
		// second step can come next for it.
		if in.Kind != KindLeave || out.Outcome != OK {
			return false, s
		}
		from := b.leaving - 1
		b.leaving = 0
		return true, s.with(i, b, from, -b.view.Seats)
	}
	switch in.Kind {
	case KindPay:
		return pay(s, i, in, out)
	case KindCancel:
		if b.view.State != booking.Held && b.view.State != booking.Paid {
			return out.Outcome == WrongState, s
		}
		slot, seats := b.view.Slot, b.view.Seats
		b.view.State = booking.Cancelled
		return out.Outcome == OK && out.View == b.view, s.with(i, b, slot, -seats)
	case KindGet:
		return out.Outcome == OK && out.View == b.view, s
	case KindView:
		shows := in.Of == KindPay && b.view.Ref == in.Ref || in.Of == KindReschedule && b.view.Reschedules > 0
		return shows && out.Outcome == OK && out.View == b.view, s
	case KindReschedule:
		return spec.reschedule(s, i, in, out)
	}
	return false, s // a KindLeave of a booking not moving
}

// hold checks, as Engine.Hold does and in its order, the seats, the
// account's unpaid holds, then each NIK.
func (spec Spec) hold(s *state, in Input, out Output) (bool, *state) {
	caps, n := spec.Capacity[in.Office], len(in.NIKs)
	if in.Slot >= len(caps) {
		return false, s
	}
	switch {
	case s.taken[in.Slot]+n > caps[in.Slot]:
		return out.Outcome == Full, s
	case s.unpaid(in.Account) >= spec.HoldsPerAccountMax:
		return out.Outcome == TooManyHolds, s
	}
	for i, nik := range in.NIKs {
		if s.live(nik) {
			return out.Outcome == NIKBooked && out.Applicant == i, s
		}
	}
	b := modelBooking{code: out.Code, account: in.Account, niks: in.NIKs,
		view: View{State: booking.Held, Slot: in.Slot, Seats: n}}
	if out.Outcome != OK || out.Code == "" || s.find(out.Code) >= 0 || out.View != b.view {
		return false, s
	}
	return true, s.with(-1, b, in.Slot, n)
}

// pay checks, as Engine.Pay does and in its order: a payment already made
// by this reference (success, nothing changes), by another (refused),
// then the state.
func pay(s *state, i int, in Input, out Output) (bool, *state) {
	b := s.bookings[i]
	switch {
	case b.view.Ref != "" && b.view.Ref == in.Ref:
		return out.Outcome == OK, s
	case b.view.Ref != "":
		return out.Outcome == AlreadyPaid, s
	case b.view.State != booking.Held:
		return out.Outcome == WrongState, s
	}
	b.view.State, b.view.Ref = booking.Paid, in.Ref
	return out.Outcome == OK, s.with(i, b, 0, 0)
}

// reschedule checks, as Engine.Reschedule does and in its order, the
// state, the count, the slot, then the seats of the new cell; it takes the
// new seats, and the booking's KindLeave gives back the old ones.
func (spec Spec) reschedule(s *state, i int, in Input, out Output) (bool, *state) {
	b, caps := s.bookings[i], spec.Capacity[in.Office]
	switch {
	case in.Slot >= len(caps):
		return false, s
	case b.view.State != booking.Paid:
		return out.Outcome == WrongState, s
	case b.view.Reschedules >= spec.ReschedulesMax:
		return out.Outcome == RescheduleLimit, s
	case in.Slot == b.view.Slot:
		return out.Outcome == SameSlot, s
	case s.taken[in.Slot]+b.view.Seats > caps[in.Slot]:
		return out.Outcome == Full, s
	}
	if out.Outcome != OK {
		return false, s
	}
	b.leaving = b.view.Slot + 1
	b.view.Slot, b.view.Reschedules = in.Slot, b.view.Reschedules+1
	return true, s.with(i, b, in.Slot, b.view.Seats)
}

func (s *state) equal(o *state) bool {
	return s.taken == o.taken && slices.EqualFunc(s.bookings, o.bookings, func(a, b modelBooking) bool {
		return a.code == b.code && a.view == b.view && a.leaving == b.leaving // a code names one hold: its account and NIKs follow
	})
}

// hash mixes what equal compares, without allocating: porcupine hashes
// every state it caches.
func (s *state) hash() uint64 {
	h := fnv.New64a()
	var buf [8]byte
	put := func(v int) {
		binary.LittleEndian.PutUint64(buf[:], uint64(v))
		h.Write(buf[:])
	}
	for _, n := range s.taken {
		put(n)
	}
	for _, b := range s.bookings {
		h.Write([]byte(b.code))
		h.Write([]byte(b.view.Ref))
		put(int(b.view.State)<<48 | b.view.Slot<<32 | b.view.Seats<<16 | b.view.Reschedules<<8 | b.leaving)
	}
	return h.Sum64()
}

// String describes the state for a failure report.
func (s *state) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "taken %v", s.taken)
	for _, b := range s.bookings {
		fmt.Fprintf(&sb, "; %s acc%d %v %v", b.code, b.account, b.niks, b.view)
		if b.leaving > 0 {
			fmt.Fprintf(&sb, " leaving slot%d", b.leaving-1)
		}
	}
	return sb.String()
}

// Describe writes an operation and its result in one line, such as
// "hold acc1 slot0 NIKs [2 5] → full".
func Describe(in Input, out Output) string {
	var sb strings.Builder
	sb.WriteString(in.Kind.String())
	switch in.Kind {
	case KindHold:
		fmt.Fprintf(&sb, " acc%d slot%d NIKs %v", in.Account, in.Slot, in.NIKs)
	case KindSeats:
		fmt.Fprintf(&sb, " slot%d", in.Slot)
	case KindPay:
		fmt.Fprintf(&sb, " %s %s", in.Code, in.Ref)
	case KindReschedule:
		fmt.Fprintf(&sb, " %s to slot%d", in.Code, in.Slot)
	case KindView:
		fmt.Fprintf(&sb, " %s (after %v)", in.Code, in.Of)
	default:
		fmt.Fprintf(&sb, " %s", in.Code)
	}
	fmt.Fprintf(&sb, " → %v", out.Outcome)
	switch {
	case out.Outcome == NIKBooked:
		fmt.Fprintf(&sb, " (applicant %d)", out.Applicant)
	case out.Outcome == Unexpected:
		fmt.Fprintf(&sb, ": %s", out.Err)
	case out.Outcome != OK:
	case in.Kind == KindSeats:
		fmt.Fprintf(&sb, " %d left", out.Left)
	case in.Kind == KindHold:
		fmt.Fprintf(&sb, " %s %v", out.Code, out.View)
	case in.Kind == KindGet || in.Kind == KindView || in.Kind == KindCancel:
		fmt.Fprintf(&sb, " %v", out.View)
	}
	return sb.String()
}

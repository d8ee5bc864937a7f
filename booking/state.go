package booking

import (
	"unsafe"

	"github.com/kuota/kuota/calendar"
)

// snapshot is the mutable part of a booking, and one entry of its
// history: the state the booking entered, when, and why. Each snapshot
// names the one before, so the chain from the current snapshot is the
// whole history, newest first.
//
// A snapshot in the arena (ref not 0) never changes once published; a
// change writes a new one (record), with its text right after it. One made
// only to be read, an expiry or a no-show that reads show before the
// sweeper records it (machine.asOf), is on the heap, and has no text. It
// holds no pointer and is 32 bytes.
type snapshot struct {
	at   int64 // when the booking entered this state, Unix ns
	ref  ref   // its own place in the arena; 0 for one on the heap
	prev ref   // the state before this one; 0 for the hold
	date calendar.Date
	// queue is the queue number in its slot, from the payment on
	// (queue.go).
	queue uint32
	// textLen is the length of the text that follows the snapshot in the
	// arena: the payment reference in the state a payment made, the note
	// in any other (see note).
	textLen     uint16
	state       State
	slot        uint8
	pool        uint8
	reschedules uint8
	reason      ReasonKind // the kind of the reason a rejection or cancellation gave
}

// snapshotBytes is a snapshot's size in the arena, where its text follows.
const snapshotBytes = int(unsafe.Sizeof(snapshot{}))

// textBytesMax bounds a state's text: a payment reference, a reason's text,
// or a reschedule's note (a date and a slot's span).
const textBytesMax = max(PaymentRefBytesMax, ReasonBytesMax, 64)

// The text's length fits textLen, and a state with its text fits one
// arena allocation.
var (
	_ = [1 << 16]struct{}{}[textBytesMax]
	_ = [arenaBytesMax + 1]struct{}{}[snapshotBytes+textBytesMax]
)

// firstState returns the state a booking that c makes starts in: Held at
// c.at, in c's cell. It is on the heap (ref 0) until fill writes it.
func firstState(c *change) snapshot {
	return snapshot{at: c.at, state: moves[opHold].to, date: c.date, slot: c.slot, pool: c.pool}
}

// snap returns b's state at r, nil for the zero ref.
func (b *booking) snap(r ref) *snapshot {
	if r == 0 {
		return nil
	}
	raw := b.page().arena.bytes(r, snapshotBytes)
	return (*snapshot)(unsafe.Pointer(&raw[0]))
}

// text returns the text of b's state s.
func (b *booking) text(s *snapshot) string {
	if s.textLen == 0 {
		return ""
	}
	return b.page().arena.str(s.ref+ref(snapshotBytes), int(s.textLen))
}

// isPayment reports whether s, a state of b, is the state a payment made:
// Paid, from Held. (A reschedule goes from Paid to Paid.)
func (b *booking) isPayment(s *snapshot) bool {
	if s.state != Paid {
		return false
	}
	p := b.snap(s.prev)
	return p != nil && p.state == Held
}

// payment returns the payment reference of b in state s: the text of the
// state its payment made, "" before one.
func (b *booking) payment(s *snapshot) string {
	for h := s; h != nil; h = b.snap(h.prev) {
		if b.isPayment(h) {
			return b.text(h)
		}
	}
	return ""
}

// note returns the history's note of state s of b: why, such as
// "rescheduled from …" or a reason's text.
func (b *booking) note(s *snapshot) string {
	switch {
	case s.state == Expired:
		return expiredNote // the same for every expiry: never written
	case b.isPayment(s):
		return "" // its text is the payment reference
	}
	return b.text(s)
}

// expiredNote is the note of every expiry.
const expiredNote = "payment deadline passed"

// record writes into b's arena, in c's lane, the state after s that c
// makes: in state, at c.at, with text (the payment reference or the note;
// none for an expiry, see note), and returns it, unpublished.
func (b *booking) record(s *snapshot, state State, c *change, text string) *snapshot {
	if state == Expired {
		text = ""
	}
	// Every text is checked against its limit (Pay, Cancel, Reject, the
	// decoder), all within textBytesMax, which fits textLen and alloc.
	r, raw := b.page().arena.allocIn(c.core%arenaLanes, snapshotBytes+len(text))
	copy(raw[snapshotBytes:], text)
	n := (*snapshot)(unsafe.Pointer(&raw[0]))
	*n = *s
	n.ref, n.prev, n.state, n.at, n.reason, n.textLen = r, s.ref, state, c.at, ReasonNone, uint16(len(text))
	return n
}

// virtual returns, on the heap, the state after s that reads show before
// it is recorded: an expiry or a no-show, whose notes are never written.
func (s *snapshot) virtual(state State, at int64) *snapshot {
	n := *s
	n.ref, n.prev, n.state, n.at, n.reason, n.textLen = 0, s.ref, state, at, ReasonNone, 0
	return &n
}

package booking

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/calendar"
)

// State is where a booking is in its life:
//
//	Held ──pay──▶ Paid ──check in──▶ CheckedIn
//	  │            │  │                  │
//	  │ deadline   │  └─slot ends──▶ NoShow
//	  ▼            ▼                     ▼
//	Expired    Cancelled ◀─cancel   Rejected ◀─office refuses (Paid or CheckedIn)
//
// Held, Paid and CheckedIn bookings take seats from the quota; the other
// states have given them back.
type State uint8

const (
	// Held: seats taken, waiting for payment until the deadline.
	Held State = iota + 1
	// Paid: payment confirmed; the applicants are expected on the date.
	Paid
	// CheckedIn: the applicants arrived at the office.
	CheckedIn
	// Cancelled by the account holder.
	Cancelled
	// Expired: not paid by the deadline.
	Expired
	// Rejected by the office; the payment is not refunded.
	Rejected
	// NoShow: paid, but nobody checked in by the end of the slot.
	NoShow
)

var stateNames = [...]string{
	Held: "held", Paid: "paid", CheckedIn: "checked in", Cancelled: "cancelled",
	Expired: "expired", Rejected: "rejected", NoShow: "no-show",
}

// String returns the state in lower case words.
func (s State) String() string {
	if s >= Held && s <= NoShow {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Applicant is one person on a booking.
type Applicant struct {
	NIK NIK
	// Meta is opaque to the engine (a name, a passport type, a phone
	// number, as JSON or anything else). It is stored with the booking and
	// never logged. All applicants' Meta together may not exceed
	// MetadataBytesMax.
	Meta []byte
}

// Event is one entry of a booking's history (M-Paspor's "Riwayat").
type Event struct {
	At    time.Time
	State State  // the state the booking entered
	Note  string // what happened, such as "rescheduled from 2026-12-10 08:00–09:00"
	// Reason is why, for a rejection or a cancellation that gave one; its
	// text is also the Note.
	Reason Reason
}

// Booking is a snapshot of one booking, returned by value: changing it
// changes nothing in the engine. Its instants are in the office's time
// zone.
//
// A Booking is exact at the instant it was read: a hold whose payment
// deadline has passed reads Expired, and a paid booking whose slot has
// ended reads NoShow, with the event in History, whether or not the
// sweeper has recorded it yet (the sweeper only makes durable what reads
// already show).
type Booking struct {
	Code        string // 10 symbols, such as "7KQ2M9XA3P"
	BillingCode string // 15 digits, to pay with
	Account     string
	Office      string // office code
	Date        calendar.Date
	Slot        string    // the slot's start, "08:00": what HoldRequest.Slot and Reschedule take
	SlotStart   time.Time // when the slot begins
	SlotEnd     time.Time // when it ends
	Pool        string    // pool name
	Applicants  []Applicant
	FamilyCard  FamilyCard // the applicants' family card, if the hold gave one
	State       State
	Created     time.Time
	PaymentRef  string // set once paid
	// Queue is the arrival number in the slot (nomor antrian), such as
	// "B-017", given at payment and anew at a reschedule, never twice in
	// one slot; zero before payment. A booking that ends keeps its number,
	// which no other booking gets.
	Queue QueueNumber
	// DrawTicket, DrawPlace and DrawEntrants are set only in what Hold
	// returns for a hold admitted by an opening draw (see Engine.Draw):
	// its ticket (its place in the order of arrival, from 1), its place in
	// the draw (1 was admitted first) and the draw's entrants. Later reads
	// show 0.
	DrawTicket, DrawPlace, DrawEntrants int
	Reschedules                         int
	History                             []Event // every transition, oldest first

	// The booking's windows, from the engine's reschedule.Policy, so that
	// no caller recomputes them. Whether one applies depends on State: a
	// hold can only be paid (or cancelled), a paid booking rescheduled,
	// cancelled and checked in. Each closes at its instant: the instant
	// itself is already too late.
	PayBy         time.Time // the hold's payment deadline
	RescheduleBy  time.Time // the end of H-1 (by default)
	CancelBy      time.Time // the end of H-2 (by default)
	CheckInOpens  time.Time // the check-in window: from CheckInOpens
	CheckInCloses time.Time // until CheckInCloses, the slot's end: then a no-show

	// ReadyOn is the day the applicants may collect what they came for
	// (the passport): Options.CollectionServiceDays of the office's service
	// days after Date, holidays and days off skipped. It is the zero Date
	// for a booking that will not be served (cancelled, expired, rejected,
	// a no-show), and while a day on the way is in a year the office has
	// no holiday data for: a date the engine cannot promise.
	ReadyOn calendar.Date `json:",omitzero"`
}

// HoldRequest asks for seats for 1 to ApplicantsMax applicants in one slot.
//
// The engine copies the applicants, but keeps Account and IdempotencyKey
// as given, for as long as it keeps the booking: a string sliced out of a
// larger one (a field of a CSV line) keeps all of that one in memory with
// it. Pass strings.Clone of such a field. (Copying every ID would cost
// every hold an allocation that a server decoding JSON, whose strings
// are already its own, does not need.)
type HoldRequest struct {
	Account string // who books: the holder of the M-Paspor account
	Office  string // office code
	Date    calendar.Date
	// Slot is the start of the slot, "HH:MM" in the office's zone, as the
	// office's layout lists it: "08:00". A slot is named by its start
	// rather than by its place in the layout so that a request that never
	// set it (the empty string) is refused with ErrUnknownSlot instead of
	// booking the day's first slot, and so that it reads the same in a
	// request, a log line and a booking.
	Slot       string
	Pool       string // pool name, such as "online"
	Applicants []Applicant
	// FamilyCard is the family card (Kartu Keluarga) the applicants are
	// members of, the first applicant being the account holder; the zero
	// FamilyCard gives none. See FamilyCard for what the engine checks.
	FamilyCard FamilyCard
	// IdempotencyKey, when set, makes the request safe to retry: the same
	// account and key return the same booking, and a different request
	// under the same key fails with ErrIdempotencyConflict.
	IdempotencyKey string
}

// booking is the engine's record of one booking: a part fixed at the hold,
// and a snapshot of the part that changes, replaced whole by each change.
//
// Changes of one booking are serialized by mu, and each is handed to the
// journal before it is published: so a booking's records are in the
// journal in the order of its changes, and whoever sees a change (a seat
// it freed, a NIK it released) acts after the change has its place in the
// journal. Readers take mu only to wait for a change under way (settled).
type booking struct {
	seq     uint64 // the sequence number: the slab index, and the codes' source
	code    uint64
	billing uint64
	office  *office
	account string
	// prevOfAccount is the sequence number of the account's booking made
	// before this one, 0 for none: an account's history is a chain through
	// its latest booking (accountIndex). Guarded by the account's shard
	// of the index.
	prevOfAccount uint64
	// deadline is the hold's payment deadline, Unix ns: fixed when the
	// booking is made, so it is the booking's, not each state's.
	deadline   int64
	idem       *idempotency // nil unless the hold carried a key
	applicants []Applicant
	familyCard FamilyCard

	mu sync.Mutex // serializes changes of this booking (see apply)
	st atomic.Pointer[snapshot]
	// lsn is the log sequence number of the latest change of this booking
	// (lastLSN): a caller returning the booking waits for it to be
	// durable. Its top bit is set once the booking's archiving has its
	// place in the journal: no change may follow it (see machine.archive).
	// Written under mu; a flag of its own would cost the booking 8 bytes.
	lsn atomic.Uint64
}

// archivedBit marks an archived booking in booking.lsn: LSNs never reach
// it.
const archivedBit = 1 << 63

// lastLSN returns the LSN of b's latest change.
func (b *booking) lastLSN() uint64 { return b.lsn.Load() &^ archivedBit }

// archived reports whether b's archiving has its place in the journal;
// read under mu.
func (b *booking) archived() bool { return b.lsn.Load()&archivedBit != 0 }

// settled returns b's state once no change of b is under way. A change
// gives back the seats it frees before it publishes its state (see
// machine.step), so whoever saw those seats free and then reads the
// booking must wait for the change to finish, to see the state and the
// seats of one instant. Every read that answers a caller, and every rule
// that refuses on a booking's state without applying a change (the NIK
// rule, the account's hold limit), reads it settled; a change reads it
// under the lock anyway. Changes hold mu while they apply, not while their
// record is synced, so the wait is short: it is long only when the
// journal's queue is full and a change waits there for room.
func (b *booking) settled() *snapshot {
	b.mu.Lock()
	s := b.st.Load()
	b.mu.Unlock()
	return s
}

// idempotency is the key a hold was made under, and a fingerprint of its
// request.
type idempotency struct {
	key  string
	hash uint64
}

// snapshot is the mutable part of a booking, and one entry of its
// history: the state the booking entered, when, and why. Each snapshot
// points to the one before, so the chain from the current snapshot is the
// whole history, newest first. A snapshot never changes once published; a
// change makes a new one. It is 48 bytes, one allocation per change.
type snapshot struct {
	prev        *snapshot // the state before this one; nil for the hold
	at          int64     // when the booking entered this state, Unix ns
	date        calendar.Date
	state       State
	slot        uint8
	pool        uint8
	reschedules uint8
	reason      ReasonKind // the kind of the reason a rejection or cancellation gave
	queue       uint32     // the queue number in its slot, from the payment on (queue.go)
	// text is the payment reference in the state a payment made (see
	// isPayment), and in any other the history's note: why, such as
	// "rescheduled from …" or a reason's text. One field for both keeps
	// a snapshot in 48 bytes: later states find the reference by walking
	// back (payment).
	text string
}

// isPayment reports whether s is the state a payment made: Paid, from
// Held. (A reschedule goes from Paid to Paid.)
func (s *snapshot) isPayment() bool {
	return s.state == Paid && s.prev != nil && s.prev.state == Held
}

// payment returns the payment reference of the booking in state s: the
// text of the state its payment made, "" before one.
func (s *snapshot) payment() string {
	for h := s; h != nil; h = h.prev {
		if h.isPayment() {
			return h.text
		}
	}
	return ""
}

// note returns the history's note of state s.
func (s *snapshot) note() string {
	if s.isPayment() {
		return ""
	}
	return s.text
}

// next returns the snapshot after s: in state, at, for the reason note.
func (s *snapshot) next(state State, at int64, note string) *snapshot {
	n := *s
	n.prev, n.state, n.at, n.text, n.reason = s, state, at, note, ReasonNone
	return &n
}

// seats is the number of seats the booking takes while it holds any.
func (b *booking) seats() int { return len(b.applicants) }

// holdBlock is a new booking, its first state and its applicants,
// allocated together: one object for the collector instead of three. A is
// an array of as many applicants as the hold has (see newHold), so that a
// family of five costs no more objects than a family of one.
type holdBlock[A any] struct {
	b    booking
	s    snapshot
	apps A
}

// block returns a new booking, its first state and room for n applicants,
// in one allocation sized for n.
func block(n int) (*booking, *snapshot, []Applicant) {
	switch n {
	case 1:
		hb := new(holdBlock[[1]Applicant])
		return &hb.b, &hb.s, hb.apps[:0]
	case 2:
		hb := new(holdBlock[[2]Applicant])
		return &hb.b, &hb.s, hb.apps[:0]
	case 3:
		hb := new(holdBlock[[3]Applicant])
		return &hb.b, &hb.s, hb.apps[:0]
	case 4:
		hb := new(holdBlock[[4]Applicant])
		return &hb.b, &hb.s, hb.apps[:0]
	}
	// ApplicantsMax, which both Hold and the decoder check; were n ever
	// more, appending past the array would only move the applicants out.
	hb := new(holdBlock[[ApplicantsMax]Applicant])
	return &hb.b, &hb.s, hb.apps[:0]
}

// newHold returns the booking hold c makes at office o, in its first
// state, with its own copy of c's applicants (c's may be the caller's, or
// a decoded record's), and leaves c naming the copy.
func newHold(c *change, o *office) (*booking, *snapshot) {
	b, s, apps := block(len(c.applicants))
	apps = appendApplicants(apps, c.applicants)
	c.applicants = apps
	*b = booking{office: o, account: c.account, deadline: c.deadline, idem: c.idem, applicants: apps, familyCard: c.familyCard}
	*s = snapshot{at: c.at, state: moves[opHold].to, date: c.date, slot: c.slot, pool: c.pool}
	b.st.Store(s)
	return b, s
}

// appendApplicants appends copies of in to dst, their metadata in one
// allocation shared by all of them (each capped at its own end, so that
// an append to one never writes into the next).
func appendApplicants(dst, in []Applicant) []Applicant {
	total := 0
	for _, a := range in {
		total += len(a.Meta)
	}
	var meta []byte
	if total > 0 {
		meta = make([]byte, 0, total)
	}
	for _, a := range in {
		var m []byte
		if len(a.Meta) > 0 {
			at := len(meta)
			meta = append(meta, a.Meta...)
			m = meta[at:len(meta):len(meta)]
		}
		dst = append(dst, Applicant{NIK: a.NIK, Meta: m})
	}
	return dst
}

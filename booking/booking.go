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
	Note  string // what happened, such as "rescheduled from 2026-12-10 slot 0"
}

// Booking is a snapshot of one booking, returned by value: changing it
// changes nothing in the engine. Its instants are in the office's time
// zone.
type Booking struct {
	Code        string // 10 symbols, such as "7KQ2M9XA3P"
	BillingCode string // 15 digits, to pay with
	Account     string
	Office      string // office code
	Date        calendar.Date
	Slot        int       // index in the office's layout
	SlotStart   time.Time // when the slot begins, in the office's zone
	SlotEnd     time.Time // when it ends
	Pool        string    // pool name
	Applicants  []Applicant
	State       State
	Created     time.Time
	PayBy       time.Time // the payment deadline of the hold
	PaymentRef  string    // set once paid
	Reschedules int
	History     []Event // every transition, oldest first
}

// HoldRequest asks for seats for 1 to ApplicantsMax applicants in one slot.
type HoldRequest struct {
	Account    string // who books: the holder of the M-Paspor account
	Office     string // office code
	Date       calendar.Date
	Slot       int    // index in the office's layout
	Pool       string // pool name, such as "online"
	Applicants []Applicant
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
// journal. Readers never take mu: they load the snapshot.
type booking struct {
	seq     uint64 // the sequence number: the slab index, and the codes' source
	code    uint64
	billing uint64
	office  *office
	account string
	// prevOfAccount is the account's booking made before this one: an
	// account's history is a chain through its latest booking.
	prevOfAccount *booking
	idem          *idempotency // nil unless the hold carried a key
	applicants    []Applicant

	mu sync.Mutex // serializes changes of this booking (see apply)
	st atomic.Pointer[snapshot]
	// lsn is the log sequence number of the latest change of this booking:
	// a caller returning the booking waits for it to be durable. Written
	// under mu.
	lsn atomic.Uint64
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
// change makes a new one. It is 64 bytes, one allocation per change.
type snapshot struct {
	prev        *snapshot // the state before this one; nil for the hold
	at          int64     // when the booking entered this state, Unix ns
	deadline    int64     // payment deadline of the hold, Unix ns
	date        calendar.Date
	state       State
	slot        uint8
	pool        uint8
	reschedules uint8
	paymentRef  string // set by Pay
	note        string // why, for the history: "rescheduled from …", a rejection reason
}

// next returns the snapshot after s: in state, at, for the reason note.
func (s *snapshot) next(state State, at int64, note string) *snapshot {
	n := *s
	n.prev, n.state, n.at, n.note = s, state, at, note
	return &n
}

// seats is the number of seats the booking takes while it holds any.
func (b *booking) seats() int { return len(b.applicants) }

package booking

import (
	"fmt"
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
// The engine copies what it keeps of a request (into the booking's page,
// see Memory in the package doc): the caller may reuse the request, its
// strings and its slices as soon as Hold returns.
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

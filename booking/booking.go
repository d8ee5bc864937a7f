package booking

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

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
// and the reference of its current state, replaced by each change.
//
// A booking is a record in its slab page, by value, and holds no pointer
// for the collector to trace: its office is a number, its strings and
// applicants are spans of the page's arena, and its states are in the
// arena too, each naming the one before (see snapshot). Records are made
// in place (slab.reserve, machine.make), never copied.
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
	// prevOfAccount is the sequence number of the account's booking made
	// before this one, 0 for none: an account's history is a chain through
	// its latest booking (accountIndex). Guarded by the account's shard
	// of the index.
	prevOfAccount uint64
	// deadline is the hold's payment deadline, Unix ns: fixed when the
	// booking is made, so it is the booking's, not each state's.
	deadline   int64
	idemHash   uint64 // the fingerprint of the request made under idemKey
	familyCard FamilyCard
	account    span
	idemKey    span // none unless the hold carried a key
	// applicants is the applicants' NIKs, 8 bytes each; when metaBytes is
	// not 0, their metadata's lengths follow, 2 bytes each, then the
	// metadata (see writeApplicants).
	applicants span
	officeID   uint16 // the office's number in the ledger (machine.officeByID)
	nApps      uint8
	metaBytes  uint16

	mu sync.Mutex // serializes changes of this booking (see apply)
	// st is the ref of the current state in the page's arena, and
	// filedBit once the slab files the booking (slab.put, slab.remove).
	st atomic.Uint64
	// lsn is the log sequence number of the latest change of this booking
	// (lastLSN): a caller returning the booking waits for it to be
	// durable. Its top bit is set once the booking's archiving has its
	// place in the journal: no change may follow it (see machine.archive).
	// Written under mu; a flag of its own would cost the booking 8 bytes.
	lsn atomic.Uint64
}

// filedBit marks, in booking.st, a booking the slab finds.
const filedBit = 1 << 32

// archivedBit marks an archived booking in booking.lsn: LSNs never reach
// it.
const archivedBit = 1 << 63

// page returns the page b is a record of: b is an element of the page's
// slots, which come first in it.
func (b *booking) page() *page {
	i := b.seq & (pageSize - 1)
	return (*page)(unsafe.Add(unsafe.Pointer(b), -int(i)*int(unsafe.Sizeof(booking{}))))
}

// office returns b's office.
func (b *booking) office() *office { return b.page().m.officeByID(int(b.officeID)) }

// accountID returns the account that made b.
func (b *booking) accountID() string { return b.page().arena.str(b.account) }

// key returns the idempotency key b was made under, and whether it had one.
func (b *booking) key() (string, bool) {
	return b.page().arena.str(b.idemKey), b.idemKey.at != 0
}

// niks returns b's applicants' NIKs, in the arena: the caller keeps the
// slice only while it keeps b.
func (b *booking) niks() []NIK {
	if b.nApps == 0 {
		return nil
	}
	raw := b.page().arena.bytes(b.applicants.at, int(b.nApps)*8)
	return unsafe.Slice((*NIK)(unsafe.Pointer(&raw[0])), int(b.nApps))
}

// applicantsCopy returns b's applicants, their metadata copied in one
// allocation.
func (b *booking) applicantsCopy() []Applicant {
	niks := b.niks()
	out := make([]Applicant, len(niks))
	var meta []byte
	var lens []byte
	if b.metaBytes > 0 {
		all := b.page().arena.bytes(b.applicants.at, int(b.applicants.n))
		lens = all[8*len(niks) : 10*len(niks)]
		meta = append([]byte(nil), all[10*len(niks):]...)
	}
	for i, n := range niks {
		out[i].NIK = n
		if lens != nil {
			l := int(lens[2*i]) | int(lens[2*i+1])<<8
			if l > 0 {
				out[i].Meta = meta[:l:l]
			}
			meta = meta[l:]
		}
	}
	return out
}

// writeApplicants copies apps into b's arena as b.applicants: NIKs, and
// when any applicant has metadata, every applicant's length and the
// metadata. The caller has checked them (ApplicantsMax,
// MetadataBytesMax).
func (b *booking) writeApplicants(a *arena, apps []Applicant) {
	meta := 0
	for _, ap := range apps {
		meta += len(ap.Meta)
	}
	n := 8 * len(apps)
	if meta > 0 {
		n += 2*len(apps) + meta
	}
	r, raw := a.alloc(n)
	for i, ap := range apps {
		*(*NIK)(unsafe.Pointer(&raw[8*i])) = ap.NIK
	}
	if meta > 0 {
		lens, rest := raw[8*len(apps):10*len(apps)], raw[10*len(apps):]
		for i, ap := range apps {
			lens[2*i], lens[2*i+1] = byte(len(ap.Meta)), byte(len(ap.Meta)>>8)
			rest = rest[copy(rest, ap.Meta):]
		}
	}
	b.applicants, b.nApps, b.metaBytes = span{at: r, n: uint32(n)}, uint8(len(apps)), uint16(meta)
}

// lastLSN returns the LSN of b's latest change.
func (b *booking) lastLSN() uint64 { return b.lsn.Load() &^ archivedBit }

// archived reports whether b's archiving has its place in the journal;
// read under mu.
func (b *booking) archived() bool { return b.lsn.Load()&archivedBit != 0 }

// state returns b's current state, read without waiting for a change
// under way: for a caller that holds mu, or one to which a state just
// replaced is as good (it checks again under mu, or only looks).
func (b *booking) state() *snapshot { return b.snap(ref(b.st.Load())) }

// snap returns b's state at r, nil for the zero ref.
func (b *booking) snap(r ref) *snapshot {
	if r == 0 {
		return nil
	}
	raw := b.page().arena.bytes(r, int(unsafe.Sizeof(snapshot{})))
	return (*snapshot)(unsafe.Pointer(&raw[0]))
}

// publish makes s, written into b's arena (record), b's current state.
func (b *booking) publish(s *snapshot) {
	b.st.Store(b.st.Load()&filedBit | uint64(s.ref))
}

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
	s := b.state()
	b.mu.Unlock()
	return s
}

// snapshot is the mutable part of a booking, and one entry of its
// history: the state the booking entered, when, and why. Each snapshot
// names the one before, so the chain from the current snapshot is the
// whole history, newest first. A snapshot in the arena (ref not 0) never
// changes once published; a change writes a new one (record). One made
// only to be read, an expiry or a no-show that reads show before the
// sweeper records it (machine.asOf), is on the heap. It holds no pointer
// and is 40 bytes.
type snapshot struct {
	at   int64 // when the booking entered this state, Unix ns
	text span  // see note and payment
	ref  ref   // its own place in the arena; 0 for one on the heap
	prev ref   // the state before this one; 0 for the hold
	date calendar.Date
	// queue is the queue number in its slot, from the payment on
	// (queue.go).
	queue       uint32
	state       State
	slot        uint8
	pool        uint8
	reschedules uint8
	reason      ReasonKind // the kind of the reason a rejection or cancellation gave
}

// isPaymentOf reports whether s, a state of b, is the state a payment
// made: Paid, from Held. (A reschedule goes from Paid to Paid.)
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
			return b.page().arena.str(h.text)
		}
	}
	return ""
}

// note returns the history's note of state s of b: why, such as
// "rescheduled from …" or a reason's text. The state a payment made keeps
// the payment reference in its text instead, one field for both.
func (b *booking) note(s *snapshot) string {
	switch {
	case s.state == Expired:
		return expiredNote // the same for every expiry: never written
	case b.isPayment(s):
		return ""
	}
	return b.page().arena.str(s.text)
}

// expiredNote is the note of every expiry.
const expiredNote = "payment deadline passed"

// record writes into b's arena the state after s: in state, at, with
// text (the payment reference or the note), and returns it, unpublished.
func (b *booking) record(s *snapshot, state State, at int64, text string) *snapshot {
	n := b.newState()
	ref := n.ref
	*n = *s
	a := &b.page().arena
	n.ref, n.prev, n.state, n.at, n.reason = ref, s.ref, state, at, ReasonNone
	n.text = span{}
	if state != Expired {
		n.text = a.putString(text)
	}
	return n
}

// newState returns a zeroed state in b's arena.
func (b *booking) newState() *snapshot {
	r, raw := b.page().arena.alloc(int(unsafe.Sizeof(snapshot{})))
	s := (*snapshot)(unsafe.Pointer(&raw[0]))
	s.ref = r
	return s
}

// virtual returns, on the heap, the state after s that reads show before
// it is recorded: an expiry or a no-show, whose notes are never written.
func (s *snapshot) virtual(state State, at int64) *snapshot {
	n := *s
	n.ref, n.prev, n.state, n.at, n.reason, n.text = 0, s.ref, state, at, ReasonNone, span{}
	return &n
}

// seats is the number of seats the booking takes while it holds any.
func (b *booking) seats() int { return int(b.nApps) }

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

package booking

import (
	"strconv"
	"unsafe"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/quota"
)

// A view is what a caller reads of a booking: a Booking, filled from the
// engine's record as of an instant, with the states whose instant has
// come though nobody has recorded them yet (asOf).

// readyOn returns the collection date of a booking in state s (see
// Booking.ReadyOn).
func (m *machine) readyOn(o *office, s *snapshot) calendar.Date {
	if !s.state.holdsSeats() { // it will not be served
		return calendar.Date{}
	}
	d, ok, _ := m.ledger.ServiceDaysAfter(o.id, s.date, m.collectionDays)
	if !ok {
		return calendar.Date{}
	}
	return d
}

// noShowAt returns the instant a paid booking in state s becomes a no-show.
func (m *machine) noShowAt(b *booking, s *snapshot) int64 {
	return unixns.Of(m.policy.NoShowAt(s.date, m.slot(b.office(), s.slot).End, m.loc(b.office())))
}

// asOf returns the state readers see of b, in state s, at nowNs: s, or
// the expiry or no-show whose instant has come though nobody has recorded
// it yet — the state the change that records it will write (next).
func (m *machine) asOf(b *booking, s *snapshot, nowNs int64) *snapshot {
	var noShowNs int64
	if s.state == Paid {
		noShowNs = m.noShowAt(b, s)
	}
	return asOfWith(b, s, nowNs, noShowNs)
}

// asOfWith is asOf for a caller that has the instant a paid s becomes a
// no-show (noShowAt), read only when s is Paid.
func asOfWith(b *booking, s *snapshot, nowNs, noShowNs int64) *snapshot {
	switch {
	case b.overdue(s, nowNs):
		return s.virtual(moves[opExpire].to, b.deadline)
	case s.state == Paid && nowNs >= noShowNs:
		return s.virtual(moves[opNoShow].to, noShowNs)
	}
	return s
}

// view fills *v with the public snapshot of b as of nowNs (see asOf),
// once no change of b is under way (settled). It fills the caller's
// Booking, field by field, rather than returning one: a Booking is 432
// bytes, and each copy of it on the way out (view, settle, Hold) was as
// much more stack, which a new goroutine — a server's request — grows by
// copying it.
func (m *machine) view(v *Booking, b *booking, nowNs int64) {
	s := b.settled()
	o := b.office()
	loc := m.loc(o) // instants read as the office's clock
	slot := m.slot(o, s.slot)
	// The windows of the booking's date and slot, which a state asOf
	// finds due keeps; their CheckInCloses is the no-show instant
	// (reschedule.Windows), which asOf would compute again.
	w := m.policy.WindowsOf(s.date, slot.Start, slot.End, loc)
	s = asOfWith(b, s, nowNs, unixns.Of(w.CheckInCloses))
	pool, _ := m.ledger.PoolName(o.id, int(s.pool))
	// Every string of the view the engine does not keep as it is — the
	// codes, the account, the payment reference, the notes — in one
	// array of bytes, which shares nothing with the engine's arena: in the
	// allocation of the view's slices, for the common shapes (viewSlices).
	account, payment := b.accountID(), b.payment(s)
	// The history, newest first, as the chain of states runs, walked once
	// into arrays on the stack (a longer one spills to the heap): its
	// texts are sized, copied and sliced from them.
	var statesBuf [viewHistoryInline]*snapshot
	var notesBuf [viewHistoryInline]string
	states, notes := statesBuf[:0], notesBuf[:0]
	size := codeSymbols + billingDigits + len(account) + len(payment)
	for h := s; h != nil; h = b.snap(h.prev) {
		states, notes = append(states, h), append(notes, b.note(h))
		size += len(notes[len(notes)-1])
	}
	apps, events, text := viewSlices(int(b.nApps), len(states), size)
	code, billing := b.codes()
	text = strconv.AppendUint(appendCode(text, code), billing, 10)
	text = append(text, account...)
	text = append(text, payment...)
	for _, note := range notes { // newest first
		text = append(text, note...)
	}
	all := unsafe.String(unsafe.SliceData(text), len(text)) // never written again
	at := codeSymbols + billingDigits + len(account)

	*v = Booking{} // no field from before, whatever the caller passed
	v.Code, v.BillingCode, v.Account = all[:codeSymbols], all[codeSymbols:codeSymbols+billingDigits], all[codeSymbols+billingDigits:at]
	v.PaymentRef, at = all[at:at+len(payment)], at+len(payment)
	v.Office, v.Date, v.Slot, v.Pool = o.code, s.date, quota.FormatClock(slot.Start), pool
	v.SlotStart, v.SlotEnd = w.Arrival.Add(slot.Start), w.CheckInCloses // the slot's end
	v.Applicants, v.History = apps, events
	b.copyApplicants(v.Applicants)
	v.FamilyCard = b.familyCard()
	v.State, v.Reschedules = s.state, int(s.reschedules)
	if s.queue != 0 {
		v.Queue = QueueNumber{Slot: int(s.slot), Number: int(s.queue)}
	}
	v.PayBy = unixns.Time(b.deadline).In(loc)
	v.RescheduleBy, v.CancelBy, v.CheckInOpens, v.CheckInCloses = w.RescheduleBy, w.CancelBy, w.CheckInOpens, w.CheckInCloses
	v.ReadyOn = m.readyOn(o, s)
	for k, h := range states {
		e := &v.History[len(states)-1-k] // oldest first
		note := all[at : at+len(notes[k])]
		at += len(note)
		e.At, e.State, e.Note = unixns.Time(h.at).In(loc), h.state, note
		if h.reason != ReasonNone {
			e.Reason = Reason{Kind: h.reason, Text: note}
		}
	}
	v.Created = v.History[0].At
}

// viewHistoryInline is the history a view walks without allocating: a
// hold, a payment, a check-in or a cancelling, and reschedules.
const viewHistoryInline = 8

// viewSlices returns a view's applicants, its history of events and room
// for its text (empty, of capacity text), in one allocation for the shapes
// of most views — one applicant, held (one event) or paid (two), a text
// of viewInlineText bytes at most — and in one each otherwise. An
// allocation is about 2% of a hold and its payment, which show two views.
// The text's bytes follow the last pointer of the allocation, so the
// collector never scans them.
func viewSlices(apps, events, text int) ([]Applicant, []Event, []byte) {
	switch {
	case apps == 1 && events == 1 && text <= viewInlineText:
		p := new(viewHeld)
		return p.a[:], p.e[:], p.t[:0:text]
	case apps == 1 && events == 2 && text <= viewInlineText:
		p := new(viewPaid)
		return p.a[:], p.e[:], p.t[:0:text]
	}
	return make([]Applicant, apps), make([]Event, events), make([]byte, 0, text)
}

// viewHeld and viewPaid are the two common shapes of a view's allocation
// (viewSlices): one applicant, one event or two, and the text after them.
type (
	viewHeld struct {
		a [1]Applicant
		e [1]Event
		t [viewInlineText]byte
	}
	viewPaid struct {
		a [1]Applicant
		e [2]Event
		t [viewInlineText]byte
	}
)

// viewInlineText is the text a view of the common shapes keeps beside its
// slices: its codes (25 bytes), and an account ID and a payment reference
// of 55 bytes together (a hold's and a payment's notes are empty). It
// fills the allocations to their size classes: 192 bytes held, 256 paid.
const viewInlineText = 80

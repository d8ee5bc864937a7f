package booking

import (
	"slices"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/internal/wire"
)

// Records are kuota's on-disk format: compact, versioned, and decoded with
// every length and value checked, so that corrupt bytes give an error
// (wire.ErrCorrupt), never a panic or an impossible booking.

// bookingVersion is the format of a booking record; it leads every record.
const bookingVersion = 1

// historyMax bounds the snapshots one booking record may hold: a hold, a
// payment, at most reschedule.ReschedulesMaxLimit reschedules, a check-in
// and an end, with room to spare.
const historyMax = 64

// appendBooking appends the record of b in state s to buf: s is the
// snapshot of one change, not necessarily b's current state (see store).
// The booking and billing codes are not stored: they follow from the key
// (the sequence number).
//
//	version, office, account, deadline, pool, payment ref,
//	idempotency (flag, key, hash), applicants (NIK, metadata)…,
//	history oldest first (at as a delta, state, date, slot, reschedules, note)…
func appendBooking(buf []byte, b *booking, s *snapshot) []byte {
	var chain [historyMax]*snapshot
	n := 0
	for h := s; h != nil && n < historyMax; h = h.prev {
		chain[n] = h
		n++
	}
	e := wire.NewEncoder(buf)
	e.Byte(bookingVersion)
	e.String(b.office.code)
	e.String(b.account)
	e.Varint(s.deadline)
	e.Byte(s.pool)
	e.String(s.paymentRef)
	if b.idem != nil {
		e.Byte(1)
		e.String(b.idem.key)
		e.Uint64(b.idem.hash)
	} else {
		e.Byte(0)
	}
	e.Uvarint(uint64(len(b.applicants)))
	for _, a := range b.applicants {
		e.Uvarint(a.NIK.n)
		e.BytesField(a.Meta)
	}
	e.Uvarint(uint64(n))
	var prevAt int64
	for i := n - 1; i >= 0; i-- {
		h := chain[i]
		e.Varint(h.at - prevAt)
		prevAt = h.at
		e.Byte(byte(h.state))
		e.Varint(h.date.EpochDays())
		e.Byte(h.slot)
		e.Byte(h.reschedules)
		e.String(h.note)
	}
	return e.Bytes()
}

// decodeBooking rebuilds the booking stored under seq. Its office must be
// registered already.
func (e *Engine) decodeBooking(seq uint64, data []byte) (*booking, error) {
	d := wire.NewDecoder(data)
	if v := d.Byte(); v != bookingVersion && d.Err() == nil {
		d.Fail("booking record version %d", v)
	}
	o := e.lookupOffice(d.String(OfficeCodeBytesMax, "office"))
	if o == nil && d.Err() == nil {
		d.Fail("unknown office")
	}
	b := &booking{seq: seq, office: o}
	b.account = d.String(AccountBytesMax, "account")
	if label.Check(b.account, AccountBytesMax) != nil && d.Err() == nil {
		d.Fail("bad account")
	}
	deadline := d.Varint()
	pool := d.Byte()
	ref := d.String(PaymentRefBytesMax, "payment ref")
	switch flag := d.Byte(); flag {
	case 0:
	case 1:
		b.idem = &idempotency{key: d.String(IdempotencyKeyBytesMax, "idempotency key")}
		b.idem.hash = d.Uint64()
	default:
		d.Fail("idempotency flag %d", flag)
	}
	b.applicants = decodeApplicants(d)
	if o != nil {
		decodeHistory(d, b, o, deadline, pool, ref)
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	b.code, b.billing = e.codes.code(seq), e.codes.billingOf(seq)
	return b, nil
}

func decodeApplicants(d *wire.Decoder) []Applicant {
	n := d.UvarintMax(ApplicantsMax, "applicants")
	if n == 0 {
		d.Fail("no applicants")
		return nil
	}
	out := make([]Applicant, n)
	meta := 0
	for i := range out {
		nik, err := nikFromNumber(d.Uvarint())
		if err != nil {
			d.Fail("applicant %d: bad NIK", i)
		}
		out[i] = Applicant{NIK: nik, Meta: d.BytesField(MetadataBytesMax, "metadata")}
		meta += len(out[i].Meta)
		for j := range i {
			if out[j].NIK == nik {
				d.Fail("applicant %d: NIK repeated", i)
			}
		}
	}
	if meta > MetadataBytesMax {
		d.Fail("metadata of %d bytes", meta)
	}
	return out
}

// decodeHistory reads the snapshots and installs them in b, checking that
// each transition is one the engine makes.
func decodeHistory(d *wire.Decoder, b *booking, o *office, deadline int64, pool byte, ref string) {
	layout := &o.cfg.Load().Quota.Layout
	if int(pool) >= len(layout.Pools) {
		d.Fail("pool %d", pool)
	}
	n := d.UvarintMax(historyMax, "history")
	if n == 0 {
		d.Fail("no history")
	}
	var s *snapshot
	var at int64
	for i := range n {
		at += d.Varint()
		h := &snapshot{prev: s, depth: uint8(i + 1), at: at, deadline: deadline, pool: pool}
		h.state = State(d.Byte())
		h.date = calendar.DateFromEpochDays(d.Varint())
		h.slot, h.reschedules = d.Byte(), d.Byte()
		h.note = d.String(ReasonBytesMax+64, "note") // reschedule notes add a date and slot
		if d.Err() != nil {
			return
		}
		switch {
		case h.date.IsZero():
			d.Fail("snapshot %d: bad date", i)
		case int(h.slot) >= len(layout.Slots):
			d.Fail("snapshot %d: slot %d", i, h.slot)
		case !validTransition(s, h):
			d.Fail("snapshot %d: %v after %v", i, h.state, stateOf(s))
		}
		// The reference belongs to the payment and every state after it.
		if s != nil && (s.paymentRef != "" || s.state == Held && h.state == Paid) {
			h.paymentRef = ref
		}
		s = h
	}
	if d.Err() == nil && (ref == "") != (s.paymentRef == "") {
		d.Fail("payment reference does not match the history")
	}
	b.st.Store(s)
	if s != nil {
		b.written = s.depth // it is on disk as it is
	}
}

func stateOf(s *snapshot) State {
	if s == nil {
		return 0
	}
	return s.state
}

// validTransition reports whether the engine can move from prev to next.
func validTransition(prev, next *snapshot) bool {
	// Instants are not checked for order: they come from the wall clock,
	// which may be stepped back, and the engine must read every record it
	// writes.
	if prev == nil {
		return next.state == Held && next.reschedules == 0
	}
	rescheduled := next.reschedules == prev.reschedules+1
	same := next.reschedules == prev.reschedules && next.date == prev.date && next.slot == prev.slot
	switch prev.state {
	case Held:
		return same && slices.Contains([]State{Paid, Expired, Cancelled}, next.state)
	case Paid:
		return same && slices.Contains([]State{CheckedIn, Cancelled, NoShow, Rejected}, next.state) ||
			rescheduled && next.state == Paid
	case CheckedIn:
		return same && next.state == Rejected
	}
	return false
}

package booking

import (
	"crypto/ed25519"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/internal/wire"
	"github.com/kuota/kuota/quota"
)

// change is one step of the state machine: a value the rules build and
// hand to apply, and, encoded, the record the journal keeps. Replaying the
// records in order through apply rebuilds the engine.
//
// Which fields count depends on op; the others are zero.
type change struct {
	op  op
	seq uint64 // every booking change: the booking's sequence number
	at  int64  // every booking change: when it happened, Unix ns

	// opHold: the first cell and the payment deadline; opReschedule: the
	// new cell.
	date     calendar.Date
	slot     uint8
	pool     uint8
	deadline int64

	// opHold, opImport: what the booking keeps for life.
	account    string
	idem       *idempotency
	applicants []Applicant
	familyCard FamilyCard
	steps      []step // opImport: the changes after the hold

	officeCode string         // opHold, opOverride
	text       string         // opPay: the payment reference; opCancel, opReject: the reason's text
	reason     ReasonKind     // opCancel, opReject: the reason's kind
	office     *OfficeConfig  // opOffice
	override   quota.Override // opOverride
	keys       codeKeys       // opKeys
	proofKey   *proofKey      // opProofKey
	archived   *change        // opArchive: the booking as it stood, an opImport

	// Not stored: what the rules already know when they build a change.
	// o is the office of a hold (replay looks it up by officeCode); from
	// is the state of the booking the rules decided on, and apply refuses
	// with errStale if the booking has moved on since (nil: whatever it is).
	// core is the applying core's hint (coreHint), taken once by enter
	// or step, for the arena lane and the deadline shards the change
	// writes in.
	o    *office
	from *snapshot
	core uint32
}

// idempotency is the key a hold was made under, and a fingerprint of its
// request.
type idempotency struct {
	key  string
	hash uint64
}

// step is one change in the history of an imported booking.
type step struct {
	op     op
	at     int64
	date   calendar.Date // opReschedule
	slot   uint8         // opReschedule
	text   string        // opPay; opCancel, opReject with reason
	reason ReasonKind    // opCancel, opReject
}

// Records are kuota's stored format: compact, versioned, and decoded with
// every length and value checked, so that corrupt bytes give an error
// (wire.ErrCorrupt), never a panic. Whether a decoded change makes sense —
// a known booking, a legal move, seats that fit — is apply's to check.
//
//	version, op, then per op:
//	keys        booking key (16 bytes), billing key (16 bytes)
//	proof key   ID, Ed25519 seed (32 bytes), NIK key (32 bytes), at
//	office      the configuration (see appendOffice)
//	override    office, kind, date, slot, pool, reason, seats, at
//	hold        seq, at, office, account, date, slot, pool, deadline,
//	            idempotency (flag, key, hash), applicants (NIK, metadata)…,
//	            family card (0: none)
//	import      a hold's fields, then its steps
//	            (op, at, date, slot, reason kind, text)…
//	pay         seq, at, payment reference
//	reschedule  seq, at, date, slot
//	cancel      seq, at, reason kind, text
//	reject      seq, at, reason kind, text
//	archive     seq, at, the booking as an import record
//	others      seq, at
const recordVersion = 1

// encode returns the record of c.
func (c *change) encode() []byte {
	e := wire.NewEncoder(make([]byte, 0, 64))
	e.Byte(recordVersion)
	if c.op == opOffice && officeWide(c.office) {
		e.Byte(byte(opOfficeWide)) // see officerecord.go
	} else {
		e.Byte(byte(c.op))
	}
	switch c.op {
	case opKeys:
		e.Raw(c.keys.booking[:])
		e.Raw(c.keys.billing[:])
	case opOffice:
		appendOffice(e, c.office)
	case opProofKey:
		k := c.proofKey
		e.Uvarint(uint64(k.id))
		e.Raw(k.private.Seed())
		e.Raw(k.nikKey[:])
		e.Varint(k.created)
	case opOverride:
		ov := &c.override
		e.String(c.officeCode)
		e.Byte(byte(ov.Kind))
		e.Varint(ov.Date.EpochDays())
		e.Uvarint(uint64(ov.Slot))
		e.Uvarint(uint64(ov.Pool))
		e.String(ov.Reason)
		e.Uvarint(uint64(ov.Seats))
		e.Varint(unixns.Of(ov.At))
	default:
		e.Uvarint(c.seq)
		e.Varint(c.at)
		c.encodeBooking(e)
	}
	return e.Bytes()
}

// encodeBooking writes what follows seq and at in a booking change.
func (c *change) encodeBooking(e *wire.Encoder) {
	switch c.op {
	case opHold, opImport:
		e.String(c.officeCode)
		e.String(c.account)
		e.Varint(c.date.EpochDays())
		e.Byte(c.slot)
		e.Byte(c.pool)
		e.Varint(c.deadline)
		e.Bool(c.idem != nil)
		if c.idem != nil {
			e.String(c.idem.key)
			e.Uint64(c.idem.hash)
		}
		e.Uvarint(uint64(len(c.applicants)))
		for _, a := range c.applicants {
			e.Uvarint(a.NIK.n)
			e.BytesField(a.Meta)
		}
		e.Uvarint(c.familyCard.n)
		if c.op == opImport {
			e.Uvarint(uint64(len(c.steps)))
			for _, st := range c.steps {
				e.Byte(byte(st.op))
				e.Varint(st.at)
				e.Varint(st.date.EpochDays())
				e.Byte(st.slot)
				e.Byte(byte(st.reason))
				e.String(st.text)
			}
		}
	case opPay:
		e.String(c.text)
	case opCancel, opReject:
		e.Byte(byte(c.reason))
		e.String(c.text)
	case opArchive:
		e.BytesField(c.archived.encode())
	case opReschedule:
		e.Varint(c.date.EpochDays())
		e.Byte(c.slot)
	}
}

// decodeChange reads a record. Strings and slices are copies: the change
// outlives data.
func decodeChange(data []byte) (change, error) {
	d := wire.NewDecoder(data)
	if v := d.Byte(); v != recordVersion && d.Err() == nil {
		d.Fail("record version %d", v)
	}
	c := change{op: op(d.Byte())}
	switch c.op {
	case opKeys:
		copy(c.keys.booking[:], d.Raw(16, "booking key"))
		copy(c.keys.billing[:], d.Raw(16, "billing key"))
	case opOffice:
		c.office = decodeOffice(d, false)
	case opOfficeWide:
		c.op = opOffice
		c.office = decodeOffice(d, true)
	case opProofKey:
		k := &proofKey{id: uint32(d.UvarintMax(ProofKeysMax, "proof key ID"))}
		seed := d.Raw(ed25519.SeedSize, "proof key")
		copy(k.nikKey[:], d.Raw(len(k.nikKey), "NIK key"))
		k.created = d.Varint()
		if d.Err() == nil {
			k.private = ed25519.NewKeyFromSeed(seed)
			c.proofKey = k
		}
	case opOverride:
		c.officeCode = d.String(OfficeCodeBytesMax, "office")
		c.override = quota.Override{
			Kind:   quota.OverrideKind(d.Byte()),
			Date:   decodeDate(d),
			Slot:   int(d.UvarintMax(quota.SlotsPerDayMax, "slot")),
			Pool:   int(d.UvarintMax(quota.PoolsPerSlotMax, "pool")),
			Reason: d.String(quota.ReasonBytesMax, "reason"),
			Seats:  int(d.UvarintMax(quota.CellSeatsMax, "seats")),
			At:     unixns.Time(d.Varint()), // every int64 is an instant unixns.Of writes
		}
	case opHold, opPay, opReschedule, opCheckIn, opCancel, opReject, opExpire, opNoShow, opImport, opArchive:
		c.seq = d.UvarintMax(bookingNumbersMax, "booking number")
		if c.seq == 0 && d.Err() == nil {
			d.Fail("booking number 0")
		}
		c.at = d.Varint()
		c.decodeBooking(d)
	default:
		if d.Err() == nil {
			d.Fail("change %d", c.op)
		}
	}
	if err := d.Finish(); err != nil {
		return change{}, err
	}
	return c, nil
}

// decodeBooking reads what follows seq and at in a booking change.
func (c *change) decodeBooking(d *wire.Decoder) {
	switch c.op {
	case opHold, opImport:
		c.officeCode = d.String(OfficeCodeBytesMax, "office")
		c.account = d.String(AccountBytesMax, "account")
		if label.Check(c.account, AccountBytesMax) != nil && d.Err() == nil {
			d.Fail("bad account")
		}
		c.date = decodeDate(d)
		c.slot, c.pool = d.Byte(), d.Byte()
		c.deadline = d.Varint()
		c.idem = decodeIdempotency(d)
		c.applicants = decodeApplicants(d)
		c.familyCard = decodeFamilyCard(d)
		if c.op == opImport {
			c.steps = make([]step, d.UvarintMax(historyMax, "steps"))
			for i := range c.steps {
				st := &c.steps[i]
				st.op = op(d.Byte())
				st.at = d.Varint()
				st.date = decodeDate(d)
				st.slot = d.Byte()
				st.reason, st.text = decodeReason(d)
			}
		}
	case opPay:
		c.text = d.String(PaymentRefBytesMax, "payment reference")
	case opCancel, opReject:
		c.reason, c.text = decodeReason(d)
	case opArchive:
		nested := d.Raw(int(d.UvarintMax(archivedBytesMax, "archived booking")), "archived booking")
		if d.Err() != nil {
			return
		}
		a, err := decodeChange(nested)
		switch {
		case err != nil:
			d.Fail("archived booking: %v", err)
		case a.op != opImport || a.seq != c.seq:
			d.Fail("archived booking: op %d, booking %d", a.op, a.seq)
		default:
			c.archived = &a
		}
	case opReschedule:
		c.date = decodeDate(d)
		c.slot = d.Byte()
	}
}

// decodeReason reads a reason's kind and text; the text is also a payment
// reference in an import's pay step, so it is bounded by the larger limit.
func decodeReason(d *wire.Decoder) (ReasonKind, string) {
	k := ReasonKind(d.Byte())
	if k > reasonKindMax && d.Err() == nil {
		d.Fail("reason kind %d", k)
	}
	return k, d.String(max(PaymentRefBytesMax, ReasonBytesMax), "text")
}

// decodeFamilyCard reads a family card number, 0 for none.
func decodeFamilyCard(d *wire.Decoder) FamilyCard {
	c, err := familyCardFromNumber(d.Uvarint())
	if err != nil && d.Err() == nil {
		d.Fail("bad family card")
	}
	return c
}

// decodeIdempotency reads a hold's idempotency key and request hash, after
// a flag saying whether it has one.
func decodeIdempotency(d *wire.Decoder) *idempotency {
	if !d.Bool("idempotency") {
		return nil
	}
	return &idempotency{key: d.String(IdempotencyKeyBytesMax, "idempotency key"), hash: d.Uint64()}
}

// decodeDate reads a date written as its epoch days, refusing a day the
// calendar does not have (which would read as the zero Date and re-encode
// as other bytes).
func decodeDate(d *wire.Decoder) calendar.Date {
	days := d.Varint()
	date := calendar.DateFromEpochDays(days)
	if date.EpochDays() != days && d.Err() == nil {
		d.Fail("epoch day %d outside the calendar", days)
	}
	return date
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

// archivedBytesMax bounds the record of an archived booking: its
// applicants' metadata (MetadataBytesMax) and every other field at its
// limit, with room to spare.
const archivedBytesMax = 64 << 10

// historyMax bounds the steps of an imported booking: a payment, at most
// reschedule.ReschedulesMaxLimit reschedules, a check-in and an end, with
// room to spare.
const historyMax = 64

package booking

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/journal"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/internal/wire"
	"github.com/kuota/kuota/quota"
)

// Format 1 of the file, written by kuota before the journal, kept one
// record per booking in state, rewritten at each change:
//
//	meta       "format" = 1, "codekeys" = booking key ‖ billing key
//	offices    office code → version, registration order, configuration
//	overrides  office code, 0, kind, epoch day (4 bytes), slot, pool →
//	           version, reason | seats | release instant
//	bookings   sequence number (8 bytes) → version, office, account,
//	           deadline, pool, payment ref, idempotency, applicants,
//	           history (at as a delta, state, date, slot, reschedules, note)…
//
// upgradeV1 converts such a file into the changes of a journal: the code
// keys, the offices in their registration order, the standing operator
// changes, and each booking as an import (opImport) in order of sequence
// number. An import takes the seats of a booking's final state only: the
// format kept no record of when an operator changed a capacity, so no
// order of the bookings' past changes is known to fit every cell at every
// step, while their final states are known to.
func upgradeV1(o Options) func(tx *bolt.Tx) ([][]byte, error) {
	return func(tx *bolt.Tx) ([][]byte, error) {
		changes, err := readV1(tx)
		if err != nil {
			return nil, err
		}
		recs := make([][]byte, len(changes))
		for i := range changes {
			recs[i] = changes[i].encode()
		}
		// Replay the converted journal before it replaces the file: a file
		// that does not convert cleanly stays as it is.
		check := newMachine(&o, &journal.Memory{})
		check.lenient = o.ReadOnly
		err = check.recover(func(fn func(uint64, []byte) error) error {
			for i, r := range recs {
				if err := fn(uint64(i+1), r); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("converting a file of format 1: %w", err)
		}
		return recs, nil
	}
}

// readV1 reads a file of format 1 as changes.
func readV1(tx *bolt.Tx) ([]change, error) {
	meta := tx.Bucket([]byte("meta"))
	if v := meta.Get([]byte("format")); !bytes.Equal(v, []byte{1}) {
		return nil, fmt.Errorf("%w: file format %v, this version of kuota reads 1 and 2", ErrCorrupt, v)
	}
	keys := meta.Get([]byte("codekeys"))
	if len(keys) != 32 {
		return nil, fmt.Errorf("%w: code keys of %d bytes", ErrCorrupt, len(keys))
	}
	out := []change{{op: opKeys}}
	copy(out[0].keys.booking[:], keys[:16])
	copy(out[0].keys.billing[:], keys[16:])

	offices, err := readV1Offices(tx.Bucket([]byte("offices")))
	if err != nil {
		return nil, err
	}
	out = append(out, offices...)
	err = forEachV1(tx, "overrides", func(k, v []byte) error {
		c, err := decodeV1Override(k, v)
		out = append(out, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = forEachV1(tx, "bookings", func(k, v []byte) error {
		if len(k) != 8 {
			return fmt.Errorf("%w: booking key of %d bytes", ErrCorrupt, len(k))
		}
		c, err := decodeV1Booking(binary.BigEndian.Uint64(k), v)
		if err != nil {
			return fmt.Errorf("booking %d: %w", binary.BigEndian.Uint64(k), err)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

func forEachV1(tx *bolt.Tx, bucket string, fn func(k, v []byte) error) error {
	b := tx.Bucket([]byte(bucket))
	if b == nil {
		return fmt.Errorf("%w: no %s bucket", ErrCorrupt, bucket)
	}
	return b.ForEach(fn)
}

// readV1Offices returns the office registrations in their original order,
// so that offices get the same quota IDs.
func readV1Offices(b *bolt.Bucket) ([]change, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: no offices bucket", ErrCorrupt)
	}
	type stored struct {
		c     change
		order uint64
	}
	var list []stored
	err := b.ForEach(func(k, v []byte) error {
		c, order, err := decodeV1Office(v)
		if err != nil {
			return fmt.Errorf("office %q: %w", k, err)
		}
		if c.office.Code != string(k) {
			return fmt.Errorf("%w: office %q stored under %q", ErrCorrupt, c.office.Code, k)
		}
		list = append(list, stored{c, order})
		return nil
	})
	slices.SortFunc(list, func(a, b stored) int { return cmp.Compare(a.order, b.order) })
	out := make([]change, len(list))
	for i := range list {
		out[i] = list[i].c
	}
	return out, err
}

// decodeV1Office reads an office record as a registration, and returns
// its registration order:
//
//	version, order, configuration (as appendOffice writes it)
func decodeV1Office(value []byte) (change, uint64, error) {
	d := wire.NewDecoder(value)
	if ver := d.Byte(); ver != 1 && d.Err() == nil {
		d.Fail("office record version %d", ver)
	}
	order := d.UvarintMax(quota.OfficesMax, "order")
	cfg := decodeOffice(d, false) // format 1 knew no wide record
	if err := d.Finish(); err != nil {
		return change{}, 0, err
	}
	return change{op: opOffice, office: cfg}, order, nil
}

// decodeV1Override reads an operator change stored under its key:
//
//	office code, 0, kind, epoch day (4 bytes), slot, pool
func decodeV1Override(key, value []byte) (change, error) {
	i := bytes.IndexByte(key, 0)
	if i <= 0 || i > OfficeCodeBytesMax || len(key) != i+8 {
		return change{}, fmt.Errorf("%w: override key of %d bytes", ErrCorrupt, len(key))
	}
	if int(key[i+6]) > quota.SlotsPerDayMax || int(key[i+7]) > quota.PoolsPerSlotMax {
		return change{}, fmt.Errorf("%w: override of slot %d pool %d", ErrCorrupt, key[i+6], key[i+7])
	}
	kinds := [...]quota.OverrideKind{1: quota.CloseDay, 2: quota.CloseSlot, 3: quota.SetCapacity, 4: quota.SetRelease}
	c := change{op: opOverride, officeCode: string(key[:i])}
	ov := &c.override
	kind := int(key[i+1])
	days := int64(int32(binary.BigEndian.Uint32(key[i+2:])))
	if ov.Date = calendar.DateFromEpochDays(days); ov.Date.EpochDays() != days {
		return change{}, fmt.Errorf("%w: override of epoch day %d", ErrCorrupt, days)
	}
	ov.Slot, ov.Pool = int(key[i+6]), int(key[i+7])
	d := wire.NewDecoder(value)
	if v := d.Byte(); v != 1 && d.Err() == nil {
		d.Fail("override version %d", v)
	}
	if kind < 1 || kind >= len(kinds) {
		d.Fail("override kind %d", kind)
		return change{}, d.Finish()
	}
	ov.Kind = kinds[kind]
	switch ov.Kind {
	case quota.CloseDay, quota.CloseSlot:
		ov.Reason = d.String(quota.ReasonBytesMax, "reason")
	case quota.SetCapacity:
		ov.Seats = int(d.UvarintMax(quota.CellSeatsMax, "seats"))
	case quota.SetRelease:
		ov.At = unixns.Time(d.Varint())
	}
	if ov.Date.IsZero() {
		d.Fail("override date")
	}
	return c, d.Finish()
}

// decodeV1Booking reads a booking record as an import: its hold, then one
// step per later entry of its history.
func decodeV1Booking(seq uint64, data []byte) (change, error) {
	d := wire.NewDecoder(data)
	if v := d.Byte(); v != 1 && d.Err() == nil {
		d.Fail("booking record version %d", v)
	}
	c := change{op: opImport, seq: seq}
	c.officeCode = d.String(OfficeCodeBytesMax, "office")
	c.account = d.String(AccountBytesMax, "account")
	if label.Check(c.account, AccountBytesMax) != nil && d.Err() == nil {
		d.Fail("bad account")
	}
	c.deadline = d.Varint()
	c.pool = d.Byte()
	ref := d.String(PaymentRefBytesMax, "payment ref")
	c.idem = decodeIdempotency(d) // written as format 2 writes it
	c.applicants = decodeApplicants(d)
	n := d.UvarintMax(historyMax, "history")
	if n == 0 {
		d.Fail("no history")
	}
	var at int64
	prev := State(0)
	for i := range n {
		at += d.Varint()
		state := State(d.Byte())
		date := decodeDate(d)
		slot := d.Byte()
		d.Byte() // reschedules: counted again by the import
		note := d.String(ReasonBytesMax+64, "note")
		if d.Err() != nil {
			break
		}
		if i == 0 {
			if state != Held {
				d.Fail("history begins %v", state)
			}
			c.at, c.date, c.slot = at, date, slot
			prev = state
			continue
		}
		st := step{op: opBetween(prev, state), at: at, date: date, slot: slot}
		switch st.op {
		case 0:
			d.Fail("snapshot %d: %v after %v", i, state, prev)
		case opPay:
			st.text = ref
		case opReject:
			// Format 1 kept a rejection's words only: a reason of
			// kind other, within ReasonBytesMax like any.
			st.reason, st.text = ReasonOther, note
			if len(note) > ReasonBytesMax {
				d.Fail("snapshot %d: reason of %d bytes", i, len(note))
			}
		}
		c.steps = append(c.steps, st)
		prev = state
	}
	return c, d.Finish()
}

package booking

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/wire"
	"github.com/kuota/kuota/quota"
)

// officeVersion is the format of an office record.
const officeVersion = 1

// zoneNameBytesMax bounds a stored time zone name; the longest IANA name
// is 32 bytes.
const zoneNameBytesMax = 64

// encodeOffice writes an office's configuration and its registration
// order, so that a reopened engine registers offices in the same order.
func encodeOffice(cfg *OfficeConfig, order uint32) []byte {
	e := wire.NewEncoder(nil)
	e.Byte(officeVersion)
	e.Uvarint(uint64(order))
	e.String(cfg.Code)
	e.String(cfg.Name)
	q := &cfg.Quota
	e.String(q.Schedule.Location.String())
	e.Byte(byte(q.Schedule.Week))
	e.Byte(boolByte(q.Schedule.ObserveCollectiveLeave))
	e.Uvarint(uint64(q.Schedule.Holidays.Len()))
	for h := range q.Schedule.Holidays.All() {
		e.Varint(h.Date.EpochDays())
		e.Byte(byte(h.Kind))
		e.String(h.Name)
	}
	e.Uvarint(uint64(len(q.Schedule.Closures)))
	for _, c := range q.Schedule.Closures {
		e.Varint(c.Date.EpochDays())
		e.String(c.Reason)
	}
	e.Uvarint(uint64(len(q.Layout.Pools)))
	for _, p := range q.Layout.Pools {
		e.String(p)
	}
	e.Uvarint(uint64(len(q.Layout.Slots)))
	for _, s := range q.Layout.Slots {
		e.Varint(int64(s.Start))
		e.Varint(int64(s.End))
		for _, n := range s.Seats {
			e.Uvarint(uint64(n))
		}
	}
	r := q.Release
	e.Byte(byte(r.Every))
	e.Varint(int64(r.Lead))
	e.Byte(byte(r.Weekday))
	e.Varint(int64(r.Day))
	e.Varint(int64(r.At))
	e.Varint(q.First.EpochDays())
	e.Uvarint(uint64(q.Days))
	return e.Bytes()
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// decodeOffice reads an office record and validates the configuration as
// RegisterOffice would.
func decodeOffice(data []byte) (OfficeConfig, uint32, error) {
	d := wire.NewDecoder(data)
	if v := d.Byte(); v != officeVersion && d.Err() == nil {
		d.Fail("office record version %d", v)
	}
	order := uint32(d.UvarintMax(quota.OfficesMax, "order"))
	cfg := OfficeConfig{Code: d.String(OfficeCodeBytesMax, "code"), Name: d.String(OfficeNameBytesMax, "name")}
	q := &cfg.Quota
	zone := d.String(zoneNameBytesMax, "zone")
	q.Schedule.Week = calendar.Weekdays(d.Byte())
	q.Schedule.ObserveCollectiveLeave = d.Byte() == 1
	holidays := make([]calendar.HolidayEntry, d.UvarintMax(calendar.HolidaysMax, "holidays"))
	for i := range holidays {
		holidays[i] = calendar.HolidayEntry{
			Date: calendar.DateFromEpochDays(d.Varint()),
			Kind: calendar.HolidayKind(d.Byte()),
			Name: d.String(calendar.HolidayNameBytesMax, "holiday name"),
		}
	}
	if n := d.UvarintMax(calendar.ClosuresMax, "closures"); n > 0 {
		q.Schedule.Closures = make([]calendar.Closure, n)
	}
	for i := range q.Schedule.Closures {
		q.Schedule.Closures[i] = calendar.Closure{Date: calendar.DateFromEpochDays(d.Varint()), Reason: d.String(calendar.ClosureReasonBytesMax, "reason")}
	}
	q.Layout.Pools = make([]string, d.UvarintMax(quota.PoolsPerSlotMax, "pools"))
	for i := range q.Layout.Pools {
		q.Layout.Pools[i] = d.String(quota.PoolNameBytesMax, "pool")
	}
	q.Layout.Slots = make([]quota.Slot, d.UvarintMax(quota.SlotsPerDayMax, "slots"))
	for i := range q.Layout.Slots {
		s := quota.Slot{Start: time.Duration(d.Varint()), End: time.Duration(d.Varint()), Seats: make([]int, len(q.Layout.Pools))}
		for p := range s.Seats {
			s.Seats[p] = int(d.UvarintMax(quota.CellSeatsMax, "seats"))
		}
		q.Layout.Slots[i] = s
	}
	q.Release = quota.ReleaseRule{
		Every:   quota.Period(d.Byte()),
		Lead:    int(d.Varint()),
		Weekday: time.Weekday(d.Byte()),
		Day:     int(d.Varint()),
		At:      time.Duration(d.Varint()),
	}
	q.First = calendar.DateFromEpochDays(d.Varint())
	q.Days = int(d.UvarintMax(quota.HorizonDaysMax, "days"))
	if err := d.Finish(); err != nil {
		return OfficeConfig{}, 0, err
	}
	var err error
	if q.Schedule.Holidays, err = calendar.NewHolidays(holidays...); err != nil {
		return OfficeConfig{}, 0, fmt.Errorf("%w: %w", wire.ErrCorrupt, err)
	}
	if q.Schedule.Location, err = calendar.LoadZone(zone); err != nil {
		return OfficeConfig{}, 0, fmt.Errorf("office %s: %w", cfg.Code, err)
	}
	if err := checkOfficeCode(cfg.Code); err != nil {
		return OfficeConfig{}, 0, fmt.Errorf("%w: %w", wire.ErrCorrupt, err)
	}
	if err := q.Validate(); err != nil {
		return OfficeConfig{}, 0, fmt.Errorf("%w: office %s: %w", wire.ErrCorrupt, cfg.Code, err)
	}
	return cfg, order, nil
}

// Operator changes are stored one per key, so that undoing one (OpenDay)
// deletes its key:
//
//	office code, 0, kind, epoch day (4 bytes), slot, pool
const overrideVersion = 1

func overrideKey(ov *override) []byte {
	k := make([]byte, 0, len(ov.office)+8)
	k = append(k, ov.office...)
	k = append(k, 0, byte(ov.kind))
	k = binary.BigEndian.AppendUint32(k, uint32(int32(ov.date.EpochDays())))
	return append(k, byte(ov.slot), byte(ov.pool))
}

func encodeOverride(ov *override) []byte {
	e := wire.NewEncoder(nil)
	e.Byte(overrideVersion)
	switch ov.kind {
	case overrideDayClosed, overrideSlotClosed:
		e.String(ov.reason)
	case overrideCapacity:
		e.Uvarint(uint64(ov.seats))
	case overrideRelease:
		e.Varint(ov.at)
	}
	return e.Bytes()
}

// decodeOverride reads a stored operator change from its key and value.
func decodeOverride(key, value []byte) (override, error) {
	var ov override
	i := 0
	for i < len(key) && key[i] != 0 {
		i++
	}
	if i == 0 || len(key) != i+8 {
		return ov, fmt.Errorf("%w: override key of %d bytes", wire.ErrCorrupt, len(key))
	}
	ov.office = string(key[:i])
	ov.kind = overrideKind(key[i+1])
	ov.date = calendar.DateFromEpochDays(int64(int32(binary.BigEndian.Uint32(key[i+2:]))))
	ov.slot, ov.pool = int(key[i+6]), int(key[i+7])
	d := wire.NewDecoder(value)
	if v := d.Byte(); v != overrideVersion && d.Err() == nil {
		d.Fail("override version %d", v)
	}
	switch ov.kind {
	case overrideDayClosed, overrideSlotClosed:
		ov.reason = d.String(quota.ReasonBytesMax, "reason")
	case overrideCapacity:
		ov.seats = int(d.UvarintMax(quota.CellSeatsMax, "seats"))
	case overrideRelease:
		ov.at = d.Varint()
	default:
		d.Fail("override kind %d", ov.kind)
	}
	if ov.date.IsZero() {
		d.Fail("override date")
	}
	return ov, d.Finish()
}

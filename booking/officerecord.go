package booking

import (
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/internal/wire"
	"github.com/kuota/kuota/quota"
)

// The record of an office's configuration (opOffice).

// zoneNameBytesMax bounds a stored time zone name; the longest IANA name
// is 32 bytes.
const zoneNameBytesMax = 64

// appendOffice writes an office's configuration. Its time zone is stored
// by name, which is why a durable engine accepts only zones that load by
// name (see calendar.LoadZone).
func appendOffice(e *wire.Encoder, cfg *OfficeConfig) {
	e.String(cfg.Code)
	e.String(cfg.Name)
	q := &cfg.Quota
	e.String(q.Schedule.Location.String())
	e.Byte(byte(q.Schedule.Week))
	e.Bool(q.Schedule.ObserveCollectiveLeave)
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
	// Later additions come last, and only when one is set, so that the
	// records of every other office stay as they were: the years the
	// holiday data covers with no holiday in them
	// (calendar.Holidays.WithYears), then the opening window.
	years := declaredYears(q.Schedule.Holidays)
	if len(years) > 0 || cfg.OpeningWindow > 0 {
		e.Uvarint(uint64(len(years)))
		for _, y := range years {
			e.Uvarint(uint64(y))
		}
	}
	if cfg.OpeningWindow > 0 {
		e.Varint(int64(cfg.OpeningWindow))
	}
}

// declaredYears returns the years h covers that none of its entries falls
// in.
func declaredYears(h calendar.Holidays) []int {
	withEntries := map[int]bool{}
	for e := range h.All() {
		withEntries[e.Date.Year()] = true
	}
	var years []int
	for _, y := range h.Years() {
		if !withEntries[y] {
			years = append(years, y)
		}
	}
	return years
}

// decodeOffice reads an office's configuration and validates it as
// RegisterOffice does; a problem is recorded in d.
func decodeOffice(d *wire.Decoder) *OfficeConfig {
	cfg := &OfficeConfig{Code: d.String(OfficeCodeBytesMax, "code"), Name: d.String(OfficeNameBytesMax, "name")}
	q := &cfg.Quota
	zone := d.String(zoneNameBytesMax, "zone")
	q.Schedule.Week = calendar.Weekdays(d.Byte())
	q.Schedule.ObserveCollectiveLeave = d.Bool("collective leave")
	holidays := make([]calendar.HolidayEntry, d.UvarintMax(calendar.HolidaysMax, "holidays"))
	for i := range holidays {
		holidays[i] = calendar.HolidayEntry{
			Date: decodeDate(d),
			Kind: calendar.HolidayKind(d.Byte()),
			Name: d.String(calendar.HolidayNameBytesMax, "holiday name"),
		}
	}
	if n := d.UvarintMax(calendar.ClosuresMax, "closures"); n > 0 {
		q.Schedule.Closures = make([]calendar.Closure, n)
	}
	for i := range q.Schedule.Closures {
		q.Schedule.Closures[i] = calendar.Closure{Date: decodeDate(d), Reason: d.String(calendar.ClosureReasonBytesMax, "reason")}
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
	q.First = decodeDate(d)
	q.Days = int(d.UvarintMax(quota.HorizonDaysMax, "days"))
	var years []int
	if d.More() {
		years = make([]int, d.UvarintMax(calendar.YearMax, "holiday years"))
		for i := range years {
			years[i] = int(d.UvarintMax(calendar.YearMax, "holiday year"))
		}
	}
	if d.More() {
		cfg.OpeningWindow = time.Duration(d.Varint())
		if cfg.OpeningWindow == 0 && d.Err() == nil {
			d.Fail("an opening window of 0 stored") // one encoding per value
		}
	}
	if d.Err() != nil {
		return nil
	}
	var err error
	if q.Schedule.Holidays, err = calendar.NewHolidays(holidays...); err == nil && len(years) > 0 {
		q.Schedule.Holidays, err = q.Schedule.Holidays.WithYears(years...)
	}
	if err != nil {
		d.Fail("office %s: %v", cfg.Code, err)
		return nil
	}
	if q.Schedule.Location, err = calendar.LoadZone(zone); err != nil {
		d.Fail("office %s: %v", cfg.Code, err)
		return nil
	}
	if err := checkOffice(cfg); err != nil {
		d.Fail("%v", err)
		return nil
	}
	return cfg
}

// checkOffice validates an office's code, name and quota configuration.
func checkOffice(cfg *OfficeConfig) error {
	if err := checkOfficeCode(cfg.Code); err != nil {
		return err
	}
	if err := label.Check(cfg.Name, OfficeNameBytesMax); err != nil {
		return fmt.Errorf("%w: name: %w", ErrBadOffice, err)
	}
	if cfg.OpeningWindow < 0 || cfg.OpeningWindow > OpeningWindowMax {
		return fmt.Errorf("%w: OpeningWindow %v, want 0..%v", ErrBadOffice, cfg.OpeningWindow, OpeningWindowMax)
	}
	return cfg.Quota.Validate()
}

package booking

import (
	"fmt"
	"slices"
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
	if officeWide(cfg) {
		// The wide record's fields, all of them: the years the holiday
		// data covers with no holiday in them (calendar.Holidays.WithYears),
		// then the opening window.
		years := declaredYears(q.Schedule.Holidays)
		e.Uvarint(uint64(len(years)))
		for _, y := range years {
			e.Uvarint(uint64(y))
		}
		e.Varint(int64(cfg.OpeningWindow))
	}
}

// opOfficeWide is the record byte of an office whose configuration uses a
// field added after the first layout (officeWide): its record carries
// them, every one, after the table. An office that uses none is recorded
// as opOffice, in the first layout, as it always was; a record of either
// kind read short fails, and each configuration has one record.
const opOfficeWide = 0x80 | opOffice

// officeWide reports whether cfg needs the wide record.
func officeWide(cfg *OfficeConfig) bool {
	return cfg.OpeningWindow != 0 || len(declaredYears(cfg.Quota.Schedule.Holidays)) > 0
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

// decodeOffice reads an office's configuration, in the wide record when
// wide, and validates it as RegisterOffice does; a problem is recorded in
// d.
func decodeOffice(d *wire.Decoder, wide bool) *OfficeConfig {
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
	// The wide record's fields, as appendOffice writes them and in no
	// other form: the declared years (ascending, none with an entry, as
	// checked below), then the window.
	var years []int
	if wide {
		years = make([]int, d.UvarintMax(calendar.YearMax, "holiday years"))
		for i := range years {
			years[i] = int(d.UvarintMax(calendar.YearMax, "holiday year"))
			if i > 0 && years[i] <= years[i-1] && d.Err() == nil {
				d.Fail("holiday years out of order")
			}
		}
		cfg.OpeningWindow = time.Duration(d.Varint())
	}
	if d.Err() != nil {
		return nil
	}

	var err error
	if q.Schedule.Holidays, err = calendar.NewHolidays(holidays...); err == nil && len(years) > 0 {
		q.Schedule.Holidays, err = q.Schedule.Holidays.WithYears(years...)
	}
	if err == nil && !slices.Equal(declaredYears(q.Schedule.Holidays), years) {
		err = fmt.Errorf("declared holiday years %v that have holidays", years)
	}
	if err == nil && wide != officeWide(cfg) {
		err = fmt.Errorf("a wide record of nothing wide") // one record per configuration
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

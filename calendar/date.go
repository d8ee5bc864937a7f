package calendar

import (
	"fmt"
	"math"
	"sync/atomic"
	"time"
	"unsafe"
)

// Date is a civil date in the proleptic Gregorian calendar, between
// [YearMin]-01-01 and [YearMax]-12-31, with no time zone attached.
//
// A Date is four bytes, comparable with ==, and cheap to use as a map key or
// an index. The zero Date is not a date: [Date.IsZero] reports it, every
// constructor returns it for input outside the supported range, and its
// String is "0000-00-00". Order dates with [Date.Before], [Date.After],
// [Date.Compare] and [Date.Sub].
type Date struct {
	// n counts days from 0001-01-01, which is n == 1, so that the zero
	// value stays free to mean "no date".
	n int32
}

const (
	// YearMin is the first year a Date can hold.
	YearMin = 1
	// YearMax is the last year a Date can hold; four-digit years keep
	// "YYYY-MM-DD" a fixed-width format.
	YearMax = 9999

	// epochOrdinal is the n of 1970-01-01: the days from 0001-01-01 to
	// 1970-01-01, plus one.
	epochOrdinal = 719163
	// ordinalMax is the n of 9999-12-31.
	ordinalMax = 3652059
)

// NewDate returns the date year-month-day. Like [time.Date] it normalizes
// out-of-range months and days (2026-13-01 is 2027-01-01, 2026-12-32 is
// 2027-01-01, 2026-03-00 is 2026-02-28). It returns the zero Date when the
// result falls outside [YearMin]..[YearMax].
func NewDate(year int, month time.Month, day int) Date {
	// Normalize the month into 1..12 first so daysFromCivil sees a real
	// month, then let the day overflow by plain addition. No step may
	// overflow, whatever the inputs: months are split into years without
	// subtracting first, and the year sum is checked.
	q, m := int64(month)/12, int64(month)%12
	if m <= 0 {
		m += 12
		q--
	}
	y := int64(year) + q
	if (q > 0 && y < int64(year)) || (q < 0 && y > int64(year)) || y < YearMin-1 || y > YearMax+1 {
		return Date{}
	}
	return fromEpochDays(daysFromCivil(y, m, 1) + int64(day) - 1)
}

// DateFromEpochDays returns the date that lies days after 1970-01-01, or the
// zero Date outside the supported range. It is the inverse of
// [Date.EpochDays], for compact encodings.
func DateFromEpochDays(days int64) Date {
	return fromEpochDays(days)
}

func fromEpochDays(days int64) Date {
	n := days + epochOrdinal
	if n < 1 || n > ordinalMax {
		return Date{}
	}
	return Date{n: int32(n)}
}

// DateOf returns the civil date of instant t in loc. A nil loc means UTC.
func DateOf(t time.Time, loc *time.Location) Date {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return NewDate(y, m, d)
}

// IsZero reports whether d is the zero Date, which is not a date.
func (d Date) IsZero() bool { return d.n == 0 }

// EpochDays returns the number of days from 1970-01-01 to d (negative
// before it). It is meaningless for the zero Date.
func (d Date) EpochDays() int64 { return int64(d.n) - epochOrdinal }

const secondsPerDay = 24 * 60 * 60

// Date returns the year, month and day of d, or zeros for the zero Date.
func (d Date) Date() (year int, month time.Month, day int) {
	if d.n == 0 {
		return 0, 0, 0
	}
	y, m, dd := civilFromDays(d.EpochDays())
	return int(y), time.Month(m), int(dd)
}

// Year returns the year of d.
func (d Date) Year() int { y, _, _ := d.Date(); return y }

// Month returns the month of d.
func (d Date) Month() time.Month { _, m, _ := d.Date(); return m }

// Day returns the day of the month of d.
func (d Date) Day() int { _, _, dd := d.Date(); return dd }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	w := (d.EpochDays() + int64(time.Thursday)) % 7
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddDays returns d plus n days (n may be negative), or the zero Date when
// d is zero or the result falls outside the supported range.
func (d Date) AddDays(n int) Date {
	if d.n == 0 {
		return Date{}
	}
	return fromEpochDays(d.EpochDays() + int64(n))
}

// AddMonths returns d plus n calendar months, clamped to the end of the
// target month: 2026-01-31 plus one month is 2026-02-28. It returns the
// zero Date when d is zero or the result falls outside the supported range.
func (d Date) AddMonths(n int) Date {
	if d.n == 0 {
		return Date{}
	}
	y, m, dd := d.Date()
	first := NewDate(y, m+time.Month(n), 1)
	if first.IsZero() {
		return Date{}
	}
	fy, fm, _ := first.Date()
	return first.AddDays(min(dd, DaysIn(fy, fm)) - 1)
}

// Sub returns the number of days from e to d: d.Sub(e) == 3 when d is three
// days after e.
func (d Date) Sub(e Date) int { return int(d.n) - int(e.n) }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.n < e.n }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.n > e.n }

// Compare returns -1, 0 or +1 as d is before, equal to or after e, for
// [slices.SortFunc] and friends.
func (d Date) Compare(e Date) int {
	switch {
	case d.n < e.n:
		return -1
	case d.n > e.n:
		return 1
	}
	return 0
}

// Start returns the instant at which d begins in loc: its local midnight.
// A nil loc means UTC. Start of the zero Date is the zero time.Time.
func (d Date) Start(loc *time.Location) time.Time {
	if d.n == 0 {
		return time.Time{}
	}
	if loc == nil {
		loc = time.UTC
	}
	// time.Date(y, m, d, 0, 0, 0, 0, loc), as time.Date computes it but
	// from d's day number, not its year, month and day, which d would
	// compute and time.Date turn back into a day number: a booking's
	// view asks for three midnights, and the round trip was half their
	// cost. As time.Date: the zone's offset at the midnight read as UTC,
	// and if that instant less the offset lies outside the offset's span,
	// the offset at that instant. TestStartIsTimeDate holds the two equal.
	unix := d.EpochDays() * secondsPerDay
	if z := zoneTails[zoneTailSlot(loc)].Load(); z != nil && z.loc == loc && unix-z.offset >= z.from {
		return time.Unix(unix-z.offset, 0).In(loc)
	}
	t := time.Unix(unix, 0).In(loc)
	_, offset := t.Zone()
	start, end := t.ZoneBounds()
	if end.IsZero() {
		noteZoneTail(loc, start, offset)
	}
	if offset != 0 {
		utc := unix - int64(offset)
		if !start.IsZero() && utc < start.Unix() || !end.IsZero() && utc >= end.Unix() {
			_, offset = time.Unix(utc, 0).In(loc).Zone()
		}
		unix -= int64(offset)
	}
	return time.Unix(unix, 0).In(loc)
}

// zoneTail is the offset a location keeps for good from an instant on,
// past its last transition: Jakarta's since 1964. Start reads its
// midnights there as arithmetic, without the two lookups of the zone
// (Zone, ZoneBounds) that were most of its cost (11 → 3 ns), and a
// booking's view asks for three midnights.
type zoneTail struct {
	loc    *time.Location
	from   int64 // Unix seconds, a day past the last transition
	offset int64 // seconds east of UTC
}

// zoneTails holds the tails of the locations Start met last, a few at
// once (an engine's offices keep to three zones in Indonesia), each in
// the slot of its pointer. A Location never changes, so its tail, once
// known, stays true.
var zoneTails [8]atomic.Pointer[zoneTail]

func zoneTailSlot(loc *time.Location) uintptr {
	return uintptr(unsafe.Pointer(loc)) >> 6 % uintptr(len(zoneTails))
}

// noteZoneTail keeps loc's tail: offset, in the period that starts at
// start (the zero Time: a fixed zone) and has no end.
func noteZoneTail(loc *time.Location, start time.Time, offset int) {
	from := int64(math.MinInt64 / 2) // a fixed zone: from the beginning
	if !start.IsZero() {
		// A day past the transition, so that an instant read with the
		// tail's offset never lies across it (time.Date would read
		// such a midnight with the offset before).
		from = start.Unix() + secondsPerDay
	}
	slot := &zoneTails[zoneTailSlot(loc)]
	if z := slot.Load(); z == nil || z.loc != loc {
		slot.Store(&zoneTail{loc: loc, from: from, offset: int64(offset)})
	}
}

// String formats d as "2026-12-10", and the zero Date as "0000-00-00".
func (d Date) String() string {
	var buf [10]byte
	return string(d.appendFormat(buf[:0]))
}

// MarshalText formats d as [Date.String] does, so a Date is a plain
// "2026-12-10" string in JSON.
func (d Date) MarshalText() ([]byte, error) {
	return d.appendFormat(make([]byte, 0, 10)), nil
}

// UnmarshalText parses a date as [ParseDate] does.
func (d *Date) UnmarshalText(text []byte) error {
	p, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

func (d Date) appendFormat(b []byte) []byte {
	y, m, dd := d.Date()
	b = appendDigits(b, y, 4)
	b = append(b, '-')
	b = appendDigits(b, int(m), 2)
	b = append(b, '-')
	return appendDigits(b, dd, 2)
}

func appendDigits(b []byte, v, width int) []byte {
	var buf [4]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[:width]...)
}

// ParseDate parses a date written as "YYYY-MM-DD" with exactly four, two
// and two ASCII digits. Anything else, including a day that the month does
// not have, returns an error matching [ErrBadDate].
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, badDate(s)
	}
	y, ok1 := parseDigits(s[0:4])
	m, ok2 := parseDigits(s[5:7])
	dd, ok3 := parseDigits(s[8:10])
	if !ok1 || !ok2 || !ok3 || y < YearMin || m < 1 || m > 12 || dd < 1 || dd > DaysIn(y, time.Month(m)) {
		return Date{}, badDate(s)
	}
	return NewDate(y, time.Month(m), dd), nil
}

func badDate(s string) error {
	return fmt.Errorf("%w: %q (want YYYY-MM-DD)", ErrBadDate, truncate(s))
}

func parseDigits(s string) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// DaysIn returns the number of days in the given month of year.
func DaysIn(year int, month time.Month) int {
	switch month {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// daysFromCivil and civilFromDays convert between a proleptic Gregorian
// date and days since 1970-01-01 without going through time.Time, which
// would cost a time zone lookup. The algorithm is Howard Hinnant's
// (https://howardhinnant.github.io/date_algorithms.html): it shifts the year
// to start in March so that the leap day is the last day of the year.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

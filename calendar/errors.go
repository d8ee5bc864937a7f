package calendar

import (
	"errors"
	"fmt"
)

// Errors returned when parsing dates.
var (
	// ErrBadDate is returned when a date is not a valid "YYYY-MM-DD" date
	// between YearMin and YearMax, or when a zero Date is given where a date
	// is required.
	ErrBadDate = errors.New("calendar: bad date")
)

// Errors returned when building a holiday list.
var (
	// ErrBadHolidayFile is returned when a holiday CSV is malformed: a
	// missing or wrong header, a wrong number of fields, or more than
	// HolidaysFileBytesMax bytes.
	ErrBadHolidayFile = errors.New("calendar: bad holiday file")
	// ErrBadHolidayKind is returned for a holiday kind other than
	// "national" or "collective_leave".
	ErrBadHolidayKind = errors.New("calendar: bad holiday kind")
	// ErrBadHolidayName is returned when a holiday name is empty, longer
	// than HolidayNameBytesMax or not printable UTF-8.
	ErrBadHolidayName = errors.New("calendar: bad holiday name")
	// ErrDuplicateHoliday is returned when two holidays share a date.
	ErrDuplicateHoliday = errors.New("calendar: duplicate holiday")
	// ErrTooManyHolidays is returned when a list holds more than
	// HolidaysMax entries.
	ErrTooManyHolidays = errors.New("calendar: too many holidays")
	// ErrBadHolidayYear is returned when a year declared covered by a
	// holiday list lies outside YearMin..YearMax.
	ErrBadHolidayYear = errors.New("calendar: bad holiday year")
)

// Errors returned when validating a Schedule.
var (
	// ErrNoLocation is returned when a Schedule has no time zone, or uses
	// time.Local, whose meaning depends on the host the program runs on.
	ErrNoLocation = errors.New("calendar: schedule needs an explicit time zone")
	// ErrNoServiceDays is returned when a Schedule's week names a bit that
	// is not a weekday.
	ErrNoServiceDays = errors.New("calendar: bad service weekdays")
	// ErrBadClosure is returned when a closure has a zero date, a reason
	// that is empty, longer than ClosureReasonBytesMax or not printable, or
	// repeats the date of another closure.
	ErrBadClosure = errors.New("calendar: bad closure")
	// ErrTooManyClosures is returned when a Schedule lists more than
	// ClosuresMax closures.
	ErrTooManyClosures = errors.New("calendar: too many closures")
	// ErrUnknownZone is returned by LoadZone for a zone name that neither
	// the host's time zone database nor kuota's Indonesian fallbacks know.
	ErrUnknownZone = errors.New("calendar: unknown time zone")
)

// LineError reports which line of a holiday file was wrong. It wraps one of
// the holiday errors above, so errors.Is(err, ErrBadHolidayKind) works.
type LineError struct {
	Line int   // 1-based line number in the input
	Err  error // what was wrong with it
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the underlying error.
func (e *LineError) Unwrap() error { return e.Err }

// truncate keeps at most the first 32 bytes of s, so that an error message
// quoting caller input stays short whatever the caller fed in.
func truncate(s string) string {
	const quoteBytesMax = 32
	if len(s) > quoteBytesMax {
		return s[:quoteBytesMax] + "…"
	}
	return s
}

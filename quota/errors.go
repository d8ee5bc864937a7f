package quota

import (
	"errors"
	"fmt"

	"github.com/kuota/kuota/calendar"
)

// Refusals of Reserve, in the order Reserve checks for them. Each is a
// sentinel compared with errors.Is; Reserve returns them unwrapped so a
// refusal costs no allocation. The zero calendar.Date, or a month that
// does not exist, is refused with calendar.ErrBadDate itself (after
// ErrUnknownOffice): one name for one error, so that one check covers a
// date that did not parse and one that was never set.
var (
	// ErrBadSeats is returned when a seat count is below 1 or above
	// CellSeatsMax.
	ErrBadSeats = errors.New("quota: bad seat count")
	// ErrUnknownOffice is returned for an OfficeID the Ledger did not
	// hand out.
	ErrUnknownOffice = errors.New("quota: unknown office")
	// ErrUnknownSlot is returned for a slot index outside the office's
	// layout.
	ErrUnknownSlot = errors.New("quota: unknown slot")
	// ErrUnknownPool is returned for a pool index outside the office's
	// layout.
	ErrUnknownPool = errors.New("quota: unknown pool")
	// ErrPast is returned when the slot has already started, or the day
	// has gone by.
	ErrPast = errors.New("quota: slot is in the past")
	// ErrOutsideHorizon is returned when the office has no quota table
	// for the day: it lies beyond the booking horizon or before the
	// office's first day.
	ErrOutsideHorizon = errors.New("quota: day outside the booking horizon")
	// ErrClosed is returned when the day is a holiday or a weekly day off,
	// or the operator closed the day or the slot.
	ErrClosed = errors.New("quota: office closed")
	// ErrNotOpened is returned before the day's release instant, and on
	// a service day of a year the office's holiday data does not cover
	// (until that year's data is loaded with Reconfigure).
	ErrNotOpened = errors.New("quota: quota not opened yet")
	// ErrNoQuota is returned when the cell offers no seats at all:
	// capacity 0; ErrFull means its seats were all taken. A caller shows
	// the first as "no quota provided", never as "sold out".
	ErrNoQuota = errors.New("quota: no quota provided")
	// ErrFull is returned when fewer seats are left than asked for, in a
	// cell that offers some.
	ErrFull = errors.New("quota: full")
)

// Errors of reading a clock time.
var (
	// ErrBadClock is returned by ParseClock for a string that is not a
	// time of day "HH:MM" from 00:00 to 23:59: the empty string (a slot
	// that was never set), a missing leading zero, seconds, 24:00, or
	// anything else.
	ErrBadClock = errors.New("quota: bad clock time")
)

// Refusals of Release.
var (
	// ErrOverRelease is returned when giving seats back would leave more
	// seats than the cell's capacity: the caller is returning seats it
	// never took. The cell is left unchanged.
	ErrOverRelease = errors.New("quota: release exceeds seats taken")
)

// Errors of configuration and operator changes.
var (
	// ErrBadConfig is returned for an office configuration that breaks a
	// rule or a limit; the message names which.
	ErrBadConfig = errors.New("quota: bad office configuration")
	// ErrTooManyOffices is returned when a Ledger already holds OfficesMax
	// offices.
	ErrTooManyOffices = errors.New("quota: too many offices")
	// ErrLayoutChange is returned when a new layout drops, moves or
	// reorders a slot or pool of the old one. Layouts may only grow at the
	// end, so that slot and pool indexes held by callers stay valid.
	ErrLayoutChange = errors.New("quota: layout may only append slots and pools")
	// ErrBelowTaken is returned when a capacity would fall below the seats
	// already taken in a cell. The caller must cancel bookings first.
	ErrBelowTaken = errors.New("quota: capacity below seats taken")
	// ErrBadOverride is returned when an Override's Kind is not one of
	// the OverrideKind constants, or a field its kind does not use is not
	// zero: a journaled change carries nothing the Ledger would ignore.
	ErrBadOverride = errors.New("quota: bad override")
	// ErrBadReason is returned when a reason (for closing a day or slot,
	// or, in package booking, for rejecting a booking) is empty, longer
	// than its limit or not printable UTF-8.
	ErrBadReason = errors.New("quota: bad reason")
)

// CellError names the cell that refused an operator change, such as a
// capacity below the seats already taken. It wraps the sentinel, so
// errors.Is(err, ErrBelowTaken) works.
type CellError struct {
	Err        error
	Date       calendar.Date
	Slot, Pool int
	Taken      int // seats taken in the cell
	Capacity   int // the capacity that was refused
}

func (e *CellError) Error() string {
	return fmt.Sprintf("%v: %s slot %d pool %d has %d seats taken, capacity %d asked", e.Err, e.Date, e.Slot, e.Pool, e.Taken, e.Capacity)
}

// Unwrap returns the sentinel.
func (e *CellError) Unwrap() error { return e.Err }

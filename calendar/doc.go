// Package calendar holds the civil-date side of kuota: dates without a time
// zone, an office's service week and closures, public holidays, the
// Indonesian time zones, and the [State] a day is in with its calendar
// colour.
//
// # Concepts
//
// A [Date] is a day on the calendar ("2026-12-10"), not an instant. Offices
// live in a time zone, so the same instant can be the 9th in Jakarta and
// the 10th in Jayapura: [DateOf] turns an instant into the office's date and
// [Date.Start] turns a date into the instant its local day begins.
//
// A [Schedule] says on which days an office serves the public at all: its
// service weekdays (Monday to Friday unless told otherwise), national
// holidays and collective leave ([Holidays], read from CSV by
// [ParseHolidays]) and its own [Closure] days. [Schedule.Status] answers for
// one date. Whether a service day has seats left, or has been released yet,
// is package quota's business; the [State] type covers both, so a calendar
// grid needs only one enum:
//
//	Available       green   bookable
//	Full            red     every seat taken: the quota was used up
//	NotOpened       yellow  quota not released yet
//	NoQuota         yellow  released, but no seat provided (capacity 0)
//	Holiday         grey    national holiday, observed collective leave, office closure
//	DayOff          grey    not a service weekday
//	Past            grey    gone by
//	OutsideHorizon  grey    no quota table for it yet
//
// Red is kept for a quota that was used up. A day whose slots offer no
// seat at all is NoQuota, yellow like NotOpened: applicants should not
// read it as "you came too late". The [State] documentation says when
// each applies.
//
// # Time
//
// Nothing in this package reads the clock or the host's time zone. Every
// function that needs an instant or a zone takes one, and a [Schedule]
// refuses time.Local. The Indonesian zones ([Jakarta], [Pontianak],
// [Makassar], [Jayapura]) load from the time zone database when the host
// has one and fall back to exact fixed zones when it does not.
//
// # Concurrency
//
// Date, Weekdays, State, Color and Holidays are values that never change
// and are safe to share. A Schedule is safe for concurrent reads.
//
// # Errors
//
// Bad input returns an error matching one of the sentinels in errors.go
// (errors.Is); an error about a line of a holiday file is a [*LineError].
// Nothing in the package panics on input.
package calendar

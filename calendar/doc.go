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
// [ParseHolidays]; see Holiday data below) and its own [Closure] days.
// [Schedule.Status] answers for one date. Whether a service day has seats left, or has been released yet,
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
// # Holiday data
//
// Holidays are decreed a year at a time, and decrees are amended during
// the year, so a [Holidays] list knows which years it is the data for:
// [Holidays.Covers] and [Holidays.Years]. A list read by [ParseHolidays]
// or built by [NewHolidays] covers the years its entries fall in;
// [Holidays.WithYears] declares a year that has no holiday at all.
// [MergeHolidays] combines lists a whole year at a time, later lists
// winning, so that an amended year replaces the old one and a newer year
// is added:
//
//	all, err := calendar.MergeHolidays(shipped, amended2025, new2027)
//
// Package [github.com/kuota/kuota/calendar/idholiday] ships Indonesia's
// decreed lists, with their decrees, and loads an operator's file for a
// year decreed after the release.
//
// A Schedule whose holiday list covers any year enforces coverage: a day
// that would be a service day, in a year the list does not cover, is
// NotOpened with the reason [NoHolidayDataReason] ("no holiday data for
// the year yet"), and stays so until that year's data is loaded. Nobody can book
// a day that may turn out to be a holiday. Closures, holidays and days off
// are shown as before. An empty list enforces nothing, for an office that
// keeps no holidays and for tests; kuota serve's configuration is to
// require the holidays to be named explicitly, so that an empty list is
// never an accident. [Schedule.UncoveredYears] names the missing years of a range,
// for a report to an operator.
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

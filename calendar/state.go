package calendar

import "fmt"

// State is what a day, or a slot, looks like to someone who wants to book
// it. Exactly one state, Available, means the day can be booked; every
// other state says why not. Each state has a [Color] for a calendar grid.
//
// Three states say that a service day cannot be booked for a quota
// reason, and they are told apart because they mean different things to
// an applicant:
//
//   - Full (red): seats were offered and every one is taken. The quota
//     was used up; it may turn green again when a booking lapses.
//   - NotOpened (yellow): the office has not released the day's quota
//     yet; it turns green at the release instant. A day of a year for
//     which the office has no holiday data is NotOpened too, with a
//     reason saying so, until that year's data is loaded.
//   - NoQuota (yellow): the quota is released but offers no seat at all:
//     every slot that can still be booked has capacity 0, by the office's
//     layout or because an operator set it so. Nothing was used up, so it is not
//     red; it turns green only if the office provides seats.
//
// Package quota decides among them in one fixed order (past, closed, not
// opened, no quota, full, available), so a day that is both unreleased and
// without seats is NotOpened.
//
// The numeric values are stable: new states are appended, never inserted,
// so that a State stored or sent as a number keeps its meaning.
type State uint8

const (
	// Available: the quota is open and at least one seat is left.
	// Green.
	Available State = iota + 1
	// Full: the quota is open and every seat is taken. Red. A Full day
	// can turn green again when a hold expires or a booking is cancelled.
	Full
	// NotOpened: a service day whose quota the office has not released
	// yet; it turns green at the release instant. Yellow. It is also a
	// service day in a year the office's holiday data does not cover
	// (see [Schedule.Status]); that one has a reason and no release
	// instant, and turns green only once the year's data is loaded.
	NotOpened
	// Holiday: a national holiday, a collective-leave day the office
	// observes, or a day (or slot) the office has closed. Grey.
	Holiday
	// DayOff: not one of the office's service weekdays (by default
	// Saturday and Sunday). Grey.
	DayOff
	// Past: the day has gone by, or, for today, every slot has already
	// started. Grey.
	Past
	// OutsideHorizon: the office has no quota table for the day yet:
	// it lies beyond the booking horizon, or before the office's first
	// day. Grey.
	OutsideHorizon
	// NoQuota: the quota is open but offers no seat: every slot that can
	// still be booked has capacity 0 (in the pools counted). Yellow, like
	// NotOpened, because nothing was used up: red would tell applicants
	// they came too late for seats that never existed. Unlike Full it
	// does not turn green when a booking lapses; unlike NotOpened it does
	// not turn green at an instant; only seats provided by the office
	// make it bookable.
	NoQuota
)

var stateNames = [...]string{
	Available:      "available",
	Full:           "full",
	NotOpened:      "not opened",
	Holiday:        "holiday",
	DayOff:         "day off",
	Past:           "past",
	OutsideHorizon: "outside horizon",
	NoQuota:        "no quota",
}

// String returns the state in lower case words, such as "not opened".
func (s State) String() string {
	if s >= Available && s <= NoQuota {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// Bookable reports whether the state is Available.
func (s State) Bookable() bool { return s == Available }

// Color returns the colour M-Paspor's calendar shows for the state.
func (s State) Color() Color {
	switch s {
	case Available:
		return Green
	case Full:
		return Red
	case NotOpened, NoQuota:
		return Yellow
	}
	return Grey
}

// Color is a calendar cell colour.
type Color uint8

const (
	// Grey marks days that cannot be booked for a calendar reason: a
	// holiday, a closure, a day off, the past, beyond the horizon.
	Grey Color = iota
	// Green marks a bookable day.
	Green
	// Red marks a full day: its quota was offered and used up.
	Red
	// Yellow marks a day whose quota has not been released yet, or that
	// offers no quota at all: nothing was used up.
	Yellow
)

var colorNames = [...]string{Grey: "grey", Green: "green", Red: "red", Yellow: "yellow"}

// String returns the colour's name: "green", "red", "yellow" or "grey".
func (c Color) String() string {
	if int(c) < len(colorNames) {
		return colorNames[c]
	}
	return fmt.Sprintf("Color(%d)", uint8(c))
}

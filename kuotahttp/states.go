package kuotahttp

import (
	"strings"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
)

// The wire names of states. They are this API's contract, in one form
// (lower case, words joined by hyphens), kept apart from the String
// methods, which are for people and may change. A state added to kuota
// after this table is written as its String in that form: a response
// must not fail over it, and TestStateNames fails until the table names
// it.

// bookingStateNames are the names of booking.State.
var bookingStateNames = []struct {
	state booking.State
	name  string
}{
	{booking.Held, "held"},
	{booking.Paid, "paid"},
	{booking.CheckedIn, "checked-in"},
	{booking.Cancelled, "cancelled"},
	{booking.Expired, "expired"},
	{booking.Rejected, "rejected"},
	{booking.NoShow, "no-show"},
}

// dayStateNames are the names of calendar.State, for days and slots.
var dayStateNames = []struct {
	state calendar.State
	name  string
}{
	{calendar.Available, "available"},
	{calendar.Full, "full"},
	{calendar.NotOpened, "not-opened"},
	{calendar.Holiday, "holiday"},
	{calendar.DayOff, "day-off"},
	{calendar.Past, "past"},
	{calendar.OutsideHorizon, "outside-horizon"},
	{calendar.NoQuota, "no-quota"},
}

// BookingStateName returns the wire name of a booking's state, as this
// API writes it: "held", "paid", "checked-in", "cancelled", "expired",
// "rejected", "no-show". A client of the API reads them back with
// ParseBookingState.
func BookingStateName(s booking.State) string {
	for _, n := range bookingStateNames {
		if n.state == s {
			return n.name
		}
	}
	return wireName(s.String())
}

// ParseBookingState returns the booking state a wire name names, and
// false for a name this version does not know.
func ParseBookingState(name string) (booking.State, bool) {
	for _, n := range bookingStateNames {
		if n.name == name {
			return n.state, true
		}
	}
	return 0, false
}

// DayStateName returns the wire name of a day's or a slot's state, as
// this API writes it: "available", "full", "not-opened", "holiday",
// "day-off", "past", "outside-horizon", "no-quota". A client reads them
// back with ParseDayState.
func DayStateName(s calendar.State) string {
	for _, n := range dayStateNames {
		if n.state == s {
			return n.name
		}
	}
	return wireName(s.String())
}

// ParseDayState returns the day state a wire name names, and false for a
// name this version does not know.
func ParseDayState(name string) (calendar.State, bool) {
	for _, n := range dayStateNames {
		if n.name == name {
			return n.state, true
		}
	}
	return 0, false
}

// wireName puts a String in the wire names' form.
func wireName(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", "-"))
}

// bookingStateList returns the wire names, for messages.
func bookingStateList() string {
	names := make([]string, len(bookingStateNames))
	for i, n := range bookingStateNames {
		names[i] = n.name
	}
	return strings.Join(names, ", ")
}

package calendar

import (
	"strings"
	"time"
)

// Weekdays is a set of days of the week, one bit per time.Weekday.
type Weekdays uint8

// MondayToFriday is the default service week of an office.
const MondayToFriday = Weekdays(1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday)

// allWeekdays has one bit for each of the seven days.
const allWeekdays = Weekdays(1<<7 - 1)

// WeekdaysOf returns the set holding the given days; values outside
// time.Sunday..time.Saturday are ignored.
func WeekdaysOf(days ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range days {
		if d >= time.Sunday && d <= time.Saturday {
			w |= 1 << d
		}
	}
	return w
}

// Has reports whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool {
	return d >= time.Sunday && d <= time.Saturday && w&(1<<d) != 0
}

// String lists the days in the set, Monday first: "Mon,Tue,Wed,Thu,Fri".
func (w Weekdays) String() string {
	var names []string
	for i := range 7 {
		d := time.Weekday((i + 1) % 7) // Monday first, Sunday last
		if w.Has(d) {
			names = append(names, d.String()[:3])
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ",")
}

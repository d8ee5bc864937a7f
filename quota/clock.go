package quota

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// A clock time names a slot by its start, "08:00", the way an applicant
// and an office speak of it; a slot's index is the Layout's business. Slot
// starts are whole minutes and unique within a layout (Layout.Validate), so
// "HH:MM" names at most one slot of a day, and the empty string, the value
// of a field nobody set, names none.

// clockLen is the length of "HH:MM": exactly five bytes, so "8:00",
// "08:00:00" and " 08:00" are refused, not guessed at.
const clockLen = len("HH:MM")

// ParseClock reads a time of day "HH:MM", 00:00 to 23:59, as an offset from
// midnight: "08:30" is 8*time.Hour + 30*time.Minute. The string must be
// exactly five bytes, two ASCII digits, a colon and two ASCII digits; the
// hour 00..23 and the minute 00..59. Anything else, the empty string
// first of all, returns an error matching [ErrBadClock]. 24:00 is refused
// although a slot may end then: no slot starts at midnight's end.
//
// ParseClock and [FormatClock] are inverses for every whole minute of a
// day.
func ParseClock(s string) (time.Duration, error) {
	if len(s) != clockLen || s[2] != ':' {
		return 0, badClock(s)
	}
	h, okH := twoDigits(s[0], s[1])
	m, okM := twoDigits(s[3], s[4])
	if !okH || !okM || h > 23 || m > 59 {
		return 0, badClock(s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// twoDigits reads two ASCII digits; a digit of another script is not one.
func twoDigits(a, b byte) (int, bool) {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}

// badClock builds ParseClock's error. It quotes the input only when it has
// the length of a clock time, so that a message stays short whatever a
// caller passed; %q escapes what is not printable. It quotes a copy: s
// handed to fmt would escape, and with it, to the compiler, whatever
// struct the caller's s came from (booking.HoldRequest, on every hold).
func badClock(s string) error {
	if len(s) != clockLen {
		return fmt.Errorf("%w: %d bytes, want HH:MM from 00:00 to 23:59", ErrBadClock, len(s))
	}
	return fmt.Errorf("%w: %q, want HH:MM from 00:00 to 23:59", ErrBadClock, strings.Clone(s))
}

// FormatClock formats an offset from midnight as "HH:MM": 8*time.Hour is
// "08:00". It is the inverse of [ParseClock] for the whole minutes from
// 00:00 to 23:59, and the formatter of [Slot.Span] and [SlotView.Span].
// Seconds and less are dropped, since slots are planned in whole minutes;
// 24h, the end of a slot that runs to midnight, is "24:00". An offset
// below zero or beyond a day is formatted by the same arithmetic, for a
// message, and never parses back.
func FormatClock(d time.Duration) string {
	m := int(d / time.Minute)
	if m >= 0 && m <= minutesPerDay {
		return clockStrings()[m] // every booking view names its slot: no allocation
	}
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// minutesPerDay is the last minute FormatClock has a string for: 24:00.
const minutesPerDay = 24 * 60

// clockStrings holds "00:00" … "24:00", one string per minute, built on
// first use (about 30 KiB).
var clockStrings = sync.OnceValue(func() []string {
	out := make([]string, minutesPerDay+1)
	for m := range out {
		out[m] = string([]byte{byte('0' + m/600), byte('0' + m/60%10), ':', byte('0' + m%60/10), byte('0' + m%10)})
	}
	return out
})

// span formats a slot's window as "08:00–09:00".
func span(start, end time.Duration) string {
	return FormatClock(start) + "–" + FormatClock(end)
}

// Package unixns converts between time.Time and instants held as int64
// Unix nanoseconds, the form in which kuota's hot paths compare instants
// and its journal records them: one word, compared with <, stored in an
// atomic.
//
// int64 nanoseconds reach from 1677-09-21 to 2262-04-11 (UTC). The
// conversions saturate at those ends rather than wrap around, so that the
// zero time.Time a fake clock may hand in (year 1) is long ago, not a
// wrapped-around future; and every instant inside them converts exactly
// both ways, so that a record of one decodes to the instant it was.
package unixns

import (
	"math"
	"time"
)

const (
	// LongAgo is the instant before every other: what Of gives for any
	// time.Time before 1677-09-21, and what Time gives back as the zero
	// time.Time.
	LongAgo int64 = math.MinInt64
	// Last is the last instant int64 holds (2262-04-11 23:47:16.854775807
	// UTC), and what Of gives for any time.Time after it.
	Last int64 = math.MaxInt64
)

// The ends of the range as Unix seconds and the nanosecond within them:
// LongAgo is 145224192 ns into second -9223372037, Last 854775807 ns into
// second 9223372036.
const (
	firstSec, firstNs = LongAgo/int64(time.Second) - 1, LongAgo%int64(time.Second) + int64(time.Second)
	lastSec, lastNs   = Last / int64(time.Second), Last % int64(time.Second)
)

// Of is t.UnixNano clamped to int64: LongAgo before the range, Last after
// it, and exact inside it. (At cost 86 it misses the compiler's inlining
// budget of 80 by a little; a call is a few ns on a booking of µs.)
func Of(t time.Time) int64 {
	s, ns := t.Unix(), int64(t.Nanosecond())
	switch {
	case s < firstSec || s == firstSec && ns < firstNs:
		return LongAgo
	case s > lastSec || s == lastSec && ns > lastNs:
		return Last
	}
	return s*int64(time.Second) + ns // in the first second it wraps past LongAgo and back
}

// Time is the inverse of Of: the instant ns, in the local time zone as
// time.Unix gives it, or the zero time.Time for LongAgo. Of(Time(ns)) is
// ns for every ns.
func Time(ns int64) time.Time {
	if ns == LongAgo {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// Add is ns + d, saturating at LongAgo and Last rather than wrapping: a
// deadline a hold's TTL after an instant near 2262 is Last, not 1677.
func Add(ns int64, d time.Duration) int64 {
	sum := ns + int64(d)
	switch {
	case d > 0 && sum < ns:
		return Last
	case d < 0 && sum > ns:
		return LongAgo
	}
	return sum
}

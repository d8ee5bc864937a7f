// Package unixns converts between time.Time and instants held as int64
// Unix nanoseconds, the form in which kuota's hot paths compare instants
// and its journal records them: one word, compared with <, stored in an
// atomic.
//
// int64 nanoseconds reach from 1677-09-21 to 2262-04-11 (UTC). The
// conversions saturate at those ends rather than wrap around, so that the
// zero time.Time a fake clock may hand in (year 1) is long ago, not a
// wrapped-around future; and every instant after the first converts
// exactly both ways, so that a record of one decodes to the instant it
// was. The first, LongAgo, stands for every instant up to it, and comes
// back as the zero time.
//
// booking and quota convert instants here and nowhere else, both ways.
package unixns

import (
	"math"
	"time"
)

const (
	// LongAgo is the instant before every other: what Of gives for any
	// time.Time up to 1677-09-21 00:12:43.145224192 UTC, and what Time
	// gives back as the zero time.Time.
	LongAgo int64 = math.MinInt64
	// Last is the last instant int64 holds (2262-04-11 23:47:16.854775807
	// UTC), and what Of gives for any time.Time after it.
	Last int64 = math.MaxInt64
)

// The seconds of the range's ends: LongAgo is 145224192 ns into second
// -9223372037, Last 854775807 ns into second 9223372036.
const (
	firstSec = LongAgo/int64(time.Second) - 1
	lastSec  = Last / int64(time.Second)
)

// Of is t.UnixNano clamped to int64: LongAgo up to the range's first
// instant, Last after its last, and exact between them.
func Of(t time.Time) int64 {
	// Of is on every hold's path, quota's sold-out refusal among them, so
	// it is written to inline, at a cost of 80, the inliner's budget to
	// the point (TestOfInlines asks the compiler): a version of two more
	// compares did not inline, and the refusal took 1.5× as long
	// (BenchmarkReserveSoldOut). So the seconds are checked only against
	// the ends' seconds, and the nanoseconds by the sum's sign. Between
	// the ends' seconds the sum's sign is the seconds'. In the last
	// second, the sum wraps negative past Last. In the first, the
	// product wraps positive, and adding the nanoseconds brings it back
	// negative exactly from LongAgo on.
	s := t.Unix()
	ns := s*int64(time.Second) + int64(t.Nanosecond())
	if s < firstSec || s > lastSec || (ns < 0) != (s < 0) {
		return s>>63 ^ Last // LongAgo for s < 0, Last otherwise
	}
	return ns
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

package unixns

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Every instant int64 nanoseconds hold survives Of and Time exact, up to
// the last nanosecond of each end; past the ends Of saturates, and
// LongAgo is the zero time. A journal record of a release instant in
// 2262's last second once came back a few ns later: the clamp began a
// second early.
func TestOfTimeIsExactOverInt64(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		ns := rapid.Int64().Draw(rt, "ns")
		if got := Of(Time(ns)); got != ns {
			rt.Fatalf("Of(Time(%d)) = %d", ns, got)
		}
	})
	for _, ns := range []int64{Last, Last - 63, Last - 1e9, LongAgo + 1, LongAgo + 1e9, -1, 0, 1} {
		require.Equal(t, ns, Of(Time(ns)), "ns %d", ns)
		require.Equal(t, ns, Time(ns).UnixNano(), "ns %d", ns)
	}
	end, start := time.Unix(0, Last), time.Unix(0, LongAgo)
	// Any time.Time, whatever its seconds, against the same clamp written
	// with time's own compares. (time.Unix's time.Time wraps around for
	// seconds near 2^63, so the draw stays within ±2^62, years past any
	// clock's.)
	rapid.Check(t, func(rt *rapid.T) {
		s := rapid.OneOf(rapid.Int64Range(-1<<62, 1<<62), rapid.Int64Range(firstSec-2, firstSec+2), rapid.Int64Range(lastSec-2, lastSec+2)).Draw(rt, "s")
		tm := time.Unix(s, rapid.Int64Range(0, int64(time.Second)-1).Draw(rt, "ns"))
		want := tm.UnixNano()
		if tm.Before(start) {
			want = LongAgo
		} else if tm.After(end) {
			want = Last
		}
		if got := Of(tm); got != want {
			rt.Fatalf("Of(%v) = %d, want %d", tm, got, want)
		}
	})
	require.Equal(t, Last, Of(end.Add(time.Nanosecond)))
	require.Equal(t, Last, Of(end.Add(100*365*24*time.Hour)))
	require.Equal(t, LongAgo, Of(start))
	require.Equal(t, LongAgo, Of(start.Add(-time.Nanosecond)))
	require.Equal(t, LongAgo, Of(time.Time{}))
	require.True(t, Time(LongAgo).IsZero())
}

// Add saturates at either end and is exact between them.
func TestAddSaturates(t *testing.T) {
	end := Of(time.Date(2262, time.April, 5, 8, 0, 0, 0, time.UTC))
	require.Equal(t, Last, Add(end, 30*24*time.Hour))
	require.Equal(t, end+int64(time.Hour), Add(end, time.Hour))
	require.Equal(t, Last, Add(Last, 1))
	require.Equal(t, LongAgo, Add(LongAgo+5, -time.Hour))
	require.Equal(t, LongAgo, Add(LongAgo, math.MinInt64))
	require.Equal(t, int64(-5), Add(0, -5))
	rapid.Check(t, func(rt *rapid.T) {
		ns := rapid.Int64Range(-1<<62, 1<<62).Draw(rt, "ns")
		d := time.Duration(rapid.Int64Range(-1<<61, 1<<61).Draw(rt, "d"))
		if got := Add(ns, d); got != ns+int64(d) {
			rt.Fatalf("Add(%d, %d) = %d", ns, d, got)
		}
	})
}

func BenchmarkOf(b *testing.B) {
	t := time.Date(2026, time.December, 1, 8, 0, 0, 0, time.UTC)
	var sum int64
	for b.Loop() {
		sum += Of(t)
	}
	if sum == 0 {
		b.Fatal("no sum")
	}
}

package booking

// The deadline index is internal: these tests build it and its bookings
// directly.

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// The index pops exactly the due entries, whatever the order they came
// in: in order (the tail), out of order (the tree), or mixed.
func TestDeadlineIndex(t *testing.T) {
	for _, order := range []string{"ascending", "descending", "random", "nearly"} {
		t.Run(order, func(t *testing.T) {
			x := newDeadlineIndex()
			rng := rand.New(rand.NewPCG(1, 2))
			var ats []int64
			for i := range 5000 {
				at := int64(i) * 10
				switch order {
				case "descending":
					at = int64(5000-i) * 10
				case "random":
					at = rng.Int64N(50_000)
				case "nearly":
					at += rng.Int64N(30) - 15
				}
				ats = append(ats, at)
				x.add(at, uint64(i+1))
			}
			slices.Sort(ats)
			require.Equal(t, ats[0], x.nextAt())
			require.Equal(t, 5000, x.len())
			popped := 0
			for _, now := range []int64{-1, 100, 12_345, 25_000, 49_999, 60_000} {
				if popped < len(ats) {
					require.Equal(t, ats[popped] <= now, x.due(now), "now %d", now)
				} else {
					require.False(t, x.due(now))
				}
				f := x.pop(now)
				var got []deadlineItem
				if f != nil {
					got = f.items
				}
				want := 0
				for popped+want < len(ats) && ats[popped+want] <= now {
					want++
				}
				require.Len(t, got, want, "now %d", now)
				for _, it := range got {
					require.LessOrEqual(t, it.at, now, "popped with its instant")
				}
				// What was popped is still due until its sweep lands it.
				require.Equal(t, want > 0, x.due(now), "now %d, before landing", now)
				x.land(f)
				popped += want
				if popped < len(ats) {
					require.Equal(t, ats[popped], x.nextAt())
				} else {
					require.Equal(t, int64(math.MaxInt64), x.nextAt())
				}
			}
			require.Zero(t, x.len())
		})
	}
}

// A flight is due until it lands, and another sweep sees its entries
// (flying) while its own are left out; landing one flight keeps another's
// minimum.
func TestDeadlineFlights(t *testing.T) {
	x := newDeadlineIndex()
	x.add(10, 1)
	x.add(20, 2)
	a := x.pop(10)
	require.Equal(t, []deadlineItem{{at: 10, seq: 1}}, a.items)
	require.True(t, x.due(10), "popped, not landed")
	require.False(t, x.due(9))
	b := x.pop(20)
	require.Equal(t, []deadlineItem{{at: 20, seq: 2}}, b.items)
	require.Equal(t, []deadlineItem{{at: 10, seq: 1}}, x.flying(20, b), "the other flight's, not b's own")
	require.Equal(t, []deadlineItem{{at: 10, seq: 1}, {at: 20, seq: 2}}, x.flying(20, nil))
	require.Empty(t, x.flying(9, nil))
	x.land(a)
	require.False(t, x.due(19))
	require.True(t, x.due(20), "b is still in flight")
	x.land(b)
	require.False(t, x.due(math.MaxInt64-1))
	require.Nil(t, x.pop(100), "nothing due: no flight")
	x.land(nil)
}

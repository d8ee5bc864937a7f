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
				got := x.pop(now)
				want := 0
				for popped+want < len(ats) && ats[popped+want] <= now {
					want++
				}
				require.Len(t, got, want, "now %d", now)
				for _, it := range got {
					require.LessOrEqual(t, it.at, now, "popped with its instant")
				}
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

package kuotatest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
)

// NIK hands out valid, distinct NIKs where its digit groups roll over
// (the serial from 9999 back to 1, the birth year from 99 to 00) and up to
// its last: booking's flood and burst tests hold each of a few hundred
// thousand NIKs once, and a repeat would be refused as booked.
func TestNIKsAreValidAndDistinct(t *testing.T) {
	seen := map[booking.NIK]int{}
	for _, i := range []int{0, 1, 9998, 9999, 10_000, 123_456, 10*9999 - 1, 10 * 9999, NIKsMax - 1} {
		n := NIK(t, i) // fails unless ParseNIK accepts it
		require.Equal(t, NIKDigits(i), n.Digits())
		if j, ok := seen[n]; ok {
			t.Fatalf("NIK(%d) = NIK(%d) = %s", i, j, n.Digits())
		}
		seen[n] = i
	}
}

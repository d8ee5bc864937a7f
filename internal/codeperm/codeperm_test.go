package codeperm

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// The reference vector of the SipHash paper: key 00 01 … 0f, and the
// message 00 01 … 07 gives 0x93f5f5799a932462.
func TestSipHashVector(t *testing.T) {
	var key [16]byte
	for i := range key {
		key[i] = byte(i)
	}
	m := binary.LittleEndian.Uint64([]byte{0, 1, 2, 3, 4, 5, 6, 7})
	got := sipHash24(binary.LittleEndian.Uint64(key[:8]), binary.LittleEndian.Uint64(key[8:]), m)
	require.Equal(t, uint64(0x93f5f5799a932462), got)
}

// On small domains every value must map to a distinct value in range, and
// back.
func TestBijection(t *testing.T) {
	key := [16]byte{1, 2, 3}
	for _, n := range []uint64{2, 3, 7, 16, 1000, 4097} {
		p := New(key, n)
		seen := make([]bool, n)
		for x := range n {
			y := p.Encode(x)
			require.Less(t, y, n)
			require.False(t, seen[y], "n=%d: %d collides", n, x)
			seen[y] = true
			require.Equal(t, x, p.Decode(y))
		}
	}
}

func TestLargeDomainsRoundTrip(t *testing.T) {
	for _, n := range []uint64{1 << 50, 900_000_000_000_000} {
		p := New([16]byte{9}, n)
		q := New([16]byte{10}, n)
		for x := uint64(0); x < 100_000; x++ {
			y := p.Encode(x)
			require.Less(t, y, n)
			require.Equal(t, x, p.Decode(y))
			require.NotEqual(t, y, q.Encode(x), "another key, another code")
		}
	}
}

// Consecutive numbers give codes that share nothing visible: about half
// the bits differ between neighbours.
func TestNeighboursLookUnrelated(t *testing.T) {
	p := New([16]byte{42}, 1<<50)
	total := 0
	const samples = 10_000
	for x := uint64(1); x <= samples; x++ {
		total += popcount(p.Encode(x) ^ p.Encode(x+1))
	}
	mean := float64(total) / samples
	require.InDelta(t, 25.0, mean, 1.0, "mean differing bits of 50")
}

func popcount(x uint64) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

func TestNewPanicsOnBadDomain(t *testing.T) {
	require.Panics(t, func() { New([16]byte{}, 1) })
	require.Panics(t, func() { New([16]byte{}, 1<<63) })
}

func BenchmarkEncode(b *testing.B) {
	p := New([16]byte{1}, 1<<50)
	x := uint64(0)
	for b.Loop() {
		x = p.Encode(x + 1)
	}
}

// EncodeBoth is two Encodes, under keys and domains of every kind the
// callers use, cycle walks included (a domain just above a power of four
// walks most often).
func TestEncodeBothIsTwoEncodes(t *testing.T) {
	perms := []*Perm{New([16]byte{1}, 1<<50), New([16]byte{2}, 900_000_000_000_000), New([16]byte{3}, 1<<20+1), New([16]byte{4}, 7)}
	for _, p := range perms {
		for _, q := range perms {
			for x := uint64(0); x < 2000 && x < min(p.n, q.n); x++ {
				a, b := EncodeBoth(p, q, x)
				require.Equal(t, p.Encode(x), a, "p(%d)", x)
				require.Equal(t, q.Encode(x), b, "q(%d)", x)
			}
		}
	}
	m, n := sipHash24x2(1, 2, 3, 4, 5, 6)
	require.Equal(t, sipHash24(1, 2, 3), m)
	require.Equal(t, sipHash24(4, 5, 6), n)
}

// BenchmarkEncodeBoth makes a booking's two codes: side by side
// (EncodeBoth) and one after the other.
func BenchmarkEncodeBoth(b *testing.B) {
	p, q := New([16]byte{1}, 1<<50), New([16]byte{2}, 900_000_000_000_000)
	b.Run("both", func(b *testing.B) {
		x := uint64(0)
		for b.Loop() {
			c, d := EncodeBoth(p, q, x+1)
			x = c ^ d
		}
	})
	b.Run("apart", func(b *testing.B) {
		x := uint64(0)
		for b.Loop() {
			x = p.Encode(x+1) ^ q.Encode(x+1)
		}
	})
}

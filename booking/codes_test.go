package booking_test

// Booking and billing codes cannot be guessed, from nothing or from one
// another.
//
// A booking code is 10 Crockford base-32 symbols, 50 bits; a billing code
// is 15 decimal digits not starting with 0, 9×10¹⁴ values, log₂(9×10¹⁴) ≈
// 49.7 bits. Each is a keyed pseudorandom permutation of the booking's
// sequence number (package codeperm, under a random key per engine: see
// codes.go), so consecutive bookings get codes that look independent and
// uniform. The checks below are statistical, with bounds set many
// standard deviations out so that a correct engine fails them with
// probability below one in a million, while a sequential or weakly mixed
// code (a counter, a counter XOR a constant, a low-entropy hash) fails
// them at once.

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// The codes' documented shapes: a booking code is advCodeSymbols symbols
// of Crockford's base-32 alphabet, a billing code advBillingDigits decimal
// digits. The tests see codes only as the strings the API returns.
const (
	advCrockford     = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	advCodeSymbols   = 10
	advBillingDigits = 15
)

// advCodeBookings makes n bookings, one after another, and returns their
// booking and billing codes in the order they were made.
func advCodeBookings(t *testing.T, n int) (*Engine, []string, []string) {
	t.Helper()
	e, _ := kt.NewEngine(t, nil)
	registerOneSlotOffice(t, e, "CODES", n)
	codes, billings := make([]string, n), make([]string, n)
	for i := range n {
		b, err := e.Hold(bg, HoldRequest{Account: "acct-" + strconv.Itoa(i), Office: "CODES", Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online,
			Applicants: []Applicant{{NIK: kt.NIK(t, i)}}})
		require.NoError(t, err)
		codes[i], billings[i] = b.Code, b.BillingCode
	}
	return e, codes, billings
}

// advChiSquare returns Pearson's statistic of counts against a uniform
// distribution over len(counts) values.
func advChiSquare(counts []int) float64 {
	total := 0
	for _, c := range counts {
		total += c
	}
	want := float64(total) / float64(len(counts))
	chi := 0.0
	for _, c := range counts {
		d := float64(c) - want
		chi += d * d / want
	}
	return chi
}

// advSharedPrefix returns how many leading bytes a and b share.
func advSharedPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func TestAdversarialCodesCannotBeGuessed(t *testing.T) {
	const n = 10_000
	e, codes, billings := advCodeBookings(t, n)

	seen := map[string]bool{}
	for i := range n {
		require.False(t, seen[codes[i]], "booking code %s twice", codes[i])
		require.False(t, seen[billings[i]], "billing code %s twice", billings[i])
		seen[codes[i]], seen[billings[i]] = true, true
	}

	t.Run("neighbours in creation order look unrelated", func(t *testing.T) {
		// Of n-1 adjacent pairs, about half increase if codes are
		// random (standard deviation 0.005); a counter gives all.
		// Sharing a leading symbol happens with probability 1/32 (about
		// 312 pairs, standard deviation 17.4), three leading symbols
		// 1/32768 (0.3 pairs); billing codes share a first digit with
		// probability 1/9 (1111 pairs, standard deviation 31) and five
		// leading digits 1/90000 (0.1 pairs).
		var up, bothUp, share1, share3, billUp, billShare1, billShare5 int
		for i := 1; i < n; i++ {
			codeUp, billingUp := codes[i] > codes[i-1], billings[i] > billings[i-1]
			up += advB2i(codeUp)
			billUp += advB2i(billingUp)
			bothUp += advB2i(codeUp == billingUp)
			p := advSharedPrefix(codes[i], codes[i-1])
			share1 += advB2i(p >= 1)
			share3 += advB2i(p >= 3)
			q := advSharedPrefix(billings[i], billings[i-1])
			billShare1 += advB2i(q >= 1)
			billShare5 += advB2i(q >= 5)
		}
		pairs := float64(n - 1)
		require.InDelta(t, 0.5, float64(up)/pairs, 0.1, "booking codes increasing from one to the next")
		require.InDelta(t, 0.5, float64(billUp)/pairs, 0.1, "billing codes increasing from one to the next")
		require.InDelta(t, 0.5, float64(bothUp)/pairs, 0.1, "a billing code's order says nothing of its booking code's")
		require.Less(t, share1, 450, "pairs sharing their first symbol")
		require.LessOrEqual(t, share3, 5, "pairs sharing three leading symbols")
		require.Less(t, billShare1, 1420, "billing pairs sharing their first digit")
		require.LessOrEqual(t, billShare5, 4, "billing pairs sharing five leading digits")
	})

	t.Run("every position is uniform", func(t *testing.T) {
		// Pearson's chi-square with 31 degrees of freedom has mean 31 and
		// standard deviation 7.9; with 8 or 9, mean 8 or 9 and standard
		// deviation 4 or 4.2. The bounds lie beyond p = 10⁻⁸.
		for pos := range advCodeSymbols {
			counts := make([]int, 32)
			for _, c := range codes {
				counts[strings.IndexByte(advCrockford, c[pos])]++
			}
			require.Less(t, advChiSquare(counts), 100.0, "booking code symbol %d: %v", pos, counts)
		}
		// The step from one code to the next, symbol by symbol, mod 32:
		// uniform too, which a counter or an additive pattern is not.
		for _, pos := range []int{0, advCodeSymbols - 1} {
			counts := make([]int, 32)
			for i := 1; i < n; i++ {
				a, b := strings.IndexByte(advCrockford, codes[i-1][pos]), strings.IndexByte(advCrockford, codes[i][pos])
				counts[(b-a+32)%32]++
			}
			require.Less(t, advChiSquare(counts), 100.0, "step of booking code symbol %d: %v", pos, counts)
		}
		first := make([]int, 9)
		for _, b := range billings {
			first[b[0]-'1']++
		}
		require.Less(t, advChiSquare(first), 60.0, "billing code first digit: %v", first)
		for pos := 1; pos < advBillingDigits; pos++ {
			counts := make([]int, 10)
			for _, b := range billings {
				counts[b[pos]-'0']++
			}
			require.Less(t, advChiSquare(counts), 60.0, "billing code digit %d: %v", pos, counts)
		}
	})

	t.Run("random guesses find nothing", func(t *testing.T) {
		// With 10⁴ bookings, 10⁵ guesses hit one with probability about
		// 10⁴ × 10⁵ / 2⁵⁰ ≈ 9×10⁻⁷ (booking codes) and 10⁴ × 10⁵ /
		// (9×10¹⁴) ≈ 1.1×10⁻⁶ (billing codes). The generator's seed is
		// fixed, the engine's code keys are not.
		const guesses = 100_000
		rng := rand.New(rand.NewPCG(1, 2))
		var buf [advBillingDigits]byte
		hits := 0
		for range guesses {
			for i := range advCodeSymbols {
				buf[i] = advCrockford[rng.IntN(32)]
			}
			switch _, err := e.Get(bg, string(buf[:advCodeSymbols])); {
			case err == nil:
				hits++
			case !errors.Is(err, ErrNotFound):
				t.Fatalf("guess %s: %v", buf[:advCodeSymbols], err)
			}
		}
		require.Zero(t, hits, "booking codes guessed")
		for range guesses {
			buf[0] = byte('1' + rng.IntN(9))
			for i := 1; i < advBillingDigits; i++ {
				buf[i] = byte('0' + rng.IntN(10))
			}
			switch _, err := e.ByBillingCode(bg, string(buf[:])); {
			case err == nil:
				hits++
			case !errors.Is(err, ErrNotFound):
				t.Fatalf("guess %s: %v", buf[:], err)
			}
		}
		require.Zero(t, hits, "billing codes guessed")
	})

	t.Run("each code finds its own booking", func(t *testing.T) {
		for i := 0; i < n; i += 97 {
			b, err := e.Get(bg, codes[i])
			require.NoError(t, err)
			require.Equal(t, billings[i], b.BillingCode)
			require.Equal(t, "acct-"+strconv.Itoa(i), b.Account)
			byBill, err := e.ByBillingCode(bg, billings[i])
			require.NoError(t, err)
			require.Equal(t, codes[i], byBill.Code)
		}
	})
	kt.RequireConsistent(t, e)
}

func advB2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

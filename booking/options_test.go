package booking

import (
	"io"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// A seeded Options.Rand makes codes repeat from run to run, for
// simulations and tests; different seeds give different codes.
func TestSeededCodes(t *testing.T) {
	codes := func(seed uint64) []string {
		e, _ := newTestEngine(t, &Options{Rand: rand.NewChaCha8([32]byte{byte(seed)}), MaxHoldsPerAccount: 5})
		var out []string
		for i := range 3 {
			b, err := e.Hold(bg, holdReq(t, i))
			require.NoError(t, err)
			out = append(out, b.Code, b.BillingCode)
		}
		return out
	}
	require.Equal(t, codes(1), codes(1))
	require.NotEqual(t, codes(1), codes(2))

	_, err := New(&Options{Rand: rand.NewChaCha8([32]byte{}), NoSweeper: true})
	require.NoError(t, err)
	_, err = New(&Options{Rand: shortReader{}, NoSweeper: true})
	require.ErrorIs(t, err, ErrBadOptions)
}

// shortReader runs dry at once.
type shortReader struct{}

func (shortReader) Read([]byte) (int, error) { return 0, io.EOF }

func TestStateErrorText(t *testing.T) {
	require.EqualError(t, &StateError{Op: "pay", State: Expired}, "booking: hold expired: cannot pay it")
	require.EqualError(t, &StateError{Op: "cancel", State: Paid}, "booking: cannot cancel a booking that is paid")
}

func TestPolicyAccessor(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	require.Equal(t, 1, e.Policy().ReschedulesMax)
}

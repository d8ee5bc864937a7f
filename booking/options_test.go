package booking_test

// Options: how New resolves them, the limits it checks, and what an engine
// keeps of them.

import (
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/reschedule"
)

func TestOptions(t *testing.T) {
	bad := []Options{
		{HoldTTL: -time.Second},
		{HoldTTL: time.Millisecond},
		{HoldTTL: HoldTTLMax + 1},
		{MaxHoldsPerAccount: -1},
		{MaxHoldsPerAccount: MaxHoldsPerAccountLimit + 1},
		{BookingsMax: -1},
		{Policy: &reschedule.Policy{ReschedulesMax: -1}},
		{Durability: 7},
		{LockTimeout: -1},
	}
	for _, o := range bad {
		_, err := New(&o)
		require.ErrorIs(t, err, ErrBadOptions, "%+v", o)
	}
	e, err := New(nil)
	require.NoError(t, err)
	require.NoError(t, e.Close())
	require.NoError(t, e.Close(), "twice is fine")
	_, err = e.Hold(bg, HoldRequest{})
	require.ErrorIs(t, err, ErrEngineClosed)
	require.ErrorIs(t, e.RegisterOffice(bg, kt.OfficeConfig(t)), ErrEngineClosed)

	// A zero HoldTTL is DefaultHoldTTL: a hold must be paid that long
	// after it was made. (kt.NewEngine sets only Now and NoSweeper.)
	dflt, _ := kt.NewEngine(t, &Options{})
	b, err := dflt.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	require.Equal(t, DefaultHoldTTL, b.PayBy.Sub(b.Created))

	// The engine keeps its own copy of the policy.
	p := reschedule.Default()
	e2, err := New(&Options{Policy: &p, NoSweeper: true})
	require.NoError(t, err)
	p.ReschedulesMax = 9
	require.Equal(t, 1, e2.Policy().ReschedulesMax)
	e2.Close()
}

func TestBookingsMax(t *testing.T) {
	e, _ := kt.NewEngine(t, &Options{BookingsMax: 2, MaxHoldsPerAccount: 5})
	for i := range 2 {
		_, err := e.Hold(bg, kt.HoldRequest(t, i))
		require.NoError(t, err)
	}
	_, err := e.Hold(bg, kt.HoldRequest(t, 3))
	require.ErrorIs(t, err, ErrTooManyBookings)
}

// A seeded Options.Rand makes codes repeat from run to run, for
// simulations and tests; different seeds give different codes.
func TestSeededCodes(t *testing.T) {
	codes := func(seed uint64) []string {
		e, _ := kt.NewEngine(t, &Options{Rand: rand.NewChaCha8([32]byte{byte(seed)}), MaxHoldsPerAccount: 5})
		var out []string
		for i := range 3 {
			b, err := e.Hold(bg, kt.HoldRequest(t, i))
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
	e, _ := kt.NewEngine(t, nil)
	require.Equal(t, 1, e.Policy().ReschedulesMax)
}

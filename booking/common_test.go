package booking_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// The tests of package booking are an external package, so that they can
// use internal/kuotatest (which imports booking); they import booking with
// a dot, as tests that cannot live inside the package they test may, and
// reach the few internals they check through export_test.go.

var bg = context.Background()

// How long a test waits for another goroutine to reach a point, and how
// often it looks.
const (
	waitMax  = 5 * time.Second
	waitTick = time.Millisecond
)

// registerOneSlotOffice registers office code, released at once, with one
// pool (online) and one slot (08:00–09:00) of the given seats on every
// day: room for as many concurrent holds as a test wants in one cell.
func registerOneSlotOffice(t testing.TB, e *Engine, code string, seats int) {
	t.Helper()
	cfg := kt.OfficeConfig(t)
	cfg.Code = code
	cfg.Quota.Release = quota.ReleaseRule{}
	cfg.Quota.Layout = quota.Layout{Pools: []string{kt.Online}, Slots: []quota.Slot{{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{seats}}}}
	require.NoError(t, e.RegisterOffice(bg, cfg))
}

// fileWithOneHold writes a booking file at a path of the test's own: the
// test office and one hold of account 1, made at kt.T1 on the clock it
// returns, then closed.
func fileWithOneHold(t *testing.T) (path string, clk *kt.Clock, held Booking) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "kuota.db")
	clk = kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	held, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	require.NoError(t, e.Close())
	return path, clk, held
}

// heldAndPaid makes the usual two bookings on e: a hold of account 1,
// and a paid booking of account 2, both for kt.Dec10 Slot0.
func heldAndPaid(t *testing.T, e *Engine) (held, paid Booking) {
	t.Helper()
	held, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	paid, err = e.Hold(bg, kt.HoldRequest(t, 2))
	require.NoError(t, err)
	paid, err = e.Pay(bg, paid.BillingCode, "ref-2")
	require.NoError(t, err)
	return held, paid
}

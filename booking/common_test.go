package booking_test

import (
	"context"
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

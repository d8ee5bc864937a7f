package linearizability_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// system is what the clients of a history call: the engine, or a wrapper
// around it that misbehaves on purpose (brokenHolds), to show that the
// checker notices.
type system interface {
	Hold(ctx context.Context, req booking.HoldRequest) (booking.Booking, error)
	Pay(ctx context.Context, billingCode, paymentRef string) (booking.Booking, error)
	Cancel(ctx context.Context, code string, reason booking.Reason) (booking.Booking, error)
	Get(ctx context.Context, code string) (booking.Booking, error)
	Reschedule(ctx context.Context, code string, date calendar.Date, slot string) (booking.Booking, error)
	DayIn(ctx context.Context, officeCode, pool string, d calendar.Date) (quota.DayView, error)
}

// engineKind makes the engine of one history: in memory or in a file.
type engineKind struct {
	name string
	// durability is the Options.Durability of a durable engine; nil for
	// an in-memory one.
	durability *booking.Durability
}

var (
	syncDurability   = booking.Sync
	noSyncDurability = booking.NoSync

	inMemory      = engineKind{name: "memory"}
	durableSync   = engineKind{name: "durable-sync", durability: &syncDurability}
	durableNoSync = engineKind{name: "durable-nosync", durability: &noSyncDurability}
)

// instance is one history's engine, on a clock that stands still at kt.T1
// so that no hold expires and every window is open: time does not enter
// the model.
type instance struct {
	e    *booking.Engine
	clk  *kt.Clock
	path string // the file of a durable engine
	opts booking.Options
}

// start makes the engine with the default options, logging as a
// production engine does (a JSON line per change, to a file), and
// registers the offices.
func (k engineKind) start(t *testing.T, offices []*office) *instance {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "kuota.log"))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	in := &instance{clk: kt.NewClock(kt.T1), opts: booking.Options{Logger: slog.New(slog.NewJSONHandler(f, nil))}}
	if k.durability == nil {
		in.e = kt.NewEmptyEngine(t, in.clk, &in.opts)
	} else {
		in.opts.Durability = *k.durability
		in.path = filepath.Join(t.TempDir(), "kuota.db")
		in.e = kt.OpenEngine(t, in.path, in.clk, &in.opts)
	}
	for _, o := range offices {
		require.NoError(t, in.e.RegisterOffice(context.Background(), o.config(t)))
	}
	return in
}

// reopen closes a durable engine and opens its file again, so that the
// reads that end a history see what the file kept; an in-memory engine is
// kept as it is.
func (in *instance) reopen(t *testing.T) {
	t.Helper()
	if in.path == "" {
		return
	}
	require.NoError(t, in.e.Close())
	in.e = kt.OpenEngine(t, in.path, in.clk, &in.opts)
}

// close checks the engine's invariants and closes it.
func (in *instance) close(t *testing.T) {
	t.Helper()
	kt.RequireConsistent(t, in.e)
	require.NoError(t, in.e.Close())
}

// brokenHolds is an engine that lies, once: the first hold refused
// because the cell is full is reported as made, with a booking code of
// its own invention, and Get keeps up the lie. Every other answer is the
// engine's. A history recorded against it must be rejected.
type brokenHolds struct {
	*booking.Engine

	mu   sync.Mutex // guards lies
	lies map[string]booking.Booking
}

// brokenLiesMax is how many times brokenHolds lies: one wrong answer
// among hundreds is enough to reject a history.
const brokenLiesMax = 1

// Lies returns how many holds it reported made that were refused.
func (b *brokenHolds) Lies() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.lies)
}

func (b *brokenHolds) Get(ctx context.Context, code string) (booking.Booking, error) {
	b.mu.Lock()
	v, ok := b.lies[code]
	b.mu.Unlock()
	if ok {
		return v, nil
	}
	return b.Engine.Get(ctx, code)
}

func (b *brokenHolds) Hold(ctx context.Context, req booking.HoldRequest) (booking.Booking, error) {
	v, err := b.Engine.Hold(ctx, req)
	if !errors.Is(err, quota.ErrFull) {
		return v, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.lies) >= brokenLiesMax {
		return v, err
	}
	if b.lies == nil {
		b.lies = map[string]booking.Booking{}
	}
	v = booking.Booking{
		Code:       fmt.Sprintf("LIE%07d", len(b.lies)+1),
		Office:     req.Office,
		Date:       req.Date,
		Slot:       req.Slot,
		Pool:       req.Pool,
		Applicants: req.Applicants,
		State:      booking.Held,
	}
	b.lies[v.Code] = v
	return v, nil
}

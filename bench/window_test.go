package bench

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/quota"
)

// countingSystem counts the holds a system grants, the calls to Hold and
// the months it shows (one an applicant: it hides kuota's AppendMonthIn).
type countingSystem struct {
	System
	granted, calls, months atomic.Int64
}

func (s *countingSystem) Month(office string, year int, month time.Month) ([]quota.DayView, error) {
	s.months.Add(1)
	return s.System.Month(office, year, month)
}

func (s *countingSystem) Hold(req booking.HoldRequest) (Ticket, error) {
	s.calls.Add(1)
	t, err := s.System.Hold(req)
	if err == nil {
		s.granted.Add(1)
	}
	return t, err
}

// The window opens once before the first hold and closes once, at the
// sell-out: every booking of the run is made by then, and the wave goes
// on after it with the applicants who find nothing left. A rush that
// does not sell out closes at the wave's end.
func TestWindowClosesAtTheSellOut(t *testing.T) {
	clk, inner := testSystem(t, KuotaMemory)
	sys := &countingSystem{System: inner}
	var mu sync.Mutex
	var calls []bool
	var grantedAtClose, callsAtOpen, callsAtClose, monthsAtClose int64
	cfg := Config{Scale: 0.2, Seed: 1, Workers: 8, Window: func(open bool) error {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, open)
		if open {
			callsAtOpen = sys.calls.Load()
		} else {
			grantedAtClose, callsAtClose, monthsAtClose = sys.granted.Load(), sys.calls.Load(), sys.months.Load()
		}
		return nil
	}}
	r, err := OfficeRush(sys, clk, cfg)
	require.NoError(t, err)
	require.Positive(t, r.Refusals[reasonSoldOut], "20,000 applicants for 6,600 seats: the rush sells out")
	require.Equal(t, []bool{true, false}, calls)
	require.Zero(t, callsAtOpen, "open before the first hold")
	// An applicant finds the month sold out once the last seats are
	// held, but holds already under way may still take a seat or two
	// that were given back; none can be more than a worker's.
	require.GreaterOrEqual(t, grantedAtClose, int64(r.Bookings)-int64(cfg.Workers))
	require.Less(t, monthsAtClose, int64(r.Applicants), "closed while applicants were still arriving")
	require.Less(t, r.SoldOut, r.Elapsed, "the wave goes on after the sell-out")

	// Roomy: a seat for everyone, nobody finds it sold out; the window
	// closes when the wave ends, after every hold.
	clk, inner = testSystem(t, KuotaMemory)
	sys = &countingSystem{System: inner}
	calls = nil
	r, err = RoomyRush(sys, clk, Config{Scale: 0.01, Seed: 1, Workers: 8, Window: cfg.Window})
	require.NoError(t, err)
	require.Equal(t, []bool{true, false}, calls)
	require.Equal(t, int64(r.Bookings), grantedAtClose)
	require.Equal(t, sys.calls.Load(), callsAtClose)
	require.Equal(t, int64(r.Applicants), monthsAtClose)
}

// A window that fails ends the run with its error: at the opening, before
// any applicant is served; at the closing, once the wave is done.
func TestWindowErrorEndsTheRun(t *testing.T) {
	broken := errors.New("profiler gone")
	clk, inner := testSystem(t, KuotaMemory)
	sys := &countingSystem{System: inner}
	_, err := OfficeRush(sys, clk, Config{Scale: 0.01, Seed: 1, Workers: 4, Window: func(open bool) error { return broken }})
	require.ErrorIs(t, err, broken)
	require.Zero(t, sys.calls.Load(), "nobody served after the window failed to open")

	clk, inner = testSystem(t, KuotaMemory)
	_, err = OfficeRush(inner, clk, Config{Scale: 0.01, Seed: 1, Workers: 4, Window: func(open bool) error {
		if !open {
			return broken
		}
		return nil
	}})
	require.ErrorIs(t, err, broken)
}

// The CPU share of a rush's window is the CPU its threads used over the
// window's time on every processor: a process that used 3 ms of CPU in 2
// ms on two processors had three quarters of them. A rush on this
// machine measures one where the system can (getrusage), and it can be
// neither nothing nor much beyond every processor.
func TestCPUShareOfTheWindow(t *testing.T) {
	require.InDelta(t, 0.75, cpuShare(3*time.Millisecond, 2*time.Millisecond, 2), 1e-12)
	require.Zero(t, cpuShare(time.Millisecond, 0, 2), "a window of no time")
	require.Equal(t, "75%", share(0.75))
	require.Equal(t, "–", share(0))
	require.Equal(t, "6.61µs", perBooking(6610*time.Nanosecond))
	require.Equal(t, "–", perBooking(0))

	clk, sys := testSystem(t, KuotaMemory)
	cfg := Config{Scale: 0.2, Seed: 1, Workers: 8}
	r, err := OfficeRush(sys, clk, cfg)
	require.NoError(t, err)
	if _, ok := processCPU(); !ok {
		require.Zero(t, r.CPUShare, "no getrusage, no share")
		require.Zero(t, r.CPUPerBooking, "no getrusage, no CPU a booking")
		return
	}
	require.Positive(t, r.CPUShare)
	// Threads without a processor (sysmon, one in a system call) may add
	// a little CPU beyond GOMAXPROCS: room above 1, not for a unit
	// mistaken.
	require.LessOrEqual(t, r.CPUShare, 1.5)

	// The CPU a booking is the window's over the bookings made in it:
	// every booking but the few under way as the window closed (see
	// TestWindowClosesAtTheSellOut), so between the window's CPU over
	// all of them and over all but a worker's each.
	require.Positive(t, r.WindowCPU)
	require.Greater(t, r.Bookings, cfg.Workers, "20,000 applicants for 6,600 seats")
	require.GreaterOrEqual(t, r.CPUPerBooking, r.WindowCPU/time.Duration(r.Bookings))
	require.LessOrEqual(t, r.CPUPerBooking, r.WindowCPU/time.Duration(r.Bookings-cfg.Workers))
	require.Contains(t, renderMarkdown(t, r), "| "+perBooking(r.CPUPerBooking)+" |")
	var js strings.Builder
	require.NoError(t, WriteJSON(&js, []Result{r}))
	require.Contains(t, js.String(), fmt.Sprintf(`"cpu_per_booking_ns": %d,`, r.CPUPerBooking))
	require.Contains(t, js.String(), fmt.Sprintf(`"sold_out_cpu_ns": %d,`, r.WindowCPU))
}

// The bookings a window bought are those made by its end, the instant
// included; the sell-out is the last booking, wherever a worker put it
// in the list.
func TestWindowBookings(t *testing.T) {
	last, in := windowBookings([]int64{5, 9, 7, 12, 10}, 9)
	require.Equal(t, int64(12), last)
	require.Equal(t, 3, in, "5, 9 and 7 by 9")
	last, in = windowBookings(nil, 9)
	require.Zero(t, last)
	require.Zero(t, in)
}

// renderMarkdown is r's table as WriteMarkdown writes it.
func renderMarkdown(t *testing.T, r Result) string {
	t.Helper()
	var b strings.Builder
	require.NoError(t, WriteMarkdown(&b, []Result{r}))
	return b.String()
}

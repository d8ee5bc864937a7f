package linearizability_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	lin "github.com/kuota/kuota/linearizability"
)

// The contention of TestRefusedHoldTakesNoSeats: refusers goroutines
// make holds refused for a NIK already booked, at most refusalsMax each,
// for as long as one observer makes observerRounds observations.
const (
	refusers       = 4
	refusalsMax    = 1_000
	observerRounds = 1_000
	startPollsMax  = 10_000_000 // the observer's wait for the first refusal
)

// A hold refused for its NIKs changes nothing ("a refusal changes
// nothing", Engine.Hold): while only such holds run, a cell with one
// seat free reads one seat free, and a hold for a new applicant is never
// refused as full.
//
// It failed, in memory and on disk, while machine.hold (booking/apply.go)
// took the seats before it judged the NIKs and gave them back after the
// refusal: for that moment a refused hold held seats that others saw, and
// under a rush of holds for NIKs already booked (retries, bots) other
// applicants were told the cell was full.
func TestRefusedHoldTakesNoSeats(t *testing.T) {
	for _, kind := range []engineKind{inMemory, durableSync, durableNoSync} {
		t.Run(kind.name+"/reads", func(t *testing.T) { testRefusedHoldTakesNoSeats(t, kind, false) })
		t.Run(kind.name+"/holds", func(t *testing.T) { testRefusedHoldTakesNoSeats(t, kind, true) })
	}
}

// testRefusedHoldTakesNoSeats books one seat of a two-seat cell for NIK
// 0, then races the refused holds against an observer: a seat read or,
// with holds, a hold for a new NIK, cancelled when made. Every operation
// is recorded and the history checked with porcupine too.
func testRefusedHoldTakesNoSeats(t *testing.T, kind engineKind, holds bool) {
	const (
		first    = 0            // the account of the booking of NIK 0
		observer = refusers + 1 // the observer's account and client
		accounts = refusers + 2 // first, one per refuser, the observer's
	)
	o := &office{code: "LIN-R", capacity: []int{2}, niks: []booking.NIK{kt.NIK(t, 0)}}
	for j := range accounts {
		o.accounts = append(o.accounts, fmt.Sprintf("acc-%s-%d", o.code, j))
	}
	in := kind.start(t, []*office{o})
	defer in.close(t)
	r := &run{sys: in.e, offices: []*office{o}, rec: lin.NewRecorder(1 + refusers*refusalsMax + 2*observerRounds)}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	nik0 := []booking.NIK{o.niks[0]}
	out, _ := r.holdNIKs(ctx, refusers, o, first, 0, []int{0}, nik0)
	require.Equal(t, lin.OK, out.Outcome, "the booking of NIK 0")

	var refused, falseReads, falseFull atomic.Int64
	var observing atomic.Bool
	observing.Store(true)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range refusers {
		wg.Go(func() {
			<-start
			for i := 0; i < refusalsMax && observing.Load(); i++ {
				// Refused for NIK 0, or (when the observer's own hold
				// has the other seat) as full.
				if out, _ := r.holdNIKs(ctx, g, o, 1+g, 0, []int{0}, nik0); out.Outcome == lin.NIKBooked || out.Outcome == lin.Full {
					refused.Add(1)
				}
			}
		})
	}
	wg.Go(func() {
		defer observing.Store(false)
		<-start
		// Observe only once the refusals have begun: a fast observer could
		// otherwise be done before any refuser ran.
		for i := 0; i < startPollsMax && refused.Load() == 0; i++ {
			runtime.Gosched()
		}
		for range observerRounds {
			if !holds {
				if r.seats(ctx, observer, o, 0).Left != 1 {
					falseReads.Add(1)
				}
				continue
			}
			nums, niks, err := o.freshNIKs(1)
			if err != nil {
				r.outcome(err) // kept as unexpected: the test fails
				return
			}
			switch out, k := r.holdNIKs(ctx, observer, o, observer, 0, nums, niks); out.Outcome {
			case lin.Full:
				falseFull.Add(1)
			case lin.OK:
				r.onBooking(ctx, observer, o, lin.Input{Kind: lin.KindCancel}, k)
			}
		}
	})
	close(start)
	wg.Wait()
	require.Empty(t, r.unexpected)
	require.EqualValues(t, len(r.rec.Operations())-1-observations(r), refused.Load(), "every racing hold refused")
	require.Positive(t, refused.Load(), "no hold raced the observer")

	res, took := verdict(lin.NewModel(spec([]*office{o})), r.rec.Operations(), *flagTimeout)
	t.Logf("%d refused holds against %d observations: %d reads saw no seat free, %d holds were refused as full; porcupine: %v in %v",
		refused.Load(), observerRounds, falseReads.Load(), falseFull.Load(), res, took)
	require.Zero(t, falseReads.Load(), "reads of a cell with one seat free saw none: refused holds held it")
	require.Zero(t, falseFull.Load(), "holds refused as full while a seat was free: refused holds held it")
	require.Equal(t, porcupine.Ok, res, "porcupine's verdict")
}

// observations counts the observer's operations: those of its client.
func observations(r *run) int {
	n := 0
	for _, op := range r.rec.Operations() {
		if op.ClientId == refusers+1 {
			n++
		}
	}
	return n
}

// pollsMax bounds how often TestFreedSeatsReadFree's watcher reads a
// booking waiting for its change to show.
const pollsMax = 100_000

// Once a booking reads cancelled, or moved to another slot, the seats it
// gave back read free: a change is seen whole or not at all, as "reads
// see every change as soon as it is made" says. The engine logs to a
// file, as in production.
//
// It failed, in memory and on disk, while machine.step (booking/apply.go)
// published the booking's new state, filed it (writing the log line),
// and only then gave its seats back: a holder who saw the cancellation
// and looked at the calendar found the seat still taken.
func TestFreedSeatsReadFree(t *testing.T) {
	tests := []struct {
		kind   engineKind
		rounds int // each a hold, a payment and a reschedule or a cancellation
	}{
		{inMemory, 1_000},
		{durableSync, 300},
		{durableNoSync, 1_000},
	}
	for _, tt := range tests {
		t.Run(tt.kind.name, func(t *testing.T) { testFreedSeatsReadFree(t, tt.kind, tt.rounds) })
	}
}

// testFreedSeatsReadFree runs rounds: a booking of the one seat of slot 0
// is cancelled (even rounds) or, paid, moved to slot 1 (odd rounds) while
// a watcher reads it until the change shows, then at once slot 0's seats.
// Every change and each watcher's last two reads are recorded, and the
// history checked with porcupine.
func testFreedSeatsReadFree(t *testing.T, kind engineKind, rounds int) {
	o := &office{code: "LIN-F", capacity: []int{1, 1}, accounts: []string{"acc-LIN-F-0"}}
	in := kind.start(t, []*office{o})
	defer in.close(t)
	r := &run{sys: in.e, offices: []*office{o}, rec: lin.NewRecorder(8 * rounds)}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()

	var stale, shown [2]int // by round parity: cancelled, moved
	for i := range rounds {
		nums, niks, err := o.freshNIKs(1)
		require.NoError(t, err)
		out, k := r.holdNIKs(ctx, 0, o, 0, 0, nums, niks)
		require.Equal(t, lin.OK, out.Outcome, "round %d: the hold", i)
		change := lin.Input{Kind: lin.KindCancel}
		if i%2 == 1 {
			require.Equal(t, lin.OK, r.onBooking(ctx, 0, o, lin.Input{Kind: lin.KindPay, Ref: refs[0]}, k).Outcome, "round %d: the payment", i)
			change = lin.Input{Kind: lin.KindReschedule, Slot: 1}
		}
		var wg sync.WaitGroup
		wg.Go(func() { r.onBooking(ctx, 1, o, change, k) })
		var saw bool
		var left int
		wg.Go(func() {
			if saw = r.watch(ctx, 2, o, k, change.Kind); saw {
				left = r.seats(ctx, 2, o, 0).Left // at once, while the change may still run
			}
		})
		wg.Wait()
		if saw {
			shown[i%2]++
			if left != 1 {
				stale[i%2]++
			}
		}
		if change.Kind == lin.KindReschedule { // give slot 1 back for the next round
			r.onBooking(ctx, 0, o, lin.Input{Kind: lin.KindCancel}, k)
		}
	}
	require.Empty(t, r.unexpected)
	require.Positive(t, shown[0]+shown[1], "the watcher never saw a change")

	res, took := verdict(lin.NewModel(spec([]*office{o})), r.rec.Operations(), *flagTimeout)
	t.Logf("%d rounds: slot 0 read taken after %d of %d cancellations and %d of %d moves were seen; porcupine: %v in %v",
		rounds, stale[0], shown[0], stale[1], shown[1], res, took)
	require.Zero(t, stale[0]+stale[1], "seats read taken after the change that freed them was seen")
	require.Equal(t, porcupine.Ok, res, "porcupine's verdict")
}

// watch reads booking k until it shows the change of kind (cancelled, or
// moved), at most pollsMax times, and records the read that showed it.
// It reports whether one did.
func (r *run) watch(ctx context.Context, id int, o *office, k known, kind lin.Kind) bool {
	for range pollsMax {
		call := r.rec.Now()
		b, err := r.sys.Get(ctx, k.code)
		ret := r.rec.Now()
		if err != nil {
			r.outcome(err) // kept as unexpected: the test fails
			return false
		}
		if b.State == booking.Cancelled || kind == lin.KindReschedule && b.Reschedules > 0 {
			// Only this read is recorded: leaving out reads keeps a
			// linearizable history linearizable.
			r.record(id, lin.Input{Kind: lin.KindGet, Office: o.code, Code: k.code}, call, lin.Output{View: view(b)}, ret)
			return true
		}
	}
	return false
}

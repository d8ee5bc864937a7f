package booking_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/journal"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// gateLog is a journal.Log that stops in each Append until the test lets
// it go, after calling at with the number of the Append.
type gateLog struct {
	journal.Log
	calls   int
	at      func(call int)
	entered chan int
	release chan struct{}
}

func (g *gateLog) Append(batch []journal.Entry) error {
	g.calls++
	g.at(g.calls)
	g.entered <- g.calls
	<-g.release
	return g.Log.Append(batch)
}

// closeGated closes e, whose journal writes through gate, when the test
// ends. A failure while the test drives the gate would leave the writer
// waiting there and Close waiting for the writer: the cleanup lets it
// through first.
func closeGated(t *testing.T, e *Engine, gate *gateLog) {
	t.Cleanup(func() { close(gate.entered) }) // last: ends the goroutine below
	t.Cleanup(func() { e.Close() })
	t.Cleanup(func() {
		go func() {
			for {
				select {
				case _, ok := <-gate.entered:
					if !ok {
						return
					}
				case gate.release <- struct{}{}:
				}
			}
		}()
	})
}

// TestCommitEncodesTheStateOfItsChange drives the group commit through the
// order that once left a file Open refused: the writer takes a batch
// holding A's payment; C cancels (its change queued for the next batch,
// its seat released); A reschedules into C's seat; the process dies after
// the first commit. The first commit must hold A as paid on its old date,
// never A already rescheduled into a seat that C, on disk, still holds.
func TestCommitEncodesTheStateOfItsChange(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kuota.db")
	clk := kt.NewClock(kt.T1)
	bolt, err := journal.OpenBolt(path, nil)
	require.NoError(t, err)
	crashed := filepath.Join(dir, "crashed.db")
	gate := &gateLog{Log: bolt, entered: make(chan int, 1), release: make(chan struct{})}
	gate.at = func(call int) {}
	// Every commit goes through the gate; until the scene, let each pass.
	passing := make(chan struct{})
	go func() {
		for {
			select {
			case <-gate.entered:
				gate.release <- struct{}{}
			case <-passing:
				return
			}
		}
	}()
	g, err := journal.NewGroup(gate)
	require.NoError(t, err)
	e, err := StartWith(&Options{Now: clk.Now, NoSweeper: true}, g)
	require.NoError(t, err)
	closeGated(t, e, gate)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	// Cell X: the 11th, slot 0, online, one seat, taken by C.
	require.NoError(t, e.SetCapacity(bg, kt.Office, kt.Dec11, kt.Slot0, kt.Online, 1))
	reqC := kt.HoldRequest(t, 1)
	reqC.Date = kt.Dec11
	c, err := e.Hold(bg, reqC)
	require.NoError(t, err)
	_, err = e.Pay(bg, c.BillingCode, "REF-C")
	require.NoError(t, err)
	a, err := e.Hold(bg, kt.HoldRequest(t, 2))
	require.NoError(t, err)
	close(passing)

	// From here the test drives the gate. The commit after A's payment
	// copies the file first: what a crash between the two commits leaves.
	first := gate.calls + 1
	gate.at = func(call int) {
		if call != first+1 {
			return
		}
		data, err := os.ReadFile(path)
		if err == nil {
			err = os.WriteFile(crashed, data, 0o600)
		}
		if err != nil {
			panic(err)
		}
	}
	errs := make(chan error, 3)
	go func() { _, err := e.Pay(bg, a.BillingCode, "REF-A"); errs <- err }()
	require.Equal(t, first, <-gate.entered) // the writer holds the batch with A's payment
	// A payment's record has its place before the payment is published
	// (see apply), so the writer may hold it before A reads paid.
	require.Eventually(t, func() bool { b, err := e.Get(bg, a.Code); return err == nil && b.State == Paid }, waitMax, waitTick)
	go func() { _, err := e.Cancel(bg, c.Code, Reason{}); errs <- err }()
	left := func(want int) func() bool {
		return func() bool { cell, err := e.Cell(kt.Office, kt.Dec11, 0, 0); return err == nil && cell.Left == want }
	}
	require.Eventually(t, left(1), waitMax, waitTick)
	go func() { _, err := e.Reschedule(bg, a.Code, kt.Dec11, kt.Slot0); errs <- err }()
	require.Eventually(t, left(0), waitMax, waitTick)
	gate.release <- struct{}{}
	require.Equal(t, first+1, <-gate.entered) // the file is copied here
	gate.release <- struct{}{}
	for range 3 {
		require.NoError(t, <-errs)
	}

	re := kt.OpenEngine(t, crashed, clk, nil)
	kt.RequireConsistent(t, re)
	got, err := re.Get(bg, a.Code)
	require.NoError(t, err)
	require.Equal(t, Paid, got.State)
	require.Equal(t, kt.Dec10, got.Date, "the first commit holds A as it was when paid")
	got, err = re.Get(bg, c.Code)
	require.NoError(t, err)
	require.Equal(t, Paid, got.State, "C's cancellation was in the lost commit")
}

// records returns a copy of every record j keeps.
func records(t *testing.T, j journal.Journal) [][]byte {
	t.Helper()
	var out [][]byte
	require.NoError(t, j.Replay(func(_ uint64, rec []byte) error {
		out = append(out, append([]byte(nil), rec...))
		return nil
	}))
	return out
}

// memoryOf returns an in-memory journal that keeps recs.
func memoryOf(t *testing.T, recs [][]byte) *journal.Memory {
	t.Helper()
	j := &journal.Memory{Keep: true}
	for _, r := range recs {
		_, err := j.Append(r)
		require.NoError(t, err)
	}
	return j
}

// TestEveryPrefixOfTheJournalRecovers runs a racing workload — holds,
// payments, cancellations, reschedules, check-ins, rejections, expiries,
// capacities raised and lowered, slots closed — on cells too small for it,
// then replays every prefix of the journal it wrote: each is what a crash
// at that point leaves, and each must open with every invariant intact.
// Replaying the whole journal gives back the engine as it was.
func TestEveryPrefixOfTheJournalRecovers(t *testing.T) {
	for seed := range uint64(3) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			j := &journal.Memory{Keep: true}
			clk := kt.NewClock(kt.T1)
			opts := &Options{Now: clk.Now, NoSweeper: true, HoldTTL: time.Minute, MaxHoldsPerAccount: 2}
			e, err := StartWith(opts, j)
			require.NoError(t, err)
			cfg := kt.OfficeConfig(t)
			for i := range cfg.Quota.Layout.Slots {
				cfg.Quota.Layout.Slots[i].Seats = []int{2, 1}
			}
			require.NoError(t, e.RegisterOffice(bg, cfg))
			acked := raceWorkload(t, e, clk, seed)
			require.Positive(t, acked)
			kt.RequireConsistent(t, e)
			// Record what is due, as the sweeper would: a reopen records
			// the expiries due at its open, so the two engines count the
			// same recorded states only once e has too.
			_, err = e.ExpireDue(bg)
			require.NoError(t, err)
			_, err = e.MarkNoShows(bg)
			require.NoError(t, err)

			recs := records(t, j)
			require.Greater(t, len(recs), acked/2)
			t.Logf("%d changes acknowledged, %d records", acked, len(recs))
			for k := 1; k <= len(recs); k++ {
				r, err := StartWith(&Options{Now: clk.Now, NoSweeper: true, HoldTTL: time.Minute}, memoryOf(t, recs[:k]))
				require.NoError(t, err, "prefix of %d records of %d", k, len(recs))
				v, err := r.Check(bg)
				require.NoError(t, err, "prefix of %d records of %d", k, len(recs))
				require.Empty(t, v, "prefix of %d records of %d", k, len(recs))
				if k == len(recs) {
					requireSameEngine(t, e, r)
				}
				require.NoError(t, r.Close())
			}
			require.NoError(t, e.Close())
		})
	}
}

// raceWorkload runs eight goroutines of random changes on the test office
// for a bounded number of steps, moving the clock between rounds, and
// returns how many changes succeeded.
func raceWorkload(t *testing.T, e *Engine, clk *kt.Clock, seed uint64) int {
	t.Helper()
	const workers, steps = 8, 60
	var mu sync.Mutex
	var codes []string
	acked := 0
	dates := []calendar.Date{kt.Dec10, kt.Dec11}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for i := range steps {
				ok := raceStep(e, rng, w*steps+i, dates, &mu, &codes)
				mu.Lock()
				if ok {
					acked++
				}
				mu.Unlock()
				if w == 0 && i%10 == 9 {
					clk.Add(30 * time.Second) // holds lapse as the rounds go
				}
			}
		})
	}
	wg.Wait()
	return acked
}

// raceStep makes one random change and reports whether it was accepted.
func raceStep(e *Engine, rng *rand.Rand, n int, dates []calendar.Date, mu *sync.Mutex, codes *[]string) bool {
	ctx := context.Background()
	pick := func() (Booking, bool) {
		mu.Lock()
		defer mu.Unlock()
		if len(*codes) == 0 {
			return Booking{}, false
		}
		b, err := e.Get(ctx, (*codes)[rng.IntN(len(*codes))])
		return b, err == nil
	}
	var err error
	switch r := rng.IntN(12); {
	case r < 4:
		nik, _ := ParseNIK(kt.NIKDigits(rng.IntN(40)))
		var b Booking
		b, err = e.Hold(ctx, HoldRequest{Account: fmt.Sprint("acc-", rng.IntN(20)), Office: kt.Office,
			Date: dates[rng.IntN(2)], Slot: []string{kt.Slot0, kt.Slot1}[rng.IntN(2)], Pool: kt.Online, Applicants: []Applicant{{NIK: nik}}})
		if err == nil {
			mu.Lock()
			*codes = append(*codes, b.Code)
			mu.Unlock()
		}
	case r < 7:
		b, ok := pick()
		if !ok {
			return false
		}
		_, err = e.Pay(ctx, b.BillingCode, fmt.Sprint("ref-", n))
	case r == 7:
		b, ok := pick()
		if !ok {
			return false
		}
		_, err = e.Cancel(ctx, b.Code, Reason{})
	case r == 8:
		b, ok := pick()
		if !ok {
			return false
		}
		_, err = e.Reschedule(ctx, b.Code, dates[rng.IntN(2)], []string{kt.Slot0, kt.Slot1}[rng.IntN(2)])
	case r == 9:
		b, ok := pick()
		if !ok {
			return false
		}
		_, err = e.Reject(ctx, b.Code, Reason{Kind: ReasonPreventionList, Text: "daftar cekal"})
	case r == 10:
		err = e.SetCapacity(ctx, kt.Office, dates[rng.IntN(2)], []string{kt.Slot0, kt.Slot1}[rng.IntN(2)], kt.Online, 1+rng.IntN(3))
	default:
		d, slot := dates[rng.IntN(2)], []string{kt.Slot0, kt.Slot1}[rng.IntN(2)]
		if rng.IntN(2) == 0 {
			err = e.CloseSlot(ctx, kt.Office, d, slot, "rapat")
		} else {
			err = e.OpenSlot(ctx, kt.Office, d, slot)
		}
	}
	return err == nil
}

// requireSameEngine fails unless a and b show the same offices, bookings,
// histories and calendars.
func requireSameEngine(t *testing.T, a, b *Engine) {
	t.Helper()
	require.Equal(t, a.Offices(), b.Offices())
	require.Equal(t, a.Counts().Seq, b.Counts().Seq)
	for seq := uint64(1); seq <= a.Counts().Seq; seq++ {
		x, errA := a.Get(bg, a.CodeOf(seq))
		y, errB := b.Get(bg, b.CodeOf(seq))
		require.Equal(t, errA, errB)
		require.Equal(t, x, y)
	}
	require.Equal(t, a.Stats().Bookings, b.Stats().Bookings)
	require.Equal(t, a.Counts(), b.Counts())
	for _, code := range a.Offices() {
		ca, err := a.Office(bg, code)
		require.NoError(t, err)
		cb, err := b.Office(bg, code)
		require.NoError(t, err)
		require.Equal(t, ca, cb)
		ma, err := a.Month(bg, code, 2026, time.December)
		require.NoError(t, err)
		mb, err := b.Month(bg, code, 2026, time.December)
		require.NoError(t, err)
		require.Equal(t, ma, mb)
	}
}

package booking_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

var soakFor = flag.Duration("soak", 20*time.Second, "how long TestSoak runs (CI: the default; -soak=10m for a long run)")

// soakHoldTTL lets most payments beat the expiry on a clock that moves a
// minute at every pause, while some holds still lapse.
const soakHoldTTL = 10 * time.Minute

// soakOffice is the crash office with room for the soak's holds: the
// crash office's 120 seats fill at once, and a soak that meets only "full"
// proves little. Its table runs the whole horizon, so that each round of
// the soak books days of its own (see soakDays).
func soakOffice() OfficeConfig {
	cfg := crashOffice()
	cfg.Code = "SOAK"
	cfg.Quota.Days = quota.HorizonDaysMax
	for i := range cfg.Quota.Layout.Slots {
		cfg.Quota.Layout.Slots[i].Seats = []int{300}
	}
	return cfg
}

// soakDays is how many days one round books: each round moves on to the
// next soakDays, so that the office never silts up with the paid bookings
// of earlier rounds, whose dates the clock never reaches. A file is
// retired, and a fresh one started, when the office's days run out.
const soakDays = 12

// soakEpochEnd is where the clock of one soak file stops: the crash
// child's bookings are for 14 to 25 December, so past the 12th the file is
// retired and a fresh one started.
var soakEpochEnd = time.Date(2026, time.December, 12, 0, 0, 0, 0, kt.WIB)

// soakFirst returns the first day round r of a file books.
func soakFirst(r int) calendar.Date {
	return calendar.NewDate(2026, time.December, 14).AddDays(r * soakDays)
}

// soakLast is the last day of the soak office's table.
var soakLast = soakOffice().Quota.First.AddDays(quota.HorizonDaysMax - 1)

// TestSoak runs a mixed concurrent workload for -soak (20 s by default):
// rounds in this process on an advancing fake clock, stopping every few
// hundred milliseconds to check every invariant and closing and reopening
// the file between rounds; and, every third round, a child process under
// load killed with SIGKILL, after which the file must reopen intact with
// every acknowledged change. It prints the operations done, the checks
// passed and the kills survived.
func TestSoak(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	end := time.Now().Add(*soakFor)
	var ops, changes, checks, kills, epochs int
	for time.Now().Before(end) {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("soak-%d.db", epochs))
		epochs++
		clockAt := kt.T1
		own := 0 // rounds of this file run in this process, each on days of its own
		for round := 0; time.Now().Before(end) && clockAt.Before(soakEpochEnd) && !soakFirst(own).AddDays(soakDays).After(soakLast); round++ {
			if round%3 == 2 {
				acks, last := runCrashChild(t, path, clockAt, rng.Uint64(), time.Duration(50+rng.IntN(300))*time.Millisecond, false)
				kills++
				if last.After(clockAt) {
					clockAt = last
				}
				checkBoltFile(t, path)
				e := openSoak(t, path, clockAt)
				for _, a := range acks {
					b, err := e.Get(bg, a.code)
					require.NoError(t, err, "acknowledged booking %s lost", a.code)
					require.True(t, hasEvent(b, a.state, a.at), "booking %s lost its acknowledged %v", a.code, a.state)
				}
				kt.RequireConsistent(t, e)
				checks++
				require.NoError(t, e.Close())
				continue
			}
			n, ch, c := soakRound(t, path, &clockAt, rng.Uint64(), soakFirst(own), time.Duration(300+rng.IntN(700))*time.Millisecond)
			own++
			require.Positive(t, ch, "a round on fresh days changed nothing")
			ops += n
			changes += ch
			checks += c
		}
	}
	msg := fmt.Sprintf("soak %v: %d operations (%d changed something), %d invariant checks passed, %d kills survived, %d files",
		*soakFor, ops, changes, checks, kills, epochs)
	t.Log(msg)
	fmt.Println(msg)
	require.Positive(t, checks)
	require.Greater(t, changes, ops/40, "nearly every operation was a refusal: the workload exercises too little")
}

func openSoak(t *testing.T, path string, at time.Time) *Engine {
	t.Helper()
	e, err := Open(path, &Options{Now: func() time.Time { return at }, HoldTTL: soakHoldTTL, NoSweeper: true, MaxHoldsPerAccount: 3})
	require.NoError(t, err)
	return e
}

// soakRound runs the workload in this process for about d, with the clock
// advancing a minute a tick, and checks the invariants at pauses; then
// closes the file, reopens it and checks that nothing changed. It returns
// the operations done, those that changed something, and the checks
// passed.
func soakRound(t *testing.T, path string, clockAt *time.Time, seed uint64, first calendar.Date, d time.Duration) (int, int, int) {
	var now atomic.Int64
	now.Store(clockAt.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	e, err := Open(path, &Options{Now: clock, HoldTTL: soakHoldTTL, NoSweeper: true, MaxHoldsPerAccount: 3})
	require.NoError(t, err)
	require.NoError(t, e.RegisterOffice(bg, soakOffice()))
	kt.RequireConsistent(t, e)

	var (
		pause   sync.RWMutex // workers hold it to work; a checkpoint takes it whole
		ops     atomic.Int64
		changes atomic.Int64
		stop    atomic.Bool
		wg      sync.WaitGroup
		checks  = 1
	)
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			var mine []Booking
			for !stop.Load() {
				pause.RLock()
				b, made, changed := soakOp(e, rng, g, first, mine)
				pause.RUnlock()
				if made {
					mine = append(mine, b)
					if len(mine) > 40 {
						mine = mine[20:]
					}
				}
				ops.Add(1)
				if changed {
					changes.Add(1)
				}
			}
		})
	}
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		pause.Lock()
		now.Add(int64(time.Minute))
		if v, err := e.Check(bg); err != nil || len(v) > 0 {
			pause.Unlock()
			stop.Store(true)
			wg.Wait()
			t.Fatalf("invariants broken at %v: %v (check: %v)", time.Unix(0, now.Load()), v, err)
		}
		checks++
		pause.Unlock()
	}
	stop.Store(true)
	wg.Wait()

	// Close and reopen: the same bookings in the same states.
	at := time.Unix(0, now.Load())
	_, err = e.ExpireDue(bg) // the clock stands at at
	require.NoError(t, err)
	before := e.Stats().Bookings
	require.NoError(t, e.Close())
	e2 := openSoak(t, path, at)
	require.Equal(t, before, e2.Stats().Bookings, "reopen changed the bookings")
	kt.RequireConsistent(t, e2)
	require.NoError(t, e2.Close())
	*clockAt = at
	return int(ops.Load()), int(changes.Load()), checks + 1
}

// soakOp does one random operation, on the instant the engine's clock
// reads, with the round's dates: soakDays from first. It returns the booking a hold made,
// and whether the operation changed anything (refusals are operations too,
// but a soak that only met refusals would prove little).
func soakOp(e *Engine, rng *rand.Rand, g int, first calendar.Date, mine []Booking) (Booking, bool, bool) {
	pick := func() Booking { return mine[rng.IntN(len(mine))] }
	day := func() calendar.Date { return first.AddDays(rng.IntN(soakDays)) }
	var err error
	switch op := rng.IntN(20); {
	case op < 8 || len(mine) == 0:
		b, err := e.Hold(bg, HoldRequest{
			Account: fmt.Sprintf("g%d-%d", g, rng.IntN(1000)), Office: "SOAK",
			Date: day(), Slot: []string{kt.Slot0, kt.Slot1}[rng.IntN(2)], Pool: kt.Online,
			Applicants: applicantsFrom(rng, g),
		})
		return b, err == nil, err == nil
	case op < 12:
		b := pick()
		_, err = e.Pay(bg, b.BillingCode, "ref-"+b.Code)
	case op < 13:
		_, err = e.Cancel(bg, pick().Code, Reason{})
	case op < 14:
		_, err = e.Reschedule(bg, pick().Code, day(), []string{kt.Slot0, kt.Slot1}[rng.IntN(2)])
	case op < 15:
		_, err = e.Reject(bg, pick().Code, Reason{Kind: ReasonOther, Text: "soak"})
	case op < 16:
		_, err = e.CheckIn(bg, pick().Code)
	case op < 17:
		var n int
		n, err = e.ExpireDue(bg)
		return Booking{}, false, err == nil && n > 0
	case op < 18:
		var n int
		n, err = e.MarkNoShows(bg)
		return Booking{}, false, err == nil && n > 0
	default:
		_, err = e.Month(bg, "SOAK", 2026, time.December)
		return Booking{}, false, false
	}
	return Booking{}, false, err == nil
}

// applicantsFrom draws one to three applicants from goroutine g's own
// supply of NIKs, which overlap within it so that NIK rules are exercised.
func applicantsFrom(rng *rand.Rand, g int) []Applicant {
	n := 1 + rng.IntN(3)
	out := make([]Applicant, 0, n)
	seen := map[NIK]bool{}
	for range n {
		nik := benchNIK(uint64(g*100_000 + rng.IntN(20_000)))
		if !seen[nik] {
			seen[nik] = true
			out = append(out, Applicant{NIK: nik})
		}
	}
	return out
}

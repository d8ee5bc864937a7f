package linearizability_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	lin "github.com/kuota/kuota/linearizability"
)

// Flags for longer runs, such as
//
//	go test -run Linearizable -lin.histories=500 -lin.budget=10m -timeout=0
var (
	flagHistories = flag.Int("lin.histories", 0, "histories per engine configuration; 0 means each test's default")
	flagClients   = flag.Int("lin.clients", 8, "concurrent clients (goroutines) per history")
	flagOps       = flag.Int("lin.ops", 50, "operations per client per history")
	flagBudget    = flag.Duration("lin.budget", 20*time.Second, "wall time per engine configuration: no history starts after it")
	flagTimeout   = flag.Duration("lin.timeout", 30*time.Second, "porcupine's time limit per history; running out fails the test")
	flagSeed      = flag.Uint64("lin.seed", 0, "workload seed of the first history (the next add 1, 2, …); 0 draws one and logs it")
	flagViz       = flag.String("lin.viz", "", "directory for porcupine's HTML view of a history that fails")
)

// Limits on the flags. Porcupine's search grows fast with concurrency:
// past a few dozen clients per office a check can run for hours.
const (
	historiesMax    = 1_000_000
	clientsMax      = 64
	opsPerClientMax = 1_000
	// coverageOpsMin is the run size from which every rule is expected
	// to have been exercised: a smaller run (a flag's choice) is not held
	// to it.
	coverageOpsMin = 2_000
)

// Each test records histories of real goroutines against a real engine
// and checks each with porcupine; the defaults keep the three under a
// minute on two cores with -race.
func TestLinearizableMemory(t *testing.T)        { testLinearizable(t, inMemory, 100) }
func TestLinearizableDurableSync(t *testing.T)   { testLinearizable(t, durableSync, 30) }
func TestLinearizableDurableNoSync(t *testing.T) { testLinearizable(t, durableNoSync, 50) }

func testLinearizable(t *testing.T, kind engineKind, defaultHistories int) {
	histories, clients, ops := settings(t, defaultHistories)
	seed := *flagSeed
	if seed == 0 {
		seed = rand.Uint64() >> 1
	}
	t.Logf("%s: up to %d histories of %d clients × %d operations, first seed %d, budget %v", kind.name, histories, clients, ops, seed, *flagBudget)
	deadline := time.Now().Add(*flagBudget)
	var ta tally
	for h := range histories {
		if h > 0 && time.Now().After(deadline) {
			t.Logf("budget of %v spent after %d histories", *flagBudget, h)
			break
		}
		s := seed + uint64(h)
		began := time.Now()
		hist, spec := history(t, kind, workload{clients: clients, ops: ops, seed: s, mix: fullMix}, nil)
		ta.run += time.Since(began)
		name := fmt.Sprintf("%s seed %d", kind.name, s)
		ta.check += requireLinearizable(t, name, lin.NewModel(spec), hist, *flagTimeout)
		before := ta.by[lin.KindHold][lin.OK]
		ta.add(hist)
		require.Greater(t, ta.by[lin.KindHold][lin.OK], before, "%s: no hold succeeded: the history tested nothing", name)
		if t.Failed() {
			break // one failing history, reported in full, is enough
		}
	}
	t.Logf("%s: %v", kind.name, &ta)
	if ta.ops >= coverageOpsMin {
		requireCoverage(t, &ta)
	}
}

// settings reads the flags, checking each against its limit.
func settings(t *testing.T, defaultHistories int) (histories, clients, ops int) {
	t.Helper()
	histories = *flagHistories
	if histories == 0 {
		histories = defaultHistories
	}
	require.True(t, histories >= 1 && histories <= historiesMax, "-lin.histories %d, want 1..%d", histories, historiesMax)
	require.True(t, *flagClients >= 1 && *flagClients <= clientsMax, "-lin.clients %d, want 1..%d", *flagClients, clientsMax)
	require.True(t, *flagOps >= 1 && *flagOps <= opsPerClientMax, "-lin.ops %d, want 1..%d", *flagOps, opsPerClientMax)
	require.Positive(t, *flagBudget, "-lin.budget")
	require.Positive(t, *flagTimeout, "-lin.timeout")
	return histories, *flagClients, *flagOps
}

// requireCoverage fails the test unless the histories exercised every
// rule the model checks, success and refusal: a workload that drifted
// into refusing everything (or nothing) would pass while testing little.
func requireCoverage(t *testing.T, ta *tally) {
	t.Helper()
	want := []struct {
		kind    lin.Kind
		outcome lin.Outcome
	}{
		{lin.KindHold, lin.OK}, {lin.KindHold, lin.Full}, {lin.KindHold, lin.NIKBooked}, {lin.KindHold, lin.TooManyHolds},
		{lin.KindPay, lin.OK}, {lin.KindPay, lin.AlreadyPaid}, {lin.KindPay, lin.WrongState},
		{lin.KindCancel, lin.OK}, {lin.KindCancel, lin.WrongState},
		{lin.KindReschedule, lin.OK}, {lin.KindReschedule, lin.Full}, {lin.KindReschedule, lin.SameSlot},
		{lin.KindReschedule, lin.RescheduleLimit}, {lin.KindReschedule, lin.WrongState},
		{lin.KindGet, lin.OK}, {lin.KindSeats, lin.OK}, {lin.KindView, lin.OK}, {lin.KindLeave, lin.OK},
	}
	for _, w := range want {
		require.Positive(t, ta.by[w.kind][w.outcome], "no %v ended %v", w.kind, w.outcome)
	}
}

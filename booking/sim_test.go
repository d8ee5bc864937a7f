package booking_test

import (
	"cmp"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/internal/simdisk"
)

// TestSim is kuota's deterministic simulation, after TigerBeetle's VOPR and
// FoundationDB's simulator: one seed drives simulated clients doing every
// operation of the engine, an operator, a simulated clock with the sweeps
// on it, and a simulated disk (internal/simdisk) that fails where the
// seed says — write errors, fsync errors, ENOSPC, torn writes, slow I/O,
// crashes between any two steps of a write and power loss that drops
// everything not synced. After every crash the engine is rebuilt with
// StartWith from exactly what the disk kept. An auditor holds every reply
// against a sequential model (sim_model_test.go) and, at every reopen,
// checks the invariants: Check clean, seats taken + left = capacity per
// cell, one live booking per NIK, no acknowledged change lost, no effect of
// a refused change (sim_audit_test.go).
//
// Clients take turns in an order the seed draws, and each turn is one
// whole call. That is the finest interleaving a deterministic test can
// control here: inside a call the engine runs on the caller's goroutine
// under its own mutexes and compare-and-swap loops, with no point at which
// a scheduler outside it could be asked who goes next (Go's is not
// seedable), so an interleaving inside apply is what the race tests, the
// every-prefix property (TestEveryPrefixOfTheJournalRecovers) and the
// linearizability checker explore. What the simulation controls is every
// point where the engine meets the outside world: each call, each read of
// the clock, and each step of each write.
//
//	go test ./booking -run 'TestSim$'                  # seeds 1..300, as CI runs them
//	go test ./booking -run 'TestSim$' -sim.seeds=5000  # a longer hunt
//	go test ./booking -run 'TestSim$' -sim.first=5001 -sim.seeds=5000 # new seeds
//	go test ./booking -run 'TestSim$' -sim.seed=42 -v  # one seed, traced
//
// CI (.ci/run) runs go test -race ./..., so the 300 default seeds under
// the race detector: about 20 s on two cores, 1.5 s without it; -short
// runs 30. A failure prints the line that replays its seed, and the end
// of its trace (all of it with -sim.seed).
func TestSim(t *testing.T) {
	seeds := simSeedList(*simSeeds)
	if testing.Short() && *simSeed == 0 {
		seeds = seeds[:min(len(seeds), 30)]
	}
	total, failures := runSims(seeds, simConfig{trace: *simSeed != 0})
	const shown = 3 // failures printed whole; the others by seed
	for i, f := range failures {
		if i == shown {
			t.Errorf("%d more seeds fail: %v", len(failures)-shown, failures[shown:])
			break
		}
		t.Errorf("seed %d: %v\nreproduce: go test ./booking -run 'TestSim$' -sim.seed=%d -v", f.seed, f.err, f.seed)
	}
	if *simSeed != 0 && len(failures) == 0 {
		for _, line := range total.trace {
			t.Log(line)
		}
	}
	t.Log(total.String())
	if len(failures) > 0 {
		return
	}
	// Every operation must have succeeded somewhere, or the run did not
	// test what it says it did.
	if len(seeds) >= 100 {
		for op := range simOp(simOps) {
			if c := total.byOp[op]; c[simOK] == 0 {
				t.Errorf("%s never succeeded in %d seeds", op, len(seeds))
			}
		}
	}
}

var (
	simSeeds = flag.Int("sim.seeds", 300, "how many seeds TestSim runs")
	simFirst = flag.Uint64("sim.first", 1, "the first seed of TestSim's -sim.seeds")
	simSeed  = flag.Uint64("sim.seed", 0, "the one seed TestSim replays, traced (0: run -sim.seeds)")
)

// simSeedList returns the seeds to run: -sim.seed alone, or n from
// -sim.first.
func simSeedList(n int) []uint64 {
	if *simSeed != 0 {
		return []uint64{*simSeed}
	}
	seeds := make([]uint64, max(n, 0))
	for i := range seeds {
		seeds[i] = *simFirst + uint64(i)
	}
	return seeds
}

// simConfig changes what one run of the simulation does, for the tests
// that prove it can fail.
type simConfig struct {
	noSync bool // the simulated disk's fsync does nothing
	trace  bool // keep every line of the trace, not only the last
}

// simFailure is a seed's failure: what the auditor found.
type simFailure struct {
	seed uint64
	err  error
}

// runSims runs seeds on every processor and returns the sum of their
// reports and the failures, by seed.
func runSims(seeds []uint64, cfg simConfig) (simReport, []simFailure) {
	var mu sync.Mutex // guards total and failures
	var total simReport
	var failures []simFailure
	next := make(chan uint64)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for seed := range next {
				rep, err := runSeed(seed, cfg)
				mu.Lock()
				total.add(&rep)
				if err != nil {
					failures = append(failures, simFailure{seed, err})
				}
				mu.Unlock()
			}
		})
	}
	for _, s := range seeds {
		next <- s
	}
	close(next)
	wg.Wait()
	slices.SortFunc(failures, func(a, b simFailure) int { return cmp.Compare(a.seed, b.seed) })
	return total, failures
}

func (f simFailure) String() string { return fmt.Sprint(f.seed) }

// runSeed runs the simulation of one seed. A failure of the auditor stops
// it and comes back as the error, with the end of the trace.
func runSeed(seed uint64, cfg simConfig) (rep simReport, err error) {
	s := newSim(seed, cfg)
	defer func() {
		rep = s.report()
		if r := recover(); r != nil {
			msg := fmt.Sprintf("panic: %v\n%s", r, debug.Stack()) // the engine's, or the simulation's
			if f, ok := r.(simFail); ok {
				msg = f.msg
			}
			err = fmt.Errorf("%s\ntrace (last %d lines):\n%s", msg, len(s.trace), strings.Join(s.trace, "\n"))
		}
	}()
	s.run()
	return rep, nil
}

// simFail is what sim.fail panics with, for runSeed to recover.
type simFail struct{ msg string }

// sim is the state of one seed's run.
type sim struct {
	seed  uint64
	cfg   simConfig
	rng   *rand.Rand
	knobs simKnobs
	clock *simdisk.Clock
	disk  *simdisk.Disk
	j     *simdisk.Journal
	e     *Engine
	log   *simdisk.Log // the log under j
	sb    *Engine      // a standby following the disk, in the seeds with knobs.standby (sim_standby_test.go)
	opts  Options
	niks  []NIK

	model   *simModel // what the engine holds: every change made, acknowledged or not
	base    *simModel // the model at the last reopen
	changes []simChange
	clients []*simClient

	faultsOn bool
	dead     bool // a fault killed the process
	failLeft int  // calls the simulator still makes on a journal failed for good before the crash; -1 before it fails
	// The fault the disk repeats for repeatFor more tries at step repeatAt:
	// a full or sick disk stays so for a while.
	repeat    simdisk.FaultKind
	repeatAt  simdisk.Step
	repeatFor int
	calls     int
	// callAt is the simulated clock when the last call began: the
	// instant the engine reads its clock for a change, and so the
	// instant its answer shows the booking as of (Engine.settle), however
	// long the disk then keeps it waiting.
	callAt time.Time
	trace  []string
	stats  simStats
}

// simChange is one change the model made, kept until the next reopen so
// that the model can be rebuilt from the changes the disk kept.
type simChange struct {
	call  int
	desc  string
	code  string // the booking it changes, "" for the office
	lsn   uint64 // the last LSN its call appended
	acked bool   // a call that showed it returned success
	apply func(m *simModel)
}

// tracef adds a line to the trace: all of it when tracing, else the last
// simTraceLines.
func (s *sim) tracef(format string, args ...any) {
	const simTraceLines = 80
	line := fmt.Sprintf("%s WIB #%d ", s.clock.Now().In(kt.WIB).Format("01-02 15:04:05"), s.calls) + fmt.Sprintf(format, args...)
	if !s.cfg.trace && len(s.trace) == simTraceLines {
		copy(s.trace, s.trace[1:])
		s.trace = s.trace[:simTraceLines-1]
	}
	s.trace = append(s.trace, line)
}

// fail stops the run with what the auditor found.
func (s *sim) fail(format string, args ...any) {
	msg := fmt.Sprintf("call #%d at %s: ", s.calls, s.clock.Now().In(kt.WIB).Format(time.DateTime)) + fmt.Sprintf(format, args...)
	s.tracef("FAIL %s", msg)
	panic(simFail{msg})
}

// change makes a change to the model, for the call that made it.
func (s *sim) change(desc, code string, acked bool, apply func(m *simModel)) {
	apply(s.model)
	s.changes = append(s.changes, simChange{call: s.calls, desc: desc, code: code, lsn: s.j.Last(), acked: acked, apply: apply})
	if acked {
		s.stats.changes++
	}
}

// ack marks every change of booking code as acknowledged: a call returned
// it, and the engine returns a booking once its latest change is durable.
func (s *sim) ack(code string) {
	for i := range s.changes {
		if c := &s.changes[i]; c.code == code && !c.acked {
			c.acked = true
			s.stats.changes++
		}
	}
}

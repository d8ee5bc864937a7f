package booking_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSimSeesAMissingFsync proves that the simulation can fail: with the
// simulated disk's fsync turned off (a sync reports success and makes
// nothing durable), every seed that loses power fails the auditor's
// no-acknowledged-change-lost check, and the same seeds pass with fsync
// on. (The crash test that kills a real process cannot see this: SIGKILL
// keeps the page cache.)
func TestSimSeesAMissingFsync(t *testing.T) {
	const seeds = 60
	powerLost, caught := 0, 0
	for seed := uint64(1); seed <= seeds; seed++ {
		_, err := runSeed(seed, simConfig{})
		require.NoError(t, err, "seed %d with fsync", seed)

		rep, err := runSeed(seed, simConfig{noSync: true})
		if rep.disk.PowerLosses == 0 {
			require.NoError(t, err, "seed %d without fsync and without power loss", seed)
			continue
		}
		powerLost++
		require.Error(t, err, "seed %d lost power without fsync, and the auditor saw nothing", seed)
		require.Contains(t, err.Error(), "acknowledged change lost", "seed %d", seed)
		caught++
	}
	t.Logf("fsync off: %d of %d seeds lost power, %d of them failed with an acknowledged change lost; fsync on: all %d pass", powerLost, seeds, caught, seeds)
	require.Positive(t, caught)
}

// The early-write bug class (a change's effect seen before its record
// has its place in the journal) is proved by hand, in a scratch copy,
// never here (the engine has no hook to break itself with): in
// machine.step (apply.go), either give the old seats back before
// m.commit(c), or b.publish(to) before it (which also clears the busy mark
// early: see booking.settled); then run
//
//	go test ./booking -run 'TestSim$'
//
// Either way a change the journal refuses (the disk full, or sick) leaves
// its effect behind. Measured on the tree of 2026-11-29: seats given back
// early fail 17 of the 300 seeds, the first seed 4 ("2026-12-10 08:00
// online: engine 2 seats left of 2, model 2 taken", after a rejection
// the journal refused); the state published early fails 25 of 300, the
// first seed 4 too (seed 19: "pay …, then Get: state: engine paid, model
// held"); without the bug, none of 3,000 seeds fails.

// TestSimIsDeterministic runs seeds twice: the same trace, line for line,
// and the same bytes on the disk, or a failing seed would not replay.
func TestSimIsDeterministic(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 296} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			a, errA := runSeed(seed, simConfig{trace: true})
			b, errB := runSeed(seed, simConfig{trace: true})
			require.NoError(t, errA)
			require.NoError(t, errB)
			require.Equal(t, strings.Join(a.trace, "\n"), strings.Join(b.trace, "\n"))
			require.Equal(t, a.diskHash, b.diskHash)
			require.Equal(t, a.simStats, b.simStats)
		})
	}
}

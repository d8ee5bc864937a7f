package bench

import (
	"flag"
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
)

var (
	benchScale   = flag.Float64("bench.scale", 0.05, "scale of the scenarios under go test -bench")
	benchWorkers = flag.Int("bench.workers", 512, "applicants at their keyboards at once under go test -bench")
)

// Every scenario runs on every system at a small scale, and every run must
// balance its books: nothing oversold, nothing lost.
func TestScenariosBalance(t *testing.T) {
	results, err := Run(Scenarios, AllSystems, t.TempDir(), Config{Scale: 0.002, Seed: 1, Workers: 16})
	require.NoError(t, err)
	require.Len(t, results, len(Scenarios)*len(AllSystems))
	for i, r := range results {
		// Each scenario's results carry its name, in the order asked.
		require.NotEmpty(t, r.Scenario)
		require.Equal(t, scenarioNames[Scenarios[i/len(AllSystems)]], r.Scenario)
		t.Run(r.Scenario+"/"+r.System, func(t *testing.T) {
			require.True(t, r.Correct(), "%+v", r)
			// Every applicant is a different person: nobody can find
			// their NIK already booked, not even in a later wave.
			require.Zero(t, r.Refusals[reasonOf(booking.ErrNIKBooked)], "%+v", r.Refusals)
			if r.Note == "in memory: nothing to recover" {
				return
			}
			require.Positive(t, r.Bookings)
			require.Positive(t, r.Capacity)
			require.Equal(t, r.Capacity, r.Taken+r.Left)
		})
	}
	// Every system sells the rush out to the same seats: the clients
	// behave the same whatever answers them.
	taken := map[string]int{}
	for _, r := range results {
		if r.Scenario == "office rush" {
			taken[r.System] = r.Taken
		}
	}
	for sys, n := range taken {
		require.Positive(t, n, sys)
	}
	// The roomy rush has a seat for everyone: every applicant books, on
	// every system, at the first try or after a full answer.
	for _, r := range results {
		if r.Scenario == "roomy rush" {
			require.Equal(t, r.Applicants, r.Bookings, "%s: %+v", r.System, r.Refusals)
			require.Empty(t, r.Refusals, r.System)
		}
	}
	var b strings.Builder
	require.NoError(t, WriteMarkdown(&b, results))
	require.Contains(t, b.String(), "| office rush | kuota-durable |")
	b.Reset()
	require.NoError(t, WriteJSON(&b, results))
	require.Contains(t, b.String(), `"scenario": "recovery"`)
}

func TestNIKsAreValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, i := range []uint64{0, 1, 9998, 9999, 123_456, 9_999_999, 1 << 40} {
		d := nikFor(i).Digits()
		require.False(t, seen[d])
		seen[d] = true
	}
	// The province steps last, through Kemendagri's codes only.
	const perProvince = 9999 * 28 * 12 * 100 * 99
	for k, want := range provinces {
		require.Equal(t, fmt.Sprintf("%02d", want), nikFor(uint64(k) * perProvince).Digits()[:2])
	}
}

// An applicant's account ID is "acc-" and its number, made anew in one
// allocation, as a server decoding a request makes it.
func TestAccountIDs(t *testing.T) {
	for _, id := range []uint64{0, 7, 1_000_000, math.MaxUint64} {
		a := applicant{id: id}
		require.Equal(t, "acc-"+strconv.FormatUint(id, 10), a.account())
		var kept string // on the heap, as a request keeps a server's ID
		require.Equal(t, 1.0, testing.AllocsPerRun(10, func() { kept = a.account() }))
		require.Equal(t, a.account(), kept)
	}
}

// BenchmarkScenario runs each scenario on each system once per op, at
// -bench.scale (0.05 by default; cmd/rush runs the full size) with
// -bench.workers callers (512 by default, as cmd/rush).
func BenchmarkScenario(b *testing.B) {
	for _, sc := range Scenarios {
		for _, kind := range AllSystems {
			b.Run(sc+"/"+kind, func(b *testing.B) {
				var r Result
				for b.Loop() {
					results, err := Run([]string{sc}, []string{kind}, b.TempDir(), Config{Scale: *benchScale, Seed: 1, Workers: *benchWorkers})
					if err != nil {
						b.Fatal(err)
					}
					r = results[0]
					if !r.Correct() {
						b.Fatalf("audit failed: %+v", r)
					}
				}
				b.ReportMetric(r.BookingsPerSec, "bookings/s")
				b.ReportMetric(r.OpsPerSec, "ops/s")
				b.ReportMetric(float64(r.P99.Microseconds())/1000, "p99-ms")
				b.ReportMetric(100*r.GCShare, "gc-%")
			})
		}
	}
}

// TestGCShare checks the collector's share arithmetic, and that this
// runtime names every class it reads.
func TestGCShare(t *testing.T) {
	before := cpuClasses{total: 10, idle: 4, gc: 2, gcIdle: 1}
	after := cpuClasses{total: 30, idle: 8, gc: 6, gcIdle: 2}
	// Busy: (30-8)-(10-4) = 16 CPU seconds; compulsory GC: (6-2)-(2-1) = 3.
	require.InDelta(t, 3.0/16, after.gcShare(before), 1e-12)
	require.Zero(t, before.gcShare(before), "no CPU used, no share")
	for _, n := range cpuClassNames {
		require.NotEqual(t, metrics.KindBad, func() metrics.ValueKind {
			s := []metrics.Sample{{Name: n}}
			metrics.Read(s)
			return s[0].Value.Kind()
		}(), n)
	}
	runtime.GC() // the runtime updates the classes at the end of a cycle
	c := readCPUClasses()
	require.Positive(t, c.total)
	require.LessOrEqual(t, c.gc, c.total)
}

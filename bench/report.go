package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"time"
)

// Result is one scenario run on one system.
type Result struct {
	Scenario string `json:"scenario"`
	System   string `json:"system"`
	// Applicants is how many people (or, for the steady day and recovery,
	// operations and bookings) the run handled, Bookings how many got a
	// booking.
	Applicants int `json:"applicants"`
	Bookings   int `json:"bookings"`
	// Elapsed is the whole run; SoldOut the time from the release to the
	// last booking made (zero when the scenario has no release).
	Elapsed time.Duration `json:"elapsed_ns"`
	SoldOut time.Duration `json:"sold_out_ns"`
	// BookingsPerSec is Bookings over SoldOut (or over Elapsed); OpsPerSec
	// is Applicants over Elapsed.
	BookingsPerSec float64 `json:"bookings_per_sec"`
	OpsPerSec      float64 `json:"ops_per_sec"`
	// Hold latency percentiles, over every Hold call.
	P50  time.Duration `json:"p50_ns"`
	P99  time.Duration `json:"p99_ns"`
	P999 time.Duration `json:"p999_ns"`
	// Refusals counts the applicants who got no booking, by reason.
	Refusals map[string]int `json:"refusals"`
	// AllocsPerOp is the process's allocations during the run (engine
	// and simulated clients both) over the applicants or operations;
	// HeapPerBooking the growth of the live heap over the bookings.
	AllocsPerOp    float64 `json:"allocs_per_op"`
	HeapPerBooking float64 `json:"heap_bytes_per_booking"`
	// GCShare is the part of the CPU the process used during the run
	// that went to the garbage collector, engine's and clients' garbage
	// both: the runtime's own estimate (runtime/metrics, /cpu/classes),
	// without its idle-time marking, which takes only CPU nothing else
	// wanted. The runtime updates these figures at the end of each
	// collection, so the share is over the cycles from the run's start to
	// its last collection; what ran after that is in neither part, and a
	// run too short to collect at all shows 0.
	GCShare float64 `json:"gc_cpu_share"`
	// CPUShare is how much of its processors the process ran on while
	// the release's seats went: the CPU time its threads used from the
	// release to the first sold-out answer (or the end), over that time
	// × GOMAXPROCS. Below 1, it ran on less than it had — its goroutines
	// left a processor idle, or the machine (another process; on a VM,
	// the host) did not run it — whatever its code did. On the
	// benchmarks' 2-core VM one build ranged from 0.55 to 1.0 between runs
	// (bench/README.md), which moves bookings/s as much. 0 where not
	// measured: the steady day and the recovery (no release), the
	// national rush (three), and a system without getrusage.
	CPUShare float64 `json:"sold_out_cpu_share"`
	// WindowCPU is that CPU time, and CPUPerBooking it over the bookings
	// made in the same window: what a booking cost the process — the
	// system's work, its clients' and the runtime's — apart from the
	// share of the processors the machine gave it. GOMAXPROCS ÷
	// CPUPerBooking is what the sell-out would reach with every processor
	// its own if a booking cost the same CPU then; on the benchmarks'
	// VM it cost more in the runs that got more of both CPUs (the cores'
	// shared lines move more), so that figure is a ceiling, and builds
	// compare best by their ratio in rounds run side by side
	// (bench/README.md). 0 where CPUShare is, and when no booking came
	// by the window's end.
	WindowCPU     time.Duration `json:"sold_out_cpu_ns"`
	CPUPerBooking time.Duration `json:"cpu_per_booking_ns"`
	// The audit at the end: a run is correct when Oversold is zero (no
	// cell with more seats taken than capacity, and no cell whose seats
	// taken differ from its bookings') and Taken + Left = Capacity.
	Capacity int `json:"capacity"`
	Taken    int `json:"taken"`
	Left     int `json:"left"`
	Oversold int `json:"violations"`
	// Note says what was not run at full scale, or why a number is missing.
	Note string `json:"note,omitempty"`

	latency []time.Duration // every Hold call's, while the run is on
}

// Correct reports whether the audit found nothing wrong.
func (r *Result) Correct() bool { return r.Oversold == 0 && r.Taken+r.Left == r.Capacity }

// percentiles fills P50, P99 and P999 from the latencies (sorted in place).
func (r *Result) percentiles(lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	r.P50, r.P99, r.P999 = at(0.50), at(0.99), at(0.999)
}

// memory samples the runtime before a run; finish fills the per-booking
// figures and the collector's share of the CPU after it.
type memory struct {
	before runtime.MemStats
	cpu    cpuClasses
}

func startMemory() *memory {
	m := &memory{}
	runtime.GC()
	runtime.ReadMemStats(&m.before)
	m.cpu = readCPUClasses()
	return m
}

// cpuClasses is what the runtime estimates the process's CPU went to, in
// CPU seconds since it started.
type cpuClasses struct{ total, idle, gc, gcIdle float64 }

var cpuClassNames = [...]string{
	"/cpu/classes/total:cpu-seconds", "/cpu/classes/idle:cpu-seconds",
	"/cpu/classes/gc/total:cpu-seconds", "/cpu/classes/gc/mark/idle:cpu-seconds",
}

func readCPUClasses() cpuClasses {
	var s [len(cpuClassNames)]metrics.Sample
	for i, n := range cpuClassNames {
		s[i].Name = n
	}
	metrics.Read(s[:])
	v := func(i int) float64 {
		if s[i].Value.Kind() != metrics.KindFloat64 {
			return 0 // a runtime without the metric: no share shown
		}
		return s[i].Value.Float64()
	}
	return cpuClasses{v(0), v(1), v(2), v(3)}
}

// gcShare is the collector's compulsory part of the CPU used between
// before and c: its idle-time marking left out of both.
func (c cpuClasses) gcShare(before cpuClasses) float64 {
	busy := (c.total - c.idle) - (before.total - before.idle)
	gc := (c.gc - c.gcIdle) - (before.gc - before.gcIdle)
	if busy <= 0 {
		return 0
	}
	return gc / busy
}

// finish fills the memory figures; keep is whatever the run allocated
// before it started and still holds (the applicants), kept alive until
// the heap is measured so that freeing it does not count as a saving.
func (m *memory) finish(r *Result, keep any) {
	// Before the collection below, which is the measurement's, not the
	// run's: as of the run's last collection (see GCShare).
	r.GCShare = readCPUClasses().gcShare(m.cpu)
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	if r.Applicants > 0 {
		r.AllocsPerOp = float64(after.Mallocs-m.before.Mallocs) / float64(r.Applicants)
	}
	if r.Bookings > 0 {
		// The heap can end smaller than it began, when the run freed
		// more than it kept (the recovery's loading garbage): count that
		// as nothing kept rather than a negative cost.
		r.HeapPerBooking = float64(max(0, int64(after.HeapAlloc)-int64(m.before.HeapAlloc))) / float64(r.Bookings)
	}
}

// WriteMarkdown writes the results as a markdown table, one row per run,
// with each kuota system's ratio to each baseline of the same scenario.
func WriteMarkdown(w io.Writer, results []Result) error {
	var b strings.Builder
	b.WriteString("| scenario | system | applicants | bookings | bookings/s | ops/s | to sell-out | hold p50 | p99 | p99.9 | allocs/op | heap B/booking | GC | CPU share | CPU/booking | audit |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n")
	for _, r := range results {
		audit := "ok"
		if !r.Correct() {
			audit = fmt.Sprintf("**%d violations**", r.Oversold)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %.1f | %.0f | %.1f%% | %s | %s | %s |\n",
			r.Scenario, r.System, r.Applicants, r.Bookings, rate(r.BookingsPerSec), rate(r.OpsPerSec),
			dur(r.SoldOut), dur(r.P50), dur(r.P99), dur(r.P999), r.AllocsPerOp, r.HeapPerBooking, 100*r.GCShare, share(r.CPUShare), perBooking(r.CPUPerBooking), audit)
	}
	b.WriteString("\n")
	for _, r := range results {
		if len(r.Refusals) > 0 || r.Note != "" {
			fmt.Fprintf(&b, "- %s / %s: %s%s\n", r.Scenario, r.System, refusals(r.Refusals), note(r.Note))
		}
	}
	if rs := ratios(results); rs != "" {
		b.WriteString("\n" + rs)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the results as one JSON array.
func WriteJSON(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(results)
}

func ratios(results []Result) string {
	var b strings.Builder
	for _, k := range results {
		if !strings.HasPrefix(k.System, "kuota") || k.BookingsPerSec == 0 {
			continue
		}
		var parts []string
		for _, base := range results {
			if base.Scenario == k.Scenario && !strings.HasPrefix(base.System, "kuota") && base.BookingsPerSec > 0 {
				parts = append(parts, fmt.Sprintf("%.1f× %s", k.BookingsPerSec/base.BookingsPerSec, base.System))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "- %s, %s bookings/s: %s\n", k.Scenario, k.System, strings.Join(parts, ", "))
		}
	}
	return b.String()
}

func refusals(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "no refusals"
	}
	return "refused: " + strings.Join(parts, ", ")
}

func note(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

func rate(v float64) string {
	switch {
	case v == 0:
		return "–"
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

// cpuShare is the CPU time cpu over wall × procs (Result.CPUShare); 0
// for a window of no time.
func cpuShare(cpu, wall time.Duration, procs int) float64 {
	if wall <= 0 || procs <= 0 {
		return 0
	}
	return float64(cpu) / float64(wall) / float64(procs)
}

// perBooking formats a CPUPerBooking in µs to the hundredth — a few µs
// whose tenths are what builds differ by — or "–" when not measured.
func perBooking(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2fµs", float64(d)/1e3)
}

// share formats a CPUShare: a percentage, "–" when not measured.
func share(v float64) string {
	if v == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f%%", 100*v)
}

func dur(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/1e3)
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

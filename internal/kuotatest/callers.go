package kuotatest

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// RunCallers runs op b.N times, i = 1 … b.N, from callers goroutines at
// once, and reports the throughput as holds/s and op's latency
// percentiles (p50-ms, p99-ms): the durable benchmarks' measure, where
// ns/op means little with many callers (it is reported as 0).
func RunCallers(b *testing.B, callers int, op func(i uint64) error) {
	var next atomic.Uint64
	lat := make([][]time.Duration, callers)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := range callers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > uint64(b.N) {
					return
				}
				t0 := time.Now()
				if err := op(i); err != nil {
					b.Error(err)
					return
				}
				lat[c] = append(lat[c], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "holds/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}

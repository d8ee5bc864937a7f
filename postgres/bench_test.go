package postgres_test

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// BenchmarkNodeHold measures durable holds through the PostgreSQL journal:
// an active node, callers goroutines holding one seat each on distinct
// accounts over 20 offices, every hold acknowledged only once PostgreSQL
// committed it (synchronous_commit on, replicated as the server's
// synchronous_standby_names asks). It reports holds/s, the latency
// percentiles and the holds one commit carried. It needs KUOTA_PG_DSN:
//
//	cd postgres && go test -run '^$' -bench NodeHold -benchtime 20000x .
func BenchmarkNodeHold(b *testing.B) {
	dsn := testDSN(b)
	const offices = 20
	var dates []calendar.Date // December's service days
	for d := kt.Dec10.AddDays(-9); d.Month() == time.December; d = d.AddDays(1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && d != kt.Dec25 {
			dates = append(dates, d)
		}
	}
	for _, callers := range []int{64, 1024} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			clk := kt.NewClock(kt.T1)
			o := nodeOptions(dsn, newSchema(b, dsn), "bench", clk)
			o.Engine.MaxHoldsPerAccount = booking.MaxHoldsPerAccountLimit
			n := startNode(b, o)
			waitActive(b, n, 30*time.Second)
			e := n.Engine()
			codes := make([]string, offices)
			for i := range codes {
				cfg := kt.OfficeConfig(b)
				cfg.Code = fmt.Sprintf("K%02d", i)
				for s := range cfg.Quota.Layout.Slots {
					cfg.Quota.Layout.Slots[s].Seats = []int{1000, 0}
				}
				if err := e.RegisterOffice(bg, cfg); err != nil {
					b.Fatal(err)
				}
				codes[i] = cfg.Code
			}
			slots := []string{kt.Slot0, kt.Slot1}
			runCallers(b, callers, func(i uint64) error {
				_, err := e.Hold(bg, booking.HoldRequest{
					Account: strconv.FormatUint(i, 36), Office: codes[i%offices],
					Date: dates[int(i/offices)%len(dates)], Slot: slots[int(i/offices/uint64(len(dates)))%2],
					Pool: kt.Online, Applicants: []booking.Applicant{{NIK: kt.NIK(b, 1+int(i%kt.NIKsMax))}},
				})
				return err
			})
			b.ReportMetric(e.Stats().AvgBatch, "holds/commit")
		})
	}
}

// runCallers runs op b.N times from callers goroutines and reports the
// throughput and the latency percentiles of op.
func runCallers(b *testing.B, callers int, op func(i uint64) error) {
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
	b.ReportMetric(0, "ns/op") // per-op time means little with many callers
}

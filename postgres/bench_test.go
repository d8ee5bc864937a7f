package postgres_test

import (
	"fmt"
	"strconv"
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
			kt.RunCallers(b, callers, func(i uint64) error {
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

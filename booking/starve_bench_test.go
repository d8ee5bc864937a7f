package booking_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// BenchmarkDurableHoldBesideSpinners measures what callers that never
// block do to the durable holds beside them: 64 callers hold durably
// (each waits for its commit) while 8 goroutines of the same process ask
// for a sold-out cell as fast as they can — refusals return at once,
// without blocking. With "spin" the spinners never yield, and the
// journal's writer goroutine waits for a scheduler slot behind them; with
// "yield" each calls runtime.Gosched after every refusal, as a server
// that blocks on a network read in between in effect does.
func BenchmarkDurableHoldBesideSpinners(b *testing.B) {
	for _, yield := range []bool{false, true} {
		name := "spin"
		if yield {
			name = "yield"
		}
		b.Run(name, func(b *testing.B) {
			e, err := Open(filepath.Join(b.TempDir(), "kuota.db"), &Options{
				Now: func() time.Time { return kt.T1 }, NoSweeper: true, MaxHoldsPerAccount: MaxHoldsPerAccountLimit,
			})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			registerBenchOffices(b, e, benchOffices, 1000)
			codes := e.Offices()
			full := HoldRequest{Account: "full", Office: codes[0], Date: benchFirst.AddDays(benchDays - 1), Slot: benchStarts[0], Pool: kt.Online}
			if err := e.SetCapacity(bg, codes[0], full.Date, full.Slot, kt.Online, 0); err != nil {
				b.Fatal(err)
			}
			var stop atomic.Bool
			var spun atomic.Int64
			var wg sync.WaitGroup
			for s := range 8 {
				wg.Go(func() {
					req := full
					req.Account = fmt.Sprint("spinner-", s)
					req.Applicants = []Applicant{{NIK: benchNIK(1<<40 + uint64(s))}}
					for n := 0; !stop.Load(); n++ {
						if _, err := e.Hold(bg, req); err != quota.ErrNoQuota {
							b.Error("want ErrNoQuota, got", err)
							return
						}
						if yield {
							runtime.Gosched()
						}
						spun.Add(1)
					}
				})
			}
			kt.RunCallers(b, 64, func(i uint64) error {
				_, err := e.Hold(bg, HoldRequest{
					Account: strconv.FormatUint(i, 36), Office: codes[i%benchOffices],
					Date: benchFirst.AddDays(int(i/benchOffices) % (benchDays - 1)), Slot: benchStarts[int(i/(benchOffices*benchDays))%benchSlots],
					Pool: kt.Online, Applicants: []Applicant{{NIK: benchNIK(i)}},
				})
				return err
			})
			stop.Store(true)
			wg.Wait()
			b.ReportMetric(float64(spun.Load())/b.Elapsed().Seconds(), "refusals/s")
		})
	}
}

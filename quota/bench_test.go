package quota

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kuota/kuota/calendar"
)

// Benchmark shapes from the issue: 500 offices × 120 days × 16 slots × 4
// pools for the spread and memory figures; one office of 16 × 4 for the
// month view.
const (
	benchOffices = 500
	benchDays    = 120
	benchSlots   = 16
	benchPools   = 4
)

var benchFirst = calendar.NewDate(2027, time.January, 1)

// benchConfig opens every day of the week and releases at once, so every
// cell of the table is bookable at t1.
func benchConfig(b *testing.B, seats int) Config {
	slots := make([]Slot, benchSlots)
	for i := range slots {
		start := 7*time.Hour + time.Duration(i)*30*time.Minute
		slots[i] = Slot{Start: start, End: start + 30*time.Minute, Seats: []int{seats, seats, seats, seats}}
	}
	return Config{
		Schedule: calendar.Schedule{Location: wib, Week: calendar.WeekdaysOf(0, 1, 2, 3, 4, 5, 6)},
		Layout:   Layout{Pools: []string{"online", "walk-in", "accelerated", "collective"}, Slots: slots},
		First:    benchFirst,
		Days:     benchDays,
	}
}

func benchLedger(b *testing.B, offices, seats int) *Ledger {
	b.Helper()
	l := NewLedger()
	cfg := benchConfig(b, seats)
	for range offices {
		if _, err := l.AddOffice(cfg); err != nil {
			b.Fatal(err)
		}
	}
	return l
}

func reportOps(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkBareCAS is the floor the hot cell is measured against: a
// compare-and-swap decrement and increment of one shared word.
func BenchmarkBareCAS(b *testing.B) {
	var w atomic.Int64
	w.Store(1 << 40)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			for {
				v := w.Load()
				if w.CompareAndSwap(v, v-1) {
					break
				}
			}
			for {
				v := w.Load()
				if w.CompareAndSwap(v, v+1) {
					break
				}
			}
		}
	})
	reportOps(b)
}

// BenchmarkReserveRelease: one op is one Reserve of one seat followed by
// its Release.
func BenchmarkReserveRelease(b *testing.B) {
	b.Run("hot-cell", func(b *testing.B) {
		l := benchLedger(b, 1, CellSeatsMax)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := l.Reserve(0, benchFirst, 0, 0, 1, t1); err != nil {
					b.Fatal(err)
				}
				if err := l.Release(0, benchFirst, 0, 0, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
		reportOps(b)
	})
	b.Run("spread-500-offices", func(b *testing.B) {
		l := benchLedger(b, benchOffices, 1000)
		const cells = benchOffices * benchDays * benchSlots * benchPools
		var seed atomic.Uint64
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			// Each goroutine walks the whole table from its own random
			// start, so goroutines rarely meet on a cell.
			i := rand.New(rand.NewPCG(seed.Add(1), 7)).IntN(cells)
			for pb.Next() {
				i++
				if i == cells {
					i = 0
				}
				pool, rest := i%benchPools, i/benchPools
				slot, rest := rest%benchSlots, rest/benchSlots
				day, office := rest%benchDays, rest/benchDays
				d := benchFirst.AddDays(day)
				if err := l.Reserve(OfficeID(office), d, slot, pool, 1, t1); err != nil {
					b.Fatal(err)
				}
				if err := l.Release(OfficeID(office), d, slot, pool, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
		reportOps(b)
	})
}

// BenchmarkReserveSoldOut: one op is one Reserve refused with ErrFull, by
// a cell of one seat that is taken. (A cell of capacity 0 is refused with
// ErrNoQuota instead: BenchmarkReserveNoQuota.)
func BenchmarkReserveSoldOut(b *testing.B) {
	l := benchLedger(b, 1, 1)
	if err := l.Restore(0, benchFirst, 0, 0, 1); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if l.Reserve(0, benchFirst, 0, 0, 1, t1) != ErrFull {
				b.Fatal("want ErrFull")
			}
		}
	})
	reportOps(b)
}

// BenchmarkReserveNoQuota: one op is one Reserve refused with ErrNoQuota,
// by a cell of capacity 0. It must cost what a sold-out cell costs: the
// capacity is in the word Reserve has already loaded.
func BenchmarkReserveNoQuota(b *testing.B) {
	l := benchLedger(b, 1, 0)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if l.Reserve(0, benchFirst, 0, 0, 1, t1) != ErrNoQuota {
				b.Fatal("want ErrNoQuota")
			}
		}
	})
	reportOps(b)
}

// BenchmarkMonth: one op is the view of one office's month of 16 slots × 4
// pools: a real office (Monday to Friday, 21 service days in January 2027)
// and the worst case, a table open every day of the week; each as Month
// (all four pools), as MonthIn (the online pool alone, "-MonthIn"), and as
// their counterparts for a hot path, AppendMonth and AppendMonthIn, into a
// slice kept from op to op.
func BenchmarkMonth(b *testing.B) {
	for _, tt := range []struct {
		name string
		week calendar.Weekdays
	}{{"weekdays", calendar.MondayToFriday}, {"every-day", calendar.WeekdaysOf(0, 1, 2, 3, 4, 5, 6)}} {
		cfg := benchConfig(b, 40)
		cfg.Schedule.Week = tt.week
		l := NewLedger()
		if _, err := l.AddOffice(cfg); err != nil {
			b.Fatal(err)
		}
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Month(0, 2027, time.January, t1); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tt.name+"-MonthIn", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.MonthIn(0, 0, 2027, time.January, t1); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tt.name+"-AppendMonth", func(b *testing.B) {
			days := make([]DayState, 0, 31)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if days, err = l.AppendMonth(days[:0], 0, 2027, time.January, t1); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tt.name+"-AppendMonthIn", func(b *testing.B) {
			days := make([]DayState, 0, 31)
			b.ReportAllocs()
			for b.Loop() {
				var err error
				if days, err = l.AppendMonthIn(days[:0], 0, 0, 2027, time.January, t1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAppendMonthCurrent: one op is AppendMonth or AppendMonthIn of
// the month under way, as a calendar page shows it most: on 15 January
// 2027 at 10:00, the days before are past, the 15th is under way (read
// from its cells, its slots still to come only) and the rest come from the
// counters, each with its release instant (the office releases monthly).
func BenchmarkAppendMonthCurrent(b *testing.B) {
	cfg := benchConfig(b, 40)
	cfg.Schedule.Week = calendar.MondayToFriday
	cfg.Release = ReleaseRule{Every: Monthly, Lead: 1, Day: 1, At: 8 * time.Hour}
	l := NewLedger()
	if _, err := l.AddOffice(cfg); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2027, time.January, 15, 10, 0, 0, 0, wib)
	days := make([]DayState, 0, 31)
	b.Run("AppendMonth", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			days, _ = l.AppendMonth(days[:0], 0, 2027, time.January, now)
		}
	})
	b.Run("AppendMonthIn", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			days, _ = l.AppendMonthIn(days[:0], 0, 0, 2027, time.January, now)
		}
	})
}

// BenchmarkLedgerMemory reports the heap a Ledger of 500 offices × 120 days
// × 16 slots × 4 pools takes, in MiB.
func BenchmarkLedgerMemory(b *testing.B) {
	var before, after runtime.MemStats
	var l *Ledger
	for b.Loop() {
		l = nil
		runtime.GC()
		runtime.ReadMemStats(&before)
		l = benchLedger(b, benchOffices, 40)
		runtime.GC()
		runtime.ReadMemStats(&after)
	}
	runtime.KeepAlive(l)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB")
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(benchOffices*benchDays*benchSlots*benchPools), "B/cell")
}

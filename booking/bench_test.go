package booking_test

import (
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

const (
	benchOffices = 100
	benchDays    = 60
	benchSlots   = 16
)

var benchFirst = calendar.NewDate(2026, time.December, 1)

// benchSlotStart returns when slot i of a bench office starts: every half
// hour from 07:00.
func benchSlotStart(i int) time.Duration { return 7*time.Hour + time.Duration(i)*30*time.Minute }

// benchStarts names the bench offices' slots by start, as HoldRequest
// takes them, formatted once so that a benchmark measures holds, not
// FormatClock.
var benchStarts = func() (s [benchSlots]string) {
	for i := range s {
		s[i] = quota.FormatClock(benchSlotStart(i))
	}
	return s
}()

// benchEngine returns an engine with offices offices of 60 days × 16
// slots, seats online seats per slot, open every day and released at once.
// Its clock starts at t1 and ticks a nanosecond per reading, like a real
// one: a clock that stands still gives every hold the same deadline.
func benchEngine(b testing.TB, offices, seats int, opts *Options) *Engine {
	b.Helper()
	o := Options{}
	if opts != nil {
		o = *opts
	}
	var tick atomic.Int64
	o.Now = func() time.Time { return kt.T1.Add(time.Duration(tick.Add(1))) }
	o.NoSweeper, o.MaxHoldsPerAccount = true, MaxHoldsPerAccountLimit
	e, err := New(&o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	registerBenchOffices(b, e, offices, seats)
	return e
}

func registerBenchOffices(b testing.TB, e *Engine, offices, seats int) {
	slots := make([]quota.Slot, benchSlots)
	for i := range slots {
		start := benchSlotStart(i)
		slots[i] = quota.Slot{Start: start, End: start + 30*time.Minute, Seats: []int{seats}}
	}
	for i := range offices {
		err := e.RegisterOffice(bg, OfficeConfig{
			Code: fmt.Sprint("OFC", i),
			Name: "Bench office",
			Quota: quota.Config{
				Schedule: calendar.Schedule{Location: kt.WIB, Week: calendar.WeekdaysOf(0, 1, 2, 3, 4, 5, 6)},
				Layout:   quota.Layout{Pools: []string{kt.Online}, Slots: slots},
				First:    benchFirst,
				Days:     benchDays,
			},
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// The NIKs the benchmarks hold with are valid and distinct: a benchmark
// that held with refused NIKs would measure refusals. Every province
// benchNIK draws is one Kemendagri lists.
func TestBenchNIKsAreValid(t *testing.T) {
	for _, i := range []uint64{0, 1, 9998, 9999, 10_000, 123_456_789, 2_000_000_000_000} {
		n := benchNIK(i)
		_, err := ParseNIK(n.Digits())
		require.NoError(t, err, "benchNIK(%d) = %s", i, n.Digits())
	}
	require.NotEqual(t, benchNIK(5), benchNIK(6))
	seen := map[string]bool{}
	for p := range uint64(len(benchProvinces)) + 1 { // one past the last: the list wraps
		n := benchNIK(p * benchProvinceEvery)
		_, err := ParseNIK(n.Digits())
		require.NoError(t, err, "province %d of benchNIK: %s", p, n.Digits())
		seen[n.Digits()[:2]] = true
	}
	require.Len(t, seen, len(benchProvinces), "benchNIK draws every listed province")
}

// benchProvinces are the province codes Kemendagri lists (see ParseNIK):
// a code between them, such as 20 or 40, was never issued and is refused.
var benchProvinces = [...]uint64{
	11, 12, 13, 14, 15, 16, 17, 18, 19, 21,
	31, 32, 33, 34, 35, 36, 51, 52, 53,
	61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76,
	81, 82, 91, 92, 93, 94, 95, 96,
}

// benchProvinceEvery is how many consecutive i share a province in
// benchNIK: every combination of the other digit groups.
const benchProvinceEvery = 9999 * 28 * 12 * 100 * 99 * 99

// benchNIK returns a distinct valid NIK for each i below about 1.2×10¹⁴
// (benchProvinceEvery times the 38 provinces), built digit group by digit
// group: province, regency, district, birth day, month and year, serial.
// Every group is in range and the province is one Kemendagri lists, so
// ParseNIK accepts it. It costs about 60 ns, 3% of a hold and its
// payment, which is why BenchmarkHoldPay makes its NIKs before the timer.
func benchNIK(i uint64) NIK {
	serial := i%9999 + 1
	i /= 9999
	day := i%28 + 1
	i /= 28
	month := i%12 + 1
	i /= 12
	year := i % 100
	i /= 100
	district := i%99 + 1
	i /= 99
	regency := i%99 + 1
	i /= 99
	province := benchProvinces[i%uint64(len(benchProvinces))]
	n := province*1e14 + regency*1e12 + district*1e10 + day*1e8 + month*1e6 + year*1e4 + serial
	var digits [16]byte
	for k := len(digits) - 1; k >= 0; k-- {
		digits[k] = byte('0' + n%10)
		n /= 10
	}
	nik, err := ParseNIK(string(digits[:]))
	if err != nil {
		panic(err) // a bug in benchNIK: every group is in range
	}
	return nik
}

// BenchmarkHoldPay: one op is one Hold of one applicant, a new account
// and NIK each, spread over the offices, days and slots as
// holdPayRequests says, followed by its Pay.
func BenchmarkHoldPay(b *testing.B) {
	e := benchEngine(b, benchOffices, 1000, nil)
	reqs := newHoldPayRequests(e, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := reqs.worker()
		for pb.Next() {
			bk, err := e.Hold(bg, w.next())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.Pay(bg, bk.BillingCode, "ref"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bookings/s")
}

// holdPayRequests makes BenchmarkHoldPay's requests: request i (from 1)
// is account i in base 36, for NIK benchNIK(i), in office i mod
// benchOffices, on day i ÷ benchOffices mod benchDays, in slot i ÷
// (benchOffices × benchDays) mod benchSlots — every request a new
// account, NIK and booking, spread over every cell.
//
// What it does for each request is kept out of what the benchmark
// measures, so that its figures are the engine's: the NIKs are made
// before the timer starts (benchNIK parses each, about 60 ns, 3% of a
// pair on one core), each worker formats its account IDs into a buffer of
// its own, which the engine does not keep (HoldRequest), rather than into
// a new string (the third of the three allocations a pair counted before),
// and workers take their i in blocks of holdPayBlock from the counter
// they share, as requests reach a server from many connections rather
// than from one sequence (bench/README.md).
type holdPayRequests struct {
	next  atomic.Uint64 // the last i handed out in a block
	niks  []NIK         // niks[i] = benchNIK(i)
	codes []string      // the engine's offices
}

// holdPayBlock is how many consecutive requests a worker takes at once.
const holdPayBlock = 64

func newHoldPayRequests(e *Engine, n int) *holdPayRequests {
	// Room for every worker's last block beyond n.
	niks := make([]NIK, n+holdPayBlock*(runtime.GOMAXPROCS(0)+1)+1) // RunParallel runs GOMAXPROCS workers
	for i := 1; i < len(niks); i++ {
		niks[i] = benchNIK(uint64(i))
	}
	return &holdPayRequests{niks: niks, codes: e.Offices()}
}

// holdPayWorker is one worker's share of the requests.
type holdPayWorker struct {
	reqs       *holdPayRequests
	i, end     uint64 // the next request, and the end of the worker's block
	account    []byte // account i's ID, formatted into the worker's own buffer
	applicants [1]Applicant
}

func (r *holdPayRequests) worker() *holdPayWorker {
	return &holdPayWorker{reqs: r, account: make([]byte, 0, 16)}
}

// next returns the worker's next request, valid until the next call.
func (w *holdPayWorker) next() HoldRequest {
	if w.i == w.end {
		w.end = w.reqs.next.Add(holdPayBlock) + 1
		w.i = w.end - holdPayBlock
	}
	i := w.i
	w.i++
	if i >= uint64(len(w.reqs.niks)) {
		panic("holdPayRequests: more requests than the benchmark's b.N and its workers' blocks")
	}
	w.account = strconv.AppendUint(w.account[:0], i, 36)
	w.applicants[0] = Applicant{NIK: w.reqs.niks[i]}
	return HoldRequest{
		Account:    unsafe.String(unsafe.SliceData(w.account), len(w.account)),
		Office:     w.reqs.codes[i%benchOffices],
		Date:       benchFirst.AddDays(int(i/benchOffices) % benchDays),
		Slot:       benchStarts[int(i/(benchOffices*benchDays))%benchSlots],
		Pool:       kt.Online,
		Applicants: w.applicants[:],
	}
}

// BenchmarkHoldHotCell: every Hold of one applicant is in the same cell.
// In "hold+cancel" one op is a Hold followed by its Cancel, so that the
// cell never fills and any -benchtime works; in "hold" one op is a Hold
// alone, and as a cell has at most quota.CellSeatsMax seats, that variant
// needs -benchtime=Nx with N at most that (the default 1s stays below it
// on this machine).
func BenchmarkHoldHotCell(b *testing.B) {
	for _, cancel := range []bool{true, false} {
		name := "hold"
		if cancel {
			name = "hold+cancel"
		}
		b.Run(name, func(b *testing.B) {
			if !cancel && b.N > quota.CellSeatsMax {
				b.Fatalf("%d holds do not fit in one cell of %d seats: run with -benchtime=%dx", b.N, quota.CellSeatsMax, quota.CellSeatsMax)
			}
			benchHotCell(b, cancel)
		})
	}
}

func benchHotCell(b *testing.B, cancel bool) {
	e := benchEngine(b, 1, quota.CellSeatsMax, nil)
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			req := HoldRequest{
				Account: strconv.FormatUint(i, 36), Office: "OFC0", Date: benchFirst, Slot: benchStarts[0], Pool: kt.Online,
				Applicants: []Applicant{{NIK: benchNIK(i)}},
			}
			bk, err := e.Hold(bg, req)
			if err != nil {
				b.Fatal(err)
			}
			if !cancel {
				continue
			}
			if _, err := e.Cancel(bg, bk.Code, Reason{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "holds/s")
}

// BenchmarkMemoryPerBooking reports the heap each live booking of one
// applicant, and of two, costs: held, then paid, measured over a million
// of them.
func BenchmarkMemoryPerBooking(b *testing.B) {
	for _, family := range []int{1, 2} {
		b.Run(fmt.Sprintf("applicants=%d", family), func(b *testing.B) {
			for b.Loop() {
				held, paid := memoryPerBooking(b, family)
				b.ReportMetric(held, "B/held")
				b.ReportMetric(paid, "B/paid")
			}
		})
	}
}

// memoryPerBooking holds a million bookings of family applicants each,
// then pays them, and returns the heap each costs held and paid.
func memoryPerBooking(b *testing.B, family int) (held, paid float64) {
	const n = 1_000_000
	e := benchEngine(b, benchOffices, 1000, nil)
	defer e.Close()
	codes := e.Offices()
	var before, afterHolds, afterPays runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	billing := make([]uint64, n) // the benchmark's own: 8 bytes a booking, the billing code as a number
	apps := make([]Applicant, family)
	for i := range uint64(n) {
		for k := range apps {
			apps[k].NIK = benchNIK(i*uint64(family) + uint64(k))
		}
		bk, err := e.Hold(bg, HoldRequest{
			Account: strconv.FormatUint(i, 36), Office: codes[i%benchOffices],
			Date: benchFirst.AddDays(int(i/benchOffices) % benchDays), Slot: benchStarts[int(i/(benchOffices*benchDays))%benchSlots],
			Pool: kt.Online, Applicants: apps,
		})
		if err != nil {
			b.Fatal(err)
		}
		billing[i], _ = strconv.ParseUint(bk.BillingCode, 10, 64)
	}
	runtime.GC()
	runtime.ReadMemStats(&afterHolds)
	for _, code := range billing {
		if _, err := e.Pay(bg, strconv.FormatUint(code, 10), "ref"); err != nil {
			b.Fatal(err)
		}
	}
	billing = nil
	runtime.GC()
	runtime.ReadMemStats(&afterPays)
	runtime.KeepAlive(e)
	// The billing slice is the benchmark's, not the engine's; it is gone
	// by the second reading.
	return float64(afterHolds.HeapAlloc-before.HeapAlloc)/n - 8, float64(afterPays.HeapAlloc-before.HeapAlloc) / n
}

// BenchmarkGet: one op is one booking's view, as Get, Hold and every
// change return it — a hold (one event), and the same booking paid (two
// events, a payment reference, a queue number).
func BenchmarkGet(b *testing.B) {
	e := benchEngine(b, 1, 10, nil)
	bk, err := e.Hold(bg, HoldRequest{Account: "a1", Office: "OFC0", Date: benchFirst, Slot: benchStarts[0], Pool: kt.Online, Applicants: []Applicant{{NIK: benchNIK(1)}}})
	if err != nil {
		b.Fatal(err)
	}
	get := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Get(bg, bk.Code); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("held", get)
	if _, err := e.Pay(bg, bk.BillingCode, "ref-123"); err != nil {
		b.Fatal(err)
	}
	b.Run("paid", get)
}

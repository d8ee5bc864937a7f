package bench

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// Config sets the size of a run.
type Config struct {
	// Scale multiplies every scenario's default size: 1 is the full
	// scenario, 0.01 a smoke test.
	Scale float64
	// Seed makes the applicants and their choices repeatable.
	Seed uint64
	// Workers is the number of applicants at their keyboards at once.
	Workers int
	// Progress, when set, receives a progress bar for runs longer than a
	// few seconds.
	Progress io.Writer
	// NoSync runs the durable systems without fsync, to see what the
	// disk costs.
	NoSync bool
	// Window, when set, is told when each wave's window opens (true: every
	// client is at the gate, and the release is next) and when it closes
	// (false): when the first applicant finds the month sold out or, if
	// none does, when the wave ends. In the office rush that is the
	// sell-out; in the national rush, the first office's. It lets a
	// profiler see the rush alone (see Command's -perf-control), not the
	// set-up or the refusals after it. The first error it returns ends
	// the telling: later windows are not reported, and Run returns it.
	Window func(open bool) error
}

func (c Config) scaled(n int) int { return max(1, int(float64(n)*c.Scale)) }

// The rush office: December 2026 has 22 service days (23 weekdays less
// Christmas), 8 slots of about 37 online seats, 300 a day, all released on
// 1 November at 08:00 local time.
var (
	rushYear, rushMonth = 2026, time.December
	rushRelease         = quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour}
	rushOnlineSeats     = []int{38, 38, 38, 38, 37, 37, 37, 37}
)

const rushPool = "online"

// rushSlot returns the start of the rush office's slot i, "08:00" for 0:
// its slots are one hour each from 08:00.
func rushSlot(i int) string { return quota.FormatClock(time.Duration(8+i) * time.Hour) }

func rushOffice(code string, loc *time.Location) booking.OfficeConfig {
	holidays, err := calendar.NewHolidays(calendar.HolidayEntry{Date: calendar.NewDate(2026, 12, 25), Kind: calendar.National, Name: "Hari Raya Natal"})
	if err != nil {
		panic(err) // unreachable: a constant, valid list
	}
	layout := quota.Layout{Pools: []string{rushPool, "walk-in"}}
	for i, seats := range rushOnlineSeats {
		start := time.Duration(8+i) * time.Hour // rushSlot(i)
		layout.Slots = append(layout.Slots, quota.Slot{Start: start, End: start + time.Hour, Seats: []int{seats, 10}})
	}
	return booking.OfficeConfig{
		Code: code, Name: "Kantor Imigrasi " + code,
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: loc, Holidays: holidays},
			Layout:   layout, Release: rushRelease,
			First: calendar.NewDate(2026, time.December, 1), Days: 31,
		},
	}
}

// OfficeRush is scenario 1: one office opens December's quota and 100,000
// applicants arrive at the release instant. Each reads the month calendar,
// picks the earliest green day, then a slot, and on a full answer tries the
// next option, up to three times.
func OfficeRush(sys System, clk *Clock, cfg Config) (Result, error) {
	return officeRush(sys, clk, cfg, scenarioNames["rush"], rushOffice("JKT", calendar.Jakarta()))
}

// roomySeatsPerSlot is the online seats of each slot of the roomy rush's
// office: 22 days × 8 slots × 2,500 = 440,000 seats, more than twice what
// 100,000 applicants (families of 2.0 on average) take.
const roomySeatsPerSlot = 2_500

// RoomyRush is the office rush with room for everyone: the same office,
// applicants and clients, but 2,500 online seats in every slot (440,000
// in the month) instead of 37 or 38, so that every hold succeeds and the
// run measures the holds themselves rather than the refusals of a
// sold-out month. At scales above 1 the seats grow with the applicants.
func RoomyRush(sys System, clk *Clock, cfg Config) (Result, error) {
	office := rushOffice("JKT", calendar.Jakarta())
	for s := range office.Quota.Layout.Slots {
		office.Quota.Layout.Slots[s].Seats[0] = roomySeatsPerSlot * max(1, int(math.Ceil(cfg.Scale)))
	}
	return officeRush(sys, clk, cfg, scenarioNames["roomy"], office)
}

// officeRush registers office, draws 100,000 applicants (scaled) for it,
// and lets them all in at the release of December.
func officeRush(sys System, clk *Clock, cfg Config, scenario string, office booking.OfficeConfig) (Result, error) {
	if err := sys.Register(office); err != nil {
		return Result{}, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 1))
	people := (&crowd{rng: rng}).draw(cfg.scaled(100_000), []string{office.Code})
	clk.Set(rushRelease.ReleaseAt(calendar.NewDate(rushYear, rushMonth, 1), office.Quota.Schedule.Location))
	r := Result{Scenario: scenario, System: sys.Name()}
	mem := startMemory()
	if err := runWave(sys, people, cfg, &r, scenario+" "+sys.Name()); err != nil {
		return r, err
	}
	mem.finish(&r, people)
	return r, audit(sys, &r)
}

// NationalRush is scenario 2: 125 offices in WIB, WITA and WIT open at
// 08:00 their own time — an hour apart in UTC, Jayapura first — and a
// million applicants arrive as their office opens.
func NationalRush(sys System, clk *Clock, cfg Config) (Result, error) {
	zones := []struct {
		loc     *time.Location
		offices int
	}{{calendar.Jayapura(), 15}, {calendar.Makassar(), 30}, {calendar.Jakarta(), 80}}
	var codes [][]string
	for z, zone := range zones {
		var list []string
		for i := range zone.offices {
			code := fmt.Sprintf("K%d%02d", z+1, i)
			if err := sys.Register(rushOffice(code, zone.loc)); err != nil {
				return Result{}, err
			}
			list = append(list, code)
		}
		codes = append(codes, list)
	}
	r := Result{Scenario: scenarioNames["national"], System: sys.Name()}
	people := crowd{rng: rand.New(rand.NewPCG(cfg.Seed, 2))}
	total := cfg.scaled(1_000_000)
	var waves [][]applicant
	for z, zone := range zones {
		waves = append(waves, people.draw(total*zone.offices/125, codes[z]))
	}
	mem := startMemory()
	start := time.Now()
	var soldOut time.Duration
	for z, zone := range zones {
		clk.Set(rushRelease.ReleaseAt(calendar.NewDate(rushYear, rushMonth, 1), zone.loc))
		w := Result{}
		if err := runWave(sys, waves[z], cfg, &w, fmt.Sprintf("national rush %s, wave %d/3", sys.Name(), z+1)); err != nil {
			return r, err
		}
		merge(&r, &w)
		if w.Bookings > 0 {
			soldOut = time.Since(start) - w.Elapsed + w.SoldOut
		}
	}
	r.Elapsed, r.SoldOut = time.Since(start), soldOut
	r.OpsPerSec = float64(r.Applicants) / r.Elapsed.Seconds()
	if r.SoldOut > 0 {
		r.BookingsPerSec = float64(r.Bookings) / r.SoldOut.Seconds()
	}
	mem.finish(&r, waves)
	return r, audit(sys, &r)
}

// runWave runs the applicants of one release on cfg.Workers goroutines and
// fills r with what happened. All of them arrive at once: the clock stands
// at the release instant. Its error is cfg.Window's.
func runWave(sys System, people []applicant, cfg Config, r *Result, label string) error {
	var (
		next    atomic.Int64
		mu      sync.Mutex // guards the merged fields of r, latency and bookedAtNs
		latency []time.Duration
		// bookedAtNs is when each booking was made, Unix ns: the last is
		// the sell-out, and those up to the window's end are the
		// bookings its CPU bought (Result.CPUPerBooking).
		bookedAtNs []int64
		wg         sync.WaitGroup
		closing    sync.Once // cfg.Window(false), at the first sold-out answer or the end
		winErr     error     // cfg.Window's first error, set before closing is done
		win        window    // from the release to closeWindow
	)
	closeWindow := func() {
		closing.Do(func() {
			win.end = time.Now()
			cpu, ok := processCPU()
			win.endCPU, win.cpuOK = cpu, win.cpuOK && ok
			if cfg.Window != nil {
				winErr = cfg.Window(false)
			}
		})
	}
	r.Refusals = map[string]int{}
	stop := startProgress(cfg.Progress, label, len(people), func() int { return int(min(next.Load(), int64(len(people)))) })
	// The workers start before the release and wait at a gate: a
	// server's goroutines are running when the quota opens. Started in
	// the measured window, the first workers ran while the loop that
	// starts the others queued behind them for a processor, and the
	// window timed the harness's start-up along with the system.
	workers := max(1, cfg.Workers)
	var ready sync.WaitGroup
	ready.Add(workers)
	gate := make(chan struct{})
	for range workers {
		wg.Go(func() {
			ready.Done()
			<-gate
			var lat []time.Duration
			var atNs []int64 // this worker's bookings' instants: no shared word to write per booking
			refused := map[string]int{}
			for i := next.Add(1) - 1; i < int64(len(people)); i = next.Add(1) - 1 {
				// Each applicant is a new request. A server goroutine
				// blocks on the network between requests; a benchmark
				// loop that never blocks would hold its processor for a
				// whole time slice and starve the goroutines that commit.
				runtime.Gosched()
				o := book(sys, &people[i], rushYear, rushMonth, rushPool)
				lat = append(lat, o.latencies()...)
				if o.booked {
					atNs = append(atNs, o.onClock.UnixNano())
				} else {
					if o.reason == reasonSoldOut {
						closeWindow()
					}
					refused[o.reason]++
				}
			}
			mu.Lock()
			latency = append(latency, lat...)
			bookedAtNs = append(bookedAtNs, atNs...)
			for k, v := range refused {
				r.Refusals[k] += v
			}
			mu.Unlock()
		})
	}
	ready.Wait()
	if cfg.Window != nil {
		if err := cfg.Window(true); err != nil {
			next.Store(int64(len(people))) // nobody left to serve: the workers end
			close(gate)
			wg.Wait()
			stop()
			return err
		}
	}
	win.startCPU, win.cpuOK = processCPU()
	win.start = time.Now() // the release: every worker at the gate
	close(gate)
	wg.Wait()
	closeWindow()
	stop()
	r.Elapsed = time.Since(win.start)
	r.fillWave(len(people), bookedAtNs, latency, win)
	return winErr
}

// window is a wave's measured window, from the release to the first
// sold-out answer or the wave's end: its wall-clock instants and the
// process's CPU time at each, when cpuOK (see processCPU).
type window struct {
	start, end       time.Time
	startCPU, endCPU time.Duration
	cpuOK            bool
}

// fillWave fills r's counts, rates and latencies from a wave of
// applicants whose bookings were made at bookedAtNs (Unix ns), in
// window win; r.Elapsed is set.
func (r *Result) fillWave(applicants int, bookedAtNs []int64, latency []time.Duration, win window) {
	r.Applicants, r.Bookings = applicants, len(bookedAtNs)
	lastNs, inWindow := windowBookings(bookedAtNs, win.end.UnixNano())
	if r.Bookings > 0 {
		r.SoldOut = time.Unix(0, lastNs).Sub(win.start)
		r.BookingsPerSec = float64(r.Bookings) / r.SoldOut.Seconds()
	}
	r.OpsPerSec = float64(r.Applicants) / r.Elapsed.Seconds()
	if win.cpuOK {
		r.WindowCPU = win.endCPU - win.startCPU
		r.CPUShare = cpuShare(r.WindowCPU, win.end.Sub(win.start), runtime.GOMAXPROCS(0))
		if inWindow > 0 {
			r.CPUPerBooking = r.WindowCPU / time.Duration(inWindow)
		}
	}
	r.percentiles(latency)
	r.latency = latency
}

// windowBookings returns the last of the bookings' instants (Unix ns) and
// how many of them came by endNs, the instant the window closed.
func windowBookings(bookedAtNs []int64, endNs int64) (lastNs int64, inWindow int) {
	for _, at := range bookedAtNs {
		lastNs = max(lastNs, at)
		if at <= endNs {
			inWindow++
		}
	}
	return lastNs, inWindow
}

// merge adds a wave's counts and latencies to the run's.
func merge(r, w *Result) {
	r.Applicants += w.Applicants
	r.Bookings += w.Bookings
	if r.Refusals == nil {
		r.Refusals = map[string]int{}
	}
	for k, v := range w.Refusals {
		r.Refusals[k] += v
	}
	r.latency = append(r.latency, w.latency...)
	r.percentiles(r.latency)
}

// audit fills the result's seat accounting from the system's own audit.
func audit(sys System, r *Result) error {
	a, err := sys.Audit()
	if err != nil {
		return err
	}
	r.Capacity, r.Taken, r.Left, r.Oversold = a.Capacity, a.Taken, a.Left, a.Violations
	r.latency = nil
	return nil
}

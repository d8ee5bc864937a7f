package booking_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"strings"
	"time"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/internal/simdisk"
	"github.com/kuota/kuota/quota"
)

// simKnobs are what a seed draws before anything happens: how long the
// run is, how busy, how small the office, how fast the clock, and how
// often each fault strikes. Drawing them per seed (swarm testing) spreads
// the seeds over quiet and stormy runs instead of one average.
type simKnobs struct {
	steps, clients, niks int
	seats                [2]int
	maxHolds             int
	holdTTL              time.Duration
	end                  time.Time                     // where the clock goes over the run
	pAdvance, pJump      float64                       // per call: the clock moves a step of minutes; it leaps (see tick)
	pTimeout             float64                       // per call: the caller gives up after a deadline in simulated time
	fault                map[simdisk.FaultKind]float64 // per step of a write
	pCrash               float64                       // per call: the process dies between calls
	pRestart             float64                       // per call: a clean Close and reopen
	pPower               float64                       // of the deaths, the share that are power losses
	pTornPower           float64                       // of the power losses, the share that keep a torn prefix
	weights              [simOps]int
	retention            time.Duration // Options.Retention: RetentionMin, so that bookings are archived, or 0 (a year)
	standby              bool          // a standby follows the disk, and deaths fail over to it
}

// drawKnobs draws a seed's knobs. Each fault is off in about half of the
// seeds and at one of two rates in the others.
func drawKnobs(rng *rand.Rand) simKnobs {
	pick := func(xs ...float64) float64 { return xs[rng.IntN(len(xs))] }
	k := simKnobs{
		steps:    300 + rng.IntN(300),
		clients:  3 + rng.IntN(6),
		niks:     8 + rng.IntN(10),
		seats:    [2]int{2 + rng.IntN(3), rng.IntN(3)},
		maxHolds: 1 + rng.IntN(2),
		holdTTL:  []time.Duration{30 * time.Minute, 2 * time.Hour, 24 * time.Hour}[rng.IntN(3)],
		end: []time.Time{time.Date(2026, time.December, 8, 12, 0, 0, 0, kt.WIB), time.Date(2026, time.December, 10, 12, 0, 0, 0, kt.WIB),
			time.Date(2026, time.December, 12, 0, 0, 0, 0, kt.WIB), time.Date(2027, time.January, 5, 12, 0, 0, 0, kt.WIB)}[rng.IntN(4)],
		pAdvance:   pick(0.3, 0.6),
		pJump:      pick(0.03, 0.06),
		pTimeout:   pick(0, 0.1, 0.3),
		pCrash:     pick(0, 0, 0.005, 0.02),
		pRestart:   pick(0, 0.005, 0.01),
		pPower:     pick(0, 0.5, 1),
		pTornPower: pick(0, 0.5),
		fault: map[simdisk.FaultKind]float64{
			simdisk.WriteError: pick(0, 0, 0.005, 0.02),
			simdisk.NoSpace:    pick(0, 0, 0.005, 0.02),
			simdisk.ReadOnlyFS: pick(0, 0, 0.002, 0.005),
			simdisk.TornWrite:  pick(0, 0, 0.005, 0.02),
			simdisk.SyncError:  pick(0, 0, 0.005, 0.02),
			simdisk.Crash:      pick(0, 0, 0.003, 0.01),
			simdisk.Slow:       pick(0, 0.05, 0.2),
		},
	}
	for op := range k.weights {
		k.weights[op] = simOp(op).weight() * (1 + rng.IntN(3))
	}
	// Every run goes from 1 November to at least 8 December (end), many
	// times RetentionMin: the bookings that end early are archived while
	// the later ones are made and changed.
	if rng.IntN(2) == 0 {
		k.retention = RetentionMin
	}
	k.standby = rng.IntN(2) == 0
	return k
}

func newSim(seed uint64, cfg simConfig) *sim {
	rng := rand.New(rand.NewPCG(seed, 0x51AD15C))
	s := &sim{seed: seed, cfg: cfg, rng: rng, knobs: drawKnobs(rng), clock: simdisk.NewClock(kt.T0.Add(-30 * time.Minute)), failLeft: -1}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	s.opts = Options{Now: s.clock.Now, NoSweeper: true, HoldTTL: s.knobs.holdTTL, MaxHoldsPerAccount: s.knobs.maxHolds,
		Retention: s.knobs.retention, Rand: rand.NewChaCha8(key)} // the same codes each run of the seed
	if s.knobs.retention == RetentionMin {
		s.stats.retentionMin = 1
	}
	s.disk = simdisk.New(s.clock, &simdisk.Options{Plan: s.plan, NoSync: cfg.noSync})
	for i := range s.knobs.niks {
		n, err := ParseNIK(kt.NIKDigits(1000 + i))
		if err != nil {
			panic(err)
		}
		s.niks = append(s.niks, n)
	}
	for i := range s.knobs.clients {
		c := &simClient{account: fmt.Sprint("acc-", i)}
		for _, k := range rng.Perm(s.knobs.niks)[:1+rng.IntN(3)] {
			c.family = append(c.family, k)
		}
		s.clients = append(s.clients, c)
	}
	return s
}

// plan is the disk's Plan, and so the fault schedule: at each step of each
// write it draws, from the seed's one generator (the same that picks the
// clients, their calls and the clock's moves, so that a seed replays
// exactly), one of the faults the step can bring, each at the seed's rate
// (drawKnobs). A disk found full, or failing a write or a sync with EIO,
// goes on so for the next 0 to 5 tries at that step: the journal's retries
// meet a disk that takes a while to recover.
// Deaths between calls, clean restarts and power losses are drawn in run
// and restart, at the seed's rates too.
func (s *sim) plan(step simdisk.Step, frameBytes int) simdisk.Fault {
	if !s.faultsOn {
		return simdisk.Fault{}
	}
	if s.repeatFor > 0 && step == s.repeatAt {
		s.repeatFor-- // the disk is still full, or still sick
		return simdisk.Fault{Kind: s.repeat}
	}
	r := s.rng.Float64()
	for _, k := range simStepFaults[step] {
		if r -= s.knobs.fault[k]; r >= 0 {
			continue
		}
		f := simdisk.Fault{Kind: k}
		switch k {
		case simdisk.Slow:
			f.Delay = []time.Duration{100 * time.Millisecond, 2 * time.Second, 30 * time.Second, 5 * time.Minute}[s.rng.IntN(4)]
		case simdisk.TornWrite:
			f.Keep = s.rng.IntN(frameBytes)
		case simdisk.NoSpace, simdisk.WriteError, simdisk.SyncError:
			s.repeat, s.repeatAt, s.repeatFor = k, step, s.rng.IntN(6)
		}
		s.tracef("  disk: %v at step %d of a %d-byte frame", k, step, frameBytes)
		return f
	}
	return simdisk.Fault{}
}

// simStepFaults are the faults the plan draws at each step of a write.
var simStepFaults = [...][]simdisk.FaultKind{
	simdisk.BeforeWrite: {simdisk.WriteError, simdisk.NoSpace, simdisk.ReadOnlyFS, simdisk.TornWrite, simdisk.Crash, simdisk.Slow},
	simdisk.BeforeSync:  {simdisk.SyncError, simdisk.Crash, simdisk.Slow},
	simdisk.AfterSync:   {simdisk.Crash},
}

// run is one seed's run: the setup, the calls, and a last clean restart.
func (s *sim) run() {
	s.setup()
	for s.calls < s.knobs.steps {
		s.tick()
		s.step()
		if !s.dead && s.rng.IntN(2) == 0 {
			s.idle()
		}
		st := s.j.Stats()
		switch sticky := st.Err != nil && !st.Failing; {
		case s.dead:
			s.restart("the process died in a write")
		case sticky && s.failLeft == 0:
			s.restart("after a write that failed for good")
		case sticky && s.failLeft < 0:
			s.failLeft = s.rng.IntN(5) // calls on the failed engine before the operator restarts it
		case sticky:
			s.failLeft--
		case s.rng.Float64() < s.knobs.pCrash:
			s.restart("crash")
		case s.rng.Float64() < s.knobs.pRestart:
			s.restart("")
		case s.calls%25 == 0:
			s.audit("periodic")
		}
	}
	s.restart("")
	// Over seeds 1..1000 the runs acknowledge a change in 12% to 50% of
	// their calls (the median 24%): a run under one in twelve has stopped
	// doing what it is for.
	if least := s.calls / 12; s.stats.changes < least {
		s.fail("no progress: %d changes acknowledged in %d calls, want at least %d", s.stats.changes, s.calls, least)
	}
}

// idle lets the journal do what journal.Group's writer does between
// calls: write what is queued, try again a write the disk refused.
func (s *sim) idle() {
	if err := s.j.Idle(); err != nil || s.disk.Down() {
		s.tracef("the journal's writer: %v", err)
	}
	s.dead = s.disk.Down()
}

// broken reports whether the journal refuses writes: failed for good, or
// retrying a write the disk may recover from.
func (s *sim) broken() bool { return s.j.Stats().Err != nil }

// setup opens the first engine and registers the office, with no fault.
func (s *sim) setup() {
	log, err := simdisk.OpenLog(s.disk)
	if err != nil {
		s.fail("open the empty disk: %v", err)
	}
	s.log = log
	if s.j, err = simdisk.NewJournal(log, s.clock); err != nil {
		s.fail("journal: %v", err)
	}
	if s.e, err = StartWith(&s.opts, s.j); err != nil {
		s.fail("start: %v", err)
	}
	s.model = newSimModel(s.knobs.seats, s.knobs.maxHolds, "")
	cfg := simOfficeConfig(s.knobs.seats, "Kantor Imigrasi Jakarta Selatan")
	if err := s.e.RegisterOffice(context.Background(), cfg); err != nil {
		s.fail("register: %v", err)
	}
	s.change("register the office", "", true, func(m *simModel) { m.name = cfg.Name })
	if s.knobs.standby {
		s.newStandby()
	}
	s.base = newSimModel(s.knobs.seats, s.knobs.maxHolds, "")
	s.faultsOn = true
}

// simOfficeConfig is kt.OfficeConfig with the seed's seats, built without
// a testing.TB.
func simOfficeConfig(seats [2]int, name string) OfficeConfig {
	holidays, err := calendar.NewHolidays(
		calendar.HolidayEntry{Date: kt.Dec25, Kind: calendar.National, Name: "Hari Raya Natal"},
		calendar.HolidayEntry{Date: kt.Dec25Next, Kind: calendar.National, Name: "Hari Raya Natal"}, // so that the data covers 2027
	)
	if err != nil {
		panic(err)
	}
	slots := make([]quota.Slot, len(simSlots))
	for i, sl := range simSlots {
		slots[i] = quota.Slot{Start: sl.Start, End: sl.End, Seats: seats[:]}
	}
	return OfficeConfig{Code: kt.Office, Name: name, Quota: quota.Config{
		Schedule: calendar.Schedule{Location: kt.WIB, Holidays: holidays},
		Layout:   quota.Layout{Pools: simPools, Slots: slots},
		Release:  quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
		First:    simTableFirst, Days: 60,
	}}
}

// tick moves the clock, sometimes: mostly by seconds to minutes, so that
// a client can pay its hold or check in within a window; now and then by
// a leap, to the next instant at which a window of the sim's dates opens
// or closes, or by a share of the way to the run's end, so that every run
// reaches its end whatever its pace.
func (s *sim) tick() {
	now := s.clock.Now()
	switch r := s.rng.Float64(); {
	case r < s.knobs.pJump && s.rng.IntN(2) == 0:
		for _, at := range simMarks {
			if at.After(now) && !at.After(s.knobs.end) {
				s.clock.AdvanceTo(at)
				s.tracef("clock jumps to %s", at.In(kt.WIB).Format(time.DateTime))
				return
			}
		}
	case r < s.knobs.pJump:
		leapsLeft := max(s.knobs.pJump*float64(s.knobs.steps-s.calls), 1)
		d := time.Duration(s.rng.Float64() * 2 / leapsLeft * float64(s.knobs.end.Sub(now)))
		s.clock.Advance(d)
		s.tracef("clock leaps %v", d.Round(time.Minute))
	case r < s.knobs.pJump+s.knobs.pAdvance:
		steps := []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 15 * time.Minute}
		s.clock.Advance(steps[s.rng.IntN(len(steps))])
	}
}

// simMarks are the instants, in order, at which something changes for
// the sim's dates: the releases, and each date's windows and slots.
var simMarks = func() []time.Time {
	marks := []time.Time{kt.T0, simJanRelease}
	for _, d := range simBookable {
		start := d.Start(kt.WIB)
		for _, at := range []time.Duration{-48 * time.Hour, -24*time.Hour - time.Minute, -24 * time.Hour, -time.Minute, 0,
			7 * time.Hour, 7*time.Hour + 30*time.Minute, 8 * time.Hour, 8*time.Hour + 30*time.Minute, 9 * time.Hour,
			9*time.Hour + 30*time.Minute, 10 * time.Hour, 24 * time.Hour} {
			marks = append(marks, start.Add(at))
		}
	}
	for i := 1; i < len(marks); i++ { // sort: few, and nearly sorted
		for j := i; j > 0 && marks[j].Before(marks[j-1]); j-- {
			marks[j], marks[j-1] = marks[j-1], marks[j]
		}
	}
	return marks
}()

// restart ends the process — cleanly when why is empty, else by a death
// that is a power loss at the seed's rate — and reopens the engine from
// what the disk kept.
func (s *sim) restart(why string) {
	if why == "" {
		err := s.e.Close()
		s.tracef("close: %v", err)
		s.stats.restarts++
		if err != nil || s.disk.Down() {
			why = "a close that failed"
		}
	}
	if why != "" {
		if s.rng.Float64() < s.knobs.pPower {
			keep := 0
			if s.rng.Float64() < s.knobs.pTornPower {
				keep = s.rng.IntN(s.disk.Unsynced() + 1)
			}
			lost := s.disk.PowerLoss(keep)
			s.tracef("POWER LOSS (%s): %d unsynced bytes lost, %d kept", why, lost, keep)
		} else {
			s.disk.Crash()
			s.tracef("CRASH (%s)", why)
		}
	}
	s.reopen()
}

// reopen builds a new engine from what the disk kept, then settles the
// model against it. A reopen whose own first write fails is a crash too,
// and is tried again, a bounded number of times.
func (s *sim) reopen() {
	const attemptsMax = 5
	for range attemptsMax {
		log, err := simdisk.OpenLog(s.disk)
		if err != nil {
			s.fail("the disk refuses to open: %v", err)
		}
		kept, _ := log.Last()
		s.log = log
		if s.j, err = simdisk.NewJournal(log, s.clock); err != nil {
			s.fail("journal: %v", err)
		}
		if s.sb != nil && s.rng.IntN(2) == 0 {
			s.failover(kept)
			s.tracef("failed over to the standby: the disk kept LSN 1..%d", kept)
			s.settle(kept)
			return
		}
		s.e, err = StartWith(&s.opts, s.j)
		if err != nil && (s.disk.Down() || errors.Is(err, ErrStorage)) {
			s.tracef("reopen failed: %v", err)
			s.disk.Crash()
			continue
		}
		if err != nil {
			s.fail("reopen refused what the disk kept (%d records): %v", kept, err)
		}
		s.dead, s.failLeft = false, -1
		s.stats.reopens++
		s.tracef("reopened: the disk kept LSN 1..%d", kept)
		s.settle(kept)
		return
	}
	s.fail("no reopen in %d attempts", attemptsMax)
}

// settle checks, after a reopen that kept LSNs up to kept, that every
// acknowledged change was kept, rebuilds the model from the changes that
// were, and audits the new engine against it.
//
// A change kept only in the page cache (written, its sync failed, the
// process crashed) is read back, but a power loss before the next sync
// can still take it: it stays among the changes the next reopen decides,
// and only what is durable goes into the base.
func (s *sim) settle(kept uint64) {
	m, base, durable := s.base.clone(), s.base.clone(), s.disk.Durable()
	var pending []simChange
	var lost []string
	for _, c := range s.changes {
		switch {
		case c.lsn <= durable:
			c.apply(m)
			c.apply(base)
		case c.lsn <= kept:
			c.apply(m)
			pending = append(pending, c)
		case c.acked:
			lost = append(lost, fmt.Sprintf("call #%d (%s) returned success, its record has LSN %d", c.call, c.desc, c.lsn))
		default:
			s.tracef("  lost, as it may be: call #%d (%s), LSN %d", c.call, c.desc, c.lsn)
		}
	}
	if len(lost) > 0 {
		s.fail("acknowledged change lost: the disk kept LSN 1..%d, and %d acknowledged changes are gone:\n  %s", kept, len(lost), strings.Join(lost, "\n  "))
	}
	if len(pending) > 0 {
		s.tracef("  kept in the page cache only, up to LSN %d: %d changes", kept, len(pending))
	}
	s.model, s.base, s.changes = m, base, pending
	s.audit("reopen")
}

// simStats count one run.
type simStats struct {
	calls, ok, refused, unsure  int
	changes                     int            // changes acknowledged: the progress a run must make
	byOp                        [simOps][3]int // calls by simOutcome
	restarts, timeouts, reopens int
	staleViews                  int // views on a journal refusing writes that could not record the overdue holds
	retentionMin                int // runs with Options.Retention RetentionMin: 1 or 0
	archived, archivedUnsure    int // archivings ArchiveDue acknowledged, and made without an answer
	archivedAnswers             int // calls on an archived booking that answered ErrArchived
	exports, exported           int // ExportArchive calls checked, and the bookings they listed
	standbys, failovers         int // runs with a standby, and deaths it took over from
	standbyChecks, followed     int // audits that compared the standby with the engine, and records it followed
}

// simReport is what TestSim says about its run.
type simReport struct {
	seeds int
	simStats
	disk     simdisk.Stats
	trace    []string // the last seed's
	diskHash uint32   // the last seed's file, as the last process left it
}

func (s *sim) report() simReport {
	return simReport{seeds: 1, simStats: s.stats, disk: s.disk.Stats(), trace: s.trace, diskHash: crc32.ChecksumIEEE(s.disk.Bytes())}
}

func (r *simReport) add(o *simReport) {
	r.seeds += o.seeds
	r.calls += o.calls
	r.ok += o.ok
	r.changes += o.changes
	r.staleViews += o.staleViews
	r.retentionMin += o.retentionMin
	r.archived += o.archived
	r.archivedUnsure += o.archivedUnsure
	r.archivedAnswers += o.archivedAnswers
	r.exports += o.exports
	r.exported += o.exported
	r.standbys += o.standbys
	r.failovers += o.failovers
	r.standbyChecks += o.standbyChecks
	r.followed += o.followed
	r.refused += o.refused
	r.unsure += o.unsure
	r.restarts += o.restarts
	r.timeouts += o.timeouts
	r.reopens += o.reopens
	for op := range r.byOp {
		for i := range r.byOp[op] {
			r.byOp[op][i] += o.byOp[op][i]
		}
	}
	for k := range r.disk.Faults {
		r.disk.Faults[k] += o.disk.Faults[k]
	}
	r.disk.Writes += o.disk.Writes
	r.disk.Syncs += o.disk.Syncs
	r.disk.Crashes += o.disk.Crashes
	r.disk.PowerLosses += o.disk.PowerLosses
	r.disk.TornTails += o.disk.TornTails
	r.disk.TornByPower += o.disk.TornByPower
	r.disk.LostBytes += o.disk.LostBytes
	r.trace, r.diskHash = o.trace, o.diskHash
}

func (r *simReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d seeds, %d calls: %d answered ok (%d changes acknowledged), %d refused, %d unanswered (storage failure, deadline or death); %d reopens\n",
		r.seeds, r.calls, r.ok, r.changes, r.refused, r.unsure, r.reopens)
	fmt.Fprintf(&b, "disk: %d frames written, %d synced; faults injected:", r.disk.Writes, r.disk.Syncs)
	for k := simdisk.WriteError; k <= simdisk.Crash; k++ {
		fmt.Fprintf(&b, " %v %d,", k, r.disk.Faults[k])
	}
	fmt.Fprintf(&b, " (a full or sick disk counts each try it refuses)\n")
	fmt.Fprintf(&b, "processes ended: %d by a crash (page cache kept), %d by power loss (%d of them keeping a torn prefix; %d unsynced bytes lost), %d cleanly; %d torn tails dropped at open; %d calls gave up at their deadline\n",
		r.disk.Crashes, r.disk.PowerLosses, r.disk.TornByPower, r.disk.LostBytes, r.restarts, r.disk.TornTails, r.timeouts)
	fmt.Fprintf(&b, "while the journal refused writes: %d views could not record a lapsed hold's expiry (its seats stay counted until they can, as Stats documents)\n", r.staleViews)
	fmt.Fprintf(&b, "retention: %d seeds at RetentionMin; %d archivings acknowledged, each as the model has it due, %d made without an answer; %d calls on an archived booking answered ErrArchived; %d exports checked, listing %d archived bookings\n",
		r.retentionMin, r.archived, r.archivedUnsure, r.archivedAnswers, r.exports, r.exported)
	fmt.Fprintf(&b, "standby: %d seeds with one; %d records followed, %d audits found its every booking as the engine's; %d deaths failed over to it (promoted over what the disk kept)\n",
		r.standbys, r.followed, r.standbyChecks, r.failovers)
	b.WriteString("calls by operation (acknowledged/refused/unanswered):")
	for op := range simOp(simOps) {
		c := r.byOp[op]
		fmt.Fprintf(&b, " %s %d/%d/%d,", op, c[simOK], c[simRefused], c[simUnsure])
	}
	return strings.TrimSuffix(b.String(), ",")
}

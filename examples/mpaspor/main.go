// Command mpaspor tells the story of one M-Paspor quota opening with the
// kuota booking engine, printing the engine's real answers as it goes. It
// is the first program to run:
//
//	go run ./examples/mpaspor
//
// Three immigration offices, one in each Indonesian time zone, release
// December 2026's quota on 1 November at 08:00 local time. The program
// shows Jakarta's calendar before the release (yellow), runs the opening
// rush — twenty thousand families at once against about three thousand
// seats, on a pool of goroutines — and shows the calendar again (red).
// Then it follows single bookings through their lives: a family of five
// in Makassar holds, pays, reschedules and checks in; a couple in
// Jayapura lets its billing code lapse and the seats return, at the
// deadline's instant; each refusal a user can meet is printed with the
// engine's error text; and the Jayapura office rejects a booking at the
// counter, with a reason of a documented kind.
//
// Beyond M-Paspor: each payment gets its queue number in its slot
// ("B-001", a new one at a reschedule), and the office's arrival list is
// in that order; a booking knows the day its passports are ready
// (Booking.ReadyOn); the family's proof of booking is checked at the
// door offline, with the engine's public key, and each KTP against it
// (Proof.HasNIK), while a cancelled booking's proof, still genuine, is
// caught online (Engine.CheckProof); and one release is sold twice, first
// come first served and through an opening draw, counting how often the
// earliest 1% of arrivals win against their fair share, with no seat
// sold twice either way.
//
// The calendars are the online pool's own (Engine.MonthIn and
// Engine.DayIn): walk-in seats never make a day green for people booking
// from the app. A yellow day is one whose quota is not opened yet, or that
// offers none.
//
// # Time
//
// The engine reads the clock only through booking.Options.Now, and here
// that is a fake clock the program moves forward, from 07:55 WIB on
// 1 November to the arrival day in December. Everything random comes
// from math/rand/v2 seeded by -seed, so a run prints the same story every
// time, except for the lines marked "~" (timings, and counts that depend
// on which goroutine won a race for the last seats) and the booking and
// billing codes: the engine derives them from a secret key (seeded here,
// through Options.Rand) and each booking's sequence number, and the race
// decides the sequence.
//
// # Flags
//
//	-db PATH        keep the bbolt file at PATH; without it the program uses
//	                a file in a fresh temporary directory and removes it at
//	                exit. A second run on the same PATH reopens the file:
//	                the offices and earlier bookings are already there.
//	-seed N         the seed of every random choice (default 1)
//	-applicants N   families in the opening rush (default 20000)
//	-color MODE     auto, always or never: colour the calendar grids with
//	                ANSI escapes, or mark days with letters (G green, R red,
//	                Y yellow: not opened yet or no quota, . grey). auto
//	                colours a terminal unless NO_COLOR is set.
//
// A progress bar is drawn on stderr during the rush when stderr is a
// terminal; stdout carries only the story.
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/examples/internal/demo"
	"github.com/kuota/kuota/internal/grid"
	"github.com/kuota/kuota/internal/term"
	"github.com/kuota/kuota/quota"
)

// The quota the demo offices publish.
var (
	// seats in every one-hour slot from 08:00 to 16:00. Jakarta's
	// December then offers 21 service days × 8 slots × 20 = 3360 online
	// seats, which the default rush of 20,000 families (about 40,000
	// people) sells out many times over, as real openings do.
	seats = demo.Seats{Online: 20, WalkIn: 4, Accelerated: 2, Collective: 2}
	// release opens a whole month on the 1st of the month before, at
	// 08:00 office time: the usual M-Paspor schedule.
	release = quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour}
	// windowFirst and windowDays make the offices' booking window
	// December and January, so that January shows as not opened yet
	// while December sells.
	windowFirst = calendar.NewDate(2026, time.December, 1)
	// januaryDay is a Monday of January 2027, in the window but in a year
	// whose holidays kuota does not ship yet.
	januaryDay = calendar.NewDate(2027, time.January, 4)
)

const (
	windowDays = 62
	// onlinePool is the pool that people book from the app, and the one
	// the rush empties; walkInPool is the counter's own quota, which the
	// app never touches. Views and requests name pools, as demo.Pools
	// does.
	onlinePool = "online"
	walkInPool = "walk-in"
	// applicantsMax bounds -applicants: the rush keeps every family in
	// memory (about 200 bytes each) and a million already takes a while.
	applicantsMax = 1_000_000
)

// start is the fake clock's first reading: five minutes before Jakarta's
// quota opens.
var start = time.Date(2026, time.November, 1, 7, 55, 0, 0, calendar.Jakarta())

// errUsage is returned for bad flags, which the flag package has already
// explained on stderr; main exits 2 for it, as flag.ExitOnError would.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "mpaspor:", err)
		os.Exit(1)
	}
}

// config is what the flags say.
type config struct {
	dbPath     string
	seed       uint64
	applicants int
	style      grid.Style
}

func parseFlags(args []string, stdout, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("mpaspor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.dbPath, "db", "", "bbolt `file` to keep (default: a temporary file removed at exit)")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of every random choice")
	fs.IntVar(&c.applicants, "applicants", 20000, "`families` in the opening rush")
	color := fs.String("color", term.ColorAuto, "colour the grids: auto, always or never")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, errUsage
	}
	style, colorErr := term.GridStyle(*color, stdout)
	c.style = style
	var err error
	switch {
	case colorErr != nil:
		err = fmt.Errorf("-color %q: %w", *color, colorErr)
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected arguments %q", fs.Args())
	case c.applicants < 1 || c.applicants > applicantsMax:
		err = fmt.Errorf("-applicants %d: want 1..%d", c.applicants, applicantsMax)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mpaspor: %v\n", err)
		fs.Usage()
		return c, errUsage
	}
	return c, nil
}

// run is the whole program: it parses args, opens the engine and tells
// the story on stdout. Only the rush's progress bar goes to stderr, and
// only when stderr is a terminal.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	cfg, err := parseFlags(args, stdout, stderr)
	if err != nil {
		return err
	}
	clock := &fakeClock{}
	clock.set(start)
	// The background sweeper sleeps in real time towards the next
	// deadline as the clock reports it; with a clock that jumps six weeks
	// in a microsecond it would wake at the wrong moments. So the
	// program runs the sweeper's two jobs itself, ExpireDue and
	// MarkNoShows, each time it moves the clock (see story.at). Both read
	// the engine's clock, the fake one, so they can never run ahead of it.
	// The secret key behind booking and billing codes comes from the
	// seed too, so a new file gets the same key for the same -seed. (The
	// codes still follow the order in which bookings are made, which the
	// rush's races decide.)
	opts := &booking.Options{Now: clock.Now, NoSweeper: true, Rand: seededReader(cfg.seed)}
	engine, cleanup, err := demo.OpenEngine("mpaspor", cfg.dbPath, opts)
	if err != nil {
		return err
	}
	defer func() {
		// Close waits for every accepted change to reach the disk; the
		// temporary directory goes after it.
		err = errors.Join(err, engine.Close(), cleanup())
	}()

	s := &story{
		ctx:    ctx,
		e:      engine,
		clock:  clock,
		p:      &printer{w: stdout},
		cfg:    cfg,
		stderr: stderr,
	}
	if err := s.tell(); err != nil {
		return err
	}
	return s.p.err
}

// story holds what every scene needs.
type story struct {
	ctx    context.Context
	e      *booking.Engine
	clock  *fakeClock
	p      *printer
	cfg    config
	stderr io.Writer

	// niks makes every NIK of the run from one seeded generator.
	niks *nikMaker
	// runs is how many earlier runs booked into this file; it keeps
	// this run's people apart from theirs (see setup).
	runs int

	// family5, couple and sister are the bookings the story follows,
	// and proof the family's proof of booking.
	family5, couple, sister booking.Booking
	proof                   string
}

// tell runs the scenes in the order of the clock.
func (s *story) tell() error {
	for _, scene := range []func() error{
		s.setup, s.offices, s.beforeOpening, s.rush,
		s.family, s.lapse, s.refusals, s.arrival, s.fairOpening, s.summary,
	} {
		if err := scene(); err != nil {
			return err
		}
		if err := s.ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// at moves the clock to t and does what the background sweeper would
// have done by then: expire lapsed holds and mark no-shows. It returns
// how many holds expired.
func (s *story) at(t time.Time) (int, error) {
	if err := s.move(t); err != nil {
		return 0, err
	}
	expired, err := s.e.ExpireDue(s.ctx)
	if err != nil {
		return 0, err
	}
	if _, err := s.e.MarkNoShows(s.ctx); err != nil {
		return 0, err
	}
	return expired, nil
}

// move moves the clock to t without sweeping, which at does next. Reads
// need no sweep: the engine shows every deadline at its instant, so a
// scene can look at the file between the two.
func (s *story) move(t time.Time) error {
	if t.Before(s.clock.Now()) {
		// A scene out of order: a bug in this program, not in its input.
		return fmt.Errorf("clock would run backwards to %v", t)
	}
	s.clock.set(t)
	now := s.clock.Now()
	// Print the instant where the scene happens, and in WIB, the clock
	// the rest of the story keeps.
	s.p.line("\n  [clock] %s", inWIB(now.In(t.Location())))
	return nil
}

// setup reports the database and seeds the run.
func (s *story) setup() error {
	s.p.section(1, "Setup")
	if s.cfg.dbPath == "" {
		s.p.line("Database: a bbolt file in a fresh temporary directory, removed at exit (-db PATH keeps one).")
	} else {
		s.p.line("Database: %s (kept; run again with the same -db to reopen it).", s.cfg.dbPath)
	}
	// A reopened file already holds the bookings of earlier runs, some
	// paid: their people may not book again (one live booking per NIK,
	// and a month's wait after an arrival). Mixing the number of stored
	// bookings into the seed gives this run new people.
	stored := s.e.Stats().Total
	s.niks = newNIKMaker(rand.New(rand.NewPCG(s.cfg.seed, uint64(stored))))
	earlier, err := s.e.AccountBookings(s.ctx, familyAccount)
	if err != nil {
		return err
	}
	s.runs = len(earlier)
	if stored > 0 {
		s.p.line("The file already holds %s from %s. The clock starts again on",
			count(int64(stored), "booking", "bookings"), count(int64(s.runs), "earlier run", "earlier runs"))
		s.p.line("1 November; this run's applicants are new people, and earlier paid bookings keep their seats.")
	}
	s.p.line("Seed %d: every applicant and choice below comes from it. The engine's clock is a fake one", s.cfg.seed)
	s.p.line("that this program moves forward; the background sweeper is off and the program expires holds")
	s.p.line("and marks no-shows itself each time it moves the clock.")
	s.p.line("Lines starting with ~ change from run to run (timings, and who won the race for the last")
	s.p.line("seats), and so do booking and billing codes, which follow the order bookings were made in.")
	return nil
}

// seededReader is a deterministic stream of bytes for Options.Rand: fine
// for a simulation, never for production, where codes must be secret.
func seededReader(seed uint64) io.Reader {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	return rand.NewChaCha8(key)
}

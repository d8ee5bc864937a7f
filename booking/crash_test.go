package booking_test

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/journal"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

var crashCycles = flag.Int("kuota.crashcycles", 50, "kill cycles of TestCrashRecovery")

// The crash child is the test binary run again with these variables set.
const (
	envCrashFile  = "KUOTA_CRASH_FILE"
	envCrashStart = "KUOTA_CRASH_START" // the child's clock starts here, Unix ns
	envCrashSeed  = "KUOTA_CRASH_SEED"
)

// TestMain runs the crash child instead of the tests when the parent asks
// for one. It is the only TestMain of package booking_test.
func TestMain(m *testing.M) {
	if path := os.Getenv(envCrashFile); path != "" {
		os.Exit(crashChild(path))
	}
	os.Exit(m.Run())
}

// crashClockScale makes the child's clock run ten minutes per second, so
// that holds with a one-minute TTL expire while it runs.
const crashClockScale = 600

// crashHoldTTL is the child's hold TTL.
const crashHoldTTL = time.Minute

// The child books and reschedules into 14–25 December, 120 seats, with six
// goroutines, for crashChildMax at most: the parent kills it long before,
// and a child whose parent died ends by itself.
const (
	crashFirstDay = 14
	crashLastDay  = 25
	crashWorkers  = 6
	crashChildMax = 5 * time.Minute
)

func crashOffice() OfficeConfig {
	return OfficeConfig{
		Code: "CRASH",
		Name: "Crash test office",
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: calendar.Jakarta()},
			Layout: quota.Layout{Pools: []string{kt.Online}, Slots: []quota.Slot{
				{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{6}},
				{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{6}},
			}},
			First: calendar.NewDate(2026, time.December, 1),
			Days:  31,
		},
	}
}

// crashChild runs a random concurrent workload on the file at path until it
// is killed, writing one line to stdout per acknowledged change:
//
//	ACK <code> <state> <at, Unix ns>
func crashChild(path string) int {
	start, _ := strconv.ParseInt(os.Getenv(envCrashStart), 10, 64)
	seed, _ := strconv.ParseUint(os.Getenv(envCrashSeed), 10, 64)
	began := time.Now()
	now := func() time.Time {
		return time.Unix(0, start).Add(time.Since(began) * crashClockScale)
	}
	e, err := Open(path, &Options{Now: now, HoldTTL: crashHoldTTL, NoSweeper: true, MaxHoldsPerAccount: 3})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		return 2
	}
	ctx := context.Background()
	if err := e.RegisterOffice(ctx, crashOffice()); err != nil {
		fmt.Fprintln(os.Stderr, "child register:", err)
		return 2
	}
	// The live bookings earlier children left are this child's to pay,
	// cancel and reschedule too: without them the dates would fill with
	// paid bookings no child knows, and later cycles could change nothing.
	var inherited [crashWorkers][]Booking
	deal := rand.New(rand.NewPCG(seed, crashWorkers))
	for d := crashFirstDay; d <= crashLastDay; d++ {
		list, err := e.DayBookings(ctx, "CRASH", calendar.NewDate(2026, time.December, d))
		if err != nil {
			fmt.Fprintln(os.Stderr, "child day bookings:", err)
			return 2
		}
		for _, b := range list {
			if b.State == Held || b.State == Paid {
				g := deal.IntN(crashWorkers)
				inherited[g] = append(inherited[g], b)
			}
		}
	}
	var out sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	say := func(line string) {
		out.Lock()
		fmt.Fprintln(w, line)
		w.Flush() // one write per line: what the parent reads was acknowledged
		out.Unlock()
	}
	ack := func(b Booking) {
		last := b.History[len(b.History)-1]
		say(fmt.Sprintf("ACK %s %d %d", b.Code, last.State, last.At.UnixNano()))
	}
	say("READY")
	day := func(rng *rand.Rand) calendar.Date {
		return calendar.NewDate(2026, time.December, crashFirstDay+rng.IntN(crashLastDay-crashFirstDay+1))
	}
	var wg sync.WaitGroup
	for g := range crashWorkers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			mine := inherited[g]
			// The refusals, by operation and error, go to stderr every
			// second: the parent shows them when a child makes no progress.
			refused, lastSaid := map[string]int{}, time.Now()
			refuse := func(what string, err error) {
				if err == nil {
					return
				}
				refused[what+": "+err.Error()]++
				if time.Since(lastSaid) > time.Second {
					fmt.Fprintf(os.Stderr, "worker %d refusals: %v\n", g, refused)
					clear(refused)
					lastSaid = time.Now()
				}
			}
			for time.Since(began) < crashChildMax {
				switch op := rng.IntN(10); {
				case op < 4 || len(mine) == 0:
					b, err := e.Hold(ctx, HoldRequest{
						Account: fmt.Sprintf("g%d-%d", g, rng.IntN(20)), Office: "CRASH",
						Date: day(rng), Slot: []string{kt.Slot0, kt.Slot1}[rng.IntN(2)], Pool: kt.Online,
						Applicants: []Applicant{{NIK: benchNIK(uint64(rng.IntN(5000)*crashWorkers + g))}},
					})
					if err == nil {
						ack(b)
						mine = append(mine, b)
					}
					refuse("hold", err)
				case op < 7:
					b := mine[rng.IntN(len(mine))]
					p, err := e.Pay(ctx, b.BillingCode, "ref-"+b.Code)
					if err == nil {
						ack(p)
					}
					refuse("pay", err)
				case op < 8:
					b := mine[rng.IntN(len(mine))]
					c, err := e.Cancel(ctx, b.Code, Reason{})
					if err == nil {
						ack(c)
					}
					refuse("cancel", err)
				case op < 9:
					b := mine[rng.IntN(len(mine))]
					r, err := e.Reschedule(ctx, b.Code, day(rng), []string{kt.Slot0, kt.Slot1}[rng.IntN(2)])
					if err == nil {
						ack(r)
					}
					refuse("reschedule", err)
				default:
					e.ExpireDue(ctx)
				}
				if len(mine) > 100 {
					mine = mine[50:]
				}
			}
		})
	}
	wg.Wait() // only after crashChildMax: the parent kills the process first
	fmt.Fprintln(os.Stderr, "child: ran out its time without being killed")
	return 3
}

// TestCrashRecovery kills a child process running a durable workload at
// random moments, many times over one file, and checks after each kill
// that bbolt's own consistency check is clean, that every record of the
// journal decodes, that the file reopens with every invariant intact, and
// that every change the child acknowledged is there.
// -kuota.crashcycles sets the number of kills (50 by default).
func TestCrashRecovery(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.db")
	clockAt := kt.T1 // the child's clock starts where the last one stopped
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	total, records, early, fewest := 0, 0, 0, -1
	made := false // whether a child has made the file yet
	for cycle := range *crashCycles {
		// One cycle in five kills the child at a random moment from its
		// start, perhaps while it opens the file; the others after its
		// first acknowledged change, so that every such cycle makes some.
		kill := rng.IntN(5) == 0
		if kill {
			early++
		}
		acks, last := runCrashChild(t, path, clockAt, seed+uint64(cycle), time.Duration(20+rng.IntN(300))*time.Millisecond, kill)
		total += len(acks)
		if last.After(clockAt) {
			clockAt = last
		}
		if !hasBytes(t, path) {
			// Killed early, before the first child to get so far made the
			// file (or wrote its first page): nothing to check yet, and
			// nothing may have been acknowledged. Once made, it stays.
			require.False(t, made, "cycle %d: the file is gone or empty", cycle)
			require.True(t, kill, "cycle %d: a child that acknowledged a change left no file", cycle)
			require.Empty(t, acks, "cycle %d", cycle)
			continue
		}
		made = true
		checkBoltFile(t, path)
		n := journalRecords(t, path)
		require.GreaterOrEqual(t, n, records, "cycle %d: the journal lost records", cycle)
		if !kill {
			require.Greater(t, n, records, "cycle %d: an acknowledged change left no record", cycle)
			made := n - records
			if fewest < 0 || made < fewest {
				fewest = made
			}
		}
		records = n

		reopenAt := clockAt
		e, err := Open(path, &Options{Now: func() time.Time { return reopenAt }, HoldTTL: crashHoldTTL, NoSweeper: true})
		require.NoError(t, err, "cycle %d: reopen", cycle)
		for _, a := range acks {
			b, err := e.Get(bg, a.code)
			require.NoError(t, err, "cycle %d: acknowledged booking %s is gone", cycle, a.code)
			require.True(t, hasEvent(b, a.state, a.at), "cycle %d: booking %s lost its acknowledged %v at %d: %+v", cycle, a.code, a.state, a.at, b.History)
		}
		kt.RequireConsistent(t, e)
		require.NoError(t, e.Close())
	}
	require.Positive(t, total, "the children acknowledged nothing: nothing was checked")
	t.Logf("%d kill cycles (%d at a random moment from the start), %d acknowledgements checked, %d records (%d at least from a cycle killed after a change)",
		*crashCycles, early, total, records, fewest)
}

type crashAck struct {
	code  string
	state State
	at    int64
}

func hasEvent(b Booking, s State, at int64) bool {
	for _, ev := range b.History {
		if ev.State == s && ev.At.UnixNano() == at {
			return true
		}
	}
	return false
}

// runCrashChild starts a child on path and kills it with SIGKILL d after
// the first change it makes and acknowledges, or, when early, d after it started (so
// also while it opens and replays the file). It returns what the child
// acknowledged (its changes, and replays of changes already made) and the
// latest instant it acknowledged. A child that is not early must make and
// acknowledge a change within crashAckWait: each cycle makes progress, or
// the test fails.
func runCrashChild(t *testing.T, path string, start time.Time, seed uint64, d time.Duration, early bool) ([]crashAck, time.Time) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		envCrashFile+"="+path,
		envCrashStart+"="+strconv.FormatInt(start.UnixNano(), 10),
		envCrashSeed+"="+strconv.FormatUint(seed, 10))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())

	var acks []crashAck
	last := start
	done, acked := make(chan struct{}), make(chan struct{})
	firstAck := acked // the reader sets acked to nil once it closes it
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 4 || f[0] != "ACK" {
				continue
			}
			st, _ := strconv.Atoi(f[2])
			at, _ := strconv.ParseInt(f[3], 10, 64)
			if at > start.UnixNano() && acked != nil {
				close(acked) // a change this child made, not a replay of an earlier one
				acked = nil
			}
			acks = append(acks, crashAck{code: f[1], state: State(st), at: at})
			if ts := time.Unix(0, at); ts.After(last) {
				last = ts
			}
		}
	}()
	if !early {
		select {
		case <-firstAck:
		case <-done:
		case <-time.After(crashAckWait):
		}
		select {
		case <-firstAck:
		default:
			_ = cmd.Process.Kill()
			<-done
			_ = cmd.Wait()
			t.Fatalf("the child made and acknowledged no change within %v (%d replays of earlier ones): the cycle made no progress\n%s",
				crashAckWait, len(acks), stderr.String())
		}
	}
	time.Sleep(d)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	<-done
	err = cmd.Wait()
	require.Error(t, err, "the child should have been killed")
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("child ended on its own: %v\n%s", err, stderr.String())
	}
	return acks, last
}

// crashAckWait bounds how long a child may take to acknowledge its first
// change: opening, replaying and one group commit, on a loaded machine.
const crashAckWait = 30 * time.Second

// hasBytes reports whether the file at path exists and is not empty.
func hasBytes(t *testing.T, path string) bool {
	t.Helper()
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	require.NoError(t, err)
	return info.Size() > 0
}

// checkBoltFile runs bbolt's own consistency check on the file.
func checkBoltFile(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}))
}

// journalRecords reads every record of the journal file at path, in
// order, and returns how many there are: LSNs from 1 with no gap, none
// empty.
func journalRecords(t *testing.T, path string) int {
	t.Helper()
	log, err := journal.OpenBolt(path, &journal.BoltOptions{ReadOnly: true, LockTimeout: 5 * time.Second})
	require.NoError(t, err)
	defer log.Close()
	n := 0
	require.NoError(t, log.Read(1, func(lsn uint64, rec []byte) error {
		n++
		if lsn != uint64(n) || len(rec) == 0 {
			return fmt.Errorf("record %d of %d bytes, want LSN %d", lsn, len(rec), n)
		}
		return nil
	}))
	last, err := log.Last()
	require.NoError(t, err)
	require.Equal(t, uint64(n), last)
	return n
}

package booking_test

import (
	"bufio"
	"context"
	"flag"
	"fmt"
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
	var out sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	ack := func(b Booking) {
		last := b.History[len(b.History)-1]
		out.Lock()
		fmt.Fprintf(w, "ACK %s %d %d\n", b.Code, last.State, last.At.UnixNano())
		w.Flush() // one write per line: what the parent reads was acknowledged
		out.Unlock()
	}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			var mine []Booking
			for {
				switch op := rng.IntN(10); {
				case op < 4 || len(mine) == 0:
					b, err := e.Hold(ctx, HoldRequest{
						Account: fmt.Sprintf("g%d-%d", g, rng.IntN(20)), Office: "CRASH",
						Date: calendar.NewDate(2026, 12, 14+rng.IntN(5)), Slot: []string{kt.Slot0, kt.Slot1}[rng.IntN(2)], Pool: kt.Online,
						Applicants: []Applicant{{NIK: benchNIK(uint64(rng.IntN(5000)*7 + g))}},
					})
					if err == nil {
						ack(b)
						mine = append(mine, b)
					}
				case op < 7:
					b := mine[rng.IntN(len(mine))]
					if p, err := e.Pay(ctx, b.BillingCode, "ref-"+b.Code); err == nil {
						ack(p)
					}
				case op < 8:
					b := mine[rng.IntN(len(mine))]
					if c, err := e.Cancel(ctx, b.Code, Reason{}); err == nil {
						ack(c)
					}
				case op < 9:
					b := mine[rng.IntN(len(mine))]
					if r, err := e.Reschedule(ctx, b.Code, calendar.NewDate(2026, 12, 21+rng.IntN(5)), []string{kt.Slot0, kt.Slot1}[rng.IntN(2)]); err == nil {
						ack(r)
					}
				default:
					e.ExpireDue(ctx)
				}
				if len(mine) > 50 {
					mine = mine[25:]
				}
			}
		})
	}
	wg.Wait() // never: the parent kills the process
	return 0
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
	total, records := 0, 0
	for cycle := range *crashCycles {
		acks, last := runCrashChild(t, path, clockAt, seed+uint64(cycle), time.Duration(20+rng.IntN(300))*time.Millisecond)
		total += len(acks)
		if last.After(clockAt) {
			clockAt = last
		}
		checkBoltFile(t, path)
		n := journalRecords(t, path)
		require.GreaterOrEqual(t, n, records, "cycle %d: the journal lost records", cycle)
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
	t.Logf("%d kill cycles, %d acknowledged changes checked, %d records", *crashCycles, total, records)
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

// runCrashChild starts a child on path, kills it with SIGKILL after d, and
// returns what it acknowledged and the latest instant it acknowledged.
func runCrashChild(t *testing.T, path string, start time.Time, seed uint64, d time.Duration) ([]crashAck, time.Time) {
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
	done := make(chan struct{})
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
			acks = append(acks, crashAck{code: f[1], state: State(st), at: at})
			if ts := time.Unix(0, at); ts.After(last) {
				last = ts
			}
		}
	}()
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

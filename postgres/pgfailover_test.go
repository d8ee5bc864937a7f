//go:build linux

package postgres_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/postgres"
)

// PostgreSQL's own failover, on a three-node cluster of the test's own
// made with the cluster script (postgres/scripts/cluster.sh).

// Bounds of the cluster script and of the test's wait for writes.
const (
	scriptTimeout = 2 * time.Minute // `up` may apt-get install PostgreSQL
	// writesResume bounds how long after the promotion holds succeed
	// again: the journal's retries wait 2 s at most, the lease lapses in
	// 2 s, and a takeover reads the journal's last records.
	writesResume = 15 * time.Second
	// Free ports for a cluster are looked for from pgPortFirst, in steps
	// of pgPortStep, pgPortTries times: away from CI's 55432.
	pgPortFirst = 55500
	pgPortStep  = 10
	pgPortTries = 20
)

// pgCluster is a throw-away PostgreSQL cluster: node1 the primary, node2
// and node3 synchronous standbys (ANY 1), on ports port, port+1, port+2.
type pgCluster struct {
	script, root string
	port         int
	dsn          string // every node, target_session_attrs=read-write
}

// startPGCluster makes and starts a cluster under $KUOTA_PG_ROOTS with
// $KUOTA_PG_CLUSTER_SCRIPT, stopped and removed when the test ends.
// Without them the test skips, or fails in CI (KUOTA_CI set).
func startPGCluster(t *testing.T, name string) *pgCluster {
	t.Helper()
	script, roots := os.Getenv("KUOTA_PG_CLUSTER_SCRIPT"), os.Getenv("KUOTA_PG_ROOTS")
	switch {
	case script != "" && roots != "":
	case os.Getenv("KUOTA_CI") != "":
		t.Fatal("KUOTA_CI is set but KUOTA_PG_CLUSTER_SCRIPT or KUOTA_PG_ROOTS is not: .ci/run exports them")
	default:
		t.Skip("needs a PostgreSQL cluster of its own: set KUOTA_PG_CLUSTER_SCRIPT=$PWD/postgres/scripts/cluster.sh and KUOTA_PG_ROOTS to a directory for it, or run .ci/run")
	}
	var b [3]byte
	rand.Read(b[:])
	c := &pgCluster{script: script, root: filepath.Join(roots, name+"-"+hex.EncodeToString(b[:])), port: freePortBase(t)}
	t.Cleanup(func() {
		if out, err := c.exec("down"); err != nil {
			t.Errorf("cluster.sh down: %v\n%s", err, out)
		}
	})
	c.dsn = strings.TrimSpace(c.run(t, "up"))
	require.Contains(t, c.dsn, "target_session_attrs=read-write")
	return c
}

// freePortBase returns the first of three free consecutive ports.
func freePortBase(t *testing.T) int {
	t.Helper()
	for i := range pgPortTries {
		base, free := pgPortFirst+i*pgPortStep, true
		for p := base; p < base+3 && free; p++ {
			ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if free = err == nil; free {
				ln.Close()
			}
		}
		if free {
			return base
		}
	}
	t.Fatalf("no three free ports from %d", pgPortFirst)
	return 0
}

// run runs the script with args and returns its stdout; the test fails
// if it fails.
func (c *pgCluster) run(t *testing.T, args ...string) string {
	t.Helper()
	out, err := c.exec(args...)
	require.NoError(t, err, "cluster.sh %s", strings.Join(args, " "))
	return out
}

func (c *pgCluster) exec(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.script, args...)
	cmd.Env = append(os.Environ(), "KUOTA_PG_ROOT="+c.root, fmt.Sprintf("KUOTA_PG_PORT=%d", c.port))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%w: %s", err, stderr.String())
	}
	return stdout.String(), nil
}

// receivedLSN returns how much WAL standby node (2 or 3) has received,
// in bytes.
func (c *pgCluster) receivedLSN(t *testing.T, node int) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port+node-1))
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var lsn int64
	require.NoError(t, conn.QueryRow(ctx, `SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::bigint`).Scan(&lsn))
	return lsn
}

// failoverWorkers is how many workers hold through PostgreSQL's failover.
const failoverWorkers = 8

// PostgreSQL's primary stops under load and the standby with the most
// WAL is promoted: the active kuota node reconnects through its DSN's
// other hosts and goes on, holds succeed again, nothing acknowledged is
// lost, nothing written twice. The lease is the default 10 s, which the
// outage does not outlast: the same node stays active.
func TestPostgresFailover(t *testing.T) {
	pg := startPGCluster(t, "failover")
	const schema = "kuota_failover"
	c := procConfig(pg.dsn, schema)
	c.LeaseDuration = postgres.DefaultLeaseDuration
	procs := startProcs(t, 2, c)
	a, stA, _ := waitForActive(t, procs, 15*time.Second)
	a.register(t, seatsPerSlot)

	l := newLoader(a, procs, 1, kt.NIKsMax, 60*time.Second)
	l.Start(t, failoverWorkers)
	l.WaitAcks(t, 200, 15*time.Second, nil)

	stopAt := time.Now()
	pg.run(t, "stop", "1")
	stopped := time.Since(stopAt)
	lsn2, lsn3 := pg.receivedLSN(t, 2), pg.receivedLSN(t, 3)
	promote := 2
	if lsn3 > lsn2 {
		promote = 3
	}
	promoteAt := time.Now()
	pg.run(t, "promote", fmt.Sprint(promote))
	promoted := time.Now()
	l.WaitAcks(t, 1, writesResume, func(x ack) bool { return x.at.After(promoted) })
	l.WaitAcks(t, 200, 15*time.Second, func(x ack) bool { return x.sent.After(promoted) })
	l.Stop()

	// Writes were unavailable for the longest time between two acks,
	// and resumed with the first ack after the promotion began.
	acks := l.Acks()
	var gap time.Duration
	var resumed time.Time
	for i, x := range acks {
		if i > 0 {
			gap = max(gap, x.at.Sub(acks[i-1].at))
		}
		if resumed.IsZero() && x.at.After(promoteAt) {
			resumed = x.at
		}
	}

	stB := quiesce(t, a)
	require.Equal(t, stA.Epoch, stB.Epoch, "the active node lost its lease")
	requireAcked(t, a, acks)
	chk := requireClean(t, a, len(acks), l.sent.Load())
	rows := journalRows(t, pg.dsn, schema, stB.Followed)

	t.Logf("verified: PostgreSQL node1 stopped in %v; node2 had received %d bytes of WAL, node3 %d; node%d promoted in %v",
		stopped.Round(time.Millisecond), lsn2, lsn3, promote, promoted.Sub(promoteAt).Round(time.Millisecond))
	t.Logf("verified: writes unavailable %v (the longest time without an acknowledged hold); holds acknowledged again %v after the promotion began (bound: %v after it ended)",
		gap.Round(time.Millisecond), resumed.Sub(promoteAt).Round(time.Millisecond), writesResume)
	t.Logf("verified: kuota %s active throughout (epoch %d) under %d workers: %d commits resolved by reading back; %d holds acknowledged of %d sent, not acknowledged %v",
		a.name, stA.Epoch, failoverWorkers, stB.Resolved, len(acks), l.sent.Load(), l.Refused())
	t.Logf("verified: every acknowledged hold found once with its applicants; journal of %d records without gap; Check clean, %d cells add up, %d bookings",
		rows, chk.Cells, chk.Bookings)
}

// noStandbyWait is how long a hold is watched not returning while both
// standbys are down: several CommitTimeouts of the test's node, each
// followed by a read back that finds the batch on the primary. Once they
// are started again, the hold must return within standbysBack: their
// start and catching up, and the journal's retries (2 s apart at most).
const (
	noStandbyWait = 3 * time.Second
	standbysBack  = time.Minute
)

// Both synchronous standbys stop: a hold's commit times out waiting for
// them, PostgreSQL has it on the primary alone, and reading the journal
// back finds it there. The hold is not acknowledged then — the primary's
// loss would take it — but once a standby is back and has it.
func TestNoStandbyNoAcknowledgement(t *testing.T) {
	pg := startPGCluster(t, "nostandby")
	schema := newSchema(t, pg.dsn)
	o := nodeOptions(pg.dsn, schema, "a", kt.NewClock(kt.T1))
	// The lease's renewals wait for the standbys too: long enough a lease
	// that the node keeps it through the test.
	o.LeaseDuration, o.RenewInterval = 2*time.Minute, time.Second
	o.CommitTimeout = 300 * time.Millisecond
	a := startNode(t, o)
	waitActive(t, a, 10*time.Second)
	require.NoError(t, a.Engine().RegisterOffice(bg, kt.OfficeConfig(t)))
	before := a.Status().Followed

	pg.run(t, "stop", "2")
	pg.run(t, "stop", "3")
	type result struct {
		b   booking.Booking
		err error
	}
	held := make(chan result, 1)
	go func() {
		b, err := a.Engine().Hold(bg, kt.HoldRequest(t, 1))
		held <- result{b, err}
	}()
	primary := connect(t, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/kuota?sslmode=disable", pg.port))
	require.Eventually(t, func() bool {
		var n int64
		err := primary.QueryRow(bg, `SELECT count(*) FROM `+schema+`.journal WHERE lsn > $1`, int64(before)).Scan(&n)
		return err == nil && n > 0
	}, 30*time.Second, 20*time.Millisecond, "the hold's record never reached the primary")
	select {
	case r := <-held:
		t.Fatalf("acknowledged while no standby has it: %+v, %v", r.b.Code, r.err)
	case <-time.After(noStandbyWait):
	}

	pg.run(t, "up") // the standbys start again and catch up
	var r result
	select {
	case r = <-held:
	case <-time.After(standbysBack):
		t.Fatalf("not acknowledged %v after the standbys came back", standbysBack)
	}
	require.NoError(t, r.err)
	got, err := a.Engine().Get(bg, r.b.Code)
	require.NoError(t, err)
	require.Equal(t, booking.Held, got.State)
	rows := journalRows(t, pg.dsn, schema, a.Status().Followed)
	kt.RequireConsistent(t, a.Engine())
	t.Logf("verified: with both standbys stopped the hold's record was on the primary and not acknowledged for %v; acknowledged once the standbys were back (%d commits resolved by reading back); journal of %d records without gap; Check clean",
		noStandbyWait, a.Status().Resolved, rows)
}

//go:build linux

package postgres_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
)

// Failures of the active node's process, with the nodes in processes of
// their own: killed, and paused past its lease.

// killWorkers is how many workers hold while the active node is killed.
const killWorkers = 8

// takeoverSlack is what a takeover may take beyond LeaseDuration +
// TakeoverDelay: reading the journal's last records, the tests' polling,
// a slow moment under -race.
const takeoverSlack = time.Second

// The active node is killed (SIGKILL) under concurrent holds: a standby
// is active within the lease, every acknowledged hold is on it, nothing
// is oversold, and the journal has no gap.
func TestKilledActiveFailsOver(t *testing.T) {
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	c := procConfig(dsn, schema)
	procs := startProcs(t, 3, c)
	a, stA, _ := waitForActive(t, procs, 15*time.Second)
	a.register(t, seatsPerSlot)

	l := newLoader(a, procs, 1, kt.NIKsMax, 10*time.Second)
	l.Start(t, killWorkers)
	l.WaitAcks(t, 200, 15*time.Second, nil)
	killedAt := a.kill(t)
	b, stB, seen := waitForActive(t, others(procs, a), c.LeaseDuration+c.TakeoverDelay+10*time.Second)
	took := seen.Sub(killedAt)
	require.LessOrEqual(t, took, c.LeaseDuration+c.TakeoverDelay+takeoverSlack, "the standby took over too late")
	require.Greater(t, stB.Epoch, stA.Epoch)

	// The load goes on, on the new active node.
	l.WaitAcks(t, 200, 15*time.Second, func(a ack) bool { return a.by == b })
	l.Stop()
	quiet := quiesce(t, b)
	acks := l.Acks()
	requireAcked(t, b, acks)
	chk := requireClean(t, b, len(acks), l.sent.Load())
	rows := journalRows(t, dsn, schema, quiet.Followed)

	// The other standby follows the new active node to the journal's end.
	var rest *nodeProc
	for _, p := range others(procs, a) {
		if p != b {
			rest = p
		}
	}
	require.Eventually(t, func() bool {
		st, err := rest.status(t.Context())
		return err == nil && !st.Active && st.Followed == uint64(rows)
	}, 10*time.Second, statusPollEvery, "the remaining standby did not follow to record %d", rows)
	requireAcked(t, rest, acks)

	t.Logf("verified: %s (epoch %d) killed under %d workers; %s active (epoch %d) %v later (bound %v + %v + %v slack)",
		a.name, stA.Epoch, killWorkers, b.name, stB.Epoch, took.Round(time.Millisecond), c.LeaseDuration, c.TakeoverDelay, takeoverSlack)
	t.Logf("verified: %d holds acknowledged (%d by %s, %d by %s), %d sent, not acknowledged %v; all %d found with their applicants on %s and %s",
		len(acks), countBy(acks, a), a.name, countBy(acks, b), b.name, l.sent.Load(), l.Refused(), len(acks), b.name, rest.name)
	t.Logf("verified: Check clean; %d cells add up, %d of %d seats taken by %d bookings; journal of %d records, LSNs 1..%d without gap",
		chk.Cells, chk.SeatsTaken, chk.SeatsCapacity, chk.Bookings, rows, rows)
}

// The active node is paused (SIGSTOP) past its lease, a standby takes
// over, and the paused node resumes (SIGCONT) with holds in flight: it
// commits nothing more, every hold it acknowledged is in the journal, and
// it steps down to a standby.
func TestPausedActiveIsFenced(t *testing.T) {
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	c := procConfig(dsn, schema)
	procs := startProcs(t, 2, c)
	a, stA, _ := waitForActive(t, procs, 15*time.Second)
	b := others(procs, a)[0]
	a.register(t, seatsPerSlot)

	// Pinned to a: its workers still wait on it while it is stopped, and
	// send to it again when it resumes.
	la := newLoader(a, nil, 1, 100_000, 30*time.Second)
	la.Start(t, 4)
	la.WaitAcks(t, 100, 15*time.Second, nil)
	require.NoError(t, a.signal(syscall.SIGSTOP))
	stoppedAt := time.Now()
	t.Cleanup(func() { a.signal(syscall.SIGCONT) })
	_, stB, seen := waitForActive(t, []*nodeProc{b}, c.LeaseDuration+c.TakeoverDelay+10*time.Second)
	took := seen.Sub(stoppedAt)
	require.Greater(t, stB.Epoch, stA.Epoch)

	// b takes holds while a resumes.
	lb := newLoader(b, nil, 100_000, 200_000, 30*time.Second)
	lb.Start(t, 2)
	lb.WaitAcks(t, 20, 15*time.Second, nil)
	require.NoError(t, a.signal(syscall.SIGCONT))
	resumedAt := time.Now()
	var stepDown time.Duration
	require.Eventually(t, func() bool {
		st, err := a.status(t.Context())
		stepDown = time.Since(resumedAt)
		return err == nil && !st.Active
	}, 5*time.Second, statusPollEvery, "the resumed node did not step down")
	// Its workers meet the standby it has become, which names b; b goes on.
	require.Eventually(t, func() bool { return la.Refused()["421 standby"] > 0 }, 5*time.Second, statusPollEvery, "no hold on the resumed node was refused as by a standby")
	lb.WaitAcks(t, len(lb.Acks())+20, 15*time.Second, nil)
	la.Stop()
	lb.Stop()
	quiet := quiesce(t, b)

	fromA, fromB := la.Acks(), lb.Acks()
	afterResume := 0
	for _, x := range fromA {
		if x.at.After(resumedAt) {
			afterResume++
		}
	}
	requireAcked(t, b, append(fromA, fromB...))
	rows := journalRows(t, dsn, schema, quiet.Followed)
	chk := requireClean(t, b, len(fromA)+len(fromB), la.sent.Load()+lb.sent.Load())

	// Fencing: no record of a's epoch after b's first.
	conn := connect(t, dsn)
	var firstB *int64
	var lastA, late int64
	require.NoError(t, conn.QueryRow(t.Context(), `
		SELECT (SELECT min(lsn) FROM `+schema+`.journal WHERE epoch = $2),
		       (SELECT coalesce(max(lsn), 0) FROM `+schema+`.journal WHERE epoch = $1),
		       (SELECT count(*) FROM `+schema+`.journal WHERE epoch = $1 AND lsn > (SELECT min(lsn) FROM `+schema+`.journal WHERE epoch = $2))`,
		stA.Epoch, stB.Epoch).Scan(&firstB, &lastA, &late))
	require.NotNil(t, firstB, "epoch %d wrote nothing", stB.Epoch)
	require.Zero(t, late, "epoch %d wrote after epoch %d's first record", stA.Epoch, stB.Epoch)

	// a is a standby of b now: it follows b to the journal's end, and
	// sends holds there.
	var last struct {
		st  wireStatus
		err error
	}
	require.Eventually(t, func() bool {
		last.st, last.err = a.status(t.Context())
		return last.err == nil && last.st.Followed == uint64(rows)
	}, 10*time.Second, statusPollEvery, "the stepped-down node did not follow to record %d: %+v", rows, &last)
	requireAcked(t, a, append(fromA, fromB...))
	_, err := a.hold(t.Context(), holdFor(openDates(), 300_000))
	var ce *callError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 421, ce.status, "%v", err)
	require.Equal(t, b.addr, ce.problem.Active)

	t.Logf("verified: %s (epoch %d) stopped; %s active (epoch %d) %v later; %s resumed and reported standby within %v, followed %s to record %d and named it in a refusal",
		a.name, stA.Epoch, b.name, stB.Epoch, took.Round(time.Millisecond), a.name, stepDown.Round(time.Millisecond), b.name, rows)
	t.Logf("verified: %s acknowledged %d holds (%d answered after it resumed), not acknowledged %v; %s acknowledged %d; all in the journal (found on %s)",
		a.name, len(fromA), afterResume, la.Refused(), b.name, len(fromB), b.name)
	t.Logf("verified: epoch %d's last record is %d, epoch %d's first %d, none of epoch %d after it; journal of %d records without gap; Check clean, %d cells add up",
		stA.Epoch, lastA, stB.Epoch, *firstB, stA.Epoch, rows, chk.Cells)
}

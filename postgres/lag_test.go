//go:build linux

package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/postgres"
)

// Bounds of TestStandbyReadLag.
const (
	lagWorkers   = 16
	lagProbesMax = 200
	lagProbesMin = 30 // fewer in lagTestTime fails the test: too slow to say anything
	lagTestTime  = 6 * time.Second
	lagGiveUp    = 5 * time.Second // a probe the standby never finds fails the test
)

// A standby's reads lag the active node by at most FollowInterval (the
// default, 1 s) while 16 workers hold on the active node: each probe
// takes an acknowledged hold and times until the standby's Get finds it.
func TestStandbyReadLag(t *testing.T) {
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	c := procConfig(dsn, schema)
	c.FollowInterval = 0 // the default, the documented bound
	procs := startProcs(t, 2, c)
	a, _, _ := waitForActive(t, procs, 15*time.Second)
	s := others(procs, a)[0]
	a.register(t, seatsPerSlot)

	l := newLoader(a, nil, 1, 500_000, 10*time.Second)
	l.Start(t, lagWorkers)
	l.WaitAcks(t, 100, 15*time.Second, nil)
	loadBefore := len(l.Acks())

	dates := openDates()
	var lags []time.Duration
	start := time.Now()
	for acc := 500_000; len(lags) < lagProbesMax && time.Since(start) < lagTestTime; acc++ {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		b, err := a.hold(ctx, holdFor(dates, acc))
		cancel()
		require.NoError(t, err)
		acked := time.Now()
		lags = append(lags, lagUntilFound(t, s, b.Code, acked))
	}
	loadDuring, probed := len(l.Acks())-loadBefore, time.Since(start)
	l.Stop()

	require.GreaterOrEqual(t, len(lags), lagProbesMin, "too few probes in %v", lagTestTime)
	require.Positive(t, loadDuring, "the load stopped while the probes ran")
	slices.Sort(lags)
	p50, p99, worst := lags[len(lags)/2], lags[len(lags)*99/100], lags[len(lags)-1]
	require.LessOrEqual(t, worst, postgres.DefaultFollowInterval, "a standby read lagged past FollowInterval")
	t.Logf("verified: %d probes while %d workers held on %s (%d holds acknowledged meanwhile, %.0f/s): standby %s found each after p50 %v, p99 %v, max %v (bound FollowInterval %v)",
		len(lags), lagWorkers, a.name, loadDuring, float64(loadDuring)/probed.Seconds(), s.name,
		p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond), worst.Round(10*time.Microsecond), postgres.DefaultFollowInterval)
}

// lagUntilFound asks s for code until it finds it, and returns how long
// after acked that was; the test fails after lagGiveUp.
func lagUntilFound(t *testing.T, s *nodeProc, code string, acked time.Time) time.Duration {
	t.Helper()
	for {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		found, err := s.get(ctx, []string{code})
		cancel()
		since := time.Since(acked)
		if err == nil && len(found) == 1 {
			return since
		}
		require.Less(t, since, lagGiveUp, "the standby has not found %s (last error: %v)", code, err)
		time.Sleep(time.Millisecond)
	}
}

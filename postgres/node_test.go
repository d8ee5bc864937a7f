package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/postgres"
)

// The first node of a cluster becomes active; a second follows it as a
// standby, serves its reads, and refuses changes naming the active node.
func TestActiveAndStandby(t *testing.T) {
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	clk := kt.NewClock(kt.T1)
	a := startNode(t, nodeOptions(dsn, schema, "node-a:8080", clk))
	waitActive(t, a, 10*time.Second)
	require.NoError(t, a.Engine().RegisterOffice(bg, kt.OfficeConfig(t)))
	var made []booking.Booking
	for acc := 1; acc <= 5; acc++ {
		b, err := a.Engine().Hold(bg, kt.HoldRequest(t, acc))
		require.NoError(t, err)
		if acc%2 == 0 {
			b, err = a.Engine().Pay(bg, b.BillingCode, fmt.Sprint("ref-", acc))
			require.NoError(t, err)
		}
		made = append(made, b)
	}

	b := startNode(t, nodeOptions(dsn, schema, "node-b:8080", clk))
	require.False(t, b.Status().Active)
	for _, want := range made {
		got, err := b.Engine().Get(bg, want.Code)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	// Changes made after the standby started reach it by notification.
	c, err := a.Engine().Cancel(bg, made[0].Code, booking.Reason{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		got, err := b.Engine().Get(bg, c.Code)
		return err == nil && got.State == booking.Cancelled
	}, 5*time.Second, 5*time.Millisecond)
	require.Eventually(t, func() bool { return b.Status().Followed == a.Status().Followed }, 5*time.Second, 5*time.Millisecond)
	wantMonth, err := a.Engine().Month(bg, kt.Office, 2026, time.December)
	require.NoError(t, err)
	gotMonth, err := b.Engine().Month(bg, kt.Office, 2026, time.December)
	require.NoError(t, err)
	require.Equal(t, wantMonth, gotMonth)

	_, err = b.Engine().Hold(bg, kt.HoldRequest(t, 9))
	var se *booking.StandbyError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "node-a:8080", se.Active)
	st := a.Status()
	require.True(t, st.Active)
	require.Positive(t, st.Epoch)
	t.Logf("verified: node A active (epoch %d, %d records); node B standby, reads equal, a hold on it refused naming %s", st.Epoch, st.Followed, se.Active)
}

// A clean Close of the active node ends its lease, and a standby takes
// over at once, with every booking; the closed node's engine takes
// nothing more.
func TestCloseHandsOver(t *testing.T) {
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	clk := kt.NewClock(kt.T1)
	o := nodeOptions(dsn, schema, "a", clk)
	o.LeaseDuration = time.Minute // a handover must not wait for it
	o.RenewInterval = time.Second
	a := startNode(t, o)
	waitActive(t, a, 10*time.Second)
	require.NoError(t, a.Engine().RegisterOffice(bg, kt.OfficeConfig(t)))
	held, err := a.Engine().Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	o.Address = "b"
	b := startNode(t, o)
	require.NoError(t, a.Close())
	start := time.Now()
	waitActive(t, b, 10*time.Second)
	t.Logf("verified: the standby took over %v after the active node closed", time.Since(start).Round(time.Millisecond))
	got, err := b.Engine().Get(bg, held.Code)
	require.NoError(t, err)
	require.Equal(t, held, got)
	second, err := b.Engine().Hold(bg, kt.HoldRequest(t, 2))
	require.NoError(t, err)
	require.NotEqual(t, held.Code, second.Code)
	_, err = a.Engine().Hold(bg, kt.HoldRequest(t, 3))
	require.ErrorIs(t, err, booking.ErrEngineClosed)
}

// A node whose lease was taken while it still ran commits nothing more:
// its next commit is fenced, and it steps down to a standby that follows
// the new active node.
func TestFencedNodeStepsDown(t *testing.T) {
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	clk := kt.NewClock(kt.T1)
	oa := nodeOptions(dsn, schema, "a", clk)
	oa.LeaseDuration, oa.RenewInterval = time.Minute, 10*time.Second // it will not notice by renewing first
	a := startNode(t, oa)
	waitActive(t, a, 10*time.Second)
	require.NoError(t, a.Engine().RegisterOffice(bg, kt.OfficeConfig(t)))
	_, err := a.Engine().Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	b := startNode(t, nodeOptions(dsn, schema, "b", clk))
	require.False(t, b.Status().Active)

	// As if A had paused past its lease: the lease lapses under it.
	admin := connect(t, dsn)
	_, err = admin.Exec(bg, `UPDATE `+schema+`.lease SET expires = '-infinity'`)
	require.NoError(t, err)
	waitActive(t, b, 10*time.Second)
	epochA, epochB := a.Status().Epoch, b.Status().Epoch
	require.Greater(t, epochB, epochA)

	_, err = a.Engine().Hold(bg, kt.HoldRequest(t, 2))
	require.ErrorIs(t, err, booking.ErrStorage)
	require.ErrorIs(t, err, postgres.ErrFenced)
	require.ErrorIs(t, err, booking.ErrStandby)
	var after int
	require.NoError(t, admin.QueryRow(bg, `SELECT count(*) FROM `+schema+`.journal WHERE epoch = $1 AND lsn > (SELECT min(lsn) FROM `+schema+`.journal WHERE epoch = $2)`, epochA, epochB).Scan(&after))
	require.Zero(t, after, "the fenced node wrote after the takeover")

	// A notices, on its next renewal at the latest, and follows B.
	require.Eventually(t, func() bool { return !a.Status().Active && a.Engine().Standby() }, 20*time.Second, 10*time.Millisecond)
	moved, err := b.Engine().Hold(bg, kt.HoldRequest(t, 3))
	require.NoError(t, err)
	require.Eventually(t, func() bool { _, err := a.Engine().Get(bg, moved.Code); return err == nil }, 5*time.Second, 5*time.Millisecond)
	_, err = a.Engine().Hold(bg, kt.HoldRequest(t, 4))
	var se *booking.StandbyError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "b", se.Active)
	t.Logf("verified: epoch %d fenced after epoch %d took over; no record of it after the takeover; it stepped down and follows", epochA, epochB)
}

// Connections killed under the active node while holds commit: every
// acknowledged hold is in the journal once, the LSNs have no gap, and a
// standby rebuilt from the journal agrees with the active engine.
func TestCommitsSurviveKilledConnections(t *testing.T) {
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	clk := kt.NewClock(kt.T1)
	a := startNode(t, nodeOptions(dsn, schema, "a", clk))
	waitActive(t, a, 10*time.Second)
	cfg := kt.OfficeConfig(t)
	for i := range cfg.Quota.Layout.Slots {
		cfg.Quota.Layout.Slots[i].Seats = []int{200, 0}
	}
	require.NoError(t, a.Engine().RegisterOffice(bg, cfg))

	admin := connect(t, dsn)
	var acked sync.Map
	var kills atomic.Int64
	stop := make(chan struct{})
	killer := make(chan struct{})
	go func() {
		defer close(killer)
		for i := 0; i < 40; i++ {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
			}
			tag, err := admin.Exec(bg, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'kuota' AND pid <> pg_backend_pid()`)
			if err == nil {
				kills.Add(tag.RowsAffected())
			}
		}
	}()
	var wg sync.WaitGroup
	var refused atomic.Int64
	for w := range 8 {
		wg.Go(func() {
			for i := range 40 {
				acc := 1 + w*40 + i
				r := kt.HoldRequest(t, acc)
				r.Date = kt.Dec10.AddDays(i % 2) // Thursday, Friday
				ctx, cancel := context.WithTimeout(bg, 30*time.Second)
				b, err := a.Engine().Hold(ctx, r)
				cancel()
				if err != nil {
					refused.Add(1)
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("hold %d: %v", acc, err)
					}
					continue
				}
				acked.Store(b.Code, b)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-killer

	n := 0
	acked.Range(func(_, v any) bool { n++; return true })
	require.Positive(t, kills.Load(), "no connection was killed")
	var rows, lsnMax int64
	require.NoError(t, admin.QueryRow(bg, `SELECT count(*), max(lsn) FROM `+schema+`.journal`).Scan(&rows, &lsnMax))
	require.Equal(t, rows, lsnMax, "the journal has a gap or a duplicate")
	st := a.Status()
	rebuilt := startNode(t, nodeOptions(dsn, schema, "c", clk))
	require.Eventually(t, func() bool { return rebuilt.Status().Followed == uint64(lsnMax) }, 10*time.Second, 5*time.Millisecond)
	acked.Range(func(_, v any) bool {
		want := v.(booking.Booking)
		got, err := rebuilt.Engine().Get(bg, want.Code)
		require.NoError(t, err)
		require.Equal(t, want.Applicants, got.Applicants)
		return true
	})
	kt.RequireConsistent(t, rebuilt.Engine())
	require.Equal(t, a.Engine().Stats().Total, rebuilt.Engine().Stats().Total)
	t.Logf("verified: %d holds acknowledged (%d refused) while %d connections were killed; %d commits resolved by reading back; journal of %d records without gap; a rebuilt standby agrees",
		n, refused.Load(), kills.Load(), st.Resolved, rows)
}

// Options out of range are refused before anything connects.
func TestOptionsRefused(t *testing.T) {
	for _, o := range []postgres.Options{
		{},
		{DSN: "postgres://x", Schema: "Kuota"},
		{DSN: "postgres://x", Schema: "1kuota"},
		{DSN: "postgres://x", LeaseDuration: time.Millisecond},
		{DSN: "postgres://x", LeaseDuration: time.Second, RenewInterval: 600 * time.Millisecond},
		{DSN: "postgres://x", TakeoverDelay: time.Hour},
		{DSN: "postgres://x", Engine: booking.Options{ReadOnly: true}},
		{DSN: "postgres://x", Engine: booking.Options{HoldTTL: -1}},
		{DSN: "::not a dsn"},
	} {
		_, err := postgres.Start(bg, &o)
		require.ErrorIs(t, err, postgres.ErrBadOptions, "%+v", o)
	}
}

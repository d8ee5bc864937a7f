package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/postgres"
)

// roleWaitMax bounds the wait for a node to become active or to follow:
// a takeover after a graceful stop takes TakeoverDelay, a start a
// second or two.
const roleWaitMax = 30 * time.Second

// testDSN returns the PostgreSQL the test runs against, KUOTA_PG_DSN.
// Outside .ci/run a test without one skips, saying how to get one; in
// .ci/run (KUOTA_CI set), which starts a cluster, it fails.
func testDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("KUOTA_PG_DSN")
	switch {
	case dsn != "":
		return dsn
	case os.Getenv("KUOTA_CI") != "":
		t.Fatal("KUOTA_CI is set but KUOTA_PG_DSN is not: .ci/run starts a cluster and exports it")
	}
	t.Skip("needs PostgreSQL: run `postgres/scripts/cluster.sh up` and `export KUOTA_PG_DSN=$(postgres/scripts/cluster.sh dsn)`, or .ci/run")
	return ""
}

// newSchema returns a schema of the test's own, dropped when it ends.
func newSchema(t *testing.T, dsn string) string {
	t.Helper()
	var b [4]byte
	rand.Read(b[:])
	schema := "t_serve_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
		}
	})
	return schema
}

// readiness polls /readyz until its role is role and it is ready, and
// returns the last answer; it fails the test after roleWaitMax.
func readiness(t *testing.T, base, role string) storeStatus {
	t.Helper()
	deadline := time.Now().Add(roleWaitMax)
	var st storeStatus
	for {
		status, body := call(t, http.MethodGet, base+"/readyz", "", nil, "")
		st = storeStatus{}
		require.NoError(t, json.Unmarshal([]byte(body), &st), body)
		require.Equal(t, st.Ready, status == http.StatusOK, body)
		if st.Ready && st.Role == role {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not a ready %s within %v: %s", base, role, roleWaitMax, body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServePostgres runs two kuota serve processes' worth of servers on
// one PostgreSQL schema: the first becomes active and registers the
// office, the second follows it and says its lag; a hold sent to the
// standby is forwarded to the active node; when the active one stops,
// the standby takes over and takes holds itself.
func TestServePostgres(t *testing.T) {
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	cfg := testConfig(t, t.TempDir(), "")
	args := []string{"-config", cfg, "-postgres", dsn}
	quick := func(s *settings) {
		s.node = func(o *postgres.Options) {
			o.Schema = schema
			o.LeaseDuration = 2 * time.Second
			o.RenewInterval = 200 * time.Millisecond
			o.TakeoverDelay = 100 * time.Millisecond
			o.CommitTimeout = 5 * time.Second
		}
	}
	a := startServe(t, args, quick)
	st := readiness(t, a.base, "active")
	require.Nil(t, st.LagSeconds, "the active node is never behind")

	b := startServe(t, args, quick)
	st = readiness(t, b.base, "standby")
	require.NotNil(t, st.LagSeconds, "a standby states its lag")
	require.Less(t, *st.LagSeconds, standbyLagMax.Seconds())
	require.Equal(t, a.base, st.Active, "the active node's address, from -listen")

	account := http.Header{"X-Kuota-Account": {"budi@example.com"}}
	status, body := call(t, http.MethodPost, b.base+"/holds", holdBody(1), account, "")
	require.Equal(t, http.StatusCreated, status, "the standby forwards the hold to the active node: %s", body)
	bearer := http.Header{"Authorization": {"Bearer " + testToken}}
	deadline := time.Now().Add(roleWaitMax)
	for {
		var stats statsWire
		_, body := call(t, http.MethodGet, b.base+"/operator/stats", "", bearer, "")
		require.NoError(t, json.Unmarshal([]byte(body), &stats), body)
		if stats.Bookings["held"] == 1 {
			require.True(t, stats.Standby)
			break
		}
		require.True(t, time.Now().Before(deadline), "the standby never followed the hold: %s", body)
		time.Sleep(20 * time.Millisecond)
	}
	m := metricValues(t, b.base)
	require.Equal(t, 1.0, m["kuota_standby"])
	require.Contains(t, m, "kuota_journal_lag_seconds")
	require.Contains(t, m, "kuota_journal_followed_lsn")
	m = metricValues(t, a.base)
	require.Equal(t, 0.0, m["kuota_standby"])
	require.Equal(t, 0.0, m["kuota_journal_lag_seconds"])

	require.NoError(t, a.stop(t))
	readiness(t, b.base, "active")
	status, body = call(t, http.MethodPost, b.base+"/holds", holdBody(2), http.Header{"X-Kuota-Account": {"ani@example.com"}}, "")
	require.Equal(t, http.StatusCreated, status, "the new active node takes holds: %s", body)
	_, body = call(t, http.MethodGet, b.base+"/operator/stats", "", bearer, "")
	var stats statsWire
	require.NoError(t, json.Unmarshal([]byte(body), &stats))
	require.Equal(t, 2, stats.Bookings["held"])
	require.False(t, stats.Standby)
}

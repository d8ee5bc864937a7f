package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/postgres"
)

var bg = context.Background()

// quiet is the engines' logger: the node's own role changes and failures
// go to the default logger, every booking to nowhere.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testDSN returns the PostgreSQL the tests run against, KUOTA_PG_DSN.
// Outside .ci/run a test without one skips, saying how to get one; in
// .ci/run (KUOTA_CI set), which starts a cluster, it fails.
func testDSN(t testing.TB) string {
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

// newSchema returns a schema name of the test's own, dropped when the test
// ends.
func newSchema(t testing.TB, dsn string) string {
	t.Helper()
	var b [4]byte
	rand.Read(b[:])
	name := strings.ToLower(regexp.MustCompile(`[^a-zA-Z0-9]+`).ReplaceAllString(t.Name(), "_"))
	schema := "t_" + name[:min(len(name), 30)] + "_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(bg, 30*time.Second)
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

// connect returns a connection of the test's own, closed at its end.
func connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(bg, dsn)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(bg) })
	return conn
}

// nodeOptions are quick options for tests: short leases and intervals.
func nodeOptions(dsn, schema, address string, clk *kt.Clock) *postgres.Options {
	return &postgres.Options{
		DSN:           dsn,
		Schema:        schema,
		Address:       address,
		LeaseDuration: 2 * time.Second,
		RenewInterval: 200 * time.Millisecond,
		TakeoverDelay: 100 * time.Millisecond,
		CommitTimeout: 5 * time.Second,
		Engine:        booking.Options{Now: clk.Now, NoSweeper: true, MaxHoldsPerAccount: 5, Logger: quiet},
	}
}

// startNode starts a node, closed when the test ends.
func startNode(t testing.TB, o *postgres.Options) *postgres.Node {
	t.Helper()
	ctx, cancel := context.WithTimeout(bg, 30*time.Second)
	defer cancel()
	n, err := postgres.Start(ctx, o)
	require.NoError(t, err)
	t.Cleanup(func() { n.Close() })
	return n
}

// waitActive fails the test unless n becomes active within d.
func waitActive(t testing.TB, n *postgres.Node, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(bg, d)
	defer cancel()
	require.NoError(t, n.WaitActive(ctx), "not active within %v", d)
}

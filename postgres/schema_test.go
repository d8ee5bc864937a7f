package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/postgres"
)

// Nodes starting together create the schema once; a schema written by a
// newer kuota is refused rather than written beside.
func TestSchemaCreatedOnceAndVersioned(t *testing.T) {
	dsn := testDSN(t)
	schema := newSchema(t, dsn)
	clk := kt.NewClock(kt.T1)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	nodes := make([]*postgres.Node, 4)
	for i := range nodes {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(bg, 30*time.Second)
			defer cancel()
			nodes[i], errs[i] = postgres.Start(ctx, nodeOptions(dsn, schema, "n", clk))
		})
	}
	wg.Wait()
	active := 0
	for i, n := range nodes {
		require.NoError(t, errs[i])
		t.Cleanup(func() { n.Close() })
	}
	require.Eventually(t, func() bool {
		active = 0
		for _, n := range nodes {
			if n.Status().Active {
				active++
			}
		}
		return active == 1
	}, 10*time.Second, 10*time.Millisecond)

	admin := connect(t, dsn)
	var version, leases int
	require.NoError(t, admin.QueryRow(bg, `SELECT version, (SELECT count(*) FROM `+schema+`.lease) FROM `+schema+`.meta`).Scan(&version, &leases))
	require.Equal(t, 1, version)
	require.Equal(t, 1, leases)

	_, err := admin.Exec(bg, `UPDATE `+schema+`.meta SET version = 2`)
	require.NoError(t, err)
	_, err = postgres.Start(bg, nodeOptions(dsn, schema, "n", clk))
	require.ErrorIs(t, err, postgres.ErrSchemaVersion)
	t.Logf("verified: 4 nodes started at once made one schema (version %d), one of them active; version 2 refused", version)
}

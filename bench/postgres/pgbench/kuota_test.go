package pgbench

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/bench"
)

// kuota on PostgreSQL runs the scenarios through bench, registered as
// KuotaKind, and balances its books as every system must.
func TestKuotaPassesTheAudit(t *testing.T) {
	needPostgres(t)
	require.True(t, registered)
	for _, scenario := range []string{"rush", "steady"} {
		t.Run(scenario, func(t *testing.T) {
			results, err := bench.Run([]string{scenario}, []string{KuotaKind}, t.TempDir(),
				bench.Config{Scale: 0.01, Seed: 1, Workers: 64})
			require.NoError(t, err)
			require.Len(t, results, 1)
			r := results[0]
			require.True(t, r.Correct(), "%+v", r)
			require.Positive(t, r.Bookings)
			require.Equal(t, r.Capacity, r.Taken+r.Left)
		})
	}
}

// A node commits synchronously, always: asking otherwise is refused.
func TestKuotaRefusesNoSync(t *testing.T) {
	opts := needPostgres(t)
	_, err := OpenKuota(new(bench.Clock), 1, true, opts)
	require.ErrorIs(t, err, ErrNoSyncKuota)
	_, err = OpenKuota(new(bench.Clock), 1, false, nil)
	require.ErrorIs(t, err, ErrNoDSN)
}

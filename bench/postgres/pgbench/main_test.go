package pgbench

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/bench"
)

// The tests that need PostgreSQL find it through $KUOTA_PG_DSN. Without
// it they skip, saying how to get one, except under CI ($KUOTA_CI set),
// where .ci/run starts the servers and a skip would hide that it did not.

// testMaxConns keeps the tests' pools small: a test opens many systems,
// each with its own pool, on a server shared with other tests.
const testMaxConns = 8

// registered says whether TestMain registered PlainKind with bench.
var registered bool

func TestMain(m *testing.M) {
	if dsn := os.Getenv(DSNEnv); dsn != "" {
		// Registered once per process: bench panics on a second time,
		// and -count=2 runs the tests, not TestMain, twice.
		if err := Register(Options{DSN: dsn, MaxConns: testMaxConns}); err != nil {
			panic(err) // unreachable: the DSN is set and MaxConns in range
		}
		registered = true
	}
	os.Exit(m.Run())
}

// needPostgres returns the options of the test server, or ends the test:
// it fails under CI, where the server must be there, and skips elsewhere.
func needPostgres(t testing.TB) *Options {
	t.Helper()
	dsn := os.Getenv(DSNEnv)
	switch {
	case dsn != "":
		return &Options{DSN: dsn, MaxConns: testMaxConns}
	case os.Getenv("KUOTA_CI") != "":
		t.Fatal("KUOTA_CI is set but " + DSNEnv + " is not: .ci/run must start PostgreSQL and export its DSN")
	default:
		t.Skip("needs PostgreSQL: run `postgres/scripts/cluster.sh up`, then `export " + DSNEnv + "=$(postgres/scripts/cluster.sh dsn)`")
	}
	return nil
}

// openPlain opens a plain system of maxConns connections on the test
// server, closed (its schema dropped) when the test ends.
func openPlain(t testing.TB, clk *bench.Clock, holdsPerAccount, maxConns int) *Plain {
	t.Helper()
	opts := needPostgres(t)
	opts.MaxConns = maxConns
	p, err := OpenPlain(clk, holdsPerAccount, false, opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, p.Close()) })
	return p
}

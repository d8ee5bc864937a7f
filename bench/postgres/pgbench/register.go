package pgbench

import (
	"fmt"

	"github.com/kuota/kuota/bench"
)

// PlainKind names the plain PostgreSQL baseline in bench's systems lists.
const PlainKind = "postgres-plain"

// DSNEnv is the environment variable the pgrush command and this module's
// tests read the DSN from. The package itself never reads it: a DSN
// reaches it through Options.
const DSNEnv = "KUOTA_PG_DSN"

// Pool sizes.
const (
	// DefaultMaxConns is the pool's size when Options.MaxConns is 0: the
	// rush's 64 callers get a connection each, and its 1,024 share them,
	// as a service's handlers share a pool well below PostgreSQL's
	// default max_connections of 100.
	DefaultMaxConns = 64
	// MaxConnsLimit bounds Options.MaxConns: each connection is a
	// PostgreSQL backend process, about 10 MB, and 2 cores gain nothing
	// from a thousand of them.
	MaxConnsLimit = 1024
)

// Options configure the PostgreSQL systems.
type Options struct {
	// DSN names the server, as a libpq connection string or URL; a
	// multi-host one with target_session_attrs=read-write finds the
	// primary of a cluster. Required.
	DSN string
	// MaxConns is the size of each system's connection pool, shared by
	// all its callers; 0 means DefaultMaxConns.
	MaxConns int
}

// check validates o at the API edge and fills its defaults.
func (o Options) check() (Options, error) {
	switch {
	case o.DSN == "":
		return o, ErrNoDSN
	case o.MaxConns < 0 || o.MaxConns > MaxConnsLimit:
		return o, fmt.Errorf("%w: %d, want 0 to %d", ErrMaxConns, o.MaxConns, MaxConnsLimit)
	case o.MaxConns == 0:
		o.MaxConns = DefaultMaxConns
	}
	return o, nil
}

// Register adds this package's systems to bench with opts, so that
// bench.Run and bench.NewSystem build them by kind: [PlainKind] and [KuotaKind]. Call it
// once per process (bench.RegisterSystem panics on a kind registered
// twice), before the runs. Every system built opens its own pool and
// schema and drops the schema on Close; noSync, bench's -durability
// nosync, turns synchronous_commit off.
//
// The recovery scenario reopens a system on the same directory to find
// its bookings again; these systems keep theirs in a schema dropped on
// Close, so do not run recovery on them.
func Register(opts Options) error {
	opts, err := opts.check()
	if err != nil {
		return err
	}
	bench.RegisterSystem(PlainKind, func(clk *bench.Clock, _ string, holdsPerAccount int, noSync bool) (bench.System, error) {
		return OpenPlain(clk, holdsPerAccount, noSync, &opts)
	})
	bench.RegisterSystem(KuotaKind, func(clk *bench.Clock, _ string, holdsPerAccount int, noSync bool) (bench.System, error) {
		return OpenKuota(clk, holdsPerAccount, noSync, &opts)
	})
	return nil
}

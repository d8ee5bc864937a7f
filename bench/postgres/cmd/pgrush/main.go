// Command pgrush runs kuota's office rush (bench's scenario 1) on kuota
// and on the PostgreSQL systems of package pgbench, in one process, and
// prints the same markdown table (or JSON) as bench/cmd/rush.
//
//	export KUOTA_PG_DSN=$(postgres/scripts/cluster.sh dsn)
//	go run ./cmd/pgrush -workers 64
//	go run ./cmd/pgrush -workers 1024 -seed 2
//	go run ./cmd/pgrush -systems postgres-plain -scale 0.1 -max-conns 32
//
// The DSN comes from -dsn, or else from $KUOTA_PG_DSN. Each PostgreSQL
// system builds its tables in a fresh schema and drops it when its run
// ends. The national rush and the steady day run too (-scenarios); the
// recovery scenario does not, as these systems drop their schema on
// close and have nothing to reopen.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/kuota/kuota/bench"
	"github.com/kuota/kuota/bench/postgres/pgbench"
)

// defaultSystems are kuota on PostgreSQL, kuota on a bbolt file and the
// plain PostgreSQL baseline.
var defaultSystems = []string{pgbench.KuotaKind, bench.KuotaDurable, pgbench.PlainKind}

func main() { os.Exit(run(os.Args[1:], os.Getenv(pgbench.DSNEnv), os.Stdout, os.Stderr)) }

func run(args []string, envDSN string, stdout, stderr io.Writer) int {
	return bench.Command{
		Name:      "pgrush",
		Scenarios: []string{"rush"},
		Systems:   defaultSystems,
		Workers:   64, // and 1024: the measured ones
		Flags: func(fs *flag.FlagSet) func([]string) (string, error) {
			dsn := fs.String("dsn", envDSN, "PostgreSQL DSN (default $"+pgbench.DSNEnv+")")
			maxConns := fs.Int("max-conns", pgbench.DefaultMaxConns, "connections in each plain PostgreSQL system's pool, shared by all workers")
			return func(scenarios []string) (string, error) {
				if slices.Contains(scenarios, "recovery") {
					return "", errors.New("the recovery scenario does not run on the PostgreSQL systems: use bench/cmd/rush")
				}
				if err := pgbench.Register(pgbench.Options{DSN: *dsn, MaxConns: *maxConns}); err != nil {
					return "", err
				}
				return fmt.Sprintf(", %d PostgreSQL connections", *maxConns), nil
			}
		},
	}.Run(args, stdout, stderr)
}

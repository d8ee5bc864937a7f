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
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/kuota/kuota/bench"
	"github.com/kuota/kuota/bench/postgres/pgbench"
)

// defaultSystems are kuota on PostgreSQL, kuota on a bbolt file and the
// plain PostgreSQL baseline.
var defaultSystems = []string{pgbench.KuotaKind, bench.KuotaDurable, pgbench.PlainKind}

func main() { os.Exit(run(os.Args[1:], os.Getenv(pgbench.DSNEnv), os.Stdout, os.Stderr)) }

func run(args []string, envDSN string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pgrush", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("dsn", envDSN, "PostgreSQL DSN (default $"+pgbench.DSNEnv+")")
	maxConns := fs.Int("max-conns", pgbench.DefaultMaxConns, "connections in each PostgreSQL system's pool, shared by all workers")
	scenarios := fs.String("scenarios", "rush", "scenarios to run: rush, national, steady")
	systems := fs.String("systems", strings.Join(defaultSystems, ","), "systems to run them on")
	scale := fs.Float64("scale", 1, "size of the scenarios: 1 is full size, 0.01 a smoke test")
	seed := fs.Uint64("seed", 1, "seed of the applicants and their choices")
	workers := fs.Int("workers", 64, "applicants at their keyboards at once (64 and 1024 are the measured ones)")
	durability := fs.String("durability", "sync", "sync (fsync or synchronous_commit on) or nosync (unsafe: see what the disk costs)")
	asJSON := fs.Bool("json", false, "print JSON instead of a markdown table")
	dir := fs.String("dir", "", "directory for kuota's files (default: a temporary one)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *scale <= 0 || *scale > 10 || *workers < 1 || (*durability != "sync" && *durability != "nosync") {
		fmt.Fprintln(stderr, "pgrush: -scale must be in (0, 10], -workers positive, -durability sync or nosync")
		return 2
	}
	if slices.Contains(split(*scenarios), "recovery") {
		fmt.Fprintln(stderr, "pgrush: the recovery scenario does not run on the PostgreSQL systems: use bench/cmd/rush")
		return 2
	}
	if err := pgbench.Register(pgbench.Options{DSN: *dsn, MaxConns: *maxConns}); err != nil {
		fmt.Fprintln(stderr, "pgrush:", err)
		return 2
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "kuota-pgrush-")
		if err != nil {
			fmt.Fprintln(stderr, "pgrush:", err)
			return 1
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	cfg := bench.Config{Scale: *scale, Seed: *seed, Workers: *workers, NoSync: *durability == "nosync"}
	if !*quiet {
		cfg.Progress = stderr
	}
	start := time.Now()
	results, err := bench.Run(split(*scenarios), split(*systems), *dir, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "pgrush:", err)
		return 1
	}
	if *asJSON {
		err = bench.WriteJSON(stdout, results)
	} else {
		fmt.Fprintf(stdout, "%s, %d CPUs, %s, scale %g, seed %d, %d workers, %d PostgreSQL connections, durability %s, %v in all\n\n",
			runtime.Version(), runtime.NumCPU(), runtime.GOARCH, *scale, *seed, *workers, *maxConns, *durability, time.Since(start).Round(time.Second))
		err = bench.WriteMarkdown(stdout, results)
	}
	if err != nil {
		fmt.Fprintln(stderr, "pgrush:", err)
		return 1
	}
	for _, r := range results {
		if !r.Correct() {
			fmt.Fprintf(stderr, "pgrush: %s on %s failed its audit\n", r.Scenario, r.System)
			return 1
		}
	}
	return 0
}

func split(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

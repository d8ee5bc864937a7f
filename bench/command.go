package bench

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// Command is a program that runs scenarios on systems and prints their
// table: bench/cmd/rush, and bench/postgres's pgrush, which adds systems
// and flags of its own. Its flags: -scenarios, -systems, -scale, -seed,
// -workers, -durability, -json, -dir, -quiet, -perf-control, and Flags'.
type Command struct {
	Name      string   // in the flag set and every message
	Scenarios []string // -scenarios' default
	Systems   []string // -systems' default
	Workers   int      // -workers' default
	// Flags, if set, adds the program's own flags to fs and returns what
	// runs once they are parsed, before the scenarios: it may register
	// systems, refuse scenarios, and returns what the header line adds
	// (", 64 PostgreSQL connections"). Its error ends the program with 2.
	Flags func(fs *flag.FlagSet) func(scenarios []string) (header string, err error)
}

// Run parses args, runs, and writes the table (or JSON) to stdout and
// everything else to stderr. It returns the exit code: 0, 1 when a run
// fails or a result fails its audit, 2 for flags it refuses.
func (c Command) Run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenarios := fs.String("scenarios", strings.Join(c.Scenarios, ","), "scenarios to run")
	systems := fs.String("systems", strings.Join(c.Systems, ","), "systems to run them on")
	scale := fs.Float64("scale", 1, "size of the scenarios: 1 is full size, 0.01 a smoke test")
	seed := fs.Uint64("seed", 1, "seed of the applicants and their choices")
	workers := fs.Int("workers", c.Workers, "applicants at their keyboards at once")
	durability := fs.String("durability", "sync", "sync (every commit durable) or nosync (unsafe: see what the disk costs)")
	asJSON := fs.Bool("json", false, "print JSON instead of a markdown table")
	dir := fs.String("dir", "", "directory for the database files (default: a temporary one)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	perf := fs.String("perf-control", "", "ctl,ack: the FIFOs of a perf record --control fifo:ctl,ack -D -1 around this run, turned on for each rush's window alone (bench/README.md)")
	var setup func([]string) (string, error)
	if c.Flags != nil {
		setup = c.Flags(fs)
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *scale <= 0 || *scale > 10 || *workers < 1 || (*durability != "sync" && *durability != "nosync") {
		fmt.Fprintln(stderr, c.Name+": -scale must be in (0, 10], -workers positive, -durability sync or nosync")
		return 2
	}
	var header string
	if setup != nil {
		var err error
		if header, err = setup(splitList(*scenarios)); err != nil {
			fmt.Fprintln(stderr, c.Name+":", err)
			return 2
		}
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "kuota-"+c.Name+"-")
		if err != nil {
			fmt.Fprintln(stderr, c.Name+":", err)
			return 1
		}
		defer os.RemoveAll(d)
		*dir = d
	}
	cfg := Config{Scale: *scale, Seed: *seed, Workers: *workers, NoSync: *durability == "nosync"}
	if !*quiet {
		cfg.Progress = stderr
	}
	if *perf != "" {
		p, err := openPerfControl(*perf)
		if err != nil {
			fmt.Fprintln(stderr, c.Name+":", err)
			return 2
		}
		defer p.Close()
		cfg.Window = p.window
	}
	start := time.Now()
	results, err := Run(splitList(*scenarios), splitList(*systems), *dir, cfg)
	if err != nil {
		fmt.Fprintln(stderr, c.Name+":", err)
		return 1
	}
	if *asJSON {
		err = WriteJSON(stdout, results)
	} else {
		fmt.Fprintf(stdout, "%s, %d CPUs, %s, scale %g, seed %d, %d workers%s, durability %s, %v in all\n\n",
			runtime.Version(), runtime.NumCPU(), runtime.GOARCH, *scale, *seed, *workers, header, *durability, time.Since(start).Round(time.Second))
		err = WriteMarkdown(stdout, results)
	}
	if err != nil {
		fmt.Fprintln(stderr, c.Name+":", err)
		return 2
	}
	for _, r := range results {
		if !r.Correct() {
			fmt.Fprintf(stderr, "%s: %s on %s failed its audit\n", c.Name, r.Scenario, r.System)
			return 1
		}
	}
	return 0
}

// splitList splits a comma-separated flag into its non-empty fields.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

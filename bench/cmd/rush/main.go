// Command rush runs kuota's benchmark scenarios — the quota-opening rush of
// one office, the national rush of 125 offices, a steady day and recovery —
// on kuota (durable and in memory) and on two baselines, in one process,
// and prints a markdown table (or JSON) of the results.
//
//	go run ./bench/cmd/rush                        # everything, full size
//	go run ./bench/cmd/rush -scenarios rush -scale 0.1
//	go run ./bench/cmd/rush -systems kuota-durable,bolt-update -json
//
// A run at full size takes about a quarter of an hour on 2 cores, most of
// it the bbolt baseline, whose every change waits for its own fsync. A
// progress bar on stderr shows where it is.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/kuota/kuota/bench"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rush", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenarios := fs.String("scenarios", strings.Join(bench.Scenarios, ","), "scenarios to run")
	systems := fs.String("systems", strings.Join(bench.AllSystems, ","), "systems to run them on")
	scale := fs.Float64("scale", 1, "size of the scenarios: 1 is full size, 0.01 a smoke test")
	seed := fs.Uint64("seed", 1, "seed of the applicants and their choices")
	workers := fs.Int("workers", 512, "applicants at their keyboards at once")
	durability := fs.String("durability", "sync", "sync (fsync every group commit) or nosync (unsafe: see what the disk costs)")
	asJSON := fs.Bool("json", false, "print JSON instead of a markdown table")
	dir := fs.String("dir", "", "directory for the database files (default: a temporary one)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *scale <= 0 || *scale > 10 || *workers < 1 || (*durability != "sync" && *durability != "nosync") {
		fmt.Fprintln(stderr, "rush: -scale must be in (0, 10], -workers positive, -durability sync or nosync")
		return 2
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "kuota-rush-")
		if err != nil {
			fmt.Fprintln(stderr, "rush:", err)
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
		fmt.Fprintln(stderr, "rush:", err)
		return 1
	}
	if *asJSON {
		err = bench.WriteJSON(stdout, results)
	} else {
		fmt.Fprintf(stdout, "%s, %d CPUs, %s, scale %g, seed %d, %d workers, durability %s, %v in all\n\n",
			runtime.Version(), runtime.NumCPU(), runtime.GOARCH, *scale, *seed, *workers, *durability, time.Since(start).Round(time.Second))
		err = bench.WriteMarkdown(stdout, results)
	}
	if err != nil {
		fmt.Fprintln(stderr, "rush:", err)
		return 1
	}
	for _, r := range results {
		if !r.Correct() {
			fmt.Fprintf(stderr, "rush: %s on %s failed its audit\n", r.Scenario, r.System)
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

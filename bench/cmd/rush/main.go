// Command rush runs kuota's benchmark scenarios — the quota-opening rush of
// one office, the same rush with a seat for everyone, the national rush of
// 125 offices, a steady day and recovery — on kuota (durable and in
// memory), on two baselines with kuota's rules and on a rule-less one, in
// one process, and prints a markdown table (or JSON) of the results.
// Asked by name, it also runs the office and roomy rushes on quota-seats,
// the floor under kuota in memory: its seat layer alone
// (bench.QuotaSeats).
//
//	go run ./bench/cmd/rush                        # everything, full size
//	go run ./bench/cmd/rush -scenarios rush -scale 0.1
//	go run ./bench/cmd/rush -systems kuota-durable,bolt-update -json
//	go run ./bench/cmd/rush -scenarios roomy,rush -systems kuota-memory,mutex-norules -workers 64
//	go run ./bench/cmd/rush -scenarios rush -systems kuota-memory,quota-seats -workers 64
//	perf record -g -D -1 --control fifo:ctl,ack -- rush -scenarios rush -perf-control ctl,ack
//
// The last profiles each rush's sell-out alone (bench/README.md says how,
// and bench/cmd/perfshare sums such profiles).
//
// A run at full size takes about twenty minutes on 2 cores, most of it the
// bbolt baseline, whose every change waits for its own fsync. A
// progress bar on stderr shows where it is.
package main

import (
	"io"
	"os"

	"github.com/kuota/kuota/bench"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	return bench.Command{Name: "rush", Scenarios: bench.Scenarios, Systems: bench.AllSystems, Workers: 512}.Run(args, stdout, stderr)
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/kuota/kuota/booking"
)

// runStats writes what the file holds: its size, its bookings by state, and
// each office with its name, zone, window of days and layout.
func runStats(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var file fileFlags
	file.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := file.check(fs); err != nil {
		return err
	}
	e, err := file.open()
	if err != nil {
		return err
	}
	defer e.Close()
	fi, err := os.Stat(file.db)
	if err != nil {
		return err
	}

	codes := e.Offices()
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "file\t%s\n", file.db)
	fmt.Fprintf(tw, "size\t%s\n", formatSize(fi.Size()))
	writeStates(tw, e.Stats())
	fmt.Fprintf(tw, "offices\t%d\n", len(codes))
	if len(codes) > 0 {
		// The blank line ends the block above: the office table aligns
		// its own columns.
		fmt.Fprintln(tw, "\nCODE\tNAME\tZONE\tWINDOW\tDAYS\tRELEASE\tSLOTS\tPOOLS")
	}
	for _, code := range codes {
		cfg, err := e.Office(context.Background(), code)
		if err != nil {
			return err
		}
		q := &cfg.Quota
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s to %s\t%d\t%s\t%d\t%s\n",
			code, cfg.Name, q.Schedule.Location, q.First, q.First.AddDays(q.Days-1), q.Days,
			q.Release.Every, len(q.Layout.Slots), strings.Join(q.Layout.Pools, ", "))
	}
	return tw.Flush()
}

// writeStates writes the bookings, then their number in each state, every
// state in lifecycle order even at zero, so that two runs line up line by
// line.
func writeStates(w io.Writer, st booking.Stats) {
	fmt.Fprintf(w, "bookings\t%d\n", st.Total)
	for s := booking.Held; s <= booking.NoShow; s++ {
		fmt.Fprintf(w, "  %s\t%d\n", s, st.Bookings[s])
	}
}

// Binary size units, as ls -h and du -h count.
const (
	kibibyte = 1 << 10
	mebibyte = 1 << 20
	gibibyte = 1 << 30
)

// formatSize writes a file size in bytes and, past a kibibyte, in the
// largest unit that keeps it at one or more.
func formatSize(n int64) string {
	var (
		unit  float64
		label string
	)
	switch {
	case n >= gibibyte:
		unit, label = gibibyte, "GiB"
	case n >= mebibyte:
		unit, label = mebibyte, "MiB"
	case n >= kibibyte:
		unit, label = kibibyte, "KiB"
	default:
		return plural(int(n), "byte")
	}
	return fmt.Sprintf("%s (%.1f %s)", plural(int(n), "byte"), float64(n)/unit, label)
}

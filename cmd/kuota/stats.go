package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/kuotahttp"
)

// runStats writes what a file or a service holds: its bookings by state,
// each office, and a warning for each office whose window reaches a year
// without holiday data. Of a file it says the size too; of a service,
// its role and its commits.
func runStats(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var src sourceFlags
	src.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := src.check(fs); err != nil {
		return err
	}
	if src.addr != "" {
		return statsRemote(stdout, src.remote())
	}
	e, err := src.open()
	if err != nil {
		return err
	}
	defer e.Close()
	fi, err := os.Stat(src.db)
	if err != nil {
		return err
	}

	codes := e.Offices()
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "file\t%s\n", src.db)
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
	if err := tw.Flush(); err != nil {
		return err
	}
	gaps, err := e.HolidayGaps(context.Background())
	if err != nil {
		return err
	}
	return writeGaps(stdout, fileGaps(gaps))
}

// statsRemote writes what a running service says of itself: its role,
// its bookings by state, its commits, its offices and its holiday gaps.
func statsRemote(stdout io.Writer, r *remote) error {
	var st statsWire
	if err := r.get("/stats", &st); err != nil {
		return err
	}
	var offices officesWire
	if err := r.get("/offices", &offices); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "service\t%s\n", r)
	switch {
	case st.Standby:
		fmt.Fprintf(tw, "role\tstandby: reads only, changes go to the active node (followed the journal to change %d)\n", st.Followed)
	case st.Durable:
		fmt.Fprintf(tw, "role\tactive\n")
	}
	fmt.Fprintf(tw, "bookings\t%d\n", st.Total)
	for s := booking.Held; s <= booking.NoShow; s++ {
		fmt.Fprintf(tw, "  %s\t%d\n", s, st.Bookings[kuotahttp.BookingStateName(s)])
	}
	if st.Durable {
		fmt.Fprintf(tw, "commits\t%d, %d changes, %.1f a commit; the last took %v\n",
			st.Commits, st.Changes, st.AvgBatch, secondsDuration(st.LastCommitSeconds))
		if st.Failing {
			fmt.Fprintf(tw, "storage\tFAILING, changes refused until it writes again: %s\n", st.StorageError)
		}
	}
	fmt.Fprintf(tw, "offices\t%d\n", len(offices.Offices))
	if len(offices.Offices) > 0 {
		fmt.Fprintln(tw, "\nCODE\tNAME\tZONE\tSLOTS\tPOOLS")
	}
	for _, o := range offices.Offices {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", o.Code, o.Name, o.Zone, len(o.Slots), strings.Join(o.Pools, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return writeGaps(stdout, st.HolidayGaps)
}

// secondsDuration turns the API's seconds into a duration, for people.
func secondsDuration(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Round(time.Microsecond)
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

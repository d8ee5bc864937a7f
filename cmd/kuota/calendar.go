package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/grid"
	"github.com/kuota/kuota/internal/term"
	"github.com/kuota/kuota/quota"
)

// releaseLayout shows a release instant in the office's zone with the zone's
// own abbreviation (WIB, WITA, WIT), as an office announces it.
const releaseLayout = "2006-01-02 15:04 MST"

// runCalendar draws an office's month as applicants see it, then what the
// grid cannot show: the seats left, why service days are closed, and when
// the yellow days open.
func runCalendar(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var (
		file     fileFlags
		code     string
		month    monthFlag
		poolName string
		color    string
	)
	file.register(fs)
	fs.StringVar(&code, "office", "", "the office `code` (required; kuota stats lists them)")
	fs.Var(&month, "month", "the `month` to show, YYYY-MM (default the current month at the office)")
	fs.StringVar(&poolName, "pool", "", "colour each day by the seats of this `pool` only (default every pool)")
	fs.StringVar(&color, "color", term.ColorAuto, "auto (colours on a terminal), always or never")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := file.check(fs); err != nil {
		return err
	}
	if code == "" {
		return usagef(fs, "missing -office: whose calendar to show (kuota stats lists the offices)")
	}
	style, err := term.GridStyle(color, stdout)
	if err != nil {
		return usagef(fs, "invalid value %q for flag -color: %v", color, err)
	}

	e, err := file.open()
	if err != nil {
		return err
	}
	defer e.Close()
	cfg, err := office(e, file.db, code)
	if err != nil {
		return err
	}
	pool, err := poolIndex(&cfg, poolName)
	if err != nil {
		return err
	}
	loc := cfg.Quota.Schedule.Location
	if month.year == 0 {
		today := file.today(loc)
		month = monthFlag{today.Year(), today.Month()}
	}
	days, err := e.Month(context.Background(), code, month.year, month.month)
	if err != nil {
		return err
	}

	title := grid.Title(month.year, month.month, code)
	if poolName != "" {
		title += ", pool " + poolName
	}
	if err := grid.Month(stdout, title, days, pool, style); err != nil {
		return err
	}
	if err := grid.Legend(stdout, style); err != nil {
		return err
	}
	return writeNotes(stdout, days, pool, loc)
}

// poolIndex returns the index of the office's pool called name, or -1, which
// grid.Month reads as every pool, for the empty name.
func poolIndex(cfg *booking.OfficeConfig, name string) (int, error) {
	if name == "" {
		return -1, nil
	}
	p, ok := cfg.Quota.Layout.Pool(name)
	if !ok {
		return 0, fmt.Errorf("office %s has no pool %q; it has: %s", cfg.Code, name, strings.Join(cfg.Quota.Layout.Pools, ", "))
	}
	return p, nil
}

// writeNotes writes what the colours leave out: how many seats the green
// days have left, when the next yellow day opens, and the name of each
// holiday or closure.
func writeNotes(w io.Writer, days []quota.DayView, pool int, loc *time.Location) error {
	var (
		b         strings.Builder
		seats     int
		available int
		opens     time.Time // the earliest release of a yellow day
	)
	for i := range days {
		d := &days[i]
		state, left := d.State, d.Left
		if pool >= 0 {
			state, left = d.StateIn(pool), 0
			if pool < len(d.Pools) {
				left = d.Pools[pool].Left
			}
		}
		switch state {
		case calendar.Available:
			seats += left
			available++
		case calendar.NotOpened:
			if !d.Opens.IsZero() && (opens.IsZero() || d.Opens.Before(opens)) {
				opens = d.Opens
			}
		}
	}
	fmt.Fprintf(&b, "\n%s left on %s\n", plural(seats, "seat"), plural(available, "available day"))
	if !opens.IsZero() {
		fmt.Fprintf(&b, "next release: %s\n", opens.In(loc).Format(releaseLayout))
	}
	for i := range days {
		// A day off is every weekend; only holidays and closures have a
		// name worth reading.
		if d := &days[i]; d.State == calendar.Holiday && d.Reason != "" {
			fmt.Fprintf(&b, "%s closed: %s\n", d.Date, d.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

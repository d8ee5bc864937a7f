package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
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
// grid cannot show: the seats left, why service days are closed, when the
// yellow days open, and which yellow days offer no quota at all.
func runCalendar(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var (
		src      sourceFlags
		code     string
		month    monthFlag
		poolName string
		color    string
	)
	src.register(fs)
	fs.StringVar(&code, "office", "", "the office `code` (required; kuota stats lists them)")
	fs.Var(&month, "month", "the `month` to show, YYYY-MM (default the current month at the office)")
	fs.StringVar(&poolName, "pool", "", "colour each day by the seats of this `pool` only (default every pool)")
	fs.StringVar(&color, "color", term.ColorAuto, "auto (colours on a terminal), always or never")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := src.check(fs); err != nil {
		return err
	}
	if code == "" {
		return usagef(fs, "missing -office: whose calendar to show (kuota stats lists the offices)")
	}
	style, err := term.GridStyle(color, stdout)
	if err != nil {
		return usagef(fs, "invalid value %q for flag -color: %v", color, err)
	}

	var (
		days []quota.DayView
		loc  *time.Location
	)
	if src.addr != "" {
		days, loc, err = monthRemote(src.remote(), code, poolName, &month)
	} else {
		days, loc, err = monthFile(&src.fileFlags, code, poolName, &month)
	}
	if err != nil {
		return err
	}

	title := grid.Title(month.year, month.month, code)
	if poolName != "" {
		title += ", pool " + poolName
	}
	if err := grid.Month(stdout, title, days, "", style); err != nil {
		return err
	}
	if err := grid.Legend(stdout, style); err != nil {
		return err
	}
	return writeNotes(stdout, days, loc)
}

// monthFile reads an office's month from a file, of every pool or of one,
// and the office's zone. A zero month becomes the current one at the
// office.
func monthFile(file *fileFlags, code, poolName string, month *monthFlag) ([]quota.DayView, *time.Location, error) {
	e, err := file.open()
	if err != nil {
		return nil, nil, err
	}
	defer e.Close()
	ctx := context.Background()
	cfg, err := office(ctx, e, file.db, code)
	if err != nil {
		return nil, nil, err
	}
	if err := checkPool(&cfg, poolName); err != nil {
		return nil, nil, err
	}
	loc := cfg.Quota.Schedule.Location
	if month.year == 0 {
		today := file.today(loc)
		*month = monthFlag{today.Year(), today.Month()}
	}
	// One pool's calendar is its own view (MonthIn), not the all-pools
	// view narrowed day by day: its State, Left and Pools count that pool
	// only, so the grid and the notes below read each day's own fields.
	var days []quota.DayView
	if poolName == "" {
		days, err = e.Month(ctx, code, month.year, month.month)
	} else {
		days, err = e.MonthIn(ctx, code, poolName, month.year, month.month)
	}
	return days, loc, err
}

// monthRemote asks a running service for an office's month, as monthFile
// reads it from a file: through the calendar routes kuota serve opens to
// operators (GET /operator/offices/{office}/months/{month}).
func monthRemote(r *remote, code, poolName string, month *monthFlag) ([]quota.DayView, *time.Location, error) {
	o, err := remoteOffice(r, code)
	if err != nil {
		return nil, nil, err
	}
	if poolName != "" && !slices.Contains(o.Pools, poolName) {
		return nil, nil, fmt.Errorf("office %s has no pool %q; it has: %s", code, poolName, strings.Join(o.Pools, ", "))
	}
	loc, err := calendar.LoadZone(o.Zone)
	if err != nil {
		return nil, nil, fmt.Errorf("office %s: %w", code, err)
	}
	if month.year == 0 {
		today := calendar.DateOf(time.Now(), loc)
		*month = monthFlag{today.Year(), today.Month()}
	}
	path := "/offices/" + url.PathEscape(code) + "/months/" + month.String()
	if poolName != "" {
		path += "?pool=" + url.QueryEscape(poolName)
	}
	var m monthWire
	if err := r.get(path, &m); err != nil {
		return nil, nil, err
	}
	days := make([]quota.DayView, len(m.Days))
	for i := range m.Days {
		if days[i], err = m.Days[i].dayView(); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", r, err)
		}
		days[i].Opens = days[i].Opens.In(loc)
	}
	return days, loc, nil
}

// checkPool refuses a pool the office does not have, listing those it has;
// the empty name, every pool, is always fine.
func checkPool(cfg *booking.OfficeConfig, name string) error {
	if name == "" {
		return nil
	}
	if _, ok := cfg.Quota.Layout.Pool(name); !ok {
		return fmt.Errorf("office %s has no pool %q; it has: %s", cfg.Code, name, strings.Join(cfg.Quota.Layout.Pools, ", "))
	}
	return nil
}

// writeNotes writes what the colours leave out: how many seats the green
// days have left, when the next yellow day opens, and, day by day, the name
// of each holiday or closure and which yellow days offer no quota at all
// (yellow is both "not opened yet" and "no quota": the grid cannot tell
// them apart, an operator must).
func writeNotes(w io.Writer, days []quota.DayView, loc *time.Location) error {
	var (
		b         strings.Builder
		seats     int
		available int
		opens     time.Time // the earliest release of a yellow day
	)
	for i := range days {
		switch d := &days[i]; d.State {
		case calendar.Available:
			seats += d.Left
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
		switch d := &days[i]; {
		case d.State == calendar.Holiday && d.Reason != "":
			fmt.Fprintf(&b, "%s closed: %s\n", d.Date, d.Reason)
		case d.State == calendar.NoQuota:
			fmt.Fprintf(&b, "%s no quota: no seat offered\n", d.Date)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/grid"
	"github.com/kuota/kuota/quota"
)

// fakeClock is the engine's clock (booking.Options.Now). The program moves
// it forward between scenes, so a story that spans six weeks runs in
// seconds and prints the same instants every run. The rush's goroutines
// read it concurrently, hence the atomic.
type fakeClock struct {
	ns atomic.Int64 // Unix nanoseconds
}

func (c *fakeClock) Now() time.Time { return time.Unix(0, c.ns.Load()).In(calendar.Jakarta()) }

// set moves the clock to t. The engine's deadlines and indexes assume
// time never runs backwards, so neither does this clock.
func (c *fakeClock) set(t time.Time) {
	if n := t.UnixNano(); n > c.ns.Load() {
		c.ns.Store(n)
	}
}

// printer writes the narrative. It keeps the first write error, so the
// scenes can print without checking every line, and run reports it once
// at the end (a closed pipe, a full disk).
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

// line prints one line.
func (p *printer) line(format string, args ...any) { p.f(format+"\n", args...) }

// varies prints a line whose content changes from run to run: timings,
// and counts that depend on which goroutine the scheduler let win a race
// for the last seats. The "~" in front tells a reader (and the tests,
// which drop these lines before comparing two runs) not to expect it
// again next time.
func (p *printer) varies(format string, args ...any) { p.f("~ "+format+"\n", args...) }

// section prints a numbered heading.
func (p *printer) section(n int, title string) {
	head := fmt.Sprintf("%d. %s", n, title)
	p.f("\n%s\n%s\n", head, strings.Repeat("─", utf8.RuneCountInString(head)))
}

// step prints one result of an engine call: ✓ for what it did.
func (p *printer) step(what, format string, args ...any) {
	p.f("  ✓ %-12s %s\n", what, fmt.Sprintf(format, args...))
}

// refusal prints a refusal with the engine's own error text, and the
// sentinel the program matched it with (errors.Is), named with its
// package: each meaning has one sentinel, in the package that owns it
// (quota's seats, reschedule's windows, booking's own).
func (p *printer) refusal(what string, err error, sentinel string) {
	p.f("  ✗ %s: %v\n      errors.Is(err, %s)\n", what, err, sentinel)
}

// grids draws month grids next to each other, with the legend below. Each
// month is coloured by pools[i], a pool's name for an all-pools view
// (DayView.StateIn), or "" for a view's own state, such as a MonthIn's.
// grid.Month draws cells of the same width in both styles, so the only
// thing to allow for when padding is the colour escapes.
func (p *printer) grids(style grid.Style, titles []string, months [][]quota.DayView, pools []string) {
	var cols [][]string
	for i := range months {
		var b strings.Builder
		if err := grid.Month(&b, titles[i], months[i], pools[i], style); err != nil {
			p.err = err
			return
		}
		cols = append(cols, strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n"))
	}
	const gap = "      "
	width := 0 // of the widest line of every column but the last
	for _, col := range cols[:len(cols)-1] {
		for _, l := range col {
			width = max(width, visibleWidth(l))
		}
	}
	rows := 0
	for _, col := range cols {
		rows = max(rows, len(col))
	}
	for r := range rows {
		var b strings.Builder
		for c, col := range cols {
			l := ""
			if r < len(col) {
				l = col[r]
			}
			b.WriteString(l)
			if c < len(cols)-1 {
				b.WriteString(strings.Repeat(" ", width-visibleWidth(l)) + gap)
			}
		}
		p.line("  %s", strings.TrimRight(b.String(), " "))
	}
	var legend strings.Builder
	if err := grid.Legend(&legend, style); err != nil {
		p.err = err
		return
	}
	p.f("  %s", legend.String())
}

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

func visibleWidth(s string) int {
	return utf8.RuneCountInString(ansiEscape.ReplaceAllString(s, ""))
}

// zoneName returns WIB, WITA or WIT for an instant in an Indonesian zone.
// Formatting with "MST" would print "Asia/Jakarta" on a host without a
// time zone database, where package calendar falls back to fixed zones.
func zoneName(t time.Time) string {
	switch _, off := t.Zone(); off {
	case 7 * 3600:
		return "WIB"
	case 8 * 3600:
		return "WITA"
	case 9 * 3600:
		return "WIT"
	}
	return t.Format("MST")
}

// when formats an instant for the narrative: "Sun 1 Nov 2026 08:00 WIB".
func when(t time.Time) string {
	return t.Format("Mon 2 Jan 2006 15:04 ") + zoneName(t)
}

// hhmm formats an instant as "10:05 WITA".
func hhmm(t time.Time) string { return t.Format("15:04 ") + zoneName(t) }

// day formats a date with its weekday: "Thu 2026-12-10".
func day(d calendar.Date) string { return d.Weekday().String()[:3] + " " + d.String() }

// count formats n with its noun, singular for one: "1 race", "48 races".
func count(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// verb picks a verb's form for a subject of n: "opens" for one, "open"
// for more.
func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// span formats a wait for people: "5 minutes", "1 hour 5 minutes",
// "2 days 3 hours", to the minute.
func span(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, minutes := int64(d/(24*time.Hour)), int64(d%(24*time.Hour)/time.Hour), int64(d%time.Hour/time.Minute)
	var parts []string
	for _, p := range []struct {
		n         int64
		one, many string
	}{{days, "day", "days"}, {hours, "hour", "hours"}, {minutes, "minute", "minutes"}} {
		if p.n > 0 {
			parts = append(parts, count(p.n, p.one, p.many))
		}
	}
	if len(parts) == 0 {
		return "less than a minute"
	}
	return strings.Join(parts, " ")
}

// inWIB formats an instant as when does, and adds its time in WIB, the
// clock the story keeps, when its zone is another: "Sun 1 Nov 2026 08:00
// WITA (07:00 WIB)", but "Sun 1 Nov 2026 08:00 WIB" alone.
func inWIB(t time.Time) string {
	if _, off := t.Zone(); off == 7*3600 {
		return when(t)
	}
	return when(t) + " (" + hhmm(t.In(calendar.Jakarta())) + ")"
}

// Package grid draws a month of quota.DayView as a calendar grid for a
// terminal: Monday to Sunday, one cell per day, coloured green, red, yellow
// or grey with ANSI escapes, or marked with letters when the output is not
// a terminal. The kuota command and the examples share it.
//
// A cell shows a day's colour (calendar.State.Color), not its state: the
// letters stand for colours, so a grid reads the same in both styles. Two
// states share yellow, calendar.NotOpened and calendar.NoQuota, because
// neither means that seats were used up; the legend names both, and a
// caller that must tell them apart says so beside the grid (the kuota
// command lists the days without quota under its grid).
package grid

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// Style chooses how cells are drawn.
type Style uint8

const (
	// Letters marks each day with a letter: G green, R red, Y yellow, .
	// grey; one letter per colour, so Y is a day whose quota is not
	// opened yet or offers no seat. It is for files, pipes and tests.
	Letters Style = iota
	// Colors paints each day's background with ANSI escapes.
	Colors
)

var (
	letters = map[calendar.Color]byte{calendar.Green: 'G', calendar.Red: 'R', calendar.Yellow: 'Y', calendar.Grey: '.'}
	// Black text on a coloured background; bright black for grey.
	escapes = map[calendar.Color]string{
		calendar.Green: "\x1b[30;42m", calendar.Red: "\x1b[30;41m",
		calendar.Yellow: "\x1b[30;43m", calendar.Grey: "\x1b[30;100m",
	}
)

const reset = "\x1b[0m"

// Month writes a title line, a weekday header and one row per week of
// days, which must be the days of one month in order (as quota.Ledger.Month
// and booking.Engine.Month return them, or their MonthIn). A day's colour
// is its state in the pool named pool (quota.DayView.StateIn), or its own
// State when pool is empty: over all pools for a Month view, over its one
// pool for a MonthIn view.
func Month(w io.Writer, title string, days []quota.DayView, pool string, style Style) error {
	if len(days) == 0 {
		return fmt.Errorf("grid: no days")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", title)
	b.WriteString(" Mon  Tue  Wed  Thu  Fri  Sat  Sun\n")
	// Monday is column 0.
	col := (int(days[0].Date.Weekday()) + 6) % 7
	b.WriteString(strings.Repeat("     ", col))
	for i := range days {
		d := &days[i]
		state := d.State
		if pool != "" {
			state = d.StateIn(pool)
		}
		cell(&b, d.Date.Day(), state.Color(), style)
		col++
		switch {
		case col == 7:
			b.WriteString("\n")
			col = 0
		case i < len(days)-1:
			b.WriteString(" ")
		}
	}
	if col != 0 {
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func cell(b *strings.Builder, day int, c calendar.Color, style Style) {
	if style == Colors {
		fmt.Fprintf(b, "%s %2d %s", escapes[c], day, reset)
		return
	}
	fmt.Fprintf(b, " %2d%c", day, letters[c])
}

// Legend writes what each colour means. Yellow covers both states that
// are yellow: "quota not opened yet, or none offered".
func Legend(w io.Writer, style Style) error {
	var b strings.Builder
	for _, e := range []struct {
		c    calendar.Color
		text string
	}{
		{calendar.Green, "available"}, {calendar.Red, "full"},
		{calendar.Yellow, "quota not opened yet, or none offered"}, {calendar.Grey, "holiday, day off, closed or past"},
	} {
		if style == Colors {
			fmt.Fprintf(&b, "%s    %s %s  ", escapes[e.c], reset, e.text)
		} else {
			fmt.Fprintf(&b, "%c %s  ", letters[e.c], e.text)
		}
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), " ")+"\n")
	return err
}

// Title formats a month and office for a grid's first line: "December 2026 — JKT".
func Title(year int, month time.Month, office string) string {
	return fmt.Sprintf("%s %d — %s", month, year, office)
}

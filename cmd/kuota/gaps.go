package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/kuota/kuota/booking"
)

// fileGaps turns the engine's holiday gaps into the API's shape, so that
// a file and a service print them alike.
func fileGaps(gaps []booking.HolidayGap) []gapWire {
	out := make([]gapWire, len(gaps))
	for i, g := range gaps {
		out[i] = gapWire{Office: g.Office, Years: g.Years}
	}
	return out
}

// writeGaps writes a warning line for each office whose booking window
// reaches a year without holiday data. It is a warning, not a violation:
// the engine keeps those days not opened, so nothing is sold by
// omission, but applicants see them yellow until the data is loaded.
func writeGaps(w io.Writer, gaps []gapWire) error {
	var b strings.Builder
	for _, g := range gaps {
		years := make([]string, len(g.Years))
		for i, y := range g.Years {
			years[i] = strconv.Itoa(y)
		}
		fmt.Fprintf(&b, "warning: office %s has no holiday data for %s: its service days there stay not opened "+
			"until the year's holidays are loaded (the configuration's \"holidays\") and the office registered again\n",
			g.Office, strings.Join(years, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

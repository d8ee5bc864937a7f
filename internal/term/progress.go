package term

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// redrawEvery is how often a progress bar is redrawn: five times a second
// moves smoothly to the eye, and a file that collects the bar gets a few
// hundred bytes a second.
const redrawEvery = 200 * time.Millisecond

// barCells is the width of the bar between its brackets: with a label of
// 40 characters and the counts, the line still fits 100 columns.
const barCells = 30

// StartProgress draws a progress bar on w for work of total steps, of
// which done reports how many are finished. It stays quiet for after, so
// that short work shows nothing, and then redraws one line in place every
// redrawEvery:
//
//	rush [=========                     ]  30% 3000/10000
//
// done is called from another goroutine; a count outside 0..total is
// drawn as 0 or total. Nothing is drawn when w is nil or total is not
// positive. The returned stop clears the line, if one was drawn, and
// returns once nothing more will be.
func StartProgress(w io.Writer, label string, total int, done func() int, after time.Duration) (stop func()) {
	if w == nil || total <= 0 {
		return func() {}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		quiet := time.NewTimer(after)
		defer quiet.Stop()
		select {
		case <-quit:
			return
		case <-quiet.C:
		}
		tick := time.NewTicker(redrawEvery)
		defer tick.Stop()
		drawn := 0 // the width of the line on screen, in characters
		for {
			select {
			case <-quit:
				if drawn > 0 {
					fmt.Fprintf(w, "\r%s\r", strings.Repeat(" ", drawn))
				}
				return
			case <-tick.C:
				line := progressLine(label, min(max(done(), 0), total), total)
				fmt.Fprintf(w, "\r%s", line)
				drawn = max(drawn, utf8.RuneCountInString(line))
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}

// progressLine is one drawing of a progress bar with n of total done.
func progressLine(label string, n, total int) string {
	filled := barCells * n / total
	return fmt.Sprintf("%s [%s%s] %3d%% %d/%d", label,
		strings.Repeat("=", filled), strings.Repeat(" ", barCells-filled), 100*n/total, n, total)
}

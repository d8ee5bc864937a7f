package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progressAfter is how long a run goes before it shows a progress bar:
// short runs stay quiet.
const progressAfter = 2 * time.Second

// startProgress draws a progress bar on w (when not nil) every half second
// for a run that has gone on for progressAfter, reading the work done from
// done. The returned function stops it and clears the line.
func startProgress(w io.Writer, label string, total int, done func() int) (stop func()) {
	if w == nil || total == 0 {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		drawn := false
		for {
			select {
			case <-quit:
				if drawn {
					fmt.Fprintf(w, "\r%s\r", strings.Repeat(" ", 100))
				}
				return
			case <-tick.C:
				if time.Since(start) < progressAfter {
					continue
				}
				n := done()
				const width = 30
				filled := width * n / total
				fmt.Fprintf(w, "\r%-40.40s [%s%s] %3d%% %d/%d", label,
					strings.Repeat("=", filled), strings.Repeat(" ", width-filled), 100*n/total, n, total)
				drawn = true
			}
		}
	}()
	return func() {
		close(quit)
		<-finished
	}
}

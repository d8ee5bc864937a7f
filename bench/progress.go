package bench

import (
	"fmt"
	"io"
	"time"

	"github.com/kuota/kuota/internal/term"
)

// progressAfter is how long a run goes before it shows a progress bar:
// short runs stay quiet.
const progressAfter = 2 * time.Second

// progressLabelWidth keeps every run's bar in the same column: the longest
// label, "national rush kuota-durable, wave 3/3", is 37 characters.
const progressLabelWidth = 40

// startProgress draws a progress bar on w (when not nil) for a run that
// has gone on for progressAfter, reading the work done from done (see
// term.StartProgress). The returned function stops it and clears the line.
func startProgress(w io.Writer, label string, total int, done func() int) (stop func()) {
	label = fmt.Sprintf("%-*.*s", progressLabelWidth, progressLabelWidth, label)
	return term.StartProgress(w, label, total, done, progressAfter)
}

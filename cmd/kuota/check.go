package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// runCheck runs every invariant sweep of the engine over a file, or asks
// a running service to run it, and lists each violation, or says that
// there is none; then it warns of each office whose window reaches a
// year without holiday data. It returns errViolations, for exit status
// 1, when it finds a violation; a holiday gap is a warning only.
func runCheck(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var src sourceFlags
	src.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := src.check(fs); err != nil {
		return err
	}
	if src.addr != "" {
		return checkRemote(stdout, src.remote())
	}
	// A read-only Open loads even a file that breaks an invariant, and
	// Check lists every break, including what would keep a service from
	// opening it (more seats taken in a cell than it has).
	e, err := src.open()
	if err != nil {
		return err
	}
	defer e.Close()

	violations, err := e.Check(context.Background())
	if err != nil {
		return err
	}
	lines := make([]string, len(violations))
	for i, v := range violations {
		lines[i] = v.String()
	}
	gaps, err := e.HolidayGaps(context.Background())
	if err != nil {
		return err
	}
	return writeCheck(stdout, src.db, lines, fileGaps(gaps), e.Stats().Total, len(e.Offices()))
}

// checkRemote asks a running service for its check, and for the numbers
// of its bookings and offices for the summary.
func checkRemote(stdout io.Writer, r *remote) error {
	var c checkWire
	if err := r.get("/check", &c); err != nil {
		return err
	}
	var st statsWire
	if err := r.get("/stats", &st); err != nil {
		return err
	}
	var offices officesWire
	if err := r.get("/offices", &offices); err != nil {
		return err
	}
	lines := make([]string, len(c.Violations))
	for i, v := range c.Violations {
		lines[i] = v.String()
	}
	return writeCheck(stdout, r.String(), lines, c.HolidayGaps, st.Total, len(offices.Offices))
}

// writeCheck writes the violations and the warnings, then a summary
// line, and returns errViolations when there is a violation.
func writeCheck(w io.Writer, where string, violations []string, gaps []gapWire, bookings, offices int) error {
	for _, v := range violations {
		fmt.Fprintln(w, v)
	}
	if err := writeGaps(w, gaps); err != nil {
		return err
	}
	if len(violations) > 0 {
		fmt.Fprintf(w, "%s in %s\n", plural(len(violations), "violation"), where)
		return errViolations
	}
	_, err := fmt.Fprintf(w, "ok: %s, %s, no violations\n", plural(bookings, "booking"), plural(offices, "office"))
	return err
}

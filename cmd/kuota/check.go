package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// runCheck runs every invariant sweep of the engine over the file and lists
// each violation, or says that there is none. It returns errViolations, for
// exit status 1, when it finds one.
func runCheck(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var file fileFlags
	file.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := file.check(fs); err != nil {
		return err
	}
	// A read-only Open loads even a file that breaks an invariant, and
	// Check lists every break, including what would keep a service from
	// opening it (more seats taken in a cell than it has).
	e, err := file.open()
	if err != nil {
		return err
	}
	defer e.Close()

	violations, err := e.Check(context.Background())
	if err != nil {
		return err
	}
	for _, v := range violations {
		fmt.Fprintln(stdout, v)
	}
	if len(violations) > 0 {
		fmt.Fprintf(stdout, "%s in %s\n", plural(len(violations), "violation"), file.db)
		return errViolations
	}
	_, err = fmt.Fprintf(stdout, "ok: %s, %s, no violations\n",
		plural(e.Stats().Total, "booking"), plural(len(e.Offices()), "office"))
	return err
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/kuota/kuota/internal/journal"
)

// runSalvage copies the intact changes of a damaged booking file, in order
// up to the first damage, into a new file, and prints what it copied and
// what was lost. It returns errLost, for exit status 1, when something
// was. It prints no record's contents: to it, a change is bytes, named by
// its number.
func runSalvage(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var src, dst string
	fs.StringVar(&src, "db", "", "the damaged booking `file` to read (required; it is not changed)")
	fs.StringVar(&dst, "out", "", "the new `file` to write the intact changes to (required; it must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case src == "":
		return usagef(fs, "missing -db: which booking file to salvage")
	case dst == "":
		return usagef(fs, "missing -out: which new file to write")
	}
	rep, err := journal.Salvage(src, dst)
	if err != nil {
		return explainSalvage(err, src, dst)
	}
	nothing := rep.Copied == 0
	if nothing {
		// The first change of a booking file holds its code keys: a
		// file without it is no booking file, only a journal that
		// `kuota check` would call damaged. Write none.
		if err := os.Remove(dst); err != nil {
			return err
		}
	}
	printSalvage(stdout, &rep, src, dst)
	if nothing || !rep.Complete() {
		return errLost
	}
	return nil
}

// explainSalvage turns an error of journal.Salvage into what the person
// at the terminal can do about it.
func explainSalvage(err error, src, dst string) error {
	switch {
	case errors.Is(err, journal.ErrLocked):
		return explain(err, "%s is in use by another process (a running service?): stop it, then try again", src)
	case errors.Is(err, fs.ErrExist):
		return explain(err, "%s exists: salvage writes a new file and never replaces one; name another with -out", dst)
	}
	return err
}

// printSalvage writes the report: the changes copied, then what was lost
// and why, then what to do next.
func printSalvage(w io.Writer, rep *journal.SalvageReport, src, dst string) {
	var b strings.Builder
	nothing := rep.Copied == 0
	switch {
	case nothing && rep.Complete():
		fmt.Fprintf(&b, "salvaged nothing from %s: it holds no change, not even the keys of the booking codes; %s is not written\n", src, dst)
	case nothing:
		fmt.Fprintf(&b, "salvaged nothing from %s: its first change, which holds the keys of the booking codes, is damaged; %s is not written\n", src, dst)
	default:
		fmt.Fprintf(&b, "salvaged %s (1 to %d) from %s into %s\n", plural(int(rep.Copied), "change"), rep.Copied, src, dst)
	}
	if !rep.Checksums {
		b.WriteString("note: the file is of an earlier format whose changes carry no checksum: they were copied as found\n")
	}
	if !rep.Complete() {
		if rep.Last > rep.Copied {
			fmt.Fprintf(&b, "lost: changes %d to %d\n", rep.Copied+1, rep.Last)
		} else {
			b.WriteString("lost: changes after the last one copied, how many is not known\n")
		}
		fmt.Fprintf(&b, "found: %s, %s after the damage, %s\n", plural(int(rep.Damaged), "damaged change"),
			plural(int(rep.Skipped), "intact change"), plural(int(rep.UnreachablePages), "unreadable page"))
		for _, p := range rep.Problems {
			fmt.Fprintf(&b, "problem: %s\n", p)
		}
		if more := rep.ProblemCount - len(rep.Problems); more > 0 {
			fmt.Fprintf(&b, "problem: %s more\n", plural(more, "problem"))
		}
	}
	switch {
	case nothing:
		b.WriteString("restore the latest backup (kuota backup) instead\n")
	case rep.Complete():
		b.WriteString("complete: nothing was lost\n")
	default:
		fmt.Fprintf(&b, "%s holds the changes made before the damage: kuota check -db %s, then start the service on it\n", dst, dst)
	}
	io.WriteString(w, b.String())
}

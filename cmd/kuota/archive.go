package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/kuota/kuota/booking"
)

// runArchive writes the bookings a file has archived (those that ended
// more than the retention ago and left memory; see booking.Options.Retention)
// to a new file, as JSON lines of booking.ArchivedBooking, and prints how
// many. The archive holds the applicants' NIKs: it goes to a file of mode
// 0600, never to the terminal.
func runArchive(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var file fileFlags
	file.register(fs)
	var dst string
	fs.StringVar(&dst, "out", "", "the new `file` to write the archive to, as JSON lines (required; it must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := file.check(fs); err != nil {
		return err
	}
	if dst == "" {
		return usagef(fs, "missing -out: which new file to write the archive to (it holds NIKs)")
	}
	if err := inspect(file.db); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return explainArchive(err, dst)
	}
	n, err := booking.ExportArchiveFile(context.Background(), file.db, &booking.Options{LockTimeout: file.timeout}, out)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst) // a partial archive is no archive
		return file.explainOpen(err)
	}
	_, err = fmt.Fprintf(stdout, "archived: %s from %s written to %s\n", plural(n, "booking"), file.db, dst)
	return err
}

// explainArchive says what to do about a -out that cannot be created.
func explainArchive(err error, dst string) error {
	if errors.Is(err, fs.ErrExist) {
		return explain(err, "%s exists: archive writes a new file and never replaces one; name another with -out", dst)
	}
	return err
}

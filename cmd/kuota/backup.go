package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/kuota/kuota/booking"
)

// runBackup writes a consistent copy of a booking file to a new file:
// from a running service, streamed by its operator API (GET
// /operator/backup, booking.Engine.Backup), or from a file no process
// holds. Either way the copy is opened and replayed before kuota says it
// is done, so that a transfer cut short is never taken for a backup.
func runBackup(stdout io.Writer, fs *flag.FlagSet, args []string) error {
	var (
		src sourceFlags
		dst string
	)
	src.register(fs)
	fs.StringVar(&dst, "out", "", "the new `file` to write the copy to (required; it must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := src.check(fs); err != nil {
		return err
	}
	if dst == "" {
		return usagef(fs, "missing -out: which new file to write the copy to (it holds NIKs)")
	}
	if !src.now.IsZero() {
		return usagef(fs, "-now does not apply to backup: a copy holds every change, whatever the clock")
	}
	if src.db != "" {
		if err := inspect(src.db); err != nil {
			return err
		}
	}
	// The copy holds NIKs: mode 0600, and never over an existing file.
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return explainBackupOut(err, dst)
	}
	var (
		n    int64
		from string
	)
	if src.addr != "" {
		r := src.remote()
		from = r.String()
		n, err = r.stream("/backup", out)
	} else {
		from = src.db
		n, err = copyHeld(&src.fileFlags, out)
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	var bookings int
	if err == nil {
		bookings, err = verifyCopy(dst)
	}
	if err != nil {
		os.Remove(dst) // a partial copy is no backup
		return err
	}
	_, err = fmt.Fprintf(stdout, "backup: %s of %s written to %s, opened: %s\n",
		plural(int(n), "byte"), from, dst, plural(bookings, "booking"))
	return err
}

// copyHeld copies the booking file to w while holding it open read-only:
// the shared lock keeps a service from opening it for writing until the
// copy is done, so the copy is of one moment. The engine's Open checks
// every change first.
func copyHeld(file *fileFlags, w io.Writer) (int64, error) {
	e, err := file.open()
	if err != nil {
		return 0, err
	}
	defer e.Close()
	f, err := os.Open(file.db)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.Copy(w, f)
}

// verifyCopy opens the copy read-only, which reads every change and its
// checksum, and returns its number of bookings.
func verifyCopy(path string) (int, error) {
	e, err := booking.Open(path, &booking.Options{ReadOnly: true, NoSweeper: true})
	if err != nil {
		return 0, fmt.Errorf("the copy in %s does not open, and was removed: %w", path, err)
	}
	defer e.Close()
	return e.Stats().Total, nil
}

// explainBackupOut says what to do about a -out that cannot be created.
func explainBackupOut(err error, dst string) error {
	if errors.Is(err, fs.ErrExist) {
		return explain(err, "%s exists: backup writes a new file and never replaces one; name another with -out", dst)
	}
	return err
}

package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
)

// open opens the file read-only, on a clock frozen at -now if it was given.
// The errors an operator can act on say what to do about them, and still
// match the booking sentinels (errors.Is).
func (f *fileFlags) open() (*booking.Engine, error) {
	if err := inspect(f.db); err != nil {
		return nil, err
	}
	opts := &booking.Options{
		ReadOnly:    true,
		NoSweeper:   true,
		LockTimeout: f.timeout,
		// What the engine warns of when it opens a file (one of its meta
		// pages lost) is for the person at the terminal; the rest of its
		// log, a line per booking, is not.
		Logger: warningsTo(f.warnings),
	}
	if !f.now.IsZero() {
		at := f.now.Time
		opts.Now = func() time.Time { return at }
	}
	e, err := booking.Open(f.db, opts)
	if err != nil {
		return nil, f.explainOpen(err)
	}
	return e, nil
}

// warningsTo returns a logger that writes the engine's warnings to w as
// "warning: …" lines, nil when w is.
func warningsTo(w io.Writer) *slog.Logger {
	if w == nil {
		return nil
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: slog.LevelWarn,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			switch {
			case len(groups) > 0:
			case a.Key == slog.TimeKey:
				return slog.Attr{} // a terminal's line needs no time
			case a.Key == slog.LevelKey:
				return slog.String("kuota", "warning")
			}
			return a
		},
	}))
}

// errNotBookingFile is matched by the refusal of a path that is no
// booking file at all: a directory, a device, an empty file, a file of
// another program.
var errNotBookingFile = errors.New("not a booking file")

// boltMagic begins every bbolt meta page, after the page header of
// boltPageHeaderBytes; bbolt writes it in the machine's byte order.
const (
	boltMagic           = 0xED0CDAED
	boltPageHeaderBytes = 16
	// boltPageBytesMin and boltPageBytesMax bound the page sizes a bbolt
	// file may have been made with: the second meta page starts at one
	// page.
	boltPageBytesMin = 1 << 10
	boltPageBytesMax = 1 << 16
)

// inspect refuses, before anything opens it, a path that is no booking
// file at all, saying what it is instead. A damaged booking file passes:
// the engine names its damage, and salvage mends it.
func inspect(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return explain(err, "%s does not exist (kuota only reads a file; the service creates it)", path)
	case err != nil:
		return err
	case fi.IsDir():
		return explain(errNotBookingFile, "%s is a directory, not a booking file: -db names the file itself, such as %s",
			path, filepath.Join(path, "kuota.db"))
	case !fi.Mode().IsRegular():
		return explain(errNotBookingFile, "%s is not a regular file (a device, a pipe or a socket), so not a booking file", path)
	case fi.Size() == 0:
		return explain(errNotBookingFile, "%s is empty, not a booking file: kuota serve makes one, the other commands only read", path)
	}
	bolt, err := hasBoltMagic(path)
	if err != nil {
		return err
	}
	if !bolt {
		return explain(errNotBookingFile, "%s is not a booking file: it holds no bbolt database "+
			"(a file of another program, or one overwritten past repair)", path)
	}
	return nil
}

// hasBoltMagic reports whether either of a file's meta pages begins as
// bbolt's do: the first at the start, the second one page further, at
// any page size bbolt may have used.
func hasBoltMagic(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, boltPageBytesMax+boltPageHeaderBytes+4)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return false, err
	}
	head = head[:n]
	magicAt := func(off int) bool {
		off += boltPageHeaderBytes
		return off+4 <= len(head) && binary.NativeEndian.Uint32(head[off:]) == boltMagic
	}
	if magicAt(0) {
		return true, nil
	}
	for size := boltPageBytesMin; size <= boltPageBytesMax; size *= 2 {
		if magicAt(size) {
			return true, nil
		}
	}
	return false, nil
}

// explainOpen turns an error of booking.Open into what the person at the
// terminal can do about it.
func (f *fileFlags) explainOpen(err error) error {
	switch {
	case errors.Is(err, booking.ErrLocked):
		// bbolt lets one writer or many readers in, never both: a
		// running service keeps every reader out until it closes.
		return explain(err, "%s is held by a running process (kuota serve?); use -addr URL to ask the service, "+
			"or stop it, then try again (waited %v)", f.db, f.timeout)
	case errors.Is(err, fs.ErrNotExist):
		return explain(err, "%s does not exist (kuota only reads a file; the service creates it)", f.db)
	case errors.Is(err, booking.ErrFilePermissions):
		return explain(err, "%s may be read or written by group or others, who could read the applicants' data "+
			"or forge bookings: chmod 600 it, then try again", f.db)
	case errors.Is(err, booking.ErrInconsistent):
		return fmt.Errorf("%s: %w (see kuota check)", f.db, err)
	case errors.Is(err, booking.ErrCorrupt) && foreignBolt(err):
		return explain(err, "%s is a bbolt database of another program, not a booking file", f.db)
	case errors.Is(err, booking.ErrCorrupt):
		return fmt.Errorf("%s is damaged or not a booking file: %w "+
			"(kuota salvage -db %s -out NEW copies the changes made before the damage into a new file)", f.db, err, f.db)
	}
	return fmt.Errorf("%s: %w", f.db, err)
}

// foreignBolt reports whether the engine refused a file as a bbolt
// database that is not kuota's (internal/journal's prepare): one whose
// buckets are another program's, or one with none. The journal says so
// in words only; TestFileKinds keeps this in step with them.
func foreignBolt(err error) bool {
	return strings.Contains(err.Error(), "not a kuota file")
}

// explainedError replaces the message of an error with one that says what
// to do, keeping the error itself for errors.Is: the library's message
// speaks to programmers, this one to the person at the terminal.
type explainedError struct {
	msg string
	err error
}

func explain(err error, format string, args ...any) error {
	return &explainedError{msg: fmt.Sprintf(format, args...), err: err}
}

func (e *explainedError) Error() string { return e.msg }
func (e *explainedError) Unwrap() error { return e.err }

// office returns the configuration of the office code names, or an error
// that lists the offices the file does have.
func office(ctx context.Context, e *booking.Engine, db, code string) (booking.OfficeConfig, error) {
	cfg, err := e.Office(ctx, code)
	if errors.Is(err, booking.ErrUnknownOffice) {
		return cfg, fmt.Errorf("no office %q in %s; it has: %s", code, db, officeList(e))
	}
	return cfg, err
}

// officeList names the offices of e for an error message, or says there are
// none.
func officeList(e *booking.Engine) string {
	codes := e.Offices()
	if len(codes) == 0 {
		return "no office at all"
	}
	return strings.Join(codes, ", ")
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
)

// open opens the file read-only, on a clock frozen at -now if it was given.
// The errors an operator can act on say what to do about them, and still
// match the booking sentinels (errors.Is).
func (f *fileFlags) open() (*booking.Engine, error) {
	opts := &booking.Options{
		ReadOnly:    true,
		NoSweeper:   true,
		LockTimeout: f.timeout,
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

// explainOpen turns an error of booking.Open into what the person at the
// terminal can do about it.
func (f *fileFlags) explainOpen(err error) error {
	switch {
	case errors.Is(err, booking.ErrLocked):
		// bbolt lets one writer or many readers in, never both: a
		// running service keeps every reader out until it closes.
		return explain(err, "%s is in use by another process (a running service?): "+
			"stop it, or use a copy taken while it was stopped, then try again (waited %v)", f.db, f.timeout)
	case errors.Is(err, fs.ErrNotExist):
		return explain(err, "%s does not exist (kuota only reads a file; the service creates it)", f.db)
	case errors.Is(err, booking.ErrFilePermissions):
		return explain(err, "%s may be read or written by group or others, who could read the applicants' data "+
			"or forge bookings: chmod 600 it, then try again", f.db)
	case errors.Is(err, booking.ErrInconsistent):
		return fmt.Errorf("%s: %w (see kuota check)", f.db, err)
	case errors.Is(err, booking.ErrCorrupt):
		return fmt.Errorf("%s is damaged or not a booking file: %w "+
			"(kuota salvage -db %s -out NEW copies the changes made before the damage into a new file)", f.db, err, f.db)
	}
	return fmt.Errorf("%s: %w", f.db, err)
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

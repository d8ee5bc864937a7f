package config

import (
	"errors"
	"fmt"
	"strings"
)

// Errors of the document's form: what encoding/json would call a syntax or
// type error, in the file's own terms. Each comes inside an *Error naming
// the file, line, column and field.
var (
	// ErrTooLarge is returned for a configuration file of more than
	// FileBytesMax bytes, or a secret file of more than SecretBytesMax.
	ErrTooLarge = errors.New("config: file too large")
	// ErrSyntax is returned for a file that is not well-formed JSON, or
	// holds more than one JSON value.
	ErrSyntax = errors.New("config: JSON syntax error")
	// ErrType is returned for a value of the wrong JSON type: a number
	// where a string belongs, a fraction where a whole number does, or
	// null anywhere.
	ErrType = errors.New("config: wrong JSON type")
	// ErrUnknownField is returned for a field the format does not have,
	// which is most often a misspelt one: a misspelt field silently
	// ignored would leave its default in force.
	ErrUnknownField = errors.New("config: unknown field")
	// ErrDuplicateField is returned for a field given twice in one
	// object: encoding/json would keep the last one without a word.
	ErrDuplicateField = errors.New("config: field given twice")
	// ErrMissingField is returned for a required field that is absent.
	ErrMissingField = errors.New("config: missing field")
)

// Errors of the values, beyond those of the packages that own the rules:
// a zone is refused with calendar.ErrUnknownZone, a clock time with
// quota.ErrBadClock, a layout or release rule with quota.ErrBadConfig, a
// closure with calendar.ErrBadClosure, a date with calendar.ErrBadDate, an
// office code or name with booking.ErrBadOffice, a policy value with
// booking.ErrBadOptions or reschedule.ErrBadPolicy, a holiday file with
// calendar's holiday errors (a *calendar.LineError naming its line) — each
// inside an *Error that names the field.
var (
	// ErrBadValue is returned for a value the file format does not read:
	// a weekday name, a slot's time span, a duration, an "H-n" day,
	// a release period, a holiday source, a listen address, an
	// environment variable name.
	ErrBadValue = errors.New("config: bad value")
	// ErrTooMany is returned for a list longer than its limit (OfficesMax,
	// HolidaySourcesMax, HolidayFilesMax).
	ErrTooMany = errors.New("config: too many entries")
	// ErrDuplicateOffice is returned when two offices share a code: the
	// second would silently replace the first.
	ErrDuplicateOffice = errors.New("config: office code listed twice")
	// ErrOverlappingSlots is returned when two slots of an office overlap:
	// an applicant could not tell which one an arrival time belongs to.
	ErrOverlappingSlots = errors.New("config: slots overlap")
	// ErrBadPools is returned when a slot's seats name a pool the office
	// does not list, or leave out one it does.
	ErrBadPools = errors.New("config: seats do not match the office's pools")
	// ErrSecret is returned by Secret.Read for a secret it cannot read:
	// an environment variable that is not set or empty, a file that is
	// missing, empty, not a regular file, or readable or writable by group
	// or others (anyone who can read it can confirm payments or act as an
	// operator).
	ErrSecret = errors.New("config: secret not readable")
)

// Error says where in a configuration file something is wrong:
//
//	kuota.json:12:5: offices[1].slots[0].time: config: bad value: …
//
// It wraps the reason, so errors.Is matches the sentinels above and those
// of the package that owns the rule (quota.ErrBadConfig, …).
type Error struct {
	File   string // the file's name as given to Parse, or its path as given to Load
	Line   int    // 1-based; 0 when the error is about the file as a whole
	Column int    // 1-based, in bytes; 0 when Line is
	// Field is the path of the field in the document, as
	// "offices[1].slots[0].time"; "" for the document itself.
	Field string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	for _, s := range []string{e.Field, e.Err.Error()} {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(": ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// Unwrap returns the reason.
func (e *Error) Unwrap() error { return e.Err }

// fieldError is an error found at a field before the file's name and the
// line are known. off is the byte offset of the field's value, or -1 when
// it is still to be looked up from the path (see offsetOf).
type fieldError struct {
	path string
	off  int64
	err  error
}

func (e *fieldError) Error() string { return e.path + ": " + e.err.Error() }

// errAt returns an error about the field at path, to be placed by its path.
func errAt(path string, err error) error {
	return &fieldError{path: path, off: -1, err: err}
}

// quote formats a value from the file for a message: quoted, so that no
// control character reaches a log line, and cut short, so that a long
// value does not drown the message.
func quote(s string) string {
	const quoteBytesMax = 48
	if len(s) > quoteBytesMax {
		return fmt.Sprintf("%q…", s[:quoteBytesMax])
	}
	return fmt.Sprintf("%q", s)
}

package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/quota"
)

// Limits of a configuration file, checked as it is read. A file beyond
// one is refused with an *Error naming the field, never truncated.
const (
	// FileBytesMax bounds the file: ten thousand offices (OfficesMax) of
	// sixteen four-pool slots each come to about 20 MB.
	FileBytesMax = 32 << 20
	// OfficesMax bounds the offices of a file: as many as one engine
	// holds (quota.OfficesMax).
	OfficesMax = quota.OfficesMax
	// HolidaySourcesMax bounds the holiday sources one office names: the
	// embedded data and a file per year for a few years is enough.
	HolidaySourcesMax = 16
	// HolidayFilesMax bounds the distinct holiday files one configuration
	// reads, each at most calendar.HolidaysFileBytesMax, so that a file
	// cannot make Load read gigabytes.
	HolidayFilesMax = 64
	// SecretBytesMax bounds a secret read from a file: a DSN or a token
	// is far shorter.
	SecretBytesMax = 64 << 10
	// EnvNameBytesMax bounds the name of an environment variable.
	EnvNameBytesMax = 128
)

// File is a configuration file as a service uses it: the offices to
// register, the engine's policy, and the settings of a server, if the file
// has them.
//
// A File is a plain value, safe to read from many goroutines; its slices
// are the caller's to keep or change.
type File struct {
	// Offices are the offices in the file's order, each ready for
	// booking.Engine.RegisterOffice: every value has passed the checks of
	// the package that owns it (see the package documentation).
	Offices []booking.OfficeConfig
	// Policy is the engine's policy: the file's values, and the
	// defaults for those it leaves out. Policy.Options turns it into
	// booking.Options.
	Policy Policy
	// Server holds the settings of a server (`kuota serve`), nil when the
	// file has no "server" section: a service that embeds the engine
	// needs only Offices and Policy.
	Server *ServerConfig
}

// Load reads the configuration file at path. Relative paths in the file
// (holiday files, the database, secret files) are taken from the file's
// directory. An error is an *Error naming the file, and the line, column
// and field where it applies.
func Load(path string) (*File, error) {
	data, err := readFile(path, FileBytesMax)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	return Parse(path, data, filepath.Dir(path))
}

// Parse reads a configuration from data; name is the file's name, for
// errors ("kuota.json"). Relative paths in the file are taken from the
// directory dir ("" is the working directory). An error is an *Error
// naming the line, column and field where it applies.
func Parse(name string, data []byte, dir string) (*File, error) {
	return parse(name, data, osFiles{dir: dir})
}

// files opens the files a configuration names. Parse uses the operating
// system's; the fuzz target and tests use a map, so that no input can
// make them read the disk.
type files interface {
	// path resolves a path as written in the file.
	path(p string) string
	// open opens a regular file at a resolved path.
	open(path string) (io.ReadCloser, error)
}

// osFiles opens files on disk, relative paths from dir.
type osFiles struct{ dir string }

func (o osFiles) path(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(o.dir, p)
}

func (osFiles) open(path string) (io.ReadCloser, error) { return openRegular(path) }

// statRegular returns the mode of the regular file at path, or an error
// for anything else: opening a FIFO would block, and a directory is
// better named than read.
func statRegular(path string) (fs.FileMode, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, unwrapPath(err)
	}
	if !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return 0, errors.New("is a directory")
		}
		return 0, errors.New("not a regular file")
	}
	return fi.Mode(), nil
}

// openRegular opens the regular file at path, looking before it opens
// (see statRegular).
func openRegular(path string) (*os.File, error) {
	if _, err := statRegular(path); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	return f, nil
}

// readFile reads the regular file at path, refusing one of more than
// limit bytes with ErrTooLarge.
func readFile(path string, limit int64) ([]byte, error) {
	f, err := openRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return data, nil
}

// unwrapPath drops the operation and path of a *fs.PathError, which the
// message names already: "kuota.json: no such file or directory", not
// "kuota.json: open kuota.json: no such file or directory".
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// parse reads a configuration, opening the files it names from src.
func parse(name string, data []byte, src files) (*File, error) {
	if len(data) > FileBytesMax {
		return nil, &Error{File: name, Err: fmt.Errorf("%w: more than %d bytes", ErrTooLarge, FileBytesMax)}
	}
	var w fileJSON
	if err := decode(data, &w); err != nil {
		return nil, place(name, data, err)
	}
	f, err := build(&w, src)
	if err != nil {
		return nil, place(name, data, err)
	}
	if f.Server != nil {
		for _, s := range f.Server.secrets() {
			line, col := position(data, offsetOf(data, s.field))
			s.where = &Error{File: name, Line: line, Column: col, Field: s.field}
		}
	}
	return f, nil
}

// place turns an error found at a field into an *Error with the file's
// name and the field's line and column.
func place(name string, data []byte, err error) error {
	var fe *fieldError
	if !errors.As(err, &fe) {
		return &Error{File: name, Err: err}
	}
	off := fe.off
	if off < 0 {
		off = offsetOf(data, fe.path)
	}
	line, col := position(data, off)
	return &Error{File: name, Line: line, Column: col, Field: fe.path, Err: fe.err}
}

// build turns the document into a File, checking every value.
func build(w *fileJSON, src files) (*File, error) {
	hs := newHolidaySources(src)
	var defaults *holidayRef
	if w.Holidays != nil {
		ref, err := parseHolidayRef(*w.Holidays, "holidays")
		if err != nil {
			return nil, err
		}
		defaults = &ref
	}
	if len(w.Offices) == 0 {
		return nil, errAt("offices", fmt.Errorf("%w: no office (a service needs at least one)", ErrBadValue))
	}
	if len(w.Offices) > OfficesMax {
		return nil, errAt(index("offices", OfficesMax), fmt.Errorf("%w: %d offices, limit %d", ErrTooMany, len(w.Offices), OfficesMax))
	}
	f := &File{Offices: make([]booking.OfficeConfig, len(w.Offices))}
	seen := make(map[string]int, len(w.Offices))
	for i := range w.Offices {
		o := &w.Offices[i]
		path := index("offices", i)
		if j, dup := seen[o.Code]; dup {
			return nil, errAt(path+".code", fmt.Errorf("%w: %s is offices[%d] too", ErrDuplicateOffice, quote(o.Code), j))
		}
		seen[o.Code] = i
		cfg, err := officeConfig(o, path, hs, defaults)
		if err != nil {
			return nil, err
		}
		f.Offices[i] = cfg
	}
	var err error
	if f.Policy, err = policyFrom(w.Policy); err != nil {
		return nil, err
	}
	if err := checkWithEngine(&f.Policy, f.Offices); err != nil {
		return nil, err
	}
	if w.Server != nil {
		if f.Server, err = serverFrom(w.Server, src); err != nil {
			return nil, err
		}
	}
	return f, nil
}

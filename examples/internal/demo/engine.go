package demo

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/kuota/kuota/booking"
)

// OpenEngine opens a durable engine at path or, when path is empty, at
// kuota.db in a fresh temporary directory named after program
// (kuota-<program>-…), for an example run that keeps nothing. cleanup
// removes that directory and must run after the engine is closed, since
// Close still writes to it; for a path of the caller's it does nothing.
func OpenEngine(program, path string, opts *booking.Options) (e *booking.Engine, cleanup func() error, err error) {
	if path != "" {
		e, err := booking.Open(path, opts)
		return e, func() error { return nil }, err
	}
	dir, err := os.MkdirTemp("", "kuota-"+program+"-")
	if err != nil {
		return nil, nil, err
	}
	cleanup = func() error { return os.RemoveAll(dir) }
	e, err = booking.Open(filepath.Join(dir, "kuota.db"), opts)
	if err != nil {
		return nil, nil, errors.Join(err, cleanup())
	}
	return e, cleanup, nil
}

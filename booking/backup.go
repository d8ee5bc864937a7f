package booking

import (
	"io"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the engine's file to w while the
// engine keeps serving, and returns the number of bytes written. The copy
// is a complete kuota file: Open it like the original. It holds every
// change committed when Backup began.
//
// Backup reads the file in one bbolt read transaction. While it runs the
// file cannot grow to a larger memory map, so commits that need a larger
// file wait for it: take backups off the peak, or copy a file from a
// stopped engine. It returns ErrNoFile for an engine made by New or opened
// read-only.
func (e *Engine) Backup(w io.Writer) (int64, error) {
	if err := e.begin(nil); err != nil {
		return 0, err
	}
	if e.store == nil {
		return 0, ErrNoFile
	}
	var n int64
	err := e.store.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

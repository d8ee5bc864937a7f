package booking

import (
	"context"
	"errors"
	"io"

	"github.com/kuota/kuota/internal/journal"
)

// Backup writes a consistent copy of the engine's file to w while the
// engine keeps serving, and returns the number of bytes written. The copy
// is a complete kuota file: Open it like the original. It holds every
// change committed when Backup began, and none made after.
//
// A slow or stalled w costs writers nothing. Backup first copies the
// records, a few thousand at a time, into a temporary file beside the
// database (named .NAME.backup-RANDOM, mode 0600), and only then streams
// that file to w, with nothing of the engine's file held open for it: a
// slow reader costs disk space for one copy of the records, on the
// database's disk, for as long as it reads. Backup needs write access to
// the database's directory; a process that dies during a backup leaves
// the temporary file behind.
//
// When ctx ends, Backup stops between batches or between two writes to w
// and returns ctx.Err(); a write that blocks is w's to bound. It returns
// ErrNoFile for an engine made by New or opened read-only, and ErrCorrupt
// for a damaged record, naming it.
func (e *Engine) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if err := e.begin(ctx); err != nil {
		return 0, err
	}
	if e.standby.Load() {
		return 0, e.standbyError() // its journal is another engine's
	}
	f, ok := e.m.journal.(interface {
		Backup(context.Context, io.Writer) (int64, error)
	})
	if !ok {
		return 0, ErrNoFile
	}
	n, err := f.Backup(ctx, w)
	if errors.Is(err, journal.ErrNoBackup) {
		return 0, ErrNoFile // a journal over storage that cannot be copied
	}
	if ctx.Err() != nil {
		return n, ctx.Err()
	}
	return n, journalError(err)
}

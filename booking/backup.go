package booking

import (
	"context"
	"io"
)

// Backup writes a consistent copy of the engine's file to w while the
// engine keeps serving, and returns the number of bytes written. The copy
// is a complete kuota file: Open it like the original. It holds every
// change committed when Backup began.
//
// Backup reads the file in one bbolt read transaction. While it runs the
// file cannot grow to a larger memory map, so commits that need a larger
// file wait for it: take backups off the peak, or copy a file from a
// stopped engine. When ctx ends, Backup stops at w's next write and
// returns ctx.Err(); a write that blocks is w's to bound. It returns
// ErrNoFile for an engine made by New or opened read-only.
func (e *Engine) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if err := e.begin(ctx); err != nil {
		return 0, err
	}
	f, ok := e.m.journal.(interface {
		Backup(io.Writer) (int64, error)
	})
	if !ok {
		return 0, ErrNoFile
	}
	n, err := f.Backup(ctxWriter{ctx, w})
	if ctx.Err() != nil {
		return n, ctx.Err()
	}
	return n, journalError(err)
}

// ctxWriter is w that refuses to write once ctx has ended, which ends the
// read transaction of a backup.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

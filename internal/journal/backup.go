package journal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Limits of a backup's steps.
const (
	// backupBatchRecordsMax and backupBatchBytesMax bound the records
	// Backup copies in one read transaction of the journal: copying
	// 4 MiB in memory takes a few milliseconds, the longest a commit
	// that must grow the file waits for a backup.
	backupBatchRecordsMax = 4096
	backupBatchBytesMax   = 4 << 20
	// backupChunkBytes is how much Backup hands w in one Write: the
	// granularity at which a cancelled ctx stops it.
	backupChunkBytes = 256 << 10
)

// Backup writes a copy of the journal to w and returns the number of bytes
// written: a bbolt file of the current format, holding every record
// committed when Backup began (later ones are not in it), which OpenBolt
// opens like the original. (A file converted only in memory — format 1 or
// 2, opened read-only — is copied as converted.) A nil ctx never ends.
//
// It works in two steps so that w cannot hold up the journal. First it
// copies the records into a new bbolt file beside the journal (named
// .NAME.backup-RANDOM, mode 0600), in batches of at most 4,096 records or
// 4 MiB, each read in a read transaction of its own: the journal's file
// can grow between batches, so commits never wait for more than one
// batch. Then it streams that file to w with no transaction open on the
// journal, and removes it. A slow or blocked w therefore costs disk
// space for one copy of the records, on the journal's own disk, for as
// long as it lasts, and nothing for writers. (A full disk stops the
// backup with the storage's error, and the journal's commits meet the same
// full disk: a Group retries them, see Group.) Backup needs to create a
// file in the journal's directory, even for a Bolt opened read-only. A
// process that dies during a backup leaves the temporary file behind.
//
// When ctx ends, Backup stops between batches or between two writes to w
// and returns ctx.Err(); a write that blocks is w's to bound. It returns
// ErrClosed after Close, ErrCorrupt for a damaged record (naming its
// LSN), and the errors of the temporary file and of w.
func (b *Bolt) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if b.closed.Load() {
		return 0, ErrClosed
	}
	tmp, err := os.CreateTemp(filepath.Dir(b.path), "."+filepath.Base(b.path)+".backup-*")
	if err != nil {
		return 0, err
	}
	path := tmp.Name()
	defer os.Remove(path)
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := b.copyTo(ctx, path); err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	// The struct hides f's WriteTo, which would pick its own chunks.
	return io.CopyBuffer(ctxWriter{ctx, w}, struct{ io.Reader }{f}, make([]byte, backupChunkBytes))
}

// copyTo copies the records committed so far into a new journal at path.
func (b *Bolt) copyTo(ctx context.Context, path string) error {
	c, err := OpenBolt(path, &BoltOptions{NoSync: true}) // the copy is synced by whoever keeps it
	if err != nil {
		return err
	}
	last := b.last.Load()
	for next := uint64(1); next <= last; {
		if err := ctx.Err(); err != nil {
			c.Close()
			return err
		}
		batch, err := b.batch(next, last)
		if err == nil {
			err = c.Append(batch)
		}
		if err != nil {
			c.Close()
			return err
		}
		next += uint64(len(batch))
	}
	return c.Close()
}

// batch returns the records from LSN from on, up to last and at most one
// batch of a backup, read in one read transaction and copied out of it.
func (b *Bolt) batch(from, last uint64) ([]Entry, error) {
	var batch []Entry
	if b.inMemory {
		for lsn := from; lsn <= last && len(batch) < backupBatchRecordsMax; lsn++ {
			batch = append(batch, Entry{LSN: lsn, Data: b.mem[lsn-1]})
		}
		return batch, nil
	}
	var buf bytes.Buffer
	var ends []int
	errFull := errors.New("batch full")
	err := guard(b.path, "backup", func(*bool) error {
		return b.db.View(func(tx *bolt.Tx) error {
			return b.scan(tx, from, func(lsn uint64, v []byte) error {
				rec, err := unframe(v)
				if err != nil {
					return fmt.Errorf("%w: %s: LSN %d: %v", ErrCorrupt, b.path, lsn, err)
				}
				buf.Write(rec)
				ends = append(ends, buf.Len())
				if lsn == last || len(ends) == backupBatchRecordsMax || buf.Len() >= backupBatchBytesMax {
					return errFull
				}
				return nil
			})
		})
	})
	switch {
	case errors.Is(err, bolterrors.ErrDatabaseNotOpen):
		return nil, ErrClosed
	case err == nil: // the log ended before last, which always fills a batch
		return nil, fmt.Errorf("%w: %s: the log ends before LSN %d", ErrCorrupt, b.path, last)
	case err != errFull:
		return nil, err
	}
	data, start := buf.Bytes(), 0
	for i, end := range ends {
		batch = append(batch, Entry{LSN: from + uint64(i), Data: data[start:end:end]})
		start = end
	}
	return batch, nil
}

// ctxWriter is w that refuses to write once ctx has ended.
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

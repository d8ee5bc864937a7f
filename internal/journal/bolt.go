package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// lockTimeoutDefault is how long OpenBolt waits for another process's
// lock when BoltOptions.LockTimeout is 0: long enough for a process that
// is closing the file to finish, short enough that an operator who
// started a second server hears about it at once.
const lockTimeoutDefault = time.Second

// BoltOptions are the options of OpenBolt. The zero value (or a nil
// pointer) opens for writing, with fsync, waiting a second for a lock.
type BoltOptions struct {
	ReadOnly bool // open for reading; several readers may share a file; Append fails with ErrReadOnly
	NoSync   bool // no fsync (tests, benchmarks): a machine crash can lose appended records
	// LockTimeout is how long to wait for another process's lock before
	// ErrLocked; 0 (or less) means 1 s. bbolt tries the lock every 50 ms,
	// so the wait is a multiple of that, and under 50 ms a single try.
	LockTimeout time.Duration
	// Upgrade converts a file of an older layout. OpenBolt calls it when the file has no journal
	// buckets but does have a bucket named "meta" (the format-1 layout of kuota, one record per booking).
	// It returns the records that replace the old contents, in order: they become LSN 1..n. In a writable
	// open, OpenBolt writes them, deletes every other bucket, and records the new format, all in one
	// transaction (a crash leaves the old file or the new one, never half). Read-only, the file is
	// not touched: the converted records are kept in memory and Read serves them. nil: such a file is ErrCorrupt.
	//
	// Upgrade must only read tx. It may return slices of the file's
	// memory (values from tx): OpenBolt copies them.
	Upgrade func(tx *bolt.Tx) ([][]byte, error)
}

// Bolt is a Log in a bbolt file; see the package documentation for the
// layout. Every Append is one bbolt transaction and, unless
// BoltOptions.NoSync, one fsync.
//
// A Bolt is safe for concurrent use: Appends are serialised, and Read,
// Last and Backup run beside them, each Read in a read transaction that
// sees the records committed when it began.
type Bolt struct {
	db          *bolt.DB // nil for a file of no bytes opened read-only
	path        string
	readOnly    bool
	fillPercent float64 // of the log bucket; logFillPercent but in benchmarks

	mu     sync.Mutex    // serialises Append and Close, so that last follows the file
	closed atomic.Bool   // set under mu
	last   atomic.Uint64 // the LSN of the last record in the file; set under mu
	syncNs atomic.Int64  // the latest Append's writing and syncing, in ns

	// legacy holds the records Upgrade made of a format-1 file opened
	// read-only, LSN i+1 at i; Read serves them instead of the file.
	legacy   [][]byte
	isLegacy bool
}

var _ Log = (*Bolt)(nil)

// OpenBolt opens the journal in the bbolt file at path, creating the file
// (mode 0600) unless opts.ReadOnly. A nil opts means the defaults.
//
// It refuses an existing file that group or others may write
// ([ErrFilePermissions]), gives up with [ErrLocked] when another process
// holds the file for longer than opts.LockTimeout, and returns
// [ErrCorrupt] for a file that is not a bbolt file, is damaged, belongs to
// another program, or has another format (a format-1 kuota file is
// converted by opts.Upgrade). A read-only open of a file that does not
// exist returns the file system's error: a reader never creates the file;
// one of a file of no bytes, or of a bbolt file without buckets, is an
// empty log.
func OpenBolt(path string, opts *BoltOptions) (*Bolt, error) {
	var o BoltOptions
	if opts != nil {
		o = *opts
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = lockTimeoutDefault
	}
	size, err := checkFile(path, o.ReadOnly)
	if err != nil {
		return nil, err
	}
	if o.ReadOnly && size == 0 {
		// bbolt would have to write the file to open it. A file of no
		// bytes is one that a writer created and did not get to
		// initialise; a writable open makes it an empty journal, so a
		// reader sees an empty log.
		return &Bolt{path: path, readOnly: true}, nil
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:  o.LockTimeout,
		ReadOnly: o.ReadOnly,
		NoSync:   o.NoSync,
		// The free list is rebuilt on open instead of written at every
		// commit: commits are the hot path, opens are rare.
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s (waited %v)", ErrLocked, path, o.LockTimeout)
	}
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrVersionMismatch) || errors.Is(err, bolterrors.ErrChecksum) {
		return nil, fmt.Errorf("%w: %s is not a bbolt file, or a damaged one: %w", ErrCorrupt, path, err)
	}
	if err != nil {
		return nil, err
	}
	b := &Bolt{db: db, path: path, readOnly: o.ReadOnly, fillPercent: logFillPercent}
	if err := b.prepare(o.Upgrade); err != nil {
		db.Close()
		return nil, err
	}
	return b, nil
}

// checkFile refuses a file that group or others may write, and a missing
// one when reading. It returns the file's size, 0 if there is none.
func checkFile(path string, readOnly bool) (int64, error) {
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		if fi.Mode().Perm()&0o022 != 0 {
			return 0, fmt.Errorf("%w: %s is %v", ErrFilePermissions, path, fi.Mode().Perm())
		}
		return fi.Size(), nil
	case errors.Is(err, fs.ErrNotExist) && !readOnly:
		return 0, nil
	default:
		return 0, err
	}
}

// Path returns the path the file was opened at.
func (b *Bolt) Path() string { return b.path }

// Last returns the LSN of the last record, 0 when there is none. It never
// fails: the file is read once, at open, and then followed by Append.
func (b *Bolt) Last() (uint64, error) { return b.last.Load(), nil }

// SyncTime returns how long bbolt spent writing and syncing the pages of
// the latest Append (tx.Stats().GetWriteTime()); Group reports it as
// Stats.LastSync.
func (b *Bolt) SyncTime() time.Duration { return time.Duration(b.syncNs.Load()) }

// Append writes batch in one transaction and returns once it is
// durable (with NoSync, once it is in the operating system's cache). It
// returns ErrReadOnly on a read-only file, ErrClosed after Close, and
// ErrOutOfOrder, writing nothing, unless the LSNs of batch follow Last
// one by one. An empty batch writes nothing.
func (b *Bolt) Append(batch []Entry) error {
	if b.readOnly {
		return ErrReadOnly
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed.Load() {
		return ErrClosed
	}
	if len(batch) == 0 {
		return nil
	}
	last := b.last.Load()
	for i, e := range batch {
		if want := last + 1 + uint64(i); e.LSN != want {
			return fmt.Errorf("%w: LSN %d where %d belongs (the log ends at %d)", ErrOutOfOrder, e.LSN, want, last)
		}
	}
	tx, err := b.db.Begin(true)
	if err != nil {
		return err
	}
	if err := b.put(tx, batch); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil { // rolls back on failure
		return err
	}
	st := tx.Stats()
	b.syncNs.Store(int64(st.GetWriteTime()))
	b.last.Store(batch[len(batch)-1].LSN)
	return nil
}

// put writes entries into the log bucket of tx. bbolt copies each key and
// keeps each value until the transaction ends; the values are the
// journal's records, which nobody changes.
func (b *Bolt) put(tx *bolt.Tx, entries []Entry) error {
	bk := tx.Bucket(bucketLog)
	// Keys only grow, so pages can be filled: splitting them half full,
	// bbolt's default, would double the file (see logFillPercent).
	bk.FillPercent = b.fillPercent
	var key [8]byte
	for _, e := range entries {
		binary.BigEndian.PutUint64(key[:], e.LSN)
		if err := bk.Put(key[:], e.Data); err != nil {
			return fmt.Errorf("LSN %d: %w", e.LSN, err)
		}
	}
	return nil
}

// Read calls fn for every record with LSN >= from, in LSN order, in one
// read transaction; rec is valid only during the call. It returns
// ErrCorrupt for a key that is not 8 bytes or an LSN that does not follow
// the one before (the first must be from, or 1 for from 0), and fn's
// error as it is.
func (b *Bolt) Read(from uint64, fn func(lsn uint64, rec []byte) error) error {
	if b.closed.Load() {
		return ErrClosed
	}
	from = max(from, 1)
	if b.db == nil {
		return nil
	}
	if b.isLegacy {
		for i := from; i <= uint64(len(b.legacy)); i++ {
			if err := fn(i, b.legacy[i-1]); err != nil {
				return err
			}
		}
		return nil
	}
	err := b.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketLog)
		if bk == nil {
			return nil // a new file, opened read-only
		}
		var key [8]byte
		binary.BigEndian.PutUint64(key[:], from)
		next := from
		c := bk.Cursor()
		for k, v := c.Seek(key[:]); k != nil; k, v = c.Next() {
			if len(k) != 8 || (v == nil && bk.Bucket(k) != nil) {
				return fmt.Errorf("%w: %s: log key %x after LSN %d is not a record", ErrCorrupt, b.path, k, next-1)
			}
			if lsn := binary.BigEndian.Uint64(k); lsn != next {
				return fmt.Errorf("%w: %s: LSN %d where %d belongs", ErrCorrupt, b.path, lsn, next)
			}
			if err := fn(next, v); err != nil {
				return err
			}
			next++
		}
		return nil
	})
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// Backup writes a consistent copy of the file to w, as of the last
// commit before it began, and returns the number of bytes written: a file
// OpenBolt opens like the original. (Read-only after Upgrade, the copy is
// of the format-1 file on disk.) It runs in one read transaction; while
// it runs the file cannot be mapped larger, so an Append that needs a
// larger file waits for it. Take backups off the peak.
func (b *Bolt) Backup(w io.Writer) (int64, error) {
	if b.closed.Load() {
		return 0, ErrClosed
	}
	if b.db == nil {
		return 0, nil // a copy of a file of no bytes
	}
	var n int64
	err := b.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return n, ErrClosed
	}
	return n, err
}

// Close closes the file, waiting for running Reads and Backups. Later
// calls return nil.
func (b *Bolt) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed.Swap(true) || b.db == nil {
		return nil
	}
	return b.db.Close()
}

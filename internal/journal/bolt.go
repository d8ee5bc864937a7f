package journal

import (
	"encoding/binary"
	"errors"
	"fmt"
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
	// ErrLocked; 0 (or less) means 1 s. The lock is tried every 50 ms,
	// so the wait is a multiple of that, and under 50 ms a single try.
	LockTimeout time.Duration
	// AllowSharedRead accepts an existing file that group or others may
	// read (but not write). The file holds every change ever made, with
	// the personal data in it (NIKs, names): every account of the group,
	// or of the machine, can then copy it. Set it only when the file's
	// directory already keeps others out, or another control (a
	// dedicated user, an encrypted volume) does.
	AllowSharedRead bool
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
	db          *bolt.DB
	path        string
	readOnly    bool
	fillPercent float64 // of the log bucket; logFillPercent but in benchmarks

	mu     sync.Mutex    // serialises Append and Close, so that last follows the file
	closed atomic.Bool   // set under mu
	last   atomic.Uint64 // the LSN of the last record in the file; set under mu
	syncNs atomic.Int64  // the latest Append's writing and syncing, in ns

	// oneMeta says why one of the file's two meta pages was not valid at
	// open (see OneMetaPage); nil when both were.
	oneMeta error

	// mem holds the records of a file that is converted only in memory,
	// because it was opened read-only: a format-1 file (by Upgrade) or a
	// format-2 one. LSN i+1 is at i; Read serves them instead of the file.
	mem      [][]byte
	inMemory bool
}

var _ Log = (*Bolt)(nil)

// OpenBolt opens the journal in the bbolt file at path, creating the file
// (mode 0600) unless opts.ReadOnly. A nil opts means the defaults.
//
// It checks, in this order, and refuses:
//
//   - an existing file that group or others may write, or read unless
//     opts.AllowSharedRead ([ErrFilePermissions]); a missing file when
//     read-only (the file system's error: a reader never creates one);
//   - a file another process holds for longer than opts.LockTimeout
//     ([ErrLocked]);
//   - a file of no bytes when read-only, and any file bbolt could not
//     read safely ([ErrCorrupt]): meta pages that are not bbolt's or fail
//     their checksum, a file shorter than its meta page says (a truncated
//     copy), and any page of the tree it could not follow (a type, size,
//     offset or page number that is out of place, keys out of order, a
//     page referenced twice). OpenBolt reads every page of the tree for
//     this, with pread, before bbolt maps the file: about 30 ms for a
//     file of 100 MB in the page cache, as long as bbolt's own scan of the
//     free pages at a writable open;
//   - a file that is not kuota's ([ErrCorrupt]): one with other buckets,
//     or with no bucket at all (an empty bbolt file: kuota creates its
//     buckets in the transaction that follows bbolt's initialisation), a
//     format this version does not read, or a log that does not end where
//     the journal recorded (lost pages at its end).
//
// A writable open commits once, recording nothing, and so (unless
// opts.NoSync) fdatasyncs the file: records a crashed process left in the
// page cache only are on disk before Last counts them.
//
// A file of no bytes opened for writing becomes a new journal. A file of
// format 2 (records without checksums) is converted to format 3 by a
// writable open, in one transaction, and read into memory by a read-only
// one; a format-1 kuota file likewise by opts.Upgrade. Either conversion
// holds every record in memory while it runs (a read-only one, for as long
// as the Bolt is open).
func OpenBolt(path string, opts *BoltOptions) (*Bolt, error) {
	var o BoltOptions
	if opts != nil {
		o = *opts
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = lockTimeoutDefault
	}
	if err := checkPermissions(path, o); err != nil {
		return nil, err
	}
	f, isNew, oneMeta, err := openChecked(path, o)
	if err != nil {
		return nil, err
	}
	db, err := openDB(f, path, o)
	if err != nil {
		return nil, err
	}
	b := &Bolt{db: db, path: path, readOnly: o.ReadOnly, fillPercent: logFillPercent, oneMeta: oneMeta}
	if err := guard(path, "open", func(*bool) error { return b.prepare(isNew, o.Upgrade) }); err != nil {
		db.Close()
		return nil, err
	}
	return b, nil
}

// checkPermissions refuses an existing file that group or others may
// write, or read unless o.AllowSharedRead, and a missing one when reading.
func checkPermissions(path string, o BoltOptions) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		perm := fi.Mode().Perm()
		if perm&0o022 != 0 {
			return fmt.Errorf("%w: %s is %v: group or others may write it", ErrFilePermissions, path, perm)
		}
		if perm&0o044 != 0 && !o.AllowSharedRead {
			return fmt.Errorf("%w: %s is %v: group or others may read it (it holds personal data)", ErrFilePermissions, path, perm)
		}
		return nil
	case errors.Is(err, fs.ErrNotExist) && !o.ReadOnly:
		return nil
	default:
		return err
	}
}

// openChecked opens and locks the file, and checks that bbolt can read it
// (see OpenBolt). isNew reports a file of no bytes, opened for writing;
// oneMeta why one meta page is not valid, when the other is.
func openChecked(path string, o BoltOptions) (_ *os.File, isNew bool, oneMeta error, err error) {
	flag := os.O_RDWR | os.O_CREATE
	if o.ReadOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0o600)
	if err != nil {
		return nil, false, nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	if err := lockFile(f, !o.ReadOnly, o.LockTimeout); errors.Is(err, ErrLocked) {
		return nil, false, nil, fmt.Errorf("%w: %s (waited %v)", ErrLocked, path, o.LockTimeout)
	} else if err != nil {
		return nil, false, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, false, nil, err
	}
	if fi.Size() == 0 {
		if o.ReadOnly {
			return nil, false, nil, fmt.Errorf("%w: %s has no bytes: not a journal yet (a writable open makes it one)", ErrCorrupt, path)
		}
		return f, true, nil, nil
	}
	bf, err := readBoltFile(f, fi.Size())
	if err == nil {
		err = bf.checkSize()
	}
	if err == nil {
		err = bf.checkTree(bf.current())
	}
	if err != nil {
		return nil, false, nil, fmt.Errorf("%w: %s is not a bbolt file, or a damaged one: %v", ErrCorrupt, path, err)
	}
	return f, false, bf.invalidMeta(), nil
}

// openDB opens f, checked and locked by openChecked, with bbolt, which
// then owns it; f is closed if bbolt fails. (Should bbolt panic after it
// mapped the file, the map stays until the process ends.)
func openDB(f *os.File, path string, o BoltOptions) (db *bolt.DB, err error) {
	err = guard(path, "open", func(*bool) error {
		var err error
		db, err = bolt.Open(path, 0o600, &bolt.Options{
			Timeout:  o.LockTimeout,
			ReadOnly: o.ReadOnly,
			NoSync:   o.NoSync,
			// The free list is rebuilt on open instead of written at every
			// commit: commits are the hot path, opens are rare.
			NoFreelistSync: true,
			FreelistType:   bolt.FreelistMapType,
			// bbolt opens the file OpenBolt locked and checked, so that
			// nothing can change it in between.
			OpenFile: func(string, int, os.FileMode) (*os.File, error) { return f, nil },
		})
		return err
	})
	if err != nil {
		f.Close() // bbolt has closed it unless it panicked
	}
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("%w: %s (waited %v)", ErrLocked, path, o.LockTimeout)
	case errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrVersionMismatch) || errors.Is(err, bolterrors.ErrChecksum):
		return nil, fmt.Errorf("%w: %s is not a bbolt file, or a damaged one: %w", ErrCorrupt, path, err)
	}
	return db, err
}

// Path returns the path the file was opened at.
func (b *Bolt) Path() string { return b.path }

// OneMetaPage returns why one of the file's two meta pages was not valid
// when it was opened, or nil when both were. bbolt writes its meta pages
// in turn, one per commit, and opens from the valid one with the later
// transaction: an invalid one is either a commit a crash cut short while
// writing it (never acknowledged: its sync had not returned) or damage
// to the file after the fact, which loses the last commit silently. The
// file cannot tell the two apart; its owner should say so where an
// operator will see it.
func (b *Bolt) OneMetaPage() error { return b.oneMeta }

// Last returns the LSN of the last record, 0 when there is none. It never
// fails: the file is read once, at open, and then followed by Append.
func (b *Bolt) Last() (uint64, error) { return b.last.Load(), nil }

// SyncTime returns how long bbolt spent writing and syncing the pages of
// the latest Append (tx.Stats().GetWriteTime()); Group reports it as
// Stats.LastSync.
func (b *Bolt) SyncTime() time.Duration { return time.Duration(b.syncNs.Load()) }

// Append writes batch in one transaction, each record after its
// checksum, and returns once it is durable (with NoSync, once it is in the
// operating system's cache). It returns ErrReadOnly on a read-only file,
// ErrClosed after Close, and ErrOutOfOrder, writing nothing, unless the
// LSNs of batch follow Last one by one. An empty batch writes nothing.
// The storage's errors (a full disk: syscall.ENOSPC) come as bbolt
// returns them: wrapped, for errors.Is, from writing and syncing pages;
// as text only from growing the file (bbolt formats those), and from a
// commit that failed after its meta page was written, which must not be
// retried. A panic inside bbolt is ErrCorrupt.
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
	return guard(b.path, "append", func(*bool) error {
		tx, err := b.db.Begin(true)
		if err != nil {
			return err
		}
		defer tx.Rollback() // after a Commit, a no-op; after a panic, the lock's release
		if err := b.put(tx, batch); err != nil {
			return err
		}
		id := tx.ID()
		if err := tx.Commit(); err != nil { // rolls back on failure
			return b.failedCommit(id, err)
		}
		st := tx.Stats()
		b.syncNs.Store(int64(st.GetWriteTime()))
		b.last.Store(batch[len(batch)-1].LSN)
		return nil
	})
}

// failedCommit returns err, the error of the commit of transaction id,
// unless that commit failed after writing its meta page (the meta page's
// fdatasync failed): bbolt's map then shows the commit, while bbolt has
// rolled back its free list, so that writing the batch again could write
// over pages the map's tree uses. That error is sticky: it does not wrap
// the storage's, which a Group would retry; the file must be reopened.
func (b *Bolt) failedCommit(id int, err error) error {
	rtx, rerr := b.db.Begin(false)
	if rerr != nil {
		return err
	}
	shown := rtx.ID() >= id
	_ = rtx.Rollback()
	if shown {
		return fmt.Errorf("journal: %s: a commit failed after writing its meta page (%v); reopen the file", b.path, err)
	}
	return err
}

// Read calls fn for every record with LSN >= from, in LSN order, in one
// read transaction; rec is valid only during the call. It returns
// ErrCorrupt, naming the LSN, for a record whose checksum does not match,
// a key that is not 8 bytes, and an LSN that does not follow the one
// before (the first must be from, or 1 for from 0); fn's error as it is.
// A panic inside bbolt or a fault on the file's pages (a file truncated
// while open) is ErrCorrupt too; a panic of fn is fn's and goes on.
func (b *Bolt) Read(from uint64, fn func(lsn uint64, rec []byte) error) error {
	if b.closed.Load() {
		return ErrClosed
	}
	from = max(from, 1)
	if b.inMemory {
		for i := from; i <= uint64(len(b.mem)); i++ {
			if err := fn(i, b.mem[i-1]); err != nil {
				return err
			}
		}
		return nil
	}
	err := guard(b.path, "read", func(inCaller *bool) error {
		return b.db.View(func(tx *bolt.Tx) error {
			return b.scan(tx, from, func(lsn uint64, v []byte) error {
				rec, err := unframe(v)
				if err != nil {
					return fmt.Errorf("%w: %s: LSN %d: %v", ErrCorrupt, b.path, lsn, err)
				}
				*inCaller = true
				err = fn(lsn, rec)
				*inCaller = false
				return err
			})
		})
	})
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) {
		return ErrClosed
	}
	return err
}

// scan calls fn with every value of the log bucket from LSN from on, as
// stored, until fn returns an error; it returns ErrCorrupt for a key that
// is not a record's and for an LSN that does not follow the one before.
func (b *Bolt) scan(tx *bolt.Tx, from uint64, fn func(lsn uint64, v []byte) error) error {
	bk := tx.Bucket(bucketLog)
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], from)
	next := from
	c := bk.Cursor()
	for k, v := c.Seek(key[:]); k != nil; k, v = c.Next() {
		if len(k) != 8 || (v == nil && bk.Bucket(k) != nil) {
			return fmt.Errorf("%w: %s: the log key after LSN %d is not a record's", ErrCorrupt, b.path, next-1)
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
}

// Close closes the file, waiting for running Reads and Backups. Later
// calls return nil.
func (b *Bolt) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed.Swap(true) {
		return nil
	}
	return b.db.Close()
}

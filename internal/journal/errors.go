package journal

import "errors"

// Errors of every Journal.
var (
	// ErrClosed is returned when the journal is closed: by Append after
	// Close, by Wait for a record that was not written before Close, and
	// by the other methods of a closed Group or Bolt.
	ErrClosed = errors.New("journal: closed")
	// ErrFailed is returned when the journal could not write a batch. The
	// error wraps both ErrFailed and the storage's own error.
	//
	// Most failures are sticky: the journal refuses everything after, and
	// the records of that batch and every later one are not durable as
	// far as it knows; close it, reopen the storage and replay it to learn
	// what is. A Group retries an error the storage may recover from (a
	// full disk, see [Group]): meanwhile Append returns ErrFailed too,
	// keeps nothing, and works again once a retry succeeds.
	ErrFailed = errors.New("journal: write failed")
	// ErrTooLarge is returned when Append is given a record longer than
	// RecordBytesMax. Nothing is kept, no LSN is used, and the journal
	// goes on working.
	ErrTooLarge = errors.New("journal: record too large")
	// ErrNoBackup is returned when Group.Backup is called on a Group whose
	// Log cannot make a backup.
	ErrNoBackup = errors.New("journal: the log cannot make a backup")
)

// Errors of a Log.
var (
	// ErrOutOfOrder is returned when Bolt.Append is given a batch whose
	// LSNs do not follow the log's last one, one by one. It is a
	// programmer error in the caller (a Group never makes such a batch);
	// nothing is written.
	ErrOutOfOrder = errors.New("journal: batch does not follow the log")
)

// Errors of OpenBolt, of a Bolt and of Salvage.
var (
	// ErrReadOnly is returned when Bolt.Append is called on a file opened
	// with BoltOptions.ReadOnly.
	ErrReadOnly = errors.New("journal: opened read-only")
	// ErrLocked is returned when OpenBolt or Salvage finds the file held
	// by another process for longer than the lock timeout.
	ErrLocked = errors.New("journal: file is locked by another process")
	// ErrFilePermissions is returned when OpenBolt finds an existing file
	// that group or others may read or write. Anyone who can write the
	// journal can forge what the state machine replays, and anyone who
	// can read it reads the personal data it holds
	// (BoltOptions.AllowSharedRead allows reading).
	ErrFilePermissions = errors.New("journal: file is readable or writable by group or others")
	// ErrCorrupt is returned when OpenBolt, Bolt.Read, Bolt.Backup or
	// Salvage finds a file that is not a bbolt file, is damaged (a meta
	// page, a page of the tree, a record whose checksum does not match,
	// a file shorter than its meta page says), belongs to another
	// program, has a format this version does not read, or holds a record
	// under a bad key or after a gap. The message names the file and the
	// problem: the page, or the LSN of the record.
	ErrCorrupt = errors.New("journal: corrupt file")
)

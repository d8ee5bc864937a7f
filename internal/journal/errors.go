package journal

import "errors"

// Errors of every Journal.
var (
	// ErrClosed is returned when the journal is closed: by Append after
	// Close, by Wait for a record that was not written before Close, and
	// by the other methods of a closed Group or Bolt.
	ErrClosed = errors.New("journal: closed")
	// ErrFailed is returned when the journal could not write a batch; it
	// refuses everything after. The error wraps both ErrFailed and the
	// storage's own error. The records of that batch and every later one
	// are not durable as far as the journal knows; close it, reopen the
	// storage and replay it to learn what is.
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

// Errors of OpenBolt and of a Bolt.
var (
	// ErrReadOnly is returned when Bolt.Append is called on a file opened
	// with BoltOptions.ReadOnly.
	ErrReadOnly = errors.New("journal: opened read-only")
	// ErrLocked is returned when OpenBolt finds the file held by another
	// process for longer than BoltOptions.LockTimeout.
	ErrLocked = errors.New("journal: file is locked by another process")
	// ErrFilePermissions is returned when OpenBolt finds an existing file
	// that group or others may write: anyone who can write the journal
	// can forge what the state machine replays.
	ErrFilePermissions = errors.New("journal: file is writable by group or others")
	// ErrCorrupt is returned when OpenBolt or Bolt.Read finds a file that
	// is not a bbolt file, is damaged, belongs to another program, has a
	// format this version does not read, or holds a record under a bad
	// key or after a gap. The message names the file and the problem.
	ErrCorrupt = errors.New("journal: corrupt file")
)

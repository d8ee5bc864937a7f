package booking

import (
	"errors"
	"fmt"

	"github.com/kuota/kuota/quota"
)

// errStopped stops a journal read once replay has failed.
var errStopped = errors.New("booking: replay stopped")

// replayChunk is how many records the reader decodes before handing them
// to the applier: large enough that the hand-over costs nothing, small
// enough to keep both busy.
const replayChunk = 1024

// recover replays a journal through apply, rebuilding the engine as it was
// when the journal was written. read yields every record in order (see
// journal.Journal.Replay).
//
// Replay is apply without the clock: each change was admitted under the
// rules and windows of its day, so it is checked only against the
// transition table and the invariants — a known booking, a legal move,
// seats that fit, one live booking per NIK. A record that does not decode,
// or names a change the engine never makes, fails with ErrCorrupt; one
// that breaks an invariant with ErrInconsistent (a lenient machine, opened
// read-only, notes it as a violation and goes on).
//
// Decoding runs beside applying: the reader decodes records (into copies,
// since a record's bytes live only during the read) in chunks and hands
// them to this goroutine, which applies them in order.
func (m *machine) recover(read func(func(lsn uint64, rec []byte) error) error) error {
	m.replaying = true
	defer func() { m.replaying = false }()

	type decoded struct {
		lsn uint64
		c   change
	}
	chunks := make(chan []decoded, 4)
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(chunks)
		chunk := make([]decoded, 0, replayChunk)
		hand := func() bool {
			select {
			case chunks <- chunk:
				chunk = make([]decoded, 0, replayChunk)
				return true
			case <-stop:
				return false
			}
		}
		readErr = read(func(lsn uint64, rec []byte) error {
			c, err := decodeChange(rec)
			if err != nil {
				return fmt.Errorf("record %d: %w", lsn, err)
			}
			chunk = append(chunk, decoded{lsn, c})
			if len(chunk) == replayChunk && !hand() {
				return errStopped
			}
			return nil
		})
		if len(chunk) > 0 {
			hand() // after a failed read too: a standby keeps what it read (Follow)
		}
	}()

	var err error
	for chunk := range chunks {
		for i := 0; err == nil && i < len(chunk); i++ {
			lsn := chunk[i].lsn
			m.replayLSN = lsn
			if e := m.replay(&chunk[i].c); e != nil {
				err = fmt.Errorf("record %d: %w", lsn, e)
				close(stop) // the reader stops; what it sent is drained
				break
			}
			m.applied = lsn
			if !m.feed.written(lsn) {
				m.feed.write(lsn, nil, nil, nil) // no booking's change
			}
			m.feed.replayed.Store(lsn)
			m.feed.publish(lsn)
		}
	}
	if err != nil {
		return err
	}
	// A record the journal found damaged (its checksum) is ErrCorrupt
	// here too, as is one that does not decode.
	return journalError(readErr)
}

// replay applies one stored change and names what went wrong.
func (m *machine) replay(c *change) error {
	if c.op == opHold || c.op == opImport {
		// apply's caller holds the account's shard; nobody else runs yet.
		sh := m.accounts.shard(c.account)
		sh.mu.Lock()
		defer sh.mu.Unlock()
	}
	_, err := m.apply(c)
	switch {
	case err == nil:
		return nil
	case c.op == opOverride && errors.Is(err, quota.ErrOutsideHorizon):
		return nil // the day left the window before the change was stored
	case errors.Is(err, ErrInconsistent), errors.Is(err, ErrCorrupt), errors.Is(err, ErrTooManyBookings):
		return err
	case errors.Is(err, ErrNIKBooked):
		return fmt.Errorf("%w: %w", ErrInconsistent, err)
	}
	// A refusal the live rules would have given first: a change the
	// engine never makes.
	return fmt.Errorf("%w: %w", ErrCorrupt, err)
}

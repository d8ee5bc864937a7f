package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kuota/kuota/booking"
)

// ErrFenced is the failure of a commit by a node whose lease another node
// has taken since: the commit wrote nothing, and the node steps down. It
// wraps booking.ErrStandby, so that a caller of the old active engine
// learns to ask elsewhere.
var ErrFenced = fmt.Errorf("postgres: fenced: another node holds the lease (%w)", booking.ErrStandby)

// readBatch is how many records one query of a read returns: enough that
// a replay is a few hundred round trips per million records, few enough
// that one query never holds a large result.
const readBatch = 10_000

// journalLog keeps the active node's journal in PostgreSQL: a booking.Log
// whose Append writes a batch in one statement, in its own transaction,
// only while the lease's epoch is still the node's.
//
// The fencing is in that statement: it inserts the batch joined with the
// lease row locked FOR SHARE where the epoch is the node's. A takeover
// updates that row, so it waits for a commit that holds the lock, and a
// commit after it finds another epoch and inserts nothing. So every
// record a former active engine could write is in the journal before the
// new one reads it to its end, and nothing comes after.
type journalLog struct {
	pool    *pgxpool.Pool
	t       tables
	epoch   int64
	timeout time.Duration // of one statement (Options.CommitTimeout)

	mu   sync.Mutex // Append, Last: the Group calls them one at a time anyway
	last uint64

	stop      chan struct{} // closed by Close: a retrying Append gives up
	closeOnce sync.Once
	failed    chan struct{} // closed when Append first fails: the node steps down
	failOnce  sync.Once
	committed atomic.Uint64 // the last LSN committed
	resolved  atomic.Uint64 // commits whose outcome was lost and read back, found written or not
}

var _ booking.Log = (*journalLog)(nil)

func newJournalLog(pool *pgxpool.Pool, t tables, epoch int64, timeout time.Duration) *journalLog {
	return &journalLog{pool: pool, t: t, epoch: epoch, timeout: timeout, stop: make(chan struct{}), failed: make(chan struct{})}
}

// lastLSN returns the LSN of the last record the journal holds, 0 for
// none.
func lastLSN(ctx context.Context, q querier, t tables) (uint64, error) {
	var last int64
	err := q.QueryRow(ctx, `SELECT coalesce(max(lsn), 0) FROM `+t.journal).Scan(&last)
	return uint64(last), err
}

// querier is what both a pool and a connection offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Last returns the LSN of the last record, read from the database.
func (l *journalLog) Last() (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	last, err := lastLSN(ctx, l.pool, l.t)
	if err == nil {
		l.last = last
		l.committed.Store(last)
	}
	return last, err
}

// Append writes batch in one statement (see journalLog) and returns once
// PostgreSQL has committed it, with synchronous_commit on: on the primary
// and on as many standbys as its synchronous_standby_names asks.
//
// A commit whose outcome is lost — the connection broke, the statement
// timed out, the primary went away — is resolved by reading the journal
// back: the batch's last record there under the node's epoch means it
// committed; none there while the epoch is still the node's means it did
// not, and it is written again; another epoch means the node was fenced.
// A batch found committed is acknowledged only once a write after it has
// reached the synchronous standbys (barrier): while none is up, Append
// waits. So a batch is neither acknowledged twice nor lost. Append keeps trying
// (waits growing from 50 ms to 2 s) while the database is unreachable,
// until it commits, the node is fenced (ErrFenced), or Close. An error the
// server reports for the statement itself (a missing table, a permission)
// is returned at once: it will not go away by waiting.
func (l *journalLog) Append(batch []booking.LogEntry) error {
	err := l.append(batch)
	if err != nil {
		// The Group's failure is for good: tell the node at once.
		l.failOnce.Do(func() { close(l.failed) })
	}
	return err
}

func (l *journalLog) append(batch []booking.LogEntry) error {
	if len(batch) == 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	lsns := make([]int64, len(batch))
	recs := make([][]byte, len(batch))
	for i, e := range batch {
		lsns[i], recs[i] = int64(e.LSN), e.Data
	}
	first, last := batch[0].LSN, batch[len(batch)-1].LSN
	if first != l.last+1 {
		return fmt.Errorf("postgres: batch from %d after record %d", first, l.last)
	}
	delay := 50 * time.Millisecond
	for {
		err := l.insert(lsns, recs)
		if err == nil {
			l.last = last
			l.committed.Store(last)
			return nil
		}
		if !transient(err) {
			return err
		}
		// The outcome is unknown: read it back, as long as it takes.
	resolving:
		for {
			if !l.pause(delay) {
				return fmt.Errorf("postgres: closed while a commit was unresolved: %w", err)
			}
			delay = min(2*delay, 2*time.Second)
			committed, rerr := l.resolve(last)
			if rerr == nil && committed {
				// Found on the primary — perhaps on the primary alone: the
				// lost answer may have been the wait for the standbys.
				rerr = l.barrier(last)
			}
			switch {
			case rerr == nil && committed:
				l.resolved.Add(1)
				l.last = last
				l.committed.Store(last)
				return nil
			case rerr == nil:
				l.resolved.Add(1)
				break resolving // not committed, still the node's: write it again
			case !transient(rerr):
				return rerr // ErrFenced among them
			}
			// Read it back again: the primary may have changed meanwhile.
		}
	}
}

// insert runs the fenced insert of one batch.
func (l *journalLog) insert(lsns []int64, recs [][]byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	tag, err := l.pool.Exec(ctx, `
		WITH lease AS (SELECT 1 FROM `+l.t.lease+` WHERE id = 1 AND epoch = $1 FOR SHARE)
		INSERT INTO `+l.t.journal+` (lsn, epoch, rec)
		SELECT t.lsn, $1, t.rec FROM lease, unnest($2::bigint[], $3::bytea[]) AS t(lsn, rec)`,
		l.epoch, lsns, recs)
	switch {
	case err != nil:
		return err
	case tag.RowsAffected() == 0:
		return ErrFenced
	case tag.RowsAffected() != int64(len(lsns)):
		return fmt.Errorf("postgres: %d of %d records inserted", tag.RowsAffected(), len(lsns)) // one statement: unreachable
	}
	return nil
}

// resolve reads back whether the batch ending at record last committed
// under the node's epoch: its last record is there under the node's
// epoch (committed), or absent while the lease is still the node's (not
// committed). Anything else is ErrFenced.
func (l *journalLog) resolve(last uint64) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	var written, current *int64
	err := l.pool.QueryRow(ctx, `
		SELECT (SELECT epoch FROM `+l.t.journal+` WHERE lsn = $1),
		       (SELECT epoch FROM `+l.t.lease+` WHERE id = 1)`, int64(last)).Scan(&written, &current)
	switch {
	case err != nil:
		return false, err
	case written != nil && *written == l.epoch:
		return true, nil
	case written == nil && current != nil && *current == l.epoch:
		return false, nil
	}
	return false, ErrFenced
}

// barrier returns once the batch ending at record last has reached the
// synchronous standbys, by committing a write of its own after it:
// PostgreSQL releases commits waiting for the standbys in the order of
// the WAL, so when this one returns, the batch committed before it is on
// a standby too. Without it, a batch whose commit timed out while every
// standby was down would be found by resolve on the primary alone and
// acknowledged, and lost with the primary. The write touches only the
// lease row, and only where the batch is there under the node's epoch:
// one statement on one server, so that a failover between resolve and
// barrier cannot acknowledge a batch the new primary lacks. Found
// otherwise, it is errResolveAgain (resolve tells a fenced node from a
// batch to write again).
func (l *journalLog) barrier(last uint64) error {
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	defer cancel()
	tag, err := l.pool.Exec(ctx, `
		UPDATE `+l.t.lease+` SET epoch = epoch
		WHERE id = 1 AND epoch = $1
		  AND EXISTS (SELECT 1 FROM `+l.t.journal+` WHERE lsn = $2 AND epoch = $1)`,
		l.epoch, int64(last))
	switch {
	case err != nil:
		return err
	case tag.RowsAffected() == 0:
		return errResolveAgain
	}
	return nil
}

// errResolveAgain is a barrier that found the lease or the batch not as
// resolve had: transient, so that resolve looks again.
var errResolveAgain = errors.New("postgres: the batch or the lease changed between reading back and the barrier")

// pause waits d, or returns false once Close has begun.
func (l *journalLog) pause(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-l.stop:
		return false
	}
}

// transient reports whether err leaves a statement's outcome unknown, or
// may pass by itself: a broken or refused connection, a timeout, the
// server shutting down or in recovery, a read-only server (a demoted
// primary), a serialization failure, a batch meeting its own earlier try.
// A server's error about the statement itself is not transient, and
// neither is ErrFenced.
func transient(err error) bool {
	if errors.Is(err, ErrFenced) {
		return false
	}
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return true // no answer from the server: the network, a timeout
	}
	switch pg.Code[:2] {
	case "08", "57", "40", "53": // connection, operator intervention, rollback, resources
		return true
	}
	switch pg.Code {
	case "25006": // read_only_sql_transaction: reached a standby
		return true
	case "23505":
		// unique_violation: a batch written again met its first try,
		// which was still committing when resolve looked; resolve again.
		return true
	}
	return false
}

// Read calls fn for every record with LSN >= from, in LSN order, a query
// of readBatch records at a time.
func (l *journalLog) Read(from uint64, fn func(lsn uint64, rec []byte) error) error {
	return readJournal(context.Background(), l.pool, l.t, from, fn)
}

// readJournal reads the records with LSN >= from, in order, readBatch at
// a time.
func readJournal(ctx context.Context, q querier, t tables, from uint64, fn func(lsn uint64, rec []byte) error) error {
	for {
		rows, err := q.Query(ctx, `SELECT lsn, rec FROM `+t.journal+` WHERE lsn >= $1 ORDER BY lsn LIMIT `+fmt.Sprint(readBatch), int64(from))
		if err != nil {
			return err
		}
		n := 0
		var lsn int64
		var rec []byte
		_, err = pgx.ForEachRow(rows, []any{&lsn, &rec}, func() error {
			n++
			return fn(uint64(lsn), rec)
		})
		if err != nil {
			return err
		}
		if n < readBatch {
			return nil
		}
		from = uint64(lsn) + 1
	}
}

// Close stops an Append that is waiting to resolve a commit. The pool is
// the node's.
func (l *journalLog) Close() error {
	l.closeOnce.Do(func() { close(l.stop) })
	return nil
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// The lease is one row (schema.lease): who holds it, its fencing epoch,
// the address the holder advertises, and when it lapses. Every instant is
// the database's own clock (now()), which all nodes share, so a node's
// clock going wrong moves no lease. Only the holder of the current epoch
// may commit (journalLog); taking the lease increments the epoch.

// lease is the row as read.
type lease struct {
	epoch   int64
	holder  string
	address string
	lapsed  bool // expires <= now() in the database's clock
}

// readLease reads the lease row.
func readLease(ctx context.Context, q querier, t tables) (lease, error) {
	var l lease
	err := q.QueryRow(ctx, `SELECT epoch, holder, address, expires <= now() FROM `+t.lease+` WHERE id = 1`).
		Scan(&l.epoch, &l.holder, &l.address, &l.lapsed)
	return l, err
}

// acquire takes the lease if it has lapsed, for d from now, and returns
// the new epoch; ok is false when another node holds it.
func acquire(ctx context.Context, q querier, t tables, holder, address string, d time.Duration) (epoch int64, ok bool, err error) {
	err = q.QueryRow(ctx, `
		UPDATE `+t.lease+` SET epoch = epoch + 1, holder = $1, address = $2, expires = now() + $3 * interval '1 millisecond'
		WHERE id = 1 AND expires <= now() RETURNING epoch`, holder, address, d.Milliseconds()).Scan(&epoch)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	return epoch, err == nil, err
}

// renew extends the lease of epoch to d from now. ok is false when the
// epoch is no longer current: another node took the lease. A holder whose
// lease lapsed while nobody took it renews it all the same — its commits
// were never fenced, so it is still the only writer.
func renew(ctx context.Context, q querier, t tables, epoch int64, d time.Duration) (ok bool, err error) {
	err = q.QueryRow(ctx, `
		UPDATE `+t.lease+` SET expires = now() + $2 * interval '1 millisecond'
		WHERE id = 1 AND epoch = $1 RETURNING true`, epoch, d.Milliseconds()).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return ok, err
}

// release ends the lease of epoch at once, so that a standby takes over
// without waiting for it to lapse (a clean Close).
func release(ctx context.Context, q querier, t tables, epoch int64) error {
	_, err := q.Exec(ctx, `UPDATE `+t.lease+` SET expires = '-infinity' WHERE id = 1 AND epoch = $1`, epoch)
	return err // no row: taken already
}

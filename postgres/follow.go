package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kuota/kuota/booking"
)

// The standby's side of a node: building an engine from the journal,
// following it on every notification, and taking the lease over.

// rebuild returns a new standby engine that has followed the whole
// journal. A read that fails for a moment (a failover) is tried again
// until ctx ends; a record the engine refuses is an error.
func (n *Node) rebuild(ctx context.Context) (*booking.Engine, error) {
	e, err := booking.NewStandby(&n.o.Engine)
	if err != nil {
		return nil, fmt.Errorf("%w: Engine: %w", ErrBadOptions, err)
	}
	delay := 50 * time.Millisecond
	for {
		err := n.followTo(ctx, e)
		switch {
		case err == nil:
			return e, nil
		case errors.Is(err, booking.ErrCorrupt), errors.Is(err, booking.ErrInconsistent), ctx.Err() != nil:
			e.Close()
			return nil, err
		}
		n.log.Warn("kuota: reading the journal", "followed", e.Followed(), "err", err)
		select {
		case <-ctx.Done():
			e.Close()
			return nil, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// followTo hands e every record after the ones it has, to the end of the
// journal as one read finds it, and notes when the standby caught up.
func (n *Node) followTo(ctx context.Context, e *booking.Engine) error {
	err := e.Follow(func(yield func(uint64, []byte) error) error {
		return readJournal(ctx, n.pool, n.t, e.Followed()+1, yield)
	})
	if err == nil {
		n.caughtUp.Store(time.Now().UnixNano())
	}
	return err
}

// follow is one step of a standby: it reads what the journal gained. A
// record the engine refuses stops that engine for good, so a new one is
// built from the start.
func (n *Node) follow() {
	e := n.Engine()
	ctx, cancel := context.WithTimeout(n.ctx, n.o.CommitTimeout)
	defer cancel()
	err := n.followTo(ctx, e)
	switch {
	case err == nil, n.ctx.Err() != nil:
	case errors.Is(err, booking.ErrCorrupt), errors.Is(err, booking.ErrInconsistent):
		n.log.Error("kuota: the standby cannot apply the journal; rebuilding it", "followed", e.Followed(), "err", err)
		if fresh, err := n.rebuild(n.ctx); err == nil {
			n.engine.Store(fresh)
			e.Close()
		}
	default:
		n.log.Warn("kuota: following the journal", "followed", e.Followed(), "err", err)
	}
}

// listen keeps a connection listening on the journal's channel and
// kicks the standby for every notification, and once each time it
// connects (records may have come while it was not listening).
func (n *Node) listen() {
	for n.ctx.Err() == nil {
		n.listenOnce()
		select {
		case <-n.ctx.Done():
		case <-time.After(n.o.FollowInterval):
		}
	}
}

func (n *Node) listenOnce() {
	ctx := n.ctx
	conn, err := pgx.ConnectConfig(ctx, n.connCfg.Copy())
	if err != nil {
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{n.t.channel}.Sanitize()); err != nil {
		return
	}
	for {
		n.signal()
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return
		}
	}
}

// signal tells the standby loop to follow, without blocking.
func (n *Node) signal() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

// takeover looks at the lease: it tells the engine where the active node
// is, and when the lease has lapsed takes it, reads the journal to its end
// and promotes the engine. It returns the new epoch, or 0.
func (n *Node) takeover() int64 {
	ctx, cancel := context.WithTimeout(n.ctx, n.o.CommitTimeout)
	defer cancel()
	e := n.Engine()
	l, err := readLease(ctx, n.pool, n.t)
	if err != nil {
		if n.ctx.Err() == nil {
			n.log.Warn("kuota: reading the lease", "err", err)
		}
		return 0
	}
	if !l.lapsed {
		e.SetActiveAddress(l.address)
		return 0
	}
	epoch, ok, err := acquire(ctx, n.pool, n.t, n.holder, n.o.Address, n.o.LeaseDuration)
	if !ok {
		return 0 // another standby was first, or the database is away
	}
	// From here the former active node commits nothing (fencing): the
	// journal's end is final. Catch up to it, renewing the lease while
	// that takes long, then promote.
	if err := n.catchUp(epoch, e); err != nil {
		n.log.Warn("kuota: taking over", "epoch", epoch, "err", err)
		ctx, cancel := context.WithTimeout(context.Background(), n.o.CommitTimeout)
		release(ctx, n.pool, n.t, epoch) // let another try at once
		cancel()
		return 0
	}
	log := newJournalLog(n.pool, n.t, epoch, n.o.CommitTimeout)
	n.active.Store(log)
	if err := e.Promote(log); err != nil {
		n.log.Error("kuota: promoting the standby", "epoch", epoch, "err", err)
		ctx, cancel := context.WithTimeout(context.Background(), n.o.CommitTimeout)
		release(ctx, n.pool, n.t, epoch)
		cancel()
		return 0
	}
	n.epoch.Store(epoch)
	return epoch
}

// catchUp follows the journal to its last record, renewing the lease of
// epoch between reads.
func (n *Node) catchUp(epoch int64, e *booking.Engine) error {
	for {
		ctx, cancel := context.WithTimeout(n.ctx, n.o.RenewInterval)
		last, err := lastLSN(ctx, n.pool, n.t)
		if err == nil && e.Followed() < last {
			err = n.followTo(ctx, e)
			if errors.Is(err, context.DeadlineExceeded) {
				err = nil // progress kept; renew and go on
			}
		}
		cancel()
		switch {
		case err != nil:
			return err
		case e.Followed() == last:
			return nil
		}
		ctx, cancel = context.WithTimeout(n.ctx, n.o.CommitTimeout)
		ok, err := renew(ctx, n.pool, n.t, epoch, n.o.LeaseDuration)
		cancel()
		if err != nil || !ok {
			return fmt.Errorf("the lease was lost while catching up: %v", err)
		}
	}
}

package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kuota/kuota/booking"
)

// Node is one kuota engine of an active/standby cluster on PostgreSQL.
// Start one in each process of the cluster, all with the same DSN and
// Schema; the nodes elect one active engine through the lease, and the
// others follow its journal as standbys.
//
// [Node.Engine] is the node's engine, to serve requests with. On the
// active node it takes changes and writes its journal to PostgreSQL, one
// statement per group commit. On a standby it serves every read with a
// lag of one notification (milliseconds; FollowInterval at worst), and
// refuses changes with a *booking.StandbyError naming the active node's
// Address. A node that steps down closes its engine (it may hold changes
// that were never committed: its calls return booking.ErrEngineClosed
// meanwhile) and replaces it by a new standby rebuilt from the journal,
// so call Engine for each request rather than keeping it.
//
// What each failure does:
//
//   - The active node's process dies or hangs: its lease lapses within
//     LeaseDuration; a standby takes it (within TakeoverDelay more),
//     reads the journal to its end and becomes active. Everything
//     acknowledged was committed, and is there.
//   - The active node comes back after its lease was taken (a pause, a
//     partition): its next commit is fenced (ErrFenced, nothing written,
//     nothing acknowledged) or its next renewal finds the lease gone, and
//     it steps down to a standby.
//   - PostgreSQL's primary fails and a standby is promoted (Patroni): the
//     active node's commit in flight is resolved by reading the journal
//     back once the DSN reaches the new primary; its callers wait
//     meanwhile, bounded by their contexts. With synchronous_commit on
//     and a synchronous standby promoted, nothing acknowledged is lost.
type Node struct {
	o       Options
	t       tables
	pool    *pgxpool.Pool
	connCfg *pgx.ConnConfig // for the listener's own connection
	holder  string          // this process, in the lease row
	log     *slog.Logger

	engine   atomic.Pointer[booking.Engine]
	epoch    atomic.Int64               // the lease's epoch while active; 0 on a standby
	caughtUp atomic.Int64               // when a standby last read the journal to its end, Unix ns
	active   atomic.Pointer[journalLog] // the active engine's journal, the latest

	ctx       context.Context // ends at Close
	cancel    context.CancelFunc
	kick      chan struct{} // a notification of new records
	done      chan struct{} // closed when the run goroutine ends
	listened  chan struct{} // closed when the listening goroutine ends
	closeOnce sync.Once
	closeErr  error
}

// Start connects to PostgreSQL, creates the cluster's schema if it is not
// there (or checks its version), builds a standby engine from the journal
// and starts the node: it becomes active at once if no other node holds
// the lease. ctx bounds the start only.
func Start(ctx context.Context, opts *Options) (*Node, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	// The engine's options are checked before anything connects.
	probe, err := booking.NewStandby(&o.Engine)
	if err != nil {
		return nil, fmt.Errorf("%w: Engine: %w", ErrBadOptions, err)
	}
	probe.Close()
	cfg, err := pgxpool.ParseConfig(o.DSN)
	if err != nil {
		return nil, fmt.Errorf("%w: DSN: %w", ErrBadOptions, err)
	}
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "kuota"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var id [8]byte
	rand.Read(id[:])
	n := &Node{
		o:        o,
		t:        newTables(o.Schema),
		pool:     pool,
		connCfg:  cfg.ConnConfig.Copy(),
		holder:   hex.EncodeToString(id[:]),
		log:      o.Logger.With("schema", o.Schema),
		kick:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		listened: make(chan struct{}),
	}
	var e *booking.Engine
	err = migrate(ctx, pool, n.t)
	if err == nil {
		e, err = n.rebuild(ctx)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	n.engine.Store(e)
	n.ctx, n.cancel = context.WithCancel(context.Background())
	go func() {
		defer close(n.listened)
		n.listen()
	}()
	go n.run()
	return n, nil
}

// Engine returns the node's engine: active or standby (see Node).
func (n *Node) Engine() *booking.Engine { return n.engine.Load() }

// Status is what a node says about itself.
type Status struct {
	// Active reports that this node holds the lease and takes changes,
	// under fencing epoch Epoch (0 on a standby).
	Active bool
	Epoch  int64
	// Followed is the LSN of the last record a standby applied, or the
	// active node committed; CaughtUp is when a standby last read the
	// journal to its end.
	Followed uint64
	CaughtUp time.Time
	// Resolved counts the active node's commits whose outcome was lost
	// with their connection and read back from the journal: found
	// written, or written again.
	Resolved uint64
}

// Status returns the node's role and progress.
func (n *Node) Status() Status {
	e := n.Engine()
	st := Status{Epoch: n.epoch.Load(), Followed: e.Followed(), CaughtUp: time.Unix(0, n.caughtUp.Load())}
	st.Active = st.Epoch != 0
	if l := n.active.Load(); l != nil && st.Active {
		st.Followed, st.Resolved = l.committed.Load(), l.resolved.Load()
	}
	return st
}

// WaitActive returns once the node is active, or ctx's error.
func (n *Node) WaitActive(ctx context.Context) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for n.epoch.Load() == 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-n.done:
			return booking.ErrEngineClosed
		case <-t.C:
		}
	}
	return nil
}

// Close stops the node. An active node's engine writes what it has
// accepted (given up after CommitTimeout if PostgreSQL cannot be reached)
// and ends its lease at once, so that a standby takes over without
// waiting for it to lapse.
func (n *Node) Close() error {
	n.closeOnce.Do(func() {
		n.cancel()
		<-n.done
		<-n.listened
		e := n.Engine()
		if epoch := n.epoch.Load(); epoch != 0 {
			giveUp := time.AfterFunc(n.o.CommitTimeout, func() { n.active.Load().Close() })
			n.closeErr = e.Close()
			giveUp.Stop()
			ctx, cancel := context.WithTimeout(context.Background(), n.o.CommitTimeout)
			if err := release(ctx, n.pool, n.t, epoch); err != nil {
				n.log.Warn("kuota: ending the lease", "err", err)
			}
			cancel()
			n.epoch.Store(0)
		} else {
			n.closeErr = e.Close()
		}
		n.pool.Close()
	})
	return n.closeErr
}

// run is the node's life: standby until it takes the lease, active until
// it loses it, until Close.
func (n *Node) run() {
	defer close(n.done)
	for n.ctx.Err() == nil {
		if epoch := n.stand(); epoch != 0 {
			n.lead(epoch)
		}
	}
}

// stand follows the journal and watches the lease until the node takes
// it; it returns the new epoch, or 0 at Close.
func (n *Node) stand() int64 {
	if epoch := n.takeover(); epoch != 0 {
		return epoch
	}
	follow := time.NewTicker(n.o.FollowInterval)
	defer follow.Stop()
	look := time.NewTicker(n.o.TakeoverDelay)
	defer look.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return 0
		case <-n.kick:
			n.follow()
		case <-follow.C:
			n.follow()
		case <-look.C:
			if epoch := n.takeover(); epoch != 0 {
				return epoch
			}
		}
	}
}

// lead renews the lease of the active node until it is lost, or the
// engine's journal fails (fenced, or an error PostgreSQL will not get
// over), and then steps down; it returns at Close too.
func (n *Node) lead(epoch int64) {
	n.log.Info("kuota: active", "epoch", epoch, "followed", n.Engine().Followed())
	t := time.NewTicker(n.o.RenewInterval)
	defer t.Stop()
	journalFailed := n.active.Load().failed
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-journalFailed:
			// A commit failed for good: fenced, or refused by PostgreSQL
			// (the engine's Stats().StorageErr says which).
			n.stepDown("a commit failed")
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(n.ctx, n.o.CommitTimeout)
		ok, err := renew(ctx, n.pool, n.t, epoch, n.o.LeaseDuration)
		cancel()
		switch {
		case err == nil && !ok:
			n.stepDown("another node took the lease")
			return
		case err != nil && n.ctx.Err() == nil:
			// Commits are fenced: nothing is lost by staying active
			// until the lease is known to be gone.
			n.log.Warn("kuota: renewing the lease", "epoch", epoch, "err", err)
		}
	}
}

// stepDown makes an active node a standby again. Its engine may hold
// changes that were never committed (a fenced commit's), so it is closed
// first — its callers get ErrEngineClosed rather than reads of bookings
// that do not exist — and a new standby is rebuilt from the journal.
func (n *Node) stepDown(why string) {
	old := n.Engine()
	n.log.Warn("kuota: stepping down", "epoch", n.epoch.Load(), "why", why, "journal", old.Stats().StorageErr)
	n.active.Load().Close() // a commit still being resolved gives up
	old.Close()
	n.epoch.Store(0)
	e, err := n.rebuild(n.ctx)
	if err != nil {
		return // Close: the closed engine stays until then
	}
	n.engine.Store(e)
}

package pgbench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"

	"github.com/kuota/kuota/bench"
	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/postgres"
)

// KuotaKind names kuota's engine on PostgreSQL in bench's systems lists:
// one postgres.Node, active, its journal in a schema of its own — the
// cluster's write path, which a standby adds nothing to.
const KuotaKind = "kuota-postgres"

// ErrNoSyncKuota refuses -durability nosync for KuotaKind: a node always
// commits with synchronous_commit on, which is what it is measured for.
var ErrNoSyncKuota = errors.New("pgbench: kuota-postgres always commits with synchronous_commit on")

// OpenKuota starts a node on a fresh schema of the server opts.DSN names,
// waits until it is active, and returns its engine as a bench.System
// whose Close closes the node and drops the schema.
func OpenKuota(clk *bench.Clock, holdsPerAccount int, noSync bool, opts *Options) (bench.System, error) {
	if opts == nil {
		return nil, ErrNoDSN
	}
	o, err := opts.check()
	if err != nil {
		return nil, err
	}
	if noSync {
		return nil, ErrNoSyncKuota
	}
	var id [8]byte
	rand.Read(id[:])
	schema := "kuota_bench_" + hex.EncodeToString(id[:])
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	node, err := postgres.Start(ctx, &postgres.Options{
		DSN:    o.DSN,
		Schema: schema,
		Logger: slog.New(slog.DiscardHandler), // the run's table says what matters
		Engine: booking.Options{Now: clk.Now, NoSweeper: true, MaxHoldsPerAccount: holdsPerAccount, BookingsMax: booking.BookingsMaxLimit},
	})
	if err != nil {
		return nil, err
	}
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		conn, err := pgx.Connect(ctx, o.DSN)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
		return err
	}
	if err := node.WaitActive(ctx); err != nil {
		node.Close()
		drop()
		return nil, fmt.Errorf("pgbench: the node did not become active: %w", err)
	}
	return bench.EngineSystem(KuotaKind, node.Engine(), clk, func() error {
		return errors.Join(node.Close(), drop())
	}), nil
}

package pgbench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kuota/kuota/bench"
	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// Time limits of the plain system's calls.
const (
	// callTimeout bounds one call, the wait for a pooled connection
	// included: 1,024 callers sharing 64 connections wait milliseconds,
	// so a call that takes a minute has found the server gone.
	callTimeout = time.Minute
	// setupTimeout bounds opening (schema, tables, connections) and
	// closing (dropping the schema).
	setupTimeout = 2 * time.Minute
)

// Plain is the plain PostgreSQL baseline, [PlainKind]: a bench.System
// that keeps cells and bookings in tables of a schema of its own and makes
// every change in one transaction (see the package documentation). It is
// safe for concurrent use.
type Plain struct {
	clk      *bench.Clock
	maxHolds int
	pool     *pgxpool.Pool
	schema   string
	// lockPrefix starts the names of the advisory locks of this system's
	// accounts and NIKs, and sweepKey is its sweep's lock: advisory locks
	// are per database, and another system's schema may share it.
	lockPrefix string
	sweepKey   int32

	mu      sync.RWMutex // guards offices
	offices map[string]*bench.Rules
}

// OpenPlain creates a fresh schema on the server opts.DSN names, builds
// the tables in it, fills a pool of opts.MaxConns connections, and returns
// the system, reading clk for every rule that depends on time and allowing
// each account holdsPerAccount unpaid holds. noSync turns
// synchronous_commit off. A nil opts is refused with ErrNoDSN: there is
// no default server.
func OpenPlain(clk *bench.Clock, holdsPerAccount int, noSync bool, opts *Options) (*Plain, error) {
	if opts == nil {
		return nil, ErrNoDSN
	}
	o, err := opts.check()
	if err != nil {
		return nil, err
	}
	schema, err := newSchemaName()
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(o.DSN)
	if err != nil {
		return nil, fmt.Errorf("pgbench: DSN: %w", err)
	}
	cfg.MaxConns = int32(o.MaxConns)
	params := cfg.ConnConfig.RuntimeParams
	params["search_path"] = schema
	params["synchronous_commit"] = "on"
	if noSync {
		params["synchronous_commit"] = "off"
	}
	params["application_name"] = "kuota-bench " + PlainKind

	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgbench: connect: %w", err)
	}
	h := fnv.New32a()
	h.Write([]byte(schema))
	p := &Plain{
		clk: clk, maxHolds: holdsPerAccount, pool: pool, schema: schema,
		lockPrefix: schema + "|", sweepKey: int32(h.Sum32()),
		offices: map[string]*bench.Rules{},
	}
	if _, err := pool.Exec(ctx, "CREATE SCHEMA "+p.ident()+"; SET search_path = "+p.ident()+";\n"+schemaDDL); err != nil {
		pool.Close()
		return nil, fmt.Errorf("pgbench: create schema %s: %w", schema, err)
	}
	if err := p.warm(ctx, o.MaxConns); err != nil {
		return nil, errors.Join(err, p.Close())
	}
	return p, nil
}

// newSchemaName returns a schema name no other run has: kuota_plain_ and
// 64 random bits.
func newSchemaName() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "kuota_plain_" + hex.EncodeToString(b[:]), nil
}

func (p *Plain) ident() string { return pgx.Identifier{p.schema}.Sanitize() }

// warm opens all n of the pool's connections before the first call, as a
// running service has them: a rush must not pay for connecting.
func (p *Plain) warm(ctx context.Context, n int) error {
	conns := make([]*pgxpool.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Release()
		}
	}()
	for range n {
		c, err := p.pool.Acquire(ctx)
		if err != nil {
			return fmt.Errorf("pgbench: connect: %w", err)
		}
		conns = append(conns, c)
	}
	return nil
}

// Schema returns the name of the system's schema, dropped on Close.
func (p *Plain) Schema() string { return p.schema }

// Name returns PlainKind.
func (p *Plain) Name() string { return PlainKind }

func (p *Plain) office(code string) *bench.Rules {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.offices[code]
}

// call returns the context of one call.
func call() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), callTimeout)
}

// sqlDate is d as pgx writes a date: midnight UTC of that day.
func sqlDate(d calendar.Date) time.Time { return d.Start(time.UTC) }

// dateOf reads a date column back.
func dateOf(t time.Time) calendar.Date { return calendar.DateOf(t, time.UTC) }

// Register checks the office's configuration and adds a row for each of
// its cells. An office registered again keeps the seats taken of each
// cell, as the bbolt baseline does after a restart.
func (p *Plain) Register(cfg booking.OfficeConfig) error {
	r, err := bench.NewRules(cfg)
	if err != nil {
		return err
	}
	q := &cfg.Quota
	var days []time.Time
	var slots, pools, seats []int32
	for i := range q.Days {
		d := sqlDate(q.First.AddDays(i))
		for s, slot := range q.Layout.Slots {
			for pool, n := range slot.Seats {
				days = append(days, d)
				slots, pools, seats = append(slots, int32(s)), append(pools, int32(pool)), append(seats, int32(n))
			}
		}
	}
	ctx, cancel := call()
	defer cancel()
	_, err = p.pool.Exec(ctx, `
		INSERT INTO cells (office, day, slot, pool, capacity, seats_left)
		SELECT $1, v.day, v.slot, v.pool, v.capacity, v.capacity
		  FROM unnest($2::date[], $3::int[], $4::int[], $5::int[]) AS v(day, slot, pool, capacity)
		ON CONFLICT (office, day, slot, pool) DO UPDATE
		   SET capacity = EXCLUDED.capacity,
		       seats_left = EXCLUDED.capacity - (cells.capacity - cells.seats_left)`,
		cfg.Code, days, slots, pools, seats)
	if err != nil {
		return fmt.Errorf("pgbench: register %s: %w", cfg.Code, err)
	}
	p.mu.Lock()
	p.offices[cfg.Code] = r
	p.mu.Unlock()
	return nil
}

// seatGrid holds the capacity and seats taken of the cells of n days from
// first, as read in one query.
type seatGrid struct {
	first        calendar.Date
	slots, pools int
	capacity     []int // by (day*slots+slot)*pools+pool
	taken        []int
}

// readSeats reads the cells of n days of office from first.
func (p *Plain) readSeats(ctx context.Context, r *bench.Rules, office string, first calendar.Date, n int) (*seatGrid, error) {
	layout := r.Config().Quota.Layout
	g := &seatGrid{first: first, slots: len(layout.Slots), pools: len(layout.Pools)}
	g.capacity = make([]int, n*g.slots*g.pools)
	g.taken = make([]int, len(g.capacity))
	rows, err := p.pool.Query(ctx, `
		SELECT day, slot, pool, capacity, seats_left FROM cells
		 WHERE office = $1 AND day BETWEEN $2 AND $3`,
		office, sqlDate(first), sqlDate(first.AddDays(n-1)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var day time.Time
	var slot, pool, capacity, left int
	for rows.Next() {
		if err := rows.Scan(&day, &slot, &pool, &capacity, &left); err != nil {
			return nil, err
		}
		i := dateOf(day).Sub(first)
		if i < 0 || i >= n || slot >= g.slots || pool >= g.pools {
			continue // a cell of a layout the office no longer has
		}
		k := (i*g.slots+slot)*g.pools + pool
		g.capacity[k], g.taken[k] = capacity, capacity-left
	}
	return g, rows.Err()
}

// of returns the seats function of day i, for Rules.DayView.
func (g *seatGrid) of(i int) func(slot, pool int) (int, int) {
	return func(slot, pool int) (int, int) {
		k := (i*g.slots+slot)*g.pools + pool
		return g.capacity[k], g.taken[k]
	}
}

// Month reads the office's cells of the month in one query and builds
// each day's view with the baselines' rules.
func (p *Plain) Month(office string, year int, month time.Month) ([]quota.DayView, error) {
	r := p.office(office)
	if r == nil {
		return nil, booking.ErrUnknownOffice
	}
	days := bench.MonthDays(year, month)
	ctx, cancel := call()
	defer cancel()
	g, err := p.readSeats(ctx, r, office, days[0], len(days))
	if err != nil {
		return nil, fmt.Errorf("pgbench: month: %w", err)
	}
	now := p.clk.Now()
	out := make([]quota.DayView, len(days))
	for i, d := range days {
		out[i] = r.DayView(d, now, false, g.of(i))
	}
	return out, nil
}

// Day reads the day's cells and builds its view, slots included.
func (p *Plain) Day(office string, d calendar.Date) (quota.DayView, error) {
	r := p.office(office)
	if r == nil {
		return quota.DayView{}, booking.ErrUnknownOffice
	}
	ctx, cancel := call()
	defer cancel()
	g, err := p.readSeats(ctx, r, office, d, 1)
	if err != nil {
		return quota.DayView{}, fmt.Errorf("pgbench: day: %w", err)
	}
	return r.DayView(d, p.clk.Now(), true, g.of(0)), nil
}

// Audit counts every cell's seats against the bookings that take them, in
// one query: a cell whose seats taken differ from its live bookings', or
// lie outside 0 to its capacity, is a violation.
func (p *Plain) Audit() (bench.Audit, error) {
	ctx, cancel := call()
	defer cancel()
	var a bench.Audit
	err := p.pool.QueryRow(ctx, `
		WITH live AS (
			SELECT office, day, slot, pool, sum(seats) AS seats
			  FROM bookings WHERE state IN (`+sqlHeld+`, `+sqlPaid+`, `+sqlCheckedIn+`)
			 GROUP BY office, day, slot, pool
		)
		SELECT coalesce(sum(c.capacity), 0),
		       coalesce(sum(c.capacity - c.seats_left), 0),
		       count(*) FILTER (WHERE c.capacity - c.seats_left <> coalesce(l.seats, 0)
		                           OR c.seats_left < 0 OR c.seats_left > c.capacity),
		       (SELECT count(*) FROM bookings WHERE state IN (`+sqlHeld+`, `+sqlPaid+`, `+sqlCheckedIn+`))
		  FROM cells c LEFT JOIN live l USING (office, day, slot, pool)`).
		Scan(&a.Capacity, &a.Taken, &a.Violations, &a.LiveBookings)
	if err != nil {
		return a, fmt.Errorf("pgbench: audit: %w", err)
	}
	a.Left = a.Capacity - a.Taken
	return a, nil
}

// Close drops the system's schema, its tables and rows with it, and
// closes the pool.
func (p *Plain) Close() error {
	defer p.pool.Close()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if _, err := p.pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+p.ident()+" CASCADE"); err != nil {
		return fmt.Errorf("pgbench: drop schema %s: %w", p.schema, err)
	}
	return nil
}

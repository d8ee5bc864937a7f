// Package pgbench adds PostgreSQL systems to kuota's benchmark scenarios
// (package bench), from a module of its own so that the core module never
// depends on a PostgreSQL driver.
//
// # Systems
//
// [PlainKind], "postgres-plain", is the booking engine a Go team writes on
// PostgreSQL first, with pgx and a pool: every hold is one transaction
// that INSERTs the booking and takes the seats with a conditional
//
//	UPDATE cells SET seats_left = seats_left - $n
//	 WHERE office = … AND day = … AND slot = … AND pool = … AND seats_left >= $n
//
// which takes nothing when fewer are left, and then commits. The UPDATE
// comes last, so that the cell's row stays locked for the commit alone.
// Payments, cancellations, reschedules, check-ins and sweeps are
// transactions of their own. It enforces the rules of the mutex-and-map
// and bbolt baselines, through the same code ([bench.Rules]): the account
// hold limit, one live booking per NIK, and kuota's refusals in kuota's
// order. Like those baselines it has no idempotency keys. Every commit
// waits for PostgreSQL's WAL flush (synchronous_commit = on) unless the
// run asks for no sync.
//
// Beside it, [KuotaKind] is kuota's engine on PostgreSQL: one
// postgres.Node, active, whose group commit writes each batch of records
// in one statement (package github.com/kuota/kuota/postgres).
//
// # Using it
//
// [Register] adds the kinds to bench with a DSN; the pgrush command
// (cmd/pgrush) does that from -dsn or $KUOTA_PG_DSN and runs the rush:
//
//	export KUOTA_PG_DSN=$(postgres/scripts/cluster.sh dsn)
//	go run ./cmd/pgrush -workers 64
//
// # Schemas
//
// Each system builds its tables in a PostgreSQL schema of its own, named
// kuota_plain_ and 16 random hex digits, and drops it on Close, so runs
// never see each other's rows. A process killed before Close leaves its
// schema behind, to be dropped by hand (DROP SCHEMA … CASCADE).
//
// # Concurrency
//
// A [Plain] is safe for concurrent use: its callers share one pgxpool of
// [Options.MaxConns] connections, as a service's request handlers would,
// and wait for a free one. Row locks, and advisory locks on an account's
// and on each NIK's key, keep the rules under concurrency; every
// transaction takes its locks in one order (advisory keys sorted, then
// bookings, then cells sorted by key), so none waits on another in a
// circle.
package pgbench

package postgres

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// schemaVersion is the version of the tables this package creates and
// reads. A database whose tables are newer is refused (ErrSchemaVersion):
// an older kuota must not write beside a newer one.
const schemaVersion = 1

// ErrSchemaVersion is returned by Start for a schema written by a newer
// version of this package.
var ErrSchemaVersion = errors.New("postgres: the schema is newer than this kuota")

// schemaNameRE is what a Schema option may be: a plain lower-case SQL
// identifier, so that it needs no quoting anywhere, notifications
// included.
var schemaNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,47}$`)

// tables names the objects of one cluster's schema, quoted for SQL.
type tables struct {
	schema  string // the schema
	journal string // schema.journal: one row per record
	lease   string // schema.lease: the one row of the lease
	meta    string // schema.meta: the schema's version
	notify  string // schema.notify(): the trigger that notifies channel
	channel string // the notification channel of new records, unquoted: <schema>_journal
}

// newTables names the objects of schema, a name schemaNameRE accepts.
func newTables(schema string) tables {
	id := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	return tables{
		schema:  pgx.Identifier{schema}.Sanitize(),
		journal: id("journal"),
		lease:   id("lease"),
		meta:    id("meta"),
		notify:  id("notify"),
		channel: schema + "_journal",
	}
}

// migrate creates the schema, or checks the version of the one there. It
// runs in one transaction under an advisory lock, so that nodes starting
// together create it once.
//
// The tables: journal holds the records, one row per LSN, with the epoch
// of the lease under which it was written; lease is one row, the holder
// of the lease, its fencing epoch, the address it advertises and when it
// lapses (in the database's clock, which every node shares); meta holds
// the version. A statement-level trigger notifies the channel
// <schema>_journal after every insert into journal, in the inserting
// transaction, so listeners hear of records only once they are
// committed.
func migrate(ctx context.Context, pool *pgxpool.Pool, t tables) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext($1))`, "kuota schema "+t.schema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+t.schema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+t.meta+` (version integer NOT NULL)`); err != nil {
			return err
		}
		var version int
		switch err := tx.QueryRow(ctx, `SELECT version FROM `+t.meta).Scan(&version); {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case version > schemaVersion:
			return fmt.Errorf("%w: %s is at version %d, this kuota knows %d", ErrSchemaVersion, t.schema, version, schemaVersion)
		default:
			return nil // version 1, the only one so far: nothing to migrate
		}
		for _, sql := range []string{
			`CREATE TABLE ` + t.journal + ` (
				lsn   bigint PRIMARY KEY CHECK (lsn > 0),
				epoch bigint NOT NULL,
				rec   bytea  NOT NULL)`,
			`CREATE TABLE ` + t.lease + ` (
				id      integer PRIMARY KEY CHECK (id = 1),
				epoch   bigint      NOT NULL,
				holder  text        NOT NULL,
				address text        NOT NULL,
				expires timestamptz NOT NULL)`,
			`INSERT INTO ` + t.lease + ` VALUES (1, 0, '', '', '-infinity')`,
			// channel is a schemaNameRE name and "_journal": a safe literal.
			`CREATE FUNCTION ` + t.notify + `() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN PERFORM pg_notify('` + t.channel + `', ''); RETURN NULL; END $$`,
			`CREATE TRIGGER notify AFTER INSERT ON ` + t.journal + ` FOR EACH STATEMENT EXECUTE FUNCTION ` + t.notify + `()`,
			`INSERT INTO ` + t.meta + ` VALUES (1)`,
		} {
			if _, err := tx.Exec(ctx, sql); err != nil {
				return fmt.Errorf("postgres: creating the schema: %w", err)
			}
		}
		return nil
	})
}

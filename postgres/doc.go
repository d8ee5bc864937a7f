// Package postgres runs kuota on more than one machine: an active/standby
// cluster of booking engines whose journal is kept in PostgreSQL,
// replicated synchronously to PostgreSQL's own standbys.
//
// # The model
//
// Each process of the cluster starts a [Node] with the same DSN and
// Schema. One node is active: it holds the lease, keeps the booking state
// machine in memory as a single-machine engine does (the rules in one
// place, the same speed), and writes its journal to PostgreSQL — one
// statement per group commit, so a commit carries every change that
// gathered while the previous one ran. The others are standbys: each
// follows the journal into its own in-memory state machine (LISTEN/NOTIFY,
// and a read every FollowInterval should a notification be lost), serves
// every read, and refuses changes with a *booking.StandbyError naming the
// active node's Address, for an HTTP layer to forward. When the active
// node's lease lapses, a standby takes it, reads the journal to its end,
// and becomes active (booking.Engine.Promote). It is the model of
// HashiCorp Vault's HA storage backends; PostgreSQL does the replication
// and its own failover (Patroni in production), kuota no consensus of its
// own.
//
// # Guarantees
//
// Fencing: the lease carries an epoch, incremented by every takeover, and
// every commit checks inside its own statement that the epoch is still
// its node's. A former active node that was paused or cut off and comes
// back commits nothing (ErrFenced), and steps down to a standby.
//
// Nothing acknowledged is lost, nothing is acknowledged twice: a change is
// acknowledged once PostgreSQL has committed it with synchronous_commit on.
// A commit whose outcome was lost with its connection is resolved by
// reading the journal back (see Status.Resolved), never by guessing.
// After a PostgreSQL failover, an acknowledged commit is there as long as
// the promoted server is one that had confirmed it — a synchronous
// standby, which Patroni's synchronous mode promotes; with
// synchronous_standby_names = 'ANY 1 (a, b)' that is the standby with the
// most WAL received.
//
// Standby reads lag the active node by one notification (milliseconds on
// a LAN), and by FollowInterval at most if one is lost. Each booking
// reads exact at read time on a standby too (a hold past its deadline
// reads Expired), but the calendar views count a lapsed hold's seats until
// the active node's record of its expiry arrives.
//
// Failover takes at most LeaseDuration + TakeoverDelay after the active
// node's last renewal (11 s with the defaults), plus the time to read the
// records the standby had not followed yet. Calls made on the old active
// node meanwhile wait for their contexts, and are not acknowledged.
//
// # Limits
//
// One active node writes everything: at kuota's single-machine rates a
// national quota opening is seconds of work, and the commit is one
// round trip per batch. Every node keeps the whole state in memory and
// rebuilds it from the journal at start, so a journal that grows without
// end makes starts slower: archive ended bookings (booking.Options
// Retention). While PostgreSQL's synchronous standbys are all down,
// writes wait: a commit whose CommitTimeout ends is on the primary alone,
// and is acknowledged only once a write after it has reached a standby
// (so the loss of the primary then cannot take an acknowledged booking
// with it); reads go on. Two synchronous standbys (ANY 1) make that
// rare. One way around it is PostgreSQL's own: a commit cancelled on the
// server (pg_cancel_backend) while it waits for the standbys is reported
// committed, with only a warning, to kuota as to any client — do not
// cancel kuota's sessions.
//
// # Tables
//
// Start creates, in Options.Schema, three tables and a trigger, under an
// advisory lock so that nodes starting together create them once:
// journal (lsn, epoch, rec), lease (one row: epoch, holder, address,
// expires) and meta (the schema's version). Nothing is created by hand,
// and a schema written by a newer kuota is refused (ErrSchemaVersion).
package postgres

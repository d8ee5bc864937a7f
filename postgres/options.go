package postgres

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/kuota/kuota/booking"
)

// Defaults of Options.
const (
	// DefaultSchema is the PostgreSQL schema of a cluster's tables.
	DefaultSchema = "kuota"
	// DefaultLeaseDuration is how long the active node's lease lasts
	// without a renewal: a standby takes over at most this long (plus
	// TakeoverDelay) after the active node's last renewal.
	DefaultLeaseDuration = 10 * time.Second
	// DefaultTakeoverDelay is how often a standby looks at the lease.
	DefaultTakeoverDelay = time.Second
	// DefaultFollowInterval is how often a standby reads the journal when
	// no notification came: the bound on its lag should one be lost.
	DefaultFollowInterval = time.Second
	// DefaultCommitTimeout bounds one statement; a commit that takes
	// longer is resolved by reading the journal back (see Node).
	DefaultCommitTimeout = 10 * time.Second
)

// Limits of Options.
const (
	// LeaseDurationMin is the shortest lease: shorter ones would lapse
	// under an ordinary pause of the active node's process.
	LeaseDurationMin = 500 * time.Millisecond
)

// ErrBadOptions is returned by Start for options out of range.
var ErrBadOptions = errors.New("postgres: bad options")

// Options configure a Node. The zero value of every field but DSN means
// its default.
type Options struct {
	// DSN is the PostgreSQL connection string, in the forms pgx accepts.
	// For a replicated PostgreSQL name every host and ask for the
	// writable one, so that a promoted standby is found after a
	// failover:
	//
	//	postgres://kuota@db1:5432,db2:5432,db3:5432/kuota?target_session_attrs=read-write
	//
	// Every connection runs with synchronous_commit on, whatever the
	// server's default.
	DSN string
	// Schema is the PostgreSQL schema that holds the cluster's journal
	// and lease (created by Start): one cluster per schema. Lower-case
	// letters, digits and underscores, at most 48, not starting with a
	// digit. Default DefaultSchema.
	Schema string
	// Address is what this node advertises while it is active — for
	// example its HTTP address — so that a standby's refusals
	// (booking.StandbyError) name where to send a change.
	Address string
	// LeaseDuration is how long the active node's lease lasts unrenewed
	// (default DefaultLeaseDuration, at least LeaseDurationMin), and
	// RenewInterval how often it renews it (default a fifth of
	// LeaseDuration, less than half of it).
	LeaseDuration time.Duration
	RenewInterval time.Duration
	// TakeoverDelay is how often a standby checks whether the lease has
	// lapsed (default DefaultTakeoverDelay, at most LeaseDuration).
	TakeoverDelay time.Duration
	// FollowInterval is how often a standby reads the journal without a
	// notification (default DefaultFollowInterval).
	FollowInterval time.Duration
	// CommitTimeout bounds each statement (default DefaultCommitTimeout).
	CommitTimeout time.Duration
	// Engine configures the node's engine: its clock, policy, limits and
	// logger. Durability, ReadOnly, LockTimeout and AllowSharedRead are
	// for a bbolt file and do not apply.
	Engine booking.Options
	// Logger receives the node's role changes and failures; nil means
	// Engine.Logger, or slog.Default().
	Logger *slog.Logger
}

// resolve fills in the defaults and checks the ranges.
func (o *Options) resolve() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.DSN == "" {
		return r, fmt.Errorf("%w: no DSN", ErrBadOptions)
	}
	if r.Schema == "" {
		r.Schema = DefaultSchema
	}
	if !schemaNameRE.MatchString(r.Schema) {
		return r, fmt.Errorf("%w: schema %q: want lower-case letters, digits and underscores, at most 48", ErrBadOptions, r.Schema)
	}
	if r.LeaseDuration == 0 {
		r.LeaseDuration = DefaultLeaseDuration
	}
	if r.LeaseDuration < LeaseDurationMin {
		return r, fmt.Errorf("%w: LeaseDuration %v is under %v", ErrBadOptions, r.LeaseDuration, LeaseDurationMin)
	}
	if r.RenewInterval == 0 {
		r.RenewInterval = r.LeaseDuration / 5
	}
	if r.RenewInterval < 0 || 2*r.RenewInterval >= r.LeaseDuration {
		return r, fmt.Errorf("%w: RenewInterval %v: want less than half the lease, %v", ErrBadOptions, r.RenewInterval, r.LeaseDuration)
	}
	if r.TakeoverDelay == 0 {
		r.TakeoverDelay = DefaultTakeoverDelay
	}
	if r.TakeoverDelay < 0 || r.TakeoverDelay > r.LeaseDuration {
		return r, fmt.Errorf("%w: TakeoverDelay %v: want at most the lease, %v", ErrBadOptions, r.TakeoverDelay, r.LeaseDuration)
	}
	if r.FollowInterval == 0 {
		r.FollowInterval = DefaultFollowInterval
	}
	if r.CommitTimeout == 0 {
		r.CommitTimeout = DefaultCommitTimeout
	}
	if r.FollowInterval < 0 || r.CommitTimeout < 0 {
		return r, fmt.Errorf("%w: negative FollowInterval or CommitTimeout", ErrBadOptions)
	}
	if r.Engine.ReadOnly {
		return r, fmt.Errorf("%w: Engine.ReadOnly: a node's standby is read-only by itself", ErrBadOptions)
	}
	if r.Logger == nil {
		r.Logger = r.Engine.Logger
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	return r, nil
}

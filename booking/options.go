package booking

import (
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// Limits checked at the API edge. A request beyond one gets an error, never
// a panic.
const (
	// ApplicantsMax is the most applicants one booking can carry: one
	// account books for up to five people of one family card.
	ApplicantsMax = 5
	// MetadataBytesMax bounds the opaque metadata of all applicants of a
	// booking together.
	MetadataBytesMax = 4 << 10
	// AccountBytesMax bounds an account ID.
	AccountBytesMax = 128
	// IdempotencyKeyBytesMax bounds an idempotency key.
	IdempotencyKeyBytesMax = 128
	// PaymentRefBytesMax bounds a payment reference.
	PaymentRefBytesMax = 128
	// ReasonBytesMax bounds a rejection or closure reason: quota's limit,
	// as closures are quota's.
	ReasonBytesMax = quota.ReasonBytesMax
	// OfficeCodeBytesMax bounds an office code; OfficeNameBytesMax its
	// display name.
	OfficeCodeBytesMax = 32
	OfficeNameBytesMax = 200

	// HoldTTLMax bounds Options.HoldTTL: a week-long hold would let a bot
	// sit on a month's quota.
	HoldTTLMax = 7 * 24 * time.Hour
	// MaxHoldsPerAccountLimit bounds Options.MaxHoldsPerAccount.
	MaxHoldsPerAccountLimit = 100
	// BookingsMaxLimit bounds Options.BookingsMax: about 50 GiB of memory.
	BookingsMaxLimit = 100_000_000
)

// Defaults for zero Options fields.
const (
	// DefaultHoldTTL is M-Paspor's: an unpaid billing code lapses after
	// two hours.
	DefaultHoldTTL = 2 * time.Hour
	// DefaultMaxHoldsPerAccount lets an account hold one unpaid booking at
	// a time, so a bot cannot hoard seats.
	DefaultMaxHoldsPerAccount = 1
	// DefaultBookingsMax is ten million bookings, about 5 GiB of memory.
	DefaultBookingsMax = 10_000_000
	// DefaultLockTimeout is how long Open waits for another process to
	// release the database file.
	DefaultLockTimeout = time.Second
)

// Durability says when a change reaches the disk.
type Durability uint8

const (
	// Sync makes every change durable (fsync) before the call that made it
	// returns. Concurrent changes share one fsync (group commit).
	Sync Durability = iota
	// NoSync writes changes without fsync. A crash of the machine, not
	// just the process, can lose acknowledged changes. It is unsafe; use
	// it for tests and benchmarks only.
	NoSync
)

// Options configure an Engine. The zero value, or nil, gives the defaults.
//
// Options are not kept in a file that Open creates (only the code key is):
// each Open applies its own. A hold keeps the payment deadline it was given,
// but HoldTTL, MaxHoldsPerAccount and the Policy windows of a reopened
// engine are those of the Options passed to that Open, for old bookings and
// new alike.
type Options struct {
	// Now is the engine's clock; nil means time.Now. Tests and
	// simulations pass a fake one. The background sweeper sleeps in real
	// time towards the next deadline as Now reports it; with a fake clock
	// set NoSweeper and call ExpireDue and MarkNoShows.
	Now func() time.Time
	// HoldTTL is how long a hold waits for payment: DefaultHoldTTL when
	// zero, at most HoldTTLMax.
	HoldTTL time.Duration
	// Policy holds the reschedule, cancel, check-in and re-apply windows;
	// nil means reschedule.Default().
	Policy *reschedule.Policy
	// MaxHoldsPerAccount bounds the unpaid holds one account may have at
	// once: DefaultMaxHoldsPerAccount when zero.
	MaxHoldsPerAccount int
	// BookingsMax bounds the bookings the engine keeps (of every state):
	// DefaultBookingsMax when zero.
	BookingsMax int
	// Logger receives one line per state change, without NIKs, applicant
	// metadata or account IDs; nil discards.
	Logger *slog.Logger
	// Rand is where the engine draws the secret key that makes booking and
	// billing codes unguessable: once at New, once when Open creates a
	// file (the key is kept in it). nil means crypto/rand. A seeded reader
	// makes codes repeat from run to run, which simulations and tests
	// want and production must not.
	Rand io.Reader
	// NoSweeper turns off the background goroutine that expires holds and
	// marks no-shows on time. Callers that run their own scheduler call
	// ExpireDue and MarkNoShows instead.
	NoSweeper bool

	// Durability applies to Open only: Sync (the default) or NoSync.
	Durability Durability
	// LockTimeout applies to Open only: how long to wait for another
	// process to release the file, DefaultLockTimeout when zero. bbolt
	// tries the lock every 50 ms, so a timeout of 50 ms or less tries it
	// once.
	LockTimeout time.Duration
	// ReadOnly applies to Open only: open the file for reading, as the
	// kuota command does to inspect a file. Every call that would change
	// something returns ErrReadOnly, nothing is written, holds that
	// lapsed while the file was closed show as expired without being
	// stored, and Open does not run Check: a reader calls it to see
	// every violation rather than fail on the first. Several readers may
	// share a file, but not with a process that has it open for writing:
	// Open then waits LockTimeout and returns ErrLocked.
	ReadOnly bool
}

// resolve returns opts with defaults filled in, or an error for values out
// of range.
func (o *Options) resolve() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Rand == nil {
		r.Rand = rand.Reader
	}
	if r.HoldTTL == 0 {
		r.HoldTTL = DefaultHoldTTL
	}
	if r.HoldTTL < time.Second || r.HoldTTL > HoldTTLMax {
		return r, fmt.Errorf("%w: HoldTTL %v, want 1s..%v", ErrBadOptions, r.HoldTTL, HoldTTLMax)
	}
	if r.Policy == nil {
		p := reschedule.Default()
		r.Policy = &p
	} else {
		p := *r.Policy // the engine keeps its own copy
		r.Policy = &p
	}
	if err := r.Policy.Validate(); err != nil {
		return r, fmt.Errorf("%w: %w", ErrBadOptions, err)
	}
	if r.MaxHoldsPerAccount == 0 {
		r.MaxHoldsPerAccount = DefaultMaxHoldsPerAccount
	}
	if r.MaxHoldsPerAccount < 1 || r.MaxHoldsPerAccount > MaxHoldsPerAccountLimit {
		return r, fmt.Errorf("%w: MaxHoldsPerAccount %d, want 1..%d", ErrBadOptions, r.MaxHoldsPerAccount, MaxHoldsPerAccountLimit)
	}
	if r.BookingsMax == 0 {
		r.BookingsMax = DefaultBookingsMax
	}
	if r.BookingsMax < 1 || r.BookingsMax > BookingsMaxLimit {
		return r, fmt.Errorf("%w: BookingsMax %d, want 1..%d", ErrBadOptions, r.BookingsMax, BookingsMaxLimit)
	}
	if r.Logger == nil {
		r.Logger = slog.New(slog.DiscardHandler)
	}
	if r.Durability > NoSync {
		return r, fmt.Errorf("%w: Durability %d", ErrBadOptions, r.Durability)
	}
	if r.LockTimeout == 0 {
		r.LockTimeout = DefaultLockTimeout
	}
	if r.LockTimeout < 0 {
		return r, fmt.Errorf("%w: LockTimeout %v", ErrBadOptions, r.LockTimeout)
	}
	return r, nil
}

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
	// ClockJumpHoldMax bounds Options.ClockJumpHold: a clock set right is
	// believed within the hour.
	ClockJumpHoldMax = time.Hour
	// CollectionServiceDaysMax bounds Options.CollectionServiceDays.
	CollectionServiceDaysMax = 60
	// FeedBufferedMax bounds Options.FeedBuffered: 16M records'
	// events, 1 GiB.
	FeedBufferedMax = 1 << 24
	// RetentionMin and RetentionMax bound Options.Retention: a booking
	// stays at least a day after it ended, so that its holder can read
	// how it ended, and at most ten years.
	RetentionMin = 24 * time.Hour
	RetentionMax = 10 * 366 * 24 * time.Hour
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
	// DefaultClockJumpHold is how long a jump of the clock must hold before
	// the engine believes it: a glitch passes within it, and the sweeper,
	// which wakes at least every minute, acts on a real change of clock a
	// minute late at most.
	DefaultClockJumpHold = time.Minute
	// DefaultCollectionServiceDays: an Indonesian passport is ready for
	// collection three service days after the interview.
	DefaultCollectionServiceDays = 3
	// DefaultFeedBuffered keeps the events of the latest 65,536 journal
	// records, 4 MiB: a consumer that sends an SMS per event may fall
	// a minute behind a rush of a thousand changes a second.
	DefaultFeedBuffered = 1 << 16
	// DefaultRetention keeps an ended booking in memory for a year: an
	// account's history shows the past year, and the re-apply rule needs
	// only the instant it keeps for each NIK.
	DefaultRetention = 365 * 24 * time.Hour
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
	//
	// The engine guards what Now reports whenever it knows a monotonic
	// clock to check it against: the real one when Now is nil, or
	// Monotonic. Its time then never goes backwards — a reading earlier
	// than one it already used is taken as that one, so histories stay in
	// order — and a jump of Now that the monotonic clock does not confirm,
	// by more than a couple of seconds either way, is not believed until
	// it has held for ClockJumpHold: meanwhile the engine's time runs on
	// at the monotonic clock's pace, so a wall clock glitching years ahead
	// for a moment expires no hold and marks no booking as a no-show. A
	// clock set right (by an operator, by NTP stepping it) is believed
	// once the hold has passed. A custom Now without Monotonic is taken as
	// it is, backwards steps and all.
	//
	// The guard checks each reading against one it trusted before, so it
	// cannot check the first: a clock wrong at the moment New or Open
	// reads it is believed (and Open's sweep of what fell due while the
	// file was closed acts on it). Its correction is then a jump like any
	// other, believed after ClockJumpHold — but engine time, which never
	// goes backwards, waits for the wall clock to reach the instants
	// already used, which for a clock that was years ahead is never:
	// restart the engine once the clock is right. Each start takes the
	// clock afresh, so across a restart with the clock set back a
	// booking's history can read out of order.
	Now func() time.Time
	// Monotonic, with a custom Now, is a monotonic clock the engine checks
	// Now against (see Now): time elapsed since any fixed instant, such as
	// time.Since(start). nil with a custom Now means Now is trusted as it
	// is, which is what a test that moves a fake clock by hand wants.
	// Ignored when Now is nil: the engine uses the real monotonic clock.
	Monotonic func() time.Duration
	// ClockJumpHold is how long a jump of Now must hold before the engine
	// believes it (see Now): DefaultClockJumpHold when zero, at most
	// ClockJumpHoldMax.
	ClockJumpHold time.Duration
	// HoldTTL is how long a hold waits for payment: DefaultHoldTTL when
	// zero, at most HoldTTLMax.
	HoldTTL time.Duration
	// Policy holds the reschedule, cancel, check-in and re-apply windows;
	// nil means reschedule.Default().
	Policy *reschedule.Policy
	// MaxHoldsPerAccount bounds the unpaid holds one account may have at
	// once: DefaultMaxHoldsPerAccount when zero.
	MaxHoldsPerAccount int
	// BookingsMax bounds the bookings the engine keeps in memory, live
	// and ended within the retention: DefaultBookingsMax when zero.
	BookingsMax int
	// Retention is how long a booking that ended (expired, cancelled,
	// rejected, a no-show, checked in) stays in memory: DefaultRetention
	// when zero, RetentionMin..RetentionMax. Then it is archived: the
	// journal records it as it stood (ExportArchive writes those out), its
	// code answers ErrArchived, and each of its NIKs keeps only the
	// instant from which it may book again. Memory is bounded so, not the
	// file: the journal keeps every change, and Open replays them all.
	Retention time.Duration
	// CollectionServiceDays is how many of its office's service days after
	// the arrival date a booking's applicants may collect what they came
	// for (Booking.ReadyOn): DefaultCollectionServiceDays when zero,
	// 1..CollectionServiceDaysMax.
	CollectionServiceDays int
	// FeedBuffered is how many of the latest journal records the event
	// feed keeps the events of (see Engine.Feed):
	// DefaultFeedBuffered when zero, 1..FeedBufferedMax, rounded up to
	// a power of two. A consumer further behind loses events
	// (ErrFeedLost); the engine never waits for one.
	FeedBuffered int
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
	// AllowSharedRead applies to Open only: accept a file that group or
	// others may read. Open refuses one by default (ErrFilePermissions):
	// the file holds applicants' NIKs, and whoever can read it can copy
	// them. A file that group or others may write is refused always.
	AllowSharedRead bool
	// ReadOnly applies to Open only: open the file for reading, as the
	// kuota command does to inspect a file. Every call that would change
	// something returns ErrReadOnly, nothing is written, holds that
	// lapsed while the file was closed show as expired without being
	// stored, and Open does not run Check: a reader calls it to see
	// every violation rather than fail on the first. Several readers may
	// share a file, but not with a process that has it open for writing:
	// Open then waits LockTimeout and returns ErrLocked.
	ReadOnly bool

	// realSince is set by resolve when Now is nil: the instant the real
	// monotonic clock is measured from, so that the engine reads the wall
	// and the monotonic clock in one time.Now (see clock.now).
	realSince time.Time
}

// resolve returns opts with defaults filled in, or an error for values out
// of range.
func (o *Options) resolve() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Now == nil {
		start := time.Now()
		r.Now = time.Now
		r.Monotonic = func() time.Duration { return time.Since(start) } // monotonic: see time's doc
		r.realSince = start
	} else {
		r.realSince = time.Time{} // the caller's Now, read as given (even in Options an engine resolved)
	}
	if r.ClockJumpHold == 0 {
		r.ClockJumpHold = DefaultClockJumpHold
	}
	if r.ClockJumpHold < 0 || r.ClockJumpHold > ClockJumpHoldMax {
		return r, fmt.Errorf("%w: ClockJumpHold %v, want 0..%v", ErrBadOptions, r.ClockJumpHold, ClockJumpHoldMax)
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
	if r.Retention == 0 {
		r.Retention = DefaultRetention
	}
	if r.Retention < RetentionMin || r.Retention > RetentionMax {
		return r, fmt.Errorf("%w: Retention %v, want %v..%v", ErrBadOptions, r.Retention, RetentionMin, RetentionMax)
	}
	if r.CollectionServiceDays == 0 {
		r.CollectionServiceDays = DefaultCollectionServiceDays
	}
	if r.CollectionServiceDays < 1 || r.CollectionServiceDays > CollectionServiceDaysMax {
		return r, fmt.Errorf("%w: CollectionServiceDays %d, want 1..%d", ErrBadOptions, r.CollectionServiceDays, CollectionServiceDaysMax)
	}
	if r.FeedBuffered == 0 {
		r.FeedBuffered = DefaultFeedBuffered
	}
	if r.FeedBuffered < 1 || r.FeedBuffered > FeedBufferedMax {
		return r, fmt.Errorf("%w: FeedBuffered %d, want 1..%d", ErrBadOptions, r.FeedBuffered, FeedBufferedMax)
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

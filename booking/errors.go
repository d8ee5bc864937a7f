package booking

import (
	"errors"
	"fmt"

	"github.com/kuota/kuota/internal/journal"
	"github.com/kuota/kuota/internal/wire"
)

// Errors of the engine itself.
var (
	// ErrEngineClosed is returned by every method after Close (given a
	// context: a nil one is ErrNilContext, whatever the engine's state).
	ErrEngineClosed = errors.New("booking: engine closed")
	// ErrBadOptions is returned by New and Open for options out of range.
	ErrBadOptions = errors.New("booking: bad options")
	// ErrTooManyBookings is returned when the engine already holds
	// Options.BookingsMax bookings.
	ErrTooManyBookings = errors.New("booking: too many bookings")
)

// Errors of the durable store.
var (
	// ErrLocked is returned by Open when another process holds the file
	// for longer than Options.LockTimeout.
	ErrLocked = errors.New("booking: database file is locked by another process")
	// ErrFilePermissions is returned by Open for an existing file that
	// group or others may write (anyone who can write it can forge
	// bookings), or read (anyone who can read it can copy the applicants'
	// NIKs) unless Options.AllowSharedRead.
	ErrFilePermissions = errors.New("booking: database file is readable or writable by group or others")
	// ErrInconsistent is returned by Open when the stored bookings break
	// an invariant (two live bookings of one NIK, more seats taken than a
	// cell has); the message names the first violation. See Check.
	ErrInconsistent = errors.New("booking: stored data is inconsistent")
	// ErrCorrupt is matched by the error Open returns for a file that is
	// not a kuota file, or whose records do not decode.
	ErrCorrupt = wire.ErrCorrupt
	// ErrNoFile is returned by Backup for an engine without an open file:
	// one made by New, or opened read-only (which closes its file once
	// loaded).
	ErrNoFile = errors.New("booking: engine has no open file")
	// ErrReadOnly is returned by every call that would change an engine
	// opened with Options.ReadOnly.
	ErrReadOnly = errors.New("booking: engine is read-only")
	// ErrStorage is returned for a change the engine refused because it
	// cannot write its file: the change was not made. Reads go on. A full
	// disk (ENOSPC, EDQUOT) or an I/O error (EIO) is retried, and the
	// engine takes changes again by itself once a write succeeds (see
	// Stats.Failing); changes made before the failure wait for it, bounded
	// by their contexts, and are written first. Any other failure of the
	// file (a read-only file system, damage) is for good: close the engine
	// and reopen it once the cause is fixed.
	ErrStorage = errors.New("booking: storage failed")
)

// Refusals of Hold, in the order Hold checks for them. Hold also returns
// calendar.ErrBadDate for the zero date, the seat refusals of package
// quota (quota.ErrPast, ErrOutsideHorizon, ErrClosed, ErrNotOpened,
// ErrNoQuota, ErrFull) and reschedule.ErrReapplyTooSoon: each meaning has
// one sentinel, in the package that owns it.
var (
	// ErrNilContext is returned by every call given a nil context.
	ErrNilContext = errors.New("booking: nil context")
	// ErrBadAccount is returned for an account ID that is empty, longer
	// than AccountBytesMax or not printable UTF-8.
	ErrBadAccount = errors.New("booking: bad account ID")
	// ErrBadIdempotencyKey is returned for a key longer than
	// IdempotencyKeyBytesMax or not printable UTF-8.
	ErrBadIdempotencyKey = errors.New("booking: bad idempotency key")
	// ErrUnknownOffice is returned for an office code that was never
	// registered.
	ErrUnknownOffice = errors.New("booking: unknown office")
	// ErrUnknownSlot is returned for a slot that does not start a slot of
	// the office's layout: not "HH:MM", or no slot starts then (the empty
	// string included, so a request that never set its slot books none).
	ErrUnknownSlot = errors.New("booking: unknown slot")
	// ErrUnknownPool is returned for a pool name the office does not have.
	ErrUnknownPool = errors.New("booking: unknown pool")
	// ErrApplicantCount is returned unless a booking has 1 to
	// ApplicantsMax applicants.
	ErrApplicantCount = errors.New("booking: wrong number of applicants")
	// ErrBadNIK is returned for a NIK that is not 16 digits with a known
	// province, a regency and district, a birth date and a serial; see
	// ParseNIK.
	ErrBadNIK = errors.New("booking: bad NIK")
	// ErrDuplicateNIK is returned when one NIK appears twice in a booking.
	ErrDuplicateNIK = errors.New("booking: NIK listed twice")
	// ErrBadFamilyCard is returned for a family card number that is not
	// 16 digits with a known province, a regency and district, an issue
	// date and a serial; see ParseFamilyCard.
	ErrBadFamilyCard = errors.New("booking: bad family card number")
	// ErrMetadataTooLarge is returned when the applicants' metadata adds up
	// to more than MetadataBytesMax.
	ErrMetadataTooLarge = errors.New("booking: applicant metadata too large")
	// ErrIdempotencyConflict is returned when an idempotency key is
	// replayed with a different request.
	ErrIdempotencyConflict = errors.New("booking: idempotency key reused for a different request")
	// ErrTooManyHolds is returned when the account already has
	// MaxHoldsPerAccount unpaid holds.
	ErrTooManyHolds = errors.New("booking: too many unpaid holds")
	// ErrNIKBooked is returned when an applicant's NIK already has a live
	// booking: held, or paid and not yet past its date.
	ErrNIKBooked = errors.New("booking: NIK already has a live booking")
)

// Errors of lookups and of the operations on a booking. The window
// refusals are package reschedule's: *reschedule.WindowError values that
// match reschedule.ErrRescheduleClosed, ErrRescheduleLimit,
// ErrCancelClosed, ErrCheckInEarly or ErrCheckInLate.
var (
	// ErrBadCode is returned for a string that cannot be a booking code.
	ErrBadCode = errors.New("booking: malformed booking code")
	// ErrBadBillingCode is returned for a string that is not 15 digits.
	ErrBadBillingCode = errors.New("booking: malformed billing code")
	// ErrNotFound is returned when no booking has the code.
	ErrNotFound = errors.New("booking: no such booking")
	// ErrArchived is returned for a booking that ended more than
	// Options.Retention ago and has left memory; ExportArchive has it.
	ErrArchived = errors.New("booking: booking archived")
	// ErrBadProof is returned by VerifyProof and CheckProof for a token
	// that is not a proof of booking signed by the key.
	ErrBadProof = errors.New("booking: not a valid proof of booking")
	// ErrProofRevoked is returned by CheckProof for a genuine proof whose
	// booking is no longer paid (or checked in) at the date, slot and
	// queue number the proof names.
	ErrProofRevoked = errors.New("booking: the proof's booking has changed")
	// ErrTooManyProofKeys is returned by RotateProofKey beyond
	// ProofKeysMax keys.
	ErrTooManyProofKeys = errors.New("booking: too many proof keys")
	// ErrInDraw is returned for a hold whose account or NIK is already
	// in the opening draw it arrives in.
	ErrInDraw = errors.New("booking: already in this opening draw")
	// ErrDrawPending is returned for a reschedule into a day whose
	// opening draw has not run yet (its window is open), and for a hold
	// that reaches a draw already being drawn.
	ErrDrawPending = errors.New("booking: the day's opening draw has not run yet")
	// ErrDrawFull is returned for a hold arriving in an opening draw of
	// DrawEntrantsMax entrants.
	ErrDrawFull = errors.New("booking: the opening draw is full")
	// ErrNoDraw is returned by Draw for an office without an opening
	// window.
	ErrNoDraw = errors.New("booking: the office has no opening draw")
	// ErrBadQueueNumber is returned for text that is not a queue number
	// such as "B-017".
	ErrBadQueueNumber = errors.New("booking: bad queue number")
	// ErrFeedLost is matched by every *FeedLostError: the event feed
	// no longer keeps the events after the cursor given to Feed.
	ErrFeedLost = errors.New("booking: events lost")
	// ErrBadPaymentRef is returned for a payment reference that is empty,
	// longer than PaymentRefBytesMax or not printable UTF-8.
	ErrBadPaymentRef = errors.New("booking: bad payment reference")
	// ErrAlreadyPaid is returned when a paid booking is paid again with a
	// different payment reference. The same reference again succeeds.
	ErrAlreadyPaid = errors.New("booking: already paid with another reference")
	// ErrExpired is returned when a hold's payment deadline has passed,
	// whether or not the sweeper has marked it yet.
	ErrExpired = errors.New("booking: hold expired")
	// ErrWrongState is matched by every *StateError: the booking is not
	// in a state the operation applies to.
	ErrWrongState = errors.New("booking: not allowed in this state")
	// ErrSameSlot is returned when a reschedule asks for the date and slot
	// the booking already has.
	ErrSameSlot = errors.New("booking: reschedule to the same slot")
	// ErrBadReason is returned for a Reason of an unknown kind, a text
	// longer than ReasonBytesMax or not printable UTF-8, or a rejection
	// without a kind.
	ErrBadReason = errors.New("booking: bad reason")
)

// Errors of office registration and operator changes. Operator changes
// also refuse as quota.Ledger.Apply does (quota.ErrBadReason,
// ErrOutsideHorizon, ErrBelowTaken, …).
var (
	// ErrBadOffice is returned for an office code or name that breaks its
	// limits, or a zone that cannot be stored by name.
	ErrBadOffice = errors.New("booking: bad office")
	// ErrOfficeInUse is returned when re-registering an office would drop
	// a day that still has live bookings.
	ErrOfficeInUse = errors.New("booking: office has live bookings on a day the change drops")
)

// StateError says that an operation does not apply to a booking in its
// current state: paying a cancelled booking, checking in a held one. It
// matches ErrWrongState, and ErrExpired when the state is Expired.
type StateError struct {
	Op    string // "pay", "cancel", …
	State State  // the booking's state
}

func (e *StateError) Error() string {
	if e.State == Expired {
		return fmt.Sprintf("%v: cannot %s it", ErrExpired, e.Op)
	}
	return fmt.Sprintf("booking: cannot %s a booking that is %v", e.Op, e.State)
}

// Is matches ErrWrongState, and ErrExpired for an expired booking.
func (e *StateError) Is(target error) bool {
	return target == ErrWrongState || (target == ErrExpired && e.State == Expired)
}

// ApplicantError says which applicant of a HoldRequest was refused and why.
// It wraps the reason (ErrBadNIK, ErrDuplicateNIK, ErrNIKBooked,
// reschedule.ErrReapplyTooSoon), so errors.Is works through it. It never
// carries the NIK itself.
type ApplicantError struct {
	Index int // 0-based index in HoldRequest.Applicants
	Err   error
}

func (e *ApplicantError) Error() string {
	return fmt.Sprintf("applicant %d: %v", e.Index+1, e.Err)
}

// Unwrap returns the reason.
func (e *ApplicantError) Unwrap() error { return e.Err }

// journalError gives an error of the journal the engine's name for it, so
// that callers match the sentinels of this package only. Other errors
// (a context's) pass as they are.
func journalError(err error) error {
	var sentinel error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, journal.ErrClosed):
		return ErrEngineClosed
	case errors.Is(err, journal.ErrFailed):
		sentinel = ErrStorage
	case errors.Is(err, journal.ErrLocked):
		sentinel = ErrLocked
	case errors.Is(err, journal.ErrFilePermissions):
		sentinel = ErrFilePermissions
	case errors.Is(err, journal.ErrCorrupt):
		sentinel = ErrCorrupt
	case errors.Is(err, journal.ErrReadOnly):
		sentinel = ErrReadOnly
	default:
		return err
	}
	return fmt.Errorf("%w: %w", sentinel, err)
}

// FeedLostError is returned by Feed for a cursor the feed has left
// behind: the events after After up to Resume are no longer kept
// (Options.FeedBuffered). Events from Resume on still are: pass Resume
// as the next cursor, after resynchronising what the lost events were
// about from reads (Get, AccountBookings, DayBookings).
type FeedLostError struct {
	After, Resume uint64
}

func (e *FeedLostError) Error() string {
	return fmt.Sprintf("%v: records %d to %d are no longer kept; go on from %d", ErrFeedLost, e.After+1, e.Resume, e.Resume)
}

// Is makes errors.Is(err, ErrFeedLost) true.
func (e *FeedLostError) Is(target error) bool { return target == ErrFeedLost }

// Package booking is kuota's booking engine: the life of a booking from
// hold to check-in, over the lock-free seat counters of package quota.
//
// # Concepts
//
// An [Engine] books arrival slots at offices registered with
// [Engine.RegisterOffice]. [Engine.Hold] takes seats for 1 to 5 applicants
// in one all-or-nothing reservation and returns a [Booking] in state
// [Held], with a booking code, a 15-digit billing code and a payment
// deadline. From there:
//
//	Hold ──Pay──▶ Paid ──CheckIn──▶ CheckedIn
//	  │            │  │                  │
//	  │ deadline   │  └─slot ends──▶ NoShow
//	  ▼            ▼                     ▼
//	Expired    Cancelled ◀─Cancel    Rejected ◀─Reject (the office)
//
// [Engine.Reschedule] moves a paid booking to another slot once (taking
// the new seats before giving back the old), within the windows of a
// reschedule.Policy: by default reschedule until the end of H-1, cancel
// until the end of H-2, check in from an hour before the slot. Every
// booking keeps its history ([Booking.History]), and [Engine.History]
// lists an account's bookings.
//
// The rules the engine enforces, each with its own error: 1 to
// ApplicantsMax distinct applicants with valid NIKs (see [ParseNIK]); one
// live booking per NIK; a new booking per NIK only a month after its
// previous arrival date; at most MaxHoldsPerAccount unpaid holds per
// account; a bookable date (released, not a holiday, not past, within the
// horizon).
//
// # Time
//
// The engine reads the clock only through Options.Now. Holds expire at
// their deadline: a background sweeper does it on time, a full cell first
// releases overdue holds before refusing anyone, and [Engine.Pay] refuses
// a late payment whether or not the sweeper has run. [Engine.ExpireDue] and
// [Engine.MarkNoShows] can be called directly by callers that run their own
// scheduler (Options.NoSweeper).
//
// # Concurrency
//
// An Engine is safe for concurrent use. Seats are taken with a lock-free
// compare-and-swap in package quota; every change of one booking is a
// compare-and-swap of its state, so a payment racing its expiry ends with
// exactly one winner; lookups are sharded, and there is no global lock on
// the hold path.
//
// # Durability
//
// [New] returns an engine that lives in memory. [Open] keeps everything in
// a bbolt file: offices, operator changes, bookings with their history and
// idempotency keys. With Options.Durability Sync (the default) a change is
// on disk (fsync) before the call that made it returns. One writer
// goroutine gathers the changes of concurrent callers into one transaction
// (group commit), so one fsync serves many of them; no timer waits for a
// batch to fill.
//
// If a caller's context ends while it waits for the disk, the call returns
// ctx.Err(), and the change is then one of two things, never half: made
// and visible (to Get, to other callers), on disk moments later; or, if
// the process dies first, not made at all. A retry with the same
// idempotency key, or a Get, tells which.
//
// Open rebuilds the seat counters and indexes from the stored bookings,
// expires the holds that lapsed while the file was closed, and checks every
// invariant before it returns ([Engine.Check]). A file that breaks one is
// refused with [ErrInconsistent], naming the first violation.
//
// # Errors
//
// Every refusal is a sentinel from errors.go, matched with errors.Is, or a
// typed error carrying details: [*StateError] (the booking's state does not
// allow the operation), [*ApplicantError] (which applicant was refused),
// *reschedule.WindowError (which window closed, and when). A refused call
// changes nothing. Limits (ApplicantsMax, MetadataBytesMax, …) are
// constants in options.go.
//
// # Privacy
//
// A [NIK] prints masked and logs as "[redacted]"; errors never quote one.
// Log lines name bookings by code, never by account, NIK or applicant
// metadata.
package booking

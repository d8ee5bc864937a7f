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
// # How it is built
//
// Three layers, and a call goes down them without coming back:
//
//   - The rules: [Engine] checks each request in a documented order, asks
//     the reschedule.Policy about windows, and turns the request into a
//     change — a value: a hold, a payment, a cancellation, a reschedule, a
//     check-in, a rejection, an expiry, a no-show, an office registration,
//     an operator's override.
//   - The state machine: one function applies every change. It checks the
//     move against one transition table (the diagram above, and nothing
//     else), takes or gives back seats in package quota, hands the change's
//     record to the journal, and files the booking in every index its new
//     state belongs to. It reads no clock: a change carries its instant.
//   - The journal: the records of the applied changes, in order, each under
//     a log sequence number — kept in a bbolt file by [Open], nowhere by
//     [New].
//
// [Open] rebuilds an engine by replaying its journal through the same
// function that applied the changes, checking the same table and the same
// invariants (seats that fit, one live booking per NIK); only the clock and
// the windows are not consulted, since every change was admitted under
// the rules of its day. So recovery cannot drift from the live rules.
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
// compare-and-swap in package quota; the changes of one booking are
// serialized on that booking, so a payment racing its expiry ends with
// exactly one winner; lookups are sharded, and there is no global lock on
// the hold path.
//
// # Durability
//
// With Options.Durability Sync (the default) a change is on disk (fsync)
// before the call that made it returns. One writer goroutine gathers the
// records of concurrent callers into one transaction (group commit), so
// one fsync serves many of them; no timer waits for a batch to fill.
//
// A change takes its seats (and its NIKs) before its record gets its place
// in the journal, and gives seats back only after; a change of a booking
// is visible to anyone only once its record has its place. So whatever
// prefix of the journal a crash leaves on disk is a state the engine was
// in, and reopens with every invariant intact.
//
// If a caller's context ends while it waits for the disk, the call returns
// ctx.Err(), and the change is then one of two things, never half: made
// and visible (to Get, to other callers), on disk moments later; or, if
// the process dies first, not made at all. A retry with the same
// idempotency key, or a Get, tells which.
//
// Open replays the journal, refusing a file whose records break an
// invariant with [ErrInconsistent], naming the record, and one whose
// records do not decode, or record a change the engine never makes, with
// [ErrCorrupt]; then it expires the holds that lapsed while the file was
// closed. A file written by kuota before the journal (format 1) is
// converted when first opened for writing. [Engine.Check] sweeps every
// invariant on demand.
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

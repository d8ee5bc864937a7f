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
// booking keeps its history ([Booking.History]), and
// [Engine.AccountBookings] lists an account's bookings. A booking carries
// its own windows (PayBy, RescheduleBy, CancelBy, CheckInOpens,
// CheckInCloses), so no caller recomputes them from the policy, and names
// its slot by its start, "08:00", as requests do.
//
// At payment a booking gets its queue number in its slot ([QueueNumber],
// "B-017": never given twice in a slot, a new one at a reschedule), and
// [Engine.DayBookings], the office's arrival list, is in that order. It
// carries the day its passport is ready ([Booking.ReadyOn]: the office's
// third service day after arrival, Options.CollectionServiceDays). A paid
// booking has a proof of booking ([Engine.Proof]): a token signed with
// Ed25519, carrying the booking's code, office, date, slot, queue number
// and keyed hashes of its NIKs (never a NIK), which a counter checks
// offline with [VerifyProof] and the engine's public key
// ([Engine.ProofKeys]), and online with [Engine.CheckProof], which also
// catches a booking cancelled or moved since. [Engine.RotateProofKey]
// draws a new key; the older ones still verify what they signed.
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
// The engine reads the clock only through Options.Now, and every read is
// exact at its instant: at its payment deadline a hold reads Expired — in
// Get, ByBillingCode, AccountBookings, DayBookings and the calendar's seats
// — and at its slot's end a paid booking reads NoShow, whether or not the
// background sweeper has recorded it. The sweeper only makes durable what
// reads already show; a full cell first records the overdue holds before
// refusing anyone, and [Engine.Pay] refuses a late payment. Callers that
// run their own scheduler (Options.NoSweeper) call [Engine.ExpireDue] and
// [Engine.MarkNoShows], which read the engine's clock too.
//
// The booking a change returns — from Hold, Pay, Cancel, Reschedule,
// CheckIn or Reject — is read once the change is durable, as of the
// change's own instant: it shows a later change of the booking already
// recorded (by another caller, or the sweeper), but not an expiry or a
// no-show whose instant came while the change waited for the disk and
// that nobody has recorded yet; the next read shows that. A Hold that
// replays an idempotency key, or a payment repeated, returns the
// booking as of its own call, once what it returns is durable. (A hold
// admitted by an opening draw is read once the draw has answered.)
//
// # Concurrency
//
// An Engine is safe for concurrent use. Seats are taken with a lock-free
// compare-and-swap in package quota; the changes of one booking are
// serialized on that booking, so a payment racing its expiry ends with
// exactly one winner; lookups are sharded, and there is no global lock on
// the hold path.
//
// # Memory
//
// A booking is a fixed-size record in a page of 4,096, with its account
// ID, applicants and history packed in byte segments of the same page,
// and the indexes that find it (by NIK, account, idempotency key,
// deadline) are tables of integers: nothing of a booking is a pointer for
// the garbage collector to trace, so the collector's work does not grow
// with the bookings kept. A booking of one applicant without metadata
// takes about 190 bytes held and 235 paid, indexes included
// (BenchmarkMemoryPerBooking); its metadata takes its own length beside.
// A page goes once all of its bookings are archived (Options.Retention).
// What the engine returns — a Booking, its strings and slices — is the
// caller's own and keeps nothing of the engine's alive.
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
// # Event feed
//
// [Engine.Feed] hands a service every change of a booking's state — the
// booking's code, its office, the old and the new state, when, its date
// and slot — in commit order and only once durable, so that it can send
// the SMS when a hold lapses or a reminder once paid. An event names no
// person: no NIK, account, family card or metadata. The engine never
// waits for a consumer: it keeps the events of the latest
// Options.FeedBuffered records, and a consumer further behind gets a
// [*FeedLostError] with the cursor to go on from. Open refills the
// buffer from the journal, so a consumer that keeps its cursor (an LSN)
// goes on after a restart; a standby delivers what it follows.
//
// # Errors
//
// Every refusal is a sentinel matched with errors.Is, or a typed error
// carrying details: [*StateError] (the booking's state does not allow the
// operation), [*ApplicantError] (which applicant was refused). Each
// meaning has one sentinel, in the package that owns it: booking's own
// (errors.go: ErrNIKBooked, ErrUnknownSlot, …), package quota's for seats
// (quota.ErrFull, ErrNotOpened, ErrNoQuota, ErrClosed, ErrPast,
// ErrOutsideHorizon), package reschedule's for windows, as a
// *reschedule.WindowError with its deadline (reschedule.ErrCancelClosed,
// …), and calendar.ErrBadDate for the zero date. A refused call changes
// nothing; a nil context is refused with ErrNilContext. Limits
// (ApplicantsMax, MetadataBytesMax, …) are constants in options.go.
//
// # Privacy
//
// A [NIK] and a [FamilyCard] print masked and log as "[redacted]"; errors
// never quote either, nor any of their digits. Log lines name bookings by
// code, never by account, NIK, family card or applicant metadata.
package booking

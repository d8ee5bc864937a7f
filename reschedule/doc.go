// Package reschedule holds the window rules of a booking: until when it may
// be rescheduled or cancelled, when its applicants may check in, when it
// becomes a no-show, and when a NIK may apply again.
//
// # Concepts
//
// A [Policy] is a value with the rules; [Default] returns M-Paspor's:
//
//	reschedule  at most once, until the end of H-1 (the day before arrival)
//	cancel      until the end of H-2
//	check in    on the arrival date, from 60 minutes before the slot starts
//	            until the slot ends
//	no-show     a paid booking not checked in by the end of its slot
//	re-apply    a NIK may hold a new booking from its previous arrival date
//	            plus one calendar month (only bookings that reached their
//	            date count, unless ReapplyAfterUnreached)
//
// "The end of H-1" is the local midnight that begins the arrival date, in
// the office's time zone. For an office in Asia/Jakarta and an arrival on
// 2026-12-10, a reschedule is allowed while now < 2026-12-10T00:00+07:00
// and a cancellation while now < 2026-12-09T00:00+07:00.
//
// # Time
//
// The package never reads the clock: every function takes now and the
// office's *time.Location. Windows are half open: a deadline instant is
// already too late.
//
// # Errors
//
// A refusal is a [*WindowError] saying which [Action] was refused and when
// its window opens or closed. It also matches one sentinel with errors.Is:
// [ErrRescheduleClosed], [ErrRescheduleLimit], [ErrCancelClosed],
// [ErrCheckInEarly], [ErrCheckInLate] or [ErrReapplyTooSoon].
//
// # Concurrency
//
// Policy is a plain value; its methods are pure and safe for concurrent
// use.
package reschedule

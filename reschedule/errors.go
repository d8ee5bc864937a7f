package reschedule

import (
	"errors"
	"fmt"
	"time"
)

// Sentinels for each window. A refusal is a [*WindowError] that matches
// exactly one of them with errors.Is.
var (
	// ErrRescheduleClosed is returned when the reschedule window has
	// closed (by default at the end of H-1).
	ErrRescheduleClosed = errors.New("reschedule: too late to reschedule")
	// ErrRescheduleLimit is returned when the booking has been
	// rescheduled as often as the policy allows (by default once).
	ErrRescheduleLimit = errors.New("reschedule: already rescheduled")
	// ErrCancelClosed is returned when the cancel window has closed (by
	// default at the end of H-2).
	ErrCancelClosed = errors.New("reschedule: too late to cancel")
	// ErrCheckInEarly is returned before the check-in window opens (by
	// default 60 minutes before the slot starts).
	ErrCheckInEarly = errors.New("reschedule: too early to check in")
	// ErrCheckInLate is returned after the check-in window has closed (at
	// the end of the slot).
	ErrCheckInLate = errors.New("reschedule: too late to check in")
	// ErrReapplyTooSoon is returned when a NIK asks for a new booking
	// before its re-apply window opens (by default one calendar month
	// after its previous arrival date).
	ErrReapplyTooSoon = errors.New("reschedule: too soon to apply again")
	// ErrBadPolicy is returned by Policy.Validate.
	ErrBadPolicy = errors.New("reschedule: bad policy")
)

// Action names the thing a window governs.
type Action uint8

const (
	Reschedule Action = iota + 1
	Cancel
	CheckIn
	Reapply
)

var actionNames = [...]string{Reschedule: "reschedule", Cancel: "cancel", CheckIn: "check in", Reapply: "re-apply"}

// String returns the action in lower case words.
func (a Action) String() string {
	if a >= Reschedule && a <= Reapply {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// WindowError says which action was refused and when its window opens or
// closes. Opens is set when the window has not opened yet, Closes when it
// has already closed; the other is the zero time. For ErrRescheduleLimit
// Exhausted is set instead, with the count.
type WindowError struct {
	Action Action
	Opens  time.Time // the window opens at this instant (too early)
	Closes time.Time // the window closed at this instant (too late)
	// Exhausted marks ErrRescheduleLimit: not a window, but the count of
	// reschedules, Done of Limit allowed.
	Exhausted   bool
	Done, Limit int
}

// Error describes the refusal with the instant in the window's own zone.
func (e *WindowError) Error() string {
	const layout = "2006-01-02 15:04 MST"
	switch {
	case e.Exhausted:
		return fmt.Sprintf("%v: %d of %d allowed", e.sentinel(), e.Done, e.Limit)
	case !e.Opens.IsZero():
		return fmt.Sprintf("%v: opens %s", e.sentinel(), e.Opens.Format(layout))
	}
	return fmt.Sprintf("%v: closed %s", e.sentinel(), e.Closes.Format(layout))
}

// Is matches the sentinel for the action and side of the window.
func (e *WindowError) Is(target error) bool { return target == e.sentinel() }

func (e *WindowError) sentinel() error {
	switch e.Action {
	case Reschedule:
		if e.Exhausted {
			return ErrRescheduleLimit
		}
		return ErrRescheduleClosed
	case Cancel:
		return ErrCancelClosed
	case CheckIn:
		if !e.Opens.IsZero() {
			return ErrCheckInEarly
		}
		return ErrCheckInLate
	case Reapply:
		return ErrReapplyTooSoon
	}
	return nil
}

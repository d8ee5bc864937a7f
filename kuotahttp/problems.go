package kuotahttp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// Errors of the HTTP layer itself, before a request reaches the engine.
var (
	// errBadJSON is returned for a body that is not one JSON object of
	// the expected shape: a syntax error, a wrong type, an unknown field,
	// or data after the object.
	errBadJSON = errors.New("malformed JSON body")
	// errBodyTooLarge is returned for a body over requestBodyBytesMax.
	errBodyTooLarge = errors.New("request body too large")
)

// errorRow maps one error to an HTTP status and a stable, machine-readable
// code for the JSON body.
type errorRow struct {
	err    error
	status int
	code   string
}

// errorTable maps every error a request can meet to its status. The first
// row that matches with errors.Is wins, which matters once: an expired
// booking's *booking.StateError matches both ErrExpired and ErrWrongState,
// and should say 410 Gone.
//
// The statuses follow one rule each:
//
//   - 400: the body is not JSON of the expected shape. The client has a
//     bug; no value in it was even looked at.
//   - 422: the request is well-formed but a value in it can never be
//     accepted: a bad NIK or family card, an unknown slot or pool, a
//     reason of no known kind, a malformed booking code (422 rather than
//     404: a typo, not a booking that went away).
//   - 404: the office or booking does not exist.
//   - 409: the request is valid, but the state of things refuses it now:
//     the booking's state, the calendar and the quota (not opened yet,
//     closed, past, beyond the horizon, no seats offered, every seat
//     taken — each may change with time or an operator), the
//     windows of package reschedule (too late to cancel, too early to
//     check in), or another booking (the NIK is booked). The client can
//     do something else, or try again later.
//   - 410: the hold expired; its seats are gone for good.
//   - 429: the account has too many unpaid holds: pay or wait.
//   - 503: the service, not the request, is the problem: the engine is
//     closed, read-only, full, or its disk failed; or the request's
//     context ended, in which case the change may or may not have been
//     made (retry with the same idempotency key, or GET, to learn which).
//   - 500: this server has a bug. booking.ErrNilContext is the one such
//     error listed, so that the log and the body name it: every request
//     has a context, so a handler that passes the engine nil is wrong.
//
// Errors no request can cause are left out and fall to 500: those of
// opening a file (booking.ErrLocked, ErrFilePermissions, ErrInconsistent,
// ErrBadOptions), which run returns at start-up, and quota.ErrOverRelease
// and reschedule.ErrBadPolicy, which are bugs.
var errorTable = []errorRow{
	// The HTTP layer.
	{errBadJSON, http.StatusBadRequest, "bad_json"},
	{errBodyTooLarge, http.StatusRequestEntityTooLarge, "body_too_large"},

	// Values that can never be accepted.
	{booking.ErrBadAccount, http.StatusUnprocessableEntity, "bad_account"},
	{booking.ErrBadIdempotencyKey, http.StatusUnprocessableEntity, "bad_idempotency_key"},
	{calendar.ErrBadDate, http.StatusUnprocessableEntity, "bad_date"}, // the engine's and parsing's: one sentinel
	{booking.ErrUnknownSlot, http.StatusUnprocessableEntity, "unknown_slot"},
	{booking.ErrUnknownPool, http.StatusUnprocessableEntity, "unknown_pool"},
	{booking.ErrApplicantCount, http.StatusUnprocessableEntity, "applicant_count"},
	{booking.ErrBadNIK, http.StatusUnprocessableEntity, "bad_nik"},
	{booking.ErrDuplicateNIK, http.StatusUnprocessableEntity, "duplicate_nik"},
	{booking.ErrBadFamilyCard, http.StatusUnprocessableEntity, "bad_family_card"},
	{booking.ErrMetadataTooLarge, http.StatusUnprocessableEntity, "metadata_too_large"},
	{booking.ErrBadCode, http.StatusUnprocessableEntity, "bad_code"},
	{booking.ErrBadBillingCode, http.StatusUnprocessableEntity, "bad_billing_code"},
	{booking.ErrBadPaymentRef, http.StatusUnprocessableEntity, "bad_payment_ref"},
	{booking.ErrBadReason, http.StatusUnprocessableEntity, "bad_reason"},

	// Things that do not exist.
	{booking.ErrUnknownOffice, http.StatusNotFound, "unknown_office"},
	{booking.ErrNotFound, http.StatusNotFound, "not_found"},

	// The booking's state; ErrExpired first, see above.
	{booking.ErrExpired, http.StatusGone, "expired"},
	{booking.ErrWrongState, http.StatusConflict, "wrong_state"},
	{booking.ErrAlreadyPaid, http.StatusConflict, "already_paid"},
	{booking.ErrSameSlot, http.StatusConflict, "same_slot"},
	{booking.ErrIdempotencyConflict, http.StatusConflict, "idempotency_conflict"},

	// Other bookings of the same people or account.
	{booking.ErrNIKBooked, http.StatusConflict, "nik_booked"},
	{reschedule.ErrReapplyTooSoon, http.StatusConflict, "reapply_too_soon"},
	{booking.ErrTooManyHolds, http.StatusTooManyRequests, "too_many_holds"},

	// The calendar and the quota.
	{quota.ErrPast, http.StatusConflict, "past"},
	{quota.ErrOutsideHorizon, http.StatusConflict, "outside_horizon"},
	{quota.ErrClosed, http.StatusConflict, "office_closed"},
	{quota.ErrNotOpened, http.StatusConflict, "not_opened"},
	{quota.ErrNoQuota, http.StatusConflict, "no_quota"}, // no seat offered: not "full"
	{quota.ErrFull, http.StatusConflict, "full"},

	// The windows of package reschedule, as *reschedule.WindowError.
	{reschedule.ErrRescheduleClosed, http.StatusConflict, "reschedule_closed"},
	{reschedule.ErrRescheduleLimit, http.StatusConflict, "reschedule_limit"},
	{reschedule.ErrCancelClosed, http.StatusConflict, "cancel_closed"},
	{reschedule.ErrCheckInEarly, http.StatusConflict, "check_in_early"},
	{reschedule.ErrCheckInLate, http.StatusConflict, "check_in_late"},

	// Operator changes. No route here makes one, but a service that adds
	// an operator API gets fitting statuses for free.
	{booking.ErrBadOffice, http.StatusUnprocessableEntity, "bad_office"},
	{quota.ErrBadReason, http.StatusUnprocessableEntity, "bad_closure_reason"}, // quota's, not booking.ErrBadReason
	{quota.ErrBadConfig, http.StatusUnprocessableEntity, "bad_config"},
	{quota.ErrBadSeats, http.StatusUnprocessableEntity, "bad_seats"},
	{quota.ErrTooManyOffices, http.StatusUnprocessableEntity, "too_many_offices"},
	{booking.ErrOfficeInUse, http.StatusConflict, "office_in_use"},
	{quota.ErrLayoutChange, http.StatusConflict, "layout_change"},
	{quota.ErrBelowTaken, http.StatusConflict, "below_taken"},

	// The service.
	{booking.ErrEngineClosed, http.StatusServiceUnavailable, "engine_closed"},
	{booking.ErrStorage, http.StatusServiceUnavailable, "storage"},
	{booking.ErrReadOnly, http.StatusServiceUnavailable, "read_only"},
	{booking.ErrTooManyBookings, http.StatusServiceUnavailable, "too_many_bookings"},
	{context.DeadlineExceeded, http.StatusServiceUnavailable, "timeout"},
	{context.Canceled, http.StatusServiceUnavailable, "canceled"},

	// This server's bugs; see above.
	{booking.ErrNilContext, http.StatusInternalServerError, "nil_context"},
}

// internalRow is what an error matching no row gets.
var internalRow = errorRow{nil, http.StatusInternalServerError, "internal"}

// lookupError returns the first row of errorTable that err matches, and
// whether there was one.
func lookupError(err error) (errorRow, bool) {
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			return row, true
		}
	}
	return internalRow, false
}

// errorBody is the JSON of every refusal.
type errorBody struct {
	Error errorDetail `json:"error"`
}

// errorDetail says what went wrong. Code is stable and meant for
// programs; Message is meant for people and may change.
type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Applicant is the 0-based index of the applicant a hold was refused
	// for (*booking.ApplicantError), so a form can mark the right row.
	Applicant *int `json:"applicant_index,omitempty"`
	// Opens and Closes say when the window of a *reschedule.WindowError
	// opens or closed, so a page can say "check in from 07:00".
	Opens  time.Time `json:"opens,omitzero"`
	Closes time.Time `json:"closes,omitzero"`
}

// writeError writes err as a JSON refusal with the status its row gives.
//
// A 4xx message is err.Error(): kuota's messages say what was wrong
// without quoting a NIK, and that detail ("province code 00") helps the
// client. A 5xx message is only the matched sentinel's text, or "internal
// error", because the full chain may name files or internals; the full
// error goes to the log instead.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	row, known := lookupError(err)
	detail := errorDetail{Code: row.code, Message: err.Error()}
	if row.status >= http.StatusInternalServerError {
		detail.Message = "internal error"
		if known {
			detail.Message = row.err.Error()
		}
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "status", row.status, "err", err)
	}
	var ae *booking.ApplicantError
	if errors.As(err, &ae) {
		detail.Applicant = &ae.Index
	}
	var we *reschedule.WindowError
	if errors.As(err, &we) {
		detail.Opens, detail.Closes = we.Opens, we.Closes
	}
	writeJSON(w, row.status, errorBody{Error: detail})
}

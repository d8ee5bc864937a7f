package kuotahttp

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// ProblemTypeBase begins the type of every problem this package writes:
// the type is ProblemTypeBase and the problem's name, such as
// "https://kuota.dev/problems/cell-full". The names are this API's
// contract, listed in the package documentation; a client matches the
// type, never the title or the detail, which are for people.
const ProblemTypeBase = "https://kuota.dev/problems/"

// ProblemContentType is the media type of every refusal (RFC 9457).
const ProblemContentType = "application/problem+json"

// Problem is the body of every refusal, an RFC 9457 problem detail with
// the members this API adds. A client may decode refusals into it.
type Problem struct {
	// Type is ProblemTypeBase and a stable name: what went wrong, for
	// programs.
	Type string `json:"type"`
	// Title is the type in words; it is the same for every occurrence.
	Title string `json:"title"`
	// Status repeats the HTTP status code.
	Status int `json:"status"`
	// Detail is this occurrence in words, when there is more to say than
	// the title. It never names a Go type, and never quotes a NIK.
	Detail string `json:"detail,omitempty"`
	// Field is the member of the request body the refusal is about, as a
	// JSON Pointer (RFC 6901): "/slot", "/applicants/1/nik". Indexes
	// count from 0, as in JSON.
	Field string `json:"field,omitempty"`
	// Parameter is the path or query parameter the refusal is about, by
	// its name in the route: "date", "pool", "code".
	Parameter string `json:"parameter,omitempty"`
	// Opens and Closes say when a window (reschedule, cancel, check-in)
	// opens or closed, in the office's zone, so a page can say "check in
	// from 07:00".
	Opens  time.Time `json:"opens,omitzero"`
	Closes time.Time `json:"closes,omitzero"`
	// DrawTicket, DrawPlace and DrawEntrants are set when a hold was
	// refused after an opening draw (a *booking.DrawError): its ticket
	// (its place in the order of arrival), its place in the draw (1 went
	// first) and how many entered. The type is the refusal's own cause,
	// such as cell-full: those ahead of it took the seats.
	DrawTicket   int `json:"draw_ticket,omitempty"`
	DrawPlace    int `json:"draw_place,omitempty"`
	DrawEntrants int `json:"draw_entrants,omitempty"`
}

// problemRow maps one error to a status, a problem name and a title,
// and names the request member the error is about, if any.
type problemRow struct {
	err    error
	status int
	name   string
	title  string
	// member is the request member a refusal of this kind is about: a
	// body member ("slot" → Field "/slot") or, on routes that take it in
	// the path or the query, a parameter. "" for none.
	member string
}

// problemTable maps every error a request can meet to its answer. The
// first row that matches with errors.Is wins, which matters once: an
// expired booking's *booking.StateError matches both ErrExpired and
// ErrWrongState, and should say 410 Gone.
//
// The statuses follow one rule each:
//
//   - 400: the body is not JSON of the expected shape. The client has a
//     bug; no value in it was even looked at.
//   - 401, 403: who is asking (see Options.Account); 429: how often.
//   - 422: the request is well-formed but a value in it can never be
//     accepted: a bad NIK or family card, an unknown slot or pool, a
//     malformed booking code (422 rather than 404: a typo, not a booking
//     that went away).
//   - 404: the office or booking does not exist — or is not the
//     account's: the two answers are the same, byte for byte.
//   - 409: the request is valid, but the state of things refuses it now:
//     the booking's state, the quota, the windows, another booking, the
//     account's unpaid holds. The client can do something else, or try
//     again later.
//   - 410: the hold expired; its seats are gone for good.
//   - 503: the service, not the request, is the problem: closed,
//     read-only, full, a failed disk, a standby with no active node; or
//     the request's context ended, in which case the change may or may
//     not have been made (retry with the same idempotency key, or GET,
//     to learn which).
//   - 500: this service has a bug. booking.ErrNilContext and
//     booking.ErrBadAccount (the Account hook named an account the engine
//     refuses) are listed, so that the log and the body name them.
//
// Errors no request can cause are left out and fall to 500: those of
// opening a file (booking.ErrLocked, …), and quota.ErrOverRelease and
// reschedule.ErrBadPolicy, which are bugs.
var problemTable = []problemRow{
	// The request itself.
	{ErrBadJSON, 400, "bad-json", "The body is not JSON of the expected shape", ""},
	{ErrBodyTooLarge, 413, "body-too-large", "The body is too large", ""},
	{ErrBadParameter, 422, "bad-parameter", "A parameter has no such value", ""},
	{errNoRoute, 404, "no-route", "No route has this path", ""},
	{errMethod, 405, "method-not-allowed", "The route does not take this method", ""},

	// Who is asking, and how often.
	{ErrUnauthenticated, 401, "unauthenticated", "Sign in first", ""},
	{ErrForbidden, 403, "forbidden", "Not allowed", ""},
	{ErrCrossOrigin, 403, "cross-origin", "A request from another site may not change anything", ""},
	{ErrPaymentsDisabled, 403, "payments-disabled", "This service takes no payment callbacks", ""},
	{ErrBadSignature, 401, "bad-signature", "The payment callback's signature does not check out", ""},
	{ErrSignatureExpired, 401, "signature-expired", "The payment callback was signed too long ago, or ahead of the clock", ""},
	{ErrRateLimited, 429, "rate-limited", "Too many requests", ""},

	// Values that can never be accepted.
	{booking.ErrBadIdempotencyKey, 422, "bad-idempotency-key", "The idempotency key is not valid", "idempotency_key"},
	{calendar.ErrBadDate, 422, "bad-date", "The date is not a valid YYYY-MM-DD date", "date"},
	{booking.ErrUnknownSlot, 422, "unknown-slot", "No slot of the office starts then", "slot"},
	{booking.ErrUnknownPool, 422, "unknown-pool", "The office has no such pool", "pool"},
	{booking.ErrApplicantCount, 422, "applicant-count", "A booking has 1 to 5 applicants", "applicants"},
	{booking.ErrBadNIK, 422, "bad-nik", "The NIK is not valid", ""},
	{booking.ErrDuplicateNIK, 422, "duplicate-nik", "The NIK is listed twice", ""},
	{booking.ErrBadFamilyCard, 422, "bad-family-card", "The family card number is not valid", "family_card"},
	{booking.ErrMetadataTooLarge, 422, "metadata-too-large", "The applicants' metadata is too large", "applicants"},
	{booking.ErrBadCode, 422, "bad-code", "The booking code is malformed", "code"},
	{booking.ErrBadBillingCode, 422, "bad-billing-code", "The billing code is not 15 digits", "billing_code"},
	{booking.ErrBadPaymentRef, 422, "bad-payment-ref", "The payment reference is not valid", "payment_ref"},
	{booking.ErrBadReason, 422, "bad-reason", "The reason is not valid", "reason"},
	{booking.ErrBadProof, 422, "bad-proof", "The token is not a proof of booking signed by this service", "token"},

	// Things that do not exist, or not for this account.
	{booking.ErrUnknownOffice, 404, "unknown-office", "No such office", "office"},
	// Before booking-not-found and archived: a proof whose booking is
	// gone was revoked by its going.
	{booking.ErrProofRevoked, 409, "proof-revoked", "The proof's booking has changed since the proof was made", ""},
	{booking.ErrNotFound, 404, "booking-not-found", "No such booking", ""},
	{booking.ErrArchived, 410, "archived", "The booking ended long ago and was archived", ""},
	{booking.ErrNoDraw, 404, "no-draw", "The office holds no opening draw", "office"},
	{ErrNoProofImage, 404, "no-proof-image", "This service makes no images of proofs", ""},

	// The booking's state; ErrExpired first, see above.
	{booking.ErrExpired, 410, "expired", "The hold expired", ""},
	{booking.ErrWrongState, 409, "wrong-state", "The booking's state does not allow this", ""},
	{booking.ErrAlreadyPaid, 409, "already-paid", "The booking was paid with another reference", ""},
	{booking.ErrSameSlot, 409, "same-slot", "The booking has this date and slot already", ""},
	{booking.ErrIdempotencyConflict, 409, "idempotency-conflict", "The idempotency key was used for another request", "idempotency_key"},

	// Other bookings of the same people or account.
	{booking.ErrNIKBooked, 409, "nik-booked", "The NIK has a live booking already", ""},
	{reschedule.ErrReapplyTooSoon, 409, "reapply-too-soon", "Too soon after the NIK's last booking", ""},
	{booking.ErrTooManyHolds, 409, "too-many-holds", "The account has as many unpaid holds as it may", ""},

	// The opening draw. An account already in it has no Field (the
	// account is the request's, not the body's); an applicant's NIK
	// comes as a *booking.ApplicantError, with its Field.
	{booking.ErrInDraw, 409, "in-draw", "Already in this opening draw", ""},
	{booking.ErrDrawFull, 409, "draw-full", "The opening draw has as many entrants as it may", ""},
	{booking.ErrDrawPending, 409, "draw-pending", "The day's opening draw has not run yet", ""},

	// The calendar and the quota.
	{quota.ErrPast, 409, "past", "The slot has begun or the day has gone by", ""},
	{quota.ErrOutsideHorizon, 409, "outside-horizon", "The day is outside the booking horizon", "date"},
	{quota.ErrClosed, 409, "office-closed", "The office is closed then", ""},
	{quota.ErrNotOpened, 409, "not-opened", "The day's quota is not opened yet", ""},
	{quota.ErrNoQuota, 409, "no-quota", "The slot offers no seats in this pool", ""},
	{quota.ErrFull, 409, "cell-full", "Every seat of the slot is taken", ""},

	// The windows of package reschedule, as *reschedule.WindowError.
	{reschedule.ErrRescheduleClosed, 409, "reschedule-closed", "Too late to reschedule", ""},
	{reschedule.ErrRescheduleLimit, 409, "reschedule-limit", "The booking was rescheduled as often as allowed", ""},
	{reschedule.ErrCancelClosed, 409, "cancel-closed", "Too late to cancel", ""},
	{reschedule.ErrCheckInEarly, 409, "check-in-early", "Too early to check in", ""},
	{reschedule.ErrCheckInLate, 409, "check-in-late", "Too late to check in", ""},

	// Operator changes.
	{quota.ErrBadOverride, 422, "bad-override", "The change is not valid", ""},
	{quota.ErrBadReason, 422, "bad-closure-reason", "The closure's reason is not valid", "reason"},
	{quota.ErrBadSeats, 422, "bad-seats", "The seat count is out of range", "seats"},
	{booking.ErrBadOffice, 422, "bad-office", "The office is not valid", ""},
	{quota.ErrBadConfig, 422, "bad-config", "The office configuration is not valid", ""},
	{quota.ErrTooManyOffices, 422, "too-many-offices", "Too many offices", ""},
	{booking.ErrOfficeInUse, 409, "office-in-use", "The change drops a day with live bookings", ""},
	{quota.ErrLayoutChange, 409, "layout-change", "A layout may only grow at its end", ""},
	{quota.ErrBelowTaken, 409, "below-taken", "Fewer seats than are taken", "seats"},
	{booking.ErrNoFile, 409, "no-file", "This engine keeps no file to back up", ""},
	{booking.ErrTooManyProofKeys, 409, "too-many-proof-keys", "The engine keeps as many proof keys as it may", ""},
	{ErrBusy, 409, "busy", "Another check or backup is running", ""},

	// The service.
	{ErrNoActive, 503, "no-active-node", "This node is a standby and knows no active node to forward to", ""},
	{ErrActiveUnreachable, 502, "active-unreachable", "The active node did not answer", ""},
	{booking.ErrStandby, 503, "standby", "This node is a standby", ""},
	{booking.ErrEngineClosed, 503, "engine-closed", "The service is shutting down", ""},
	{booking.ErrStorage, 503, "storage", "The service cannot write its data", ""},
	{booking.ErrReadOnly, 503, "read-only", "The service is read-only", ""},
	{booking.ErrTooManyBookings, 503, "too-many-bookings", "The service holds as many bookings as it may", ""},
	{context.DeadlineExceeded, 503, "timeout", "The request took too long", ""},
	{context.Canceled, 503, "canceled", "The request was canceled", ""},

	// This service's bugs; see above.
	{booking.ErrNilContext, 500, "nil-context", "Internal error", ""},
	{booking.ErrBadAccount, 500, "bad-account", "The service named an account the engine refuses", ""},
}

// internalRow is what an error matching no row gets.
var internalRow = problemRow{nil, 500, "internal", "Internal error", ""}

// lookupProblem returns the first row of problemTable that err matches,
// and whether there was one.
func lookupProblem(err error) (problemRow, bool) {
	for _, row := range problemTable {
		if errors.Is(err, row.err) {
			return row, true
		}
	}
	return internalRow, false
}

// packagePrefixes are the prefixes of kuota's error messages, left out of
// a problem's detail: a client reads "bad NIK: …", not which package said
// it.
var packagePrefixes = strings.NewReplacer(
	"booking: ", "", "quota: ", "", "calendar: ", "", "reschedule: ", "", "kuotahttp: ", "",
)

// newProblem builds the problem for err on a route that takes params in
// its path or query (the other members are the body's).
//
// A 4xx detail is err's message without package prefixes: kuota's
// messages say what was wrong without quoting a NIK, and that detail
// ("province code 00") helps the client. A refused booking lookup gets
// none, so that someone else's booking answers exactly as no booking. A
// 5xx gets none either, because the full chain may name files or
// internals; it goes to the log instead. The exception is a standby's
// ErrNoActive, whose chain is this package's own words.
func newProblem(err error, params []string) (Problem, problemRow) {
	row, _ := lookupProblem(err)
	p := Problem{Type: ProblemTypeBase + row.name, Title: row.title, Status: row.status}
	if (row.status < 500 || row.err == ErrNoActive) && row.err != booking.ErrNotFound {
		p.Detail = packagePrefixes.Replace(err.Error())
	}
	member := row.member
	var ie *inputError
	var ae *booking.ApplicantError
	switch {
	case errors.As(err, &ie):
		p.Field, p.Parameter = ie.pointer, ie.param
		if ie.detail != "" {
			p.Detail = ie.detail
		} else {
			p.Detail = packagePrefixes.Replace(ie.err.Error())
		}
	case errors.As(err, &ae):
		// The engine's message counts applicants from 1; this API counts
		// from 0 everywhere, so the index is in Field alone.
		p.Field = "/applicants/" + strconv.Itoa(ae.Index) + "/nik"
		p.Detail = packagePrefixes.Replace(ae.Err.Error())
	case member != "" && slices.Contains(params, member):
		p.Parameter = member
	case member != "":
		p.Field = "/" + member
	}
	var we *reschedule.WindowError
	if errors.As(err, &we) {
		p.Opens, p.Closes = we.Opens, we.Closes
	}
	var de *booking.DrawError
	if errors.As(err, &de) {
		p.DrawTicket, p.DrawPlace, p.DrawEntrants = de.Ticket, de.Place, de.Entrants
	}
	if p.Detail == p.Title {
		p.Detail = ""
	}
	return p, row
}

// writeProblem writes p, with Retry-After when err says how long to
// wait, and Allow for a 405.
func writeProblem(w http.ResponseWriter, p Problem, err error) {
	var re *rateError
	if errors.As(err, &re) {
		w.Header().Set("Retry-After", strconv.FormatInt(retryAfterSeconds(re.wait), 10))
	} else if p.Status == http.StatusServiceUnavailable && errors.Is(err, ErrNoActive) {
		w.Header().Set("Retry-After", "1") // a failover takes seconds
	}
	writeJSONAs(w, p.Status, ProblemContentType, p)
}

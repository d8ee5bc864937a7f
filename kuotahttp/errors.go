package kuotahttp

import (
	"errors"
	"fmt"
	"time"
)

// Errors of New.
var (
	// ErrBadOptions is returned by New for options out of range: a limit
	// beyond its bounds, a rate with only one of its two fields set, a
	// payment secret shorter than PaymentSecretBytesMin.
	ErrBadOptions = errors.New("kuotahttp: bad options")
)

// Errors of authentication. The hooks of Options return them, or wrap
// them, to choose between the two answers.
var (
	// ErrUnauthenticated is the answer to a request without valid
	// credentials: 401, with a WWW-Authenticate challenge. An Account or
	// Operator hook may return any error for it; this one is the
	// handler's own, for a hook that named no account.
	ErrUnauthenticated = errors.New("kuotahttp: not signed in")
	// ErrForbidden is returned, or wrapped, by an Account or Operator hook
	// for a request whose credentials are valid but may not use the
	// handler (a signed-in applicant at the operator handler): 403. The
	// handler returns it too for every request a nil hook would have to
	// judge.
	ErrForbidden = errors.New("kuotahttp: forbidden")
)

// Errors of the payment channel.
var (
	// ErrBadSignature is returned for a payment callback whose signature
	// headers are missing, malformed, or do not match its body.
	ErrBadSignature = errors.New("kuotahttp: bad payment signature")
	// ErrSignatureExpired is returned for a payment callback signed
	// further than Options.PaymentSkew from the handler's clock, either
	// way.
	ErrSignatureExpired = errors.New("kuotahttp: payment signature outside its time window")
	// ErrPaymentsDisabled is returned for every payment callback when
	// Options.PaymentSecret is empty: no request can prove it comes from
	// the payment channel.
	ErrPaymentsDisabled = errors.New("kuotahttp: payment callbacks are not configured")
)

// Errors of the request itself, before it reaches the engine.
var (
	// ErrBadJSON is matched by the refusal of a body that is not one JSON
	// object of the expected shape: a syntax error, a member of the wrong
	// JSON type, an unknown member, or data after the object.
	ErrBadJSON = errors.New("kuotahttp: malformed JSON body")
	// ErrBodyTooLarge is returned for a body over Options.BodyBytesMax.
	ErrBodyTooLarge = errors.New("kuotahttp: request body too large")
	// ErrBadParameter is matched by the refusal of a query parameter
	// that is not one of its values, such as an unknown ?state=.
	ErrBadParameter = errors.New("kuotahttp: bad parameter")
	// ErrRateLimited is matched by the refusal of a request over one of
	// the rate limits of Options: 429, with Retry-After.
	ErrRateLimited = errors.New("kuotahttp: too many requests")
	// ErrNoProofImage is returned for a proof's image when
	// Options.ProofImage is nil: the page then shows the proof's token
	// as text.
	ErrNoProofImage = errors.New("kuotahttp: this service makes no images of proofs")
	// ErrBusy is returned for a Check or a Backup asked while another
	// one runs: each reads every booking, and one at a time is plenty.
	ErrBusy = errors.New("kuotahttp: another check or backup is running")
	// ErrCrossOrigin is returned for a state-changing request that a
	// browser sent from another site (see http.CrossOriginProtection):
	// with cookie sessions it would otherwise act for the signed-in
	// visitor of that site.
	ErrCrossOrigin = errors.New("kuotahttp: cross-origin request refused")
	// errNoRoute and errMethod are the answers of the mux itself.
	errNoRoute = errors.New("kuotahttp: no such route")
	errMethod  = errors.New("kuotahttp: method not allowed")
)

// Errors of a standby engine's forwarding.
var (
	// ErrNoActive is returned for a change asked of a standby that cannot
	// forward it: no active node is known yet, or the request was
	// forwarded once already and met another standby (a request is
	// forwarded at most once, so two standbys that each name the other
	// cannot bounce it forever). 503, with Retry-After: a failover is
	// under way.
	ErrNoActive = errors.New("kuotahttp: no active node to forward the change to")
	// ErrActiveUnreachable is returned when forwarding to the active node
	// failed: it refused the connection, or did not answer.
	ErrActiveUnreachable = errors.New("kuotahttp: the active node did not answer")
)

// inputError says which part of a request a refusal is about: a member
// of the JSON body, as a JSON Pointer (RFC 6901: "/applicants/1/nik",
// indexes from 0), or a path or query parameter by name. It wraps the
// reason, so that the problem table still finds it.
type inputError struct {
	pointer string // into the body, or ""
	param   string // a parameter's name, or ""
	detail  string // for people; "" means the reason's own message
	err     error
}

func (e *inputError) Error() string {
	where := e.pointer
	if e.param != "" {
		where = "parameter " + e.param
	}
	if e.detail != "" {
		return where + ": " + e.detail
	}
	return where + ": " + e.err.Error()
}

func (e *inputError) Unwrap() error { return e.err }

// rateError is the refusal of a request over a rate limit: it matches
// ErrRateLimited, and says how long to wait (the Retry-After header) and
// which limit refused, for people.
type rateError struct {
	wait  time.Duration
	limit string // "this account", "this address", …
}

func (e *rateError) Error() string {
	return fmt.Sprintf("%v from %s: retry in %v", ErrRateLimited, e.limit, e.wait.Round(time.Second))
}

func (e *rateError) Unwrap() error { return ErrRateLimited }

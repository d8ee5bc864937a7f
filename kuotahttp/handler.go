package kuotahttp

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/kuota/kuota/booking"
)

// Handler serves kuota's public JSON API and the calendar page (ServeHTTP),
// and, separately, the operator API (Operator), over one booking.Engine.
// The two share the options, the rate limits and the engine, and are
// meant to be mounted apart: the operator API on an address or a prefix
// the office's network reaches, the public one where applicants do.
//
// A Handler is safe for concurrent use; it keeps no state of its own but
// its rate limits, which are.
type Handler struct {
	engine   *booking.Engine
	o        Options // resolved
	log      *slog.Logger
	public   http.Handler
	operator http.Handler

	byAddress *limiter // every request, by client address
	byAccount *limiter // every request that names an account
	holds     *limiter // holds, by client address
	misses    *limiter // failed code lookups and signatures, by client address

	// heavy admits one Check or Backup at a time: each reads every
	// booking the engine keeps.
	heavy chan struct{}
}

// New returns the handlers of engine, configured by opts; nil opts means
// the defaults, which let nobody in (see Options). It returns
// ErrBadOptions for options out of range.
func New(engine *booking.Engine, opts *Options) (*Handler, error) {
	if engine == nil {
		return nil, fmt.Errorf("%w: nil engine", ErrBadOptions)
	}
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	h := &Handler{
		engine:    engine,
		o:         o,
		log:       o.Logger,
		byAddress: newLimiter(o.AddressRate, o.RateKeysMax),
		byAccount: newLimiter(o.AccountRate, o.RateKeysMax),
		holds:     newLimiter(o.AddressHoldRate, o.RateKeysMax),
		misses:    newLimiter(o.AddressMissRate, o.RateKeysMax),
		heavy:     make(chan struct{}, 1),
	}
	h.public = h.mux(publicRoutes)
	h.operator = h.mux(operatorRoutes)
	return h, nil
}

// ServeHTTP serves the public API and the calendar page; see the package
// documentation for the routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.public.ServeHTTP(w, r)
}

// Operator returns the handler of the operator API; see the package
// documentation for the routes. Every call returns the same handler.
func (h *Handler) Operator() http.Handler { return h.operator }

// call is one request on its way through a route: what the route's
// function needs besides the engine.
type call struct {
	w        http.ResponseWriter
	r        *http.Request
	rt       *route
	now      time.Time // the handler's clock, read once per request
	addr     string    // the client address, as Options.ClientAddr gives it
	account  string    // for routes that need an account
	operator string    // for operator routes
	body     []byte    // the whole body, for routes that take one
}

// mux registers routes on a ServeMux of their own and wraps it so that
// every answer is JSON: the mux's own 404 and 405 become problems, a
// browser's cross-site request is refused before any route sees it, and
// every response carries the security headers.
func (h *Handler) mux(routes []route) http.Handler {
	mux := http.NewServeMux()
	for i := range routes {
		mux.Handle(routes[i].pattern, h.serve(&routes[i]))
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.fail(&call{w: w, r: r}, ErrCrossOrigin)
	}))
	inner := cop.Handler(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w)
		// The mux answers a path no route has, or a method the path's
		// routes do not take, in plain text. Ask it first which pattern
		// the request matches; when none, let its own handler run into a
		// recorder, to learn 404 from 405 and the Allow header, and say
		// it in JSON.
		if _, pattern := mux.Handler(r); pattern == "" {
			rec := &headerRecorder{header: http.Header{}}
			mux.ServeHTTP(rec, r)
			err := errNoRoute
			if rec.status == http.StatusMethodNotAllowed {
				allow := rec.header.Get("Allow")
				err = fmt.Errorf("%w: the route takes %s", errMethod, allow)
				w.Header().Set("Allow", allow)
			} else if rec.status/100 == 3 {
				// A redirect to the canonical path: let it through.
				for k, v := range rec.header {
					w.Header()[k] = v
				}
				w.WriteHeader(rec.status)
				return
			}
			h.fail(&call{w: w, r: r}, err)
			return
		}
		inner.ServeHTTP(w, r)
	})
}

// headerRecorder keeps the status and headers a handler writes, and
// drops its body.
type headerRecorder struct {
	header http.Header
	status int
}

func (r *headerRecorder) Header() http.Header { return r.header }
func (r *headerRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
func (r *headerRecorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return len(b), nil
}

// setSecurityHeaders sets the headers every response carries: the page
// loads nothing from elsewhere and runs no inline script, so a strict
// Content-Security-Policy costs nothing. Images may also come from blob:
// URLs, which only the page itself makes: it fetches a proof's image
// with the request's account header (an <img src> could send none) and
// shows what it fetched.
func setSecurityHeaders(w http.ResponseWriter) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'")
	w.Header().Set("Referrer-Policy", "no-referrer") // booking codes are in paths
}

// serve returns the handler of one route: it admits the request (rate
// limits, authentication, the body), forwards a change from a standby
// to the active node, runs the route, and answers a refusal with a
// problem.
func (h *Handler) serve(rt *route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{w: w, r: r, rt: rt, now: h.o.Now(), addr: h.o.ClientAddr(r)}
		if err := h.admit(c); err != nil {
			h.fail(c, err)
			return
		}
		// A standby serves reads; a change goes to the active node before
		// this node reads anything for it, since what it reads may lag.
		if rt.write && h.engine.Standby() {
			if active, ok := h.activeAddress(c); ok {
				h.forward(c, active)
				return
			}
		}
		err := rt.fn(h, c)
		var se *booking.StandbyError
		if errors.As(err, &se) {
			h.forward(c, se.Active)
			return
		}
		if err != nil {
			h.fail(c, err)
		}
	})
}

// fail answers err as a problem, and logs it when it is a 5xx: the
// service's trouble, not the client's.
func (h *Handler) fail(c *call, err error) {
	var params []string
	if c.rt != nil {
		params = c.rt.params
	}
	p, row := newProblem(err, params)
	if row.status >= http.StatusInternalServerError {
		pattern := ""
		if c.rt != nil {
			pattern = c.rt.pattern
		}
		h.log.ErrorContext(c.r.Context(), "kuotahttp: request failed", "route", pattern, "status", row.status, "err", err)
	}
	switch {
	case errors.Is(err, ErrBadSignature) || errors.Is(err, ErrSignatureExpired):
		// The payment channel's scheme, not the applicants'.
		c.w.Header().Set("WWW-Authenticate", PaymentSignatureHeader)
	case p.Status == http.StatusUnauthorized:
		c.w.Header().Set("WWW-Authenticate", h.o.AuthChallenge)
	}
	writeProblem(c.w, p, err)
}

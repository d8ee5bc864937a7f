package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
)

// server holds what the handlers share. It has no state of its own: the
// engine is safe for concurrent use, so handlers run in parallel with no
// lock here.
type server struct {
	engine *booking.Engine
	log    *slog.Logger // receives the errors that become a 5xx
}

// newHandler returns the whole service: the JSON API and the web page.
// Every route answers in JSON; a path or method no route has gets the
// mux's own plain-text 404 or 405 (with an Allow header).
func newHandler(e *booking.Engine, log *slog.Logger) http.Handler {
	s := &server{engine: e, log: log}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", serveIndex)
	mux.Handle("GET /web/", http.FileServerFS(webFiles))

	mux.HandleFunc("GET /api/offices", s.api(s.listOffices))
	mux.HandleFunc("GET /api/offices/{office}/months/{month}", s.api(s.month))
	mux.HandleFunc("GET /api/offices/{office}/days/{date}", s.api(s.day))
	mux.HandleFunc("POST /api/holds", s.api(s.hold))
	mux.HandleFunc("POST /api/payments", s.api(s.pay))
	mux.HandleFunc("GET /api/bookings/{code}", s.api(s.get))
	mux.HandleFunc("POST /api/bookings/{code}/reschedule", s.api(s.reschedule))
	mux.HandleFunc("POST /api/bookings/{code}/cancel", s.api(s.cancel))
	mux.HandleFunc("POST /api/bookings/{code}/checkin", s.api(s.checkIn))
	return withSecurityHeaders(mux)
}

// withSecurityHeaders sets the headers every response should carry: the
// page loads nothing from elsewhere and runs no inline script, so a strict
// Content-Security-Policy costs nothing.
func withSecurityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

// api adapts a handler that returns an error, so that every refusal goes
// through writeError and its one table.
func (s *server) api(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			writeError(w, r, s.log, err)
		}
	}
}

// listOffices serves GET /api/offices.
func (s *server) listOffices(w http.ResponseWriter, r *http.Request) error {
	out := struct {
		Offices []officeJSON `json:"offices"`
	}{Offices: []officeJSON{}}
	for _, code := range s.engine.Offices() {
		cfg, err := s.engine.Office(code)
		if err != nil {
			return err
		}
		out.Offices = append(out.Offices, newOfficeJSON(cfg))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// month serves GET /api/offices/{office}/months/{yyyy-mm}?pool=.
func (s *server) month(w http.ResponseWriter, r *http.Request) error {
	cfg, pool, err := s.officeAndPool(r)
	if err != nil {
		return err
	}
	m, err := time.Parse("2006-01", r.PathValue("month"))
	if err != nil {
		return fmt.Errorf("%w: want a month as YYYY-MM", calendar.ErrBadDate)
	}
	views, err := s.engine.Month(r.Context(), cfg.Code, m.Year(), m.Month())
	if err != nil {
		return err
	}
	out := monthJSON{Office: cfg.Code, Month: m.Format("2006-01"), Pool: r.URL.Query().Get("pool"), Days: make([]dayJSON, 0, len(views))}
	for i := range views {
		out.Days = append(out.Days, newDayJSON(&views[i], &cfg, pool))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// day serves GET /api/offices/{office}/days/{yyyy-mm-dd}?pool=.
func (s *server) day(w http.ResponseWriter, r *http.Request) error {
	cfg, pool, err := s.officeAndPool(r)
	if err != nil {
		return err
	}
	d, err := calendar.ParseDate(r.PathValue("date"))
	if err != nil {
		return err
	}
	view, err := s.engine.Day(r.Context(), cfg.Code, d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dayPageJSON{Office: cfg.Code, Pool: r.URL.Query().Get("pool"), dayJSON: newDayJSON(&view, &cfg, pool)})
	return nil
}

// officeAndPool returns the office named in the path and the index of the
// pool named by ?pool=, or -1 when there is none.
//
// The views list seats by pool index, so the handler needs the office's
// layout to name them; the engine gives it with the configuration.
func (s *server) officeAndPool(r *http.Request) (booking.OfficeConfig, int, error) {
	cfg, err := s.engine.Office(r.PathValue("office"))
	if err != nil {
		return cfg, 0, err
	}
	name := r.URL.Query().Get("pool")
	if name == "" {
		return cfg, -1, nil
	}
	pool, ok := cfg.Quota.Layout.Pool(name)
	if !ok {
		return cfg, 0, fmt.Errorf("%w: ?pool= is none of %s", booking.ErrUnknownPool, strings.Join(cfg.Quota.Layout.Pools, ", "))
	}
	return cfg, pool, nil
}

// holdBody is the body of POST /api/holds.
type holdBody struct {
	Account string        `json:"account"`
	Office  string        `json:"office"`
	Date    calendar.Date `json:"date"`
	// Slot is a pointer so that a missing slot is an error rather than
	// slot 0, the first of the day.
	Slot           *int            `json:"slot"`
	Pool           string          `json:"pool"`
	Applicants     []applicantBody `json:"applicants"`
	IdempotencyKey string          `json:"idempotency_key"`
}

// applicantBody is one applicant of a hold. booking.NIK parses itself
// from a JSON string (encoding.TextUnmarshaler), so a bad NIK is refused
// while decoding, with ErrBadNIK.
type applicantBody struct {
	NIK  booking.NIK     `json:"nik"`
	Meta json.RawMessage `json:"meta"` // any JSON; kept as sent, compacted
}

// hold serves POST /api/holds: 201 Created with the new booking, or with
// the same booking again when the idempotency key is replayed.
func (s *server) hold(w http.ResponseWriter, r *http.Request) error {
	var body holdBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.Slot == nil {
		return fmt.Errorf("%w: slot is required", booking.ErrUnknownSlot)
	}
	req := booking.HoldRequest{
		Account:        body.Account,
		Office:         body.Office,
		Date:           body.Date,
		Slot:           *body.Slot,
		Pool:           body.Pool,
		IdempotencyKey: body.IdempotencyKey,
	}
	for _, a := range body.Applicants {
		meta, err := compactMeta(a.Meta)
		if err != nil {
			return err
		}
		req.Applicants = append(req.Applicants, booking.Applicant{NIK: a.NIK, Meta: meta})
	}
	b, err := s.engine.Hold(r.Context(), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/bookings/"+b.Code)
	s.writeBooking(w, http.StatusCreated, &b)
	return nil
}

// pay serves POST /api/payments, as a payment gateway's callback would
// call it: paying again with the same reference succeeds again.
func (s *server) pay(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		BillingCode string `json:"billing_code"`
		PaymentRef  string `json:"payment_ref"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	b, err := s.engine.Pay(r.Context(), body.BillingCode, body.PaymentRef)
	return s.reply(w, b, err)
}

// reschedule serves POST /api/bookings/{code}/reschedule.
func (s *server) reschedule(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Date calendar.Date `json:"date"`
		Slot *int          `json:"slot"` // required, as for a hold
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.Slot == nil {
		return fmt.Errorf("%w: slot is required", booking.ErrUnknownSlot)
	}
	b, err := s.engine.Reschedule(r.Context(), r.PathValue("code"), body.Date, *body.Slot)
	return s.reply(w, b, err)
}

// cancel serves POST /api/bookings/{code}/cancel.
func (s *server) cancel(w http.ResponseWriter, r *http.Request) error {
	b, err := s.engine.Cancel(r.Context(), r.PathValue("code"))
	return s.reply(w, b, err)
}

// checkIn serves POST /api/bookings/{code}/checkin.
func (s *server) checkIn(w http.ResponseWriter, r *http.Request) error {
	b, err := s.engine.CheckIn(r.Context(), r.PathValue("code"))
	return s.reply(w, b, err)
}

// get serves GET /api/bookings/{code}.
func (s *server) get(w http.ResponseWriter, r *http.Request) error {
	b, err := s.engine.Get(r.Context(), r.PathValue("code"))
	return s.reply(w, b, err)
}

// reply finishes a call that returns a booking: 200 with it, or err.
func (s *server) reply(w http.ResponseWriter, b booking.Booking, err error) error {
	if err != nil {
		return err
	}
	s.writeBooking(w, http.StatusOK, &b)
	return nil
}

// writeBooking writes b with the given status.
func (s *server) writeBooking(w http.ResponseWriter, status int, b *booking.Booking) {
	// The office of an existing booking is always registered; should it
	// not be, the booking is still worth showing, in UTC.
	var office *booking.OfficeConfig
	if cfg, err := s.engine.Office(b.Office); err == nil {
		office = &cfg
	}
	writeJSON(w, status, newBookingJSON(b, office))
}

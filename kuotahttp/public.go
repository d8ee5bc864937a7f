package kuotahttp

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
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
	mux.HandleFunc("POST /api/bookings/{code}/reject", s.api(s.reject))
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
		cfg, err := s.engine.Office(r.Context(), code)
		if err != nil {
			return err
		}
		out.Offices = append(out.Offices, newOfficeJSON(cfg))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// month serves GET /api/offices/{office}/months/{yyyy-mm}?pool=: every
// pool's seats and the states they make (Engine.Month), or, given a pool,
// that pool's alone (Engine.MonthIn), so that walk-in seats never make a
// day green for someone booking online.
func (s *server) month(w http.ResponseWriter, r *http.Request) error {
	m, err := time.Parse("2006-01", r.PathValue("month"))
	if err != nil {
		return fmt.Errorf("%w: want a month as YYYY-MM", calendar.ErrBadDate)
	}
	office, pool := r.PathValue("office"), r.URL.Query().Get("pool")
	var views []quota.DayView
	if pool == "" {
		views, err = s.engine.Month(r.Context(), office, m.Year(), m.Month())
	} else {
		views, err = s.engine.MonthIn(r.Context(), office, pool, m.Year(), m.Month())
	}
	if err != nil {
		return err
	}
	out := monthJSON{Office: office, Month: m.Format("2006-01"), Pool: pool, Days: make([]dayJSON, 0, len(views))}
	for i := range views {
		out.Days = append(out.Days, newDayJSON(&views[i]))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// day serves GET /api/offices/{office}/days/{yyyy-mm-dd}?pool=, as month
// does: Engine.Day, or Engine.DayIn given a pool.
func (s *server) day(w http.ResponseWriter, r *http.Request) error {
	d, err := calendar.ParseDate(r.PathValue("date"))
	if err != nil {
		return err
	}
	office, pool := r.PathValue("office"), r.URL.Query().Get("pool")
	var view quota.DayView
	if pool == "" {
		view, err = s.engine.Day(r.Context(), office, d)
	} else {
		view, err = s.engine.DayIn(r.Context(), office, pool, d)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dayPageJSON{Office: office, Pool: pool, dayJSON: newDayJSON(&view)})
	return nil
}

// holdBody is the body of POST /api/holds.
type holdBody struct {
	Account string        `json:"account"`
	Office  string        `json:"office"`
	Date    calendar.Date `json:"date"`
	// Slot is the slot's start, "08:00". A missing slot is the empty
	// string, which the engine refuses with ErrUnknownSlot rather than
	// booking the day's first slot.
	Slot       string          `json:"slot"`
	Pool       string          `json:"pool"`
	Applicants []applicantBody `json:"applicants"`
	// FamilyCard is optional; booking.FamilyCard parses itself as
	// booking.NIK does, so a bad number is refused while decoding, with
	// ErrBadFamilyCard. "" is none.
	FamilyCard     booking.FamilyCard `json:"family_card"`
	IdempotencyKey string             `json:"idempotency_key"`
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
	req := booking.HoldRequest{
		Account:        body.Account,
		Office:         body.Office,
		Date:           body.Date,
		Slot:           body.Slot,
		Pool:           body.Pool,
		FamilyCard:     body.FamilyCard,
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
		Slot string        `json:"slot"` // its start, required as for a hold
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	b, err := s.engine.Reschedule(r.Context(), r.PathValue("code"), body.Date, body.Slot)
	return s.reply(w, b, err)
}

// cancel serves POST /api/bookings/{code}/cancel. The body is optional:
// none, or {}, cancels without a reason; {"reason": {…}} gives one.
func (s *server) cancel(w http.ResponseWriter, r *http.Request) error {
	var body reasonBody
	if err := decodeOptionalJSON(w, r, &body); err != nil {
		return err
	}
	b, err := s.engine.Cancel(r.Context(), r.PathValue("code"), body.Reason.reason())
	return s.reply(w, b, err)
}

// reject serves POST /api/bookings/{code}/reject: the office refuses a
// paid or checked-in booking, and the body must say why, {"reason":
// {"kind": …}}; without a kind the engine refuses with ErrBadReason.
//
// It is the office's call, not the applicant's: a real service puts this
// route behind its staff's authentication. The demo has none.
func (s *server) reject(w http.ResponseWriter, r *http.Request) error {
	var body reasonBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	b, err := s.engine.Reject(r.Context(), r.PathValue("code"), body.Reason.reason())
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

// writeBooking writes b with the given status. The booking carries all
// it shows, its instants already in the office's zone.
func (s *server) writeBooking(w http.ResponseWriter, status int, b *booking.Booking) {
	writeJSON(w, status, newBookingJSON(b))
}

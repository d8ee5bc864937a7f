package kuotahttp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// The routes of the public API, as publicRoutes lists them. Each reads
// its request, asks the engine, and writes the answer, or returns the
// refusal for fail to write from the problem table.

// offices serves GET /offices.
func (h *Handler) offices(c *call) error {
	out := struct {
		Offices []officeJSON `json:"offices"`
	}{Offices: []officeJSON{}}
	for _, code := range h.engine.Offices() {
		cfg, err := h.engine.Office(c.r.Context(), code)
		if err != nil {
			return err
		}
		out.Offices = append(out.Offices, newOfficeJSON(cfg, c.now))
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// month serves GET /offices/{office}/months/{yyyy-mm}?pool=: every
// pool's seats and the states they make (Engine.Month), or, given a pool,
// that pool's alone (Engine.MonthIn), so that walk-in seats never make a
// day green for someone booking online.
func (h *Handler) month(c *call) error {
	m, err := time.Parse("2006-01", c.r.PathValue("month"))
	if err != nil || m.Year() < calendar.YearMin || m.Year() > calendar.YearMax {
		return &inputError{param: "month", detail: "want a month as YYYY-MM", err: calendar.ErrBadDate}
	}
	office, pool := c.r.PathValue("office"), c.r.URL.Query().Get("pool")
	var views []quota.DayView
	if pool == "" {
		views, err = h.engine.Month(c.r.Context(), office, m.Year(), m.Month())
	} else {
		views, err = h.engine.MonthIn(c.r.Context(), office, pool, m.Year(), m.Month())
	}
	if err != nil {
		return err
	}
	out := monthJSON{Office: office, Month: m.Format("2006-01"), Pool: pool, Days: make([]dayJSON, 0, len(views))}
	window := h.openingWindow(c, office)
	for i := range views {
		out.Days = append(out.Days, newDayJSON(&views[i], window))
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// day serves GET /offices/{office}/days/{yyyy-mm-dd}?pool=, as month
// does: Engine.Day, or Engine.DayIn given a pool.
func (h *Handler) day(c *call) error {
	d, err := calendar.ParseDate(c.r.PathValue("date"))
	if err != nil {
		return &inputError{param: "date", err: err}
	}
	office, pool := c.r.PathValue("office"), c.r.URL.Query().Get("pool")
	var view quota.DayView
	if pool == "" {
		view, err = h.engine.Day(c.r.Context(), office, d)
	} else {
		view, err = h.engine.DayIn(c.r.Context(), office, pool, d)
	}
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, dayPageJSON{Office: office, Pool: pool, dayJSON: newDayJSON(&view, h.openingWindow(c, office))})
	return nil
}

// openingWindow returns the office's opening window, for the views to
// say when a release's draw closes; 0 for none, or for an office the
// engine has just answered for and no longer knows (which cannot
// happen: offices are never removed).
func (h *Handler) openingWindow(c *call, office string) time.Duration {
	cfg, err := h.engine.Office(c.r.Context(), office)
	if err != nil {
		return 0
	}
	return cfg.OpeningWindow
}

// holdBody is the body of POST /holds. Every member is a JSON string,
// parsed here rather than by the decoder, so that a refusal names its
// member: the decoder would report a bad NIK without its applicant.
// There is no account: the request's account is the Account hook's.
type holdBody struct {
	Office string `json:"office"`
	Date   string `json:"date"`
	// Slot is the slot's start, "08:00". A missing slot is the empty
	// string, which the engine refuses with ErrUnknownSlot rather than
	// booking the day's first slot.
	Slot string `json:"slot"`
	Pool string `json:"pool"`
	// Applicants are decoded one by one, each under its own pointer.
	Applicants     []json.RawMessage `json:"applicants"`
	FamilyCard     string            `json:"family_card"` // optional: "" is none
	IdempotencyKey string            `json:"idempotency_key"`
}

// applicantBody is one applicant of a hold.
type applicantBody struct {
	NIK  string          `json:"nik"`
	Meta json.RawMessage `json:"meta"` // any JSON; kept as sent, compacted
}

// hold serves POST /holds: 201 Created with the new booking, or with the
// same booking again when the idempotency key is replayed. Each hold
// costs the client address a token of AddressHoldRate, whatever account
// it names.
func (h *Handler) hold(c *call) error {
	var body holdBody
	if err := decodeJSON(c.body, &body, false, ""); err != nil {
		return err
	}
	req, err := body.request(c.account)
	if err != nil {
		return err
	}
	if wait := h.holds.allow(c.addr, c.now); wait > 0 {
		return &rateError{wait: wait, limit: "this address's holds"}
	}
	// In an office's opening window the engine answers once the draw
	// has run, at the window's end (booking.OpeningWindowMax at most).
	b, err := h.engine.Hold(c.r.Context(), req)
	if err != nil {
		return err
	}
	out := newBookingJSON(&b)
	// Relative to the request's own path, …/holds, so that it holds
	// under any mount prefix (RFC 9110 resolves it against the target).
	c.w.Header().Set("Location", "bookings/"+b.Code)
	writeJSON(c.w, http.StatusCreated, out)
	return nil
}

// request returns the body as the engine takes it, for account. It
// decodes every applicant before it reads any value, so that a body of
// the wrong shape is refused as such (400) whatever its values (422).
func (body *holdBody) request(account string) (booking.HoldRequest, error) {
	req := booking.HoldRequest{
		Account:        account,
		Office:         body.Office,
		Slot:           body.Slot,
		Pool:           body.Pool,
		IdempotencyKey: body.IdempotencyKey,
	}
	if len(body.Applicants) > booking.ApplicantsMax {
		return req, &inputError{pointer: "/applicants", err: fmt.Errorf("%w: %d, at most %d", booking.ErrApplicantCount, len(body.Applicants), booking.ApplicantsMax)}
	}
	applicants := make([]applicantBody, len(body.Applicants))
	for i, raw := range body.Applicants {
		if err := decodeJSON(raw, &applicants[i], false, "/applicants/"+strconv.Itoa(i)); err != nil {
			return req, err
		}
	}
	if body.Date != "" { // none is the zero Date, which the engine refuses in its order
		d, err := calendar.ParseDate(body.Date)
		if err != nil {
			return req, &inputError{pointer: "/date", err: err}
		}
		req.Date = d
	}
	for i, a := range applicants {
		// ParseNIK's errors never quote the NIK.
		nik, err := booking.ParseNIK(a.NIK)
		if err != nil {
			return req, &inputError{pointer: "/applicants/" + strconv.Itoa(i) + "/nik", err: err}
		}
		req.Applicants = append(req.Applicants, booking.Applicant{NIK: nik, Meta: compactMeta(a.Meta)})
	}
	if body.FamilyCard != "" {
		fc, err := booking.ParseFamilyCard(body.FamilyCard)
		if err != nil {
			return req, &inputError{pointer: "/family_card", err: err}
		}
		req.FamilyCard = fc
	}
	return req, nil
}

// accountBookings serves GET /bookings: the account's bookings, oldest
// first, the newest AccountBookingsMax of them (M-Paspor's "Riwayat").
func (h *Handler) accountBookings(c *call) error {
	bs, err := h.engine.AccountBookings(c.r.Context(), c.account)
	if err != nil {
		return err
	}
	out := accountBookingsJSON{Bookings: make([]bookingJSON, 0, min(len(bs), AccountBookingsMax))}
	if len(bs) > AccountBookingsMax {
		bs, out.Truncated = bs[len(bs)-AccountBookingsMax:], true
	}
	for i := range bs {
		out.Bookings = append(out.Bookings, newBookingJSON(&bs[i]))
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// get serves GET /bookings/{code}, for the account that holds it.
func (h *Handler) get(c *call) error {
	b, err := h.owned(c, c.r.PathValue("code"))
	return reply(c, b, err)
}

// reschedule serves POST /bookings/{code}/reschedule.
func (h *Handler) reschedule(c *call) error {
	var body struct {
		Date string `json:"date"`
		Slot string `json:"slot"` // its start, required as for a hold
	}
	if err := decodeJSON(c.body, &body, false, ""); err != nil {
		return err
	}
	var d calendar.Date
	if body.Date != "" {
		var err error
		if d, err = calendar.ParseDate(body.Date); err != nil {
			return &inputError{pointer: "/date", err: err}
		}
	}
	b, err := h.owned(c, c.r.PathValue("code"))
	if err != nil {
		return err
	}
	b, err = h.engine.Reschedule(c.r.Context(), b.Code, d, body.Slot)
	return reply(c, b, err)
}

// cancel serves POST /bookings/{code}/cancel. The body is optional:
// none, or {}, cancels without a reason; {"reason": {…}} gives one.
func (h *Handler) cancel(c *call) error {
	var body reasonBody
	if err := decodeJSON(c.body, &body, true, ""); err != nil {
		return err
	}
	reason, err := body.reason()
	if err != nil {
		return err
	}
	b, err := h.owned(c, c.r.PathValue("code"))
	if err != nil {
		return err
	}
	b, err = h.engine.Cancel(c.r.Context(), b.Code, reason)
	return reply(c, b, err)
}

// checkIn serves POST /bookings/{code}/checkin: the applicants arrived,
// as the account's own device says (a kiosk's QR scan goes through the
// operator API's check-in instead).
func (h *Handler) checkIn(c *call) error {
	b, err := h.owned(c, c.r.PathValue("code"))
	if err != nil {
		return err
	}
	b, err = h.engine.CheckIn(c.r.Context(), b.Code)
	return reply(c, b, err)
}

// pay serves POST /payments, the payment channel's callback, signed (see
// SignPayment; admit has checked the signature). Paying again with the
// same reference succeeds again without a change, so a channel's retries
// and a replay within the signature's window are harmless. The answer
// tells the channel what it needs to reconcile, and nothing about the
// applicants.
func (h *Handler) pay(c *call) error {
	var body paymentCallback
	if err := decodeJSON(c.body, &body, false, ""); err != nil {
		return err
	}
	b, err := h.engine.Pay(c.r.Context(), body.BillingCode, body.PaymentRef)
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, paymentJSON{
		Code: b.Code, BillingCode: b.BillingCode, State: BookingStateName(b.State), PaymentRef: b.PaymentRef, PayBy: b.PayBy,
	})
	return nil
}

// reply finishes a call that returns a booking: 200 with it, or err.
func reply(c *call, b booking.Booking, err error) error {
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, newBookingJSON(&b))
	return nil
}

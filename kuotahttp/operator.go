package kuotahttp

import (
	"io"
	"net/http"
	"strings"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// The routes of the operator API, as operatorRoutes lists them. An
// operator reads and decides on any booking, whoever holds it; the
// answers name the account (the office may need to reach its holder),
// and still mask every NIK.

// arrivals serves GET /offices/{office}/days/{date}/arrivals?state=: the
// office's bookings of the day, ordered by slot and code, all of them or
// those in the states listed (?state=paid&state=checked-in, or
// ?state=paid,checked-in).
func (h *Handler) arrivals(c *call) error {
	d, err := calendar.ParseDate(c.r.PathValue("date"))
	if err != nil {
		return &inputError{param: "date", err: err}
	}
	want, names, err := stateFilter(c.r.URL.Query()["state"])
	if err != nil {
		return err
	}
	office := c.r.PathValue("office")
	bs, err := h.engine.DayBookings(c.r.Context(), office, d)
	if err != nil {
		return err
	}
	out := arrivalsJSON{Office: office, Date: d, States: names, Bookings: []bookingJSON{}}
	for i := range bs {
		if want == nil || want[bs[i].State] {
			out.Bookings = append(out.Bookings, newOperatorBookingJSON(&bs[i]))
		}
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// stateFilter parses the values of ?state=, each one state or several
// joined by commas, into a set; nil when there are none, which means
// every state. It returns the names in the order given, deduplicated.
func stateFilter(values []string) (map[booking.State]bool, []string, error) {
	var want map[booking.State]bool
	var names []string
	for _, v := range values {
		for name := range strings.SplitSeq(v, ",") {
			s, ok := ParseBookingState(strings.TrimSpace(name))
			if !ok {
				return nil, nil, &inputError{param: "state", detail: "want one of " + bookingStateList(), err: ErrBadParameter}
			}
			if want == nil {
				want = map[booking.State]bool{}
			}
			if !want[s] {
				want[s] = true
				names = append(names, BookingStateName(s))
			}
		}
	}
	return want, names, nil
}

// stats serves GET /stats: the engine's counters, and the offices whose
// booking window reaches a year without holiday data.
func (h *Handler) stats(c *call) error {
	gaps, err := h.engine.HolidayGaps(c.r.Context())
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, operatorStatsJSON{
		statsJSON:   newStatsJSON(h.engine.Stats()),
		HolidayGaps: newHolidayGapsJSON(gaps),
	})
	return nil
}

// operatorStatsJSON is the body of GET /stats: statsJSON's members, and
// holiday_gaps, always a list.
type operatorStatsJSON struct {
	statsJSON
	HolidayGaps []holidayGapJSON `json:"holiday_gaps"`
}

// holidayGapJSON is an office whose booking window reaches into years its
// holiday data does not cover (booking.HolidayGap): its service days
// there stay not opened until the office is registered with the year's
// data. It is a warning, not a broken invariant.
type holidayGapJSON struct {
	Office string `json:"office"`
	Years  []int  `json:"years"`
}

func newHolidayGapsJSON(gaps []booking.HolidayGap) []holidayGapJSON {
	out := make([]holidayGapJSON, 0, len(gaps))
	for _, g := range gaps {
		out = append(out, holidayGapJSON{Office: g.Office, Years: g.Years})
	}
	return out
}

// check serves GET /check: every invariant the engine keeps, swept
// (Engine.Check), one sweep at a time. It answers 200 whatever it finds;
// "ok" says whether it found nothing. Beside the violations it lists the
// holiday gaps, as GET /stats does: warnings, which leave "ok" alone.
func (h *Handler) check(c *call) error {
	release, err := h.acquireHeavy()
	if err != nil {
		return err
	}
	defer release()
	vs, err := h.engine.Check(c.r.Context())
	if err != nil {
		return err
	}
	gaps, err := h.engine.HolidayGaps(c.r.Context())
	if err != nil {
		return err
	}
	out := operatorCheckJSON{
		checkJSON:   checkJSON{OK: len(vs) == 0, Violations: make([]violationJSON, 0, len(vs))},
		HolidayGaps: newHolidayGapsJSON(gaps),
	}
	layouts := map[string]quota.Layout{} // bounded by the offices registered
	for _, v := range vs {
		vj := violationJSON{Office: v.Office, Date: v.Date, Code: v.Code, Problem: v.Problem}
		if !v.Date.IsZero() && v.Office != "" {
			l, ok := layouts[v.Office]
			if !ok {
				if cfg, err := h.engine.Office(c.r.Context(), v.Office); err == nil {
					l = cfg.Quota.Layout
				}
				layouts[v.Office] = l
			}
			if v.Slot >= 0 && v.Slot < len(l.Slots) {
				vj.Slot = quota.FormatClock(l.Slots[v.Slot].Start)
			}
			if v.Pool >= 0 && v.Pool < len(l.Pools) {
				vj.Pool = l.Pools[v.Pool]
			}
		}
		out.Violations = append(out.Violations, vj)
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// operatorCheckJSON is the body of GET /check: checkJSON's members, and
// holiday_gaps.
type operatorCheckJSON struct {
	checkJSON
	HolidayGaps []holidayGapJSON `json:"holiday_gaps"`
}

// acquireHeavy admits one Check or Backup at a time; the second gets
// ErrBusy at once rather than waiting behind the first.
func (h *Handler) acquireHeavy() (release func(), err error) {
	select {
	case h.heavy <- struct{}{}:
		return func() { <-h.heavy }, nil
	default:
		return nil, ErrBusy
	}
}

// backup serves GET /backup: a consistent copy of the engine's file,
// streamed as it is written (Engine.Backup), to open like the original.
// A failure before the first byte is a problem; one after it cuts the
// connection, so that the client sees a broken transfer rather than a
// short file that looks whole.
func (h *Handler) backup(c *call) error {
	release, err := h.acquireHeavy()
	if err != nil {
		return err
	}
	defer release()
	bw := &backupWriter{w: c.w}
	n, err := h.engine.Backup(c.r.Context(), bw)
	if err != nil && !bw.started {
		return err
	}
	if err != nil {
		h.log.ErrorContext(c.r.Context(), "kuotahttp: backup cut short", "bytes", n, "err", err)
		panic(http.ErrAbortHandler)
	}
	h.log.InfoContext(c.r.Context(), "kuotahttp: backup", "operator", c.operator, "bytes", n)
	return nil
}

// backupWriter sends the headers of a backup before its first byte.
type backupWriter struct {
	w       http.ResponseWriter
	started bool
}

func (bw *backupWriter) Write(p []byte) (int, error) {
	if !bw.started {
		bw.started = true
		bw.w.Header().Set("Content-Type", "application/octet-stream")
		bw.w.Header().Set("Content-Disposition", `attachment; filename="kuota-backup.db"`)
		bw.w.Header().Set("Cache-Control", "no-store")
		bw.w.WriteHeader(http.StatusOK)
	}
	return bw.w.Write(p)
}

var _ io.Writer = (*backupWriter)(nil)

// operatorGet serves GET /bookings/{code}: any booking, with its account.
func (h *Handler) operatorGet(c *call) error {
	b, err := h.engine.Get(c.r.Context(), c.r.PathValue("code"))
	return replyOperator(c, b, err)
}

// reject serves POST /bookings/{code}/reject: the office refuses a paid
// or checked-in booking, and the body must say why, {"reason": {"kind":
// …}}; without a kind the engine refuses with ErrBadReason.
func (h *Handler) reject(c *call) error {
	var body reasonBody
	if err := decodeJSON(c.body, &body, false, ""); err != nil {
		return err
	}
	reason, err := body.reason()
	if err != nil {
		return err
	}
	b, err := h.engine.Reject(c.r.Context(), c.r.PathValue("code"), reason)
	if err == nil {
		h.log.InfoContext(c.r.Context(), "kuotahttp: rejected", "operator", c.operator, "code", b.Code, "kind", reasonKindName(reason.Kind))
	}
	return replyOperator(c, b, err)
}

// operatorCheckIn serves POST /bookings/{code}/checkin: the office's
// desk or kiosk scanned the booking's QR code.
func (h *Handler) operatorCheckIn(c *call) error {
	b, err := h.engine.CheckIn(c.r.Context(), c.r.PathValue("code"))
	return replyOperator(c, b, err)
}

// replyOperator finishes an operator call that returns a booking.
func replyOperator(c *call, b booking.Booking, err error) error {
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, newOperatorBookingJSON(&b))
	return nil
}

// newOperatorBookingJSON is newBookingJSON with the account.
func newOperatorBookingJSON(b *booking.Booking) bookingJSON {
	out := newBookingJSON(b)
	out.Account = b.Account
	return out
}

package kuotahttp

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// The JSON shapes of the responses. They are separate from kuota's types
// on purpose: the wire format is this service's contract, and kuota's
// structs may grow fields (or hold a NIK) that must not leak into it.

// officeJSON describes one office.
type officeJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Zone string `json:"zone"` // IANA name, such as "Asia/Jakarta"
	// ZoneAbbr is what people call the zone at the handler's clock, to
	// label the office's times with: "WIB", "WITA", "WIT" (see zoneAbbr).
	// ZoneOffset is the zone's offset from UTC then, in seconds east: with
	// the page's "now" it gives the office's own date, today.
	ZoneAbbr   string           `json:"zone_abbr"`
	ZoneOffset int              `json:"zone_offset"`
	Pools      []string         `json:"pools"` // pool names, in layout order
	Slots      []officeSlotJSON `json:"slots"` // in layout order
	// OpeningWindowSeconds is the office's opening window
	// (booking.OfficeConfig.OpeningWindow): the holds that arrive in
	// this many seconds after a release are drawn in a random order
	// rather than served as they come. Absent for an office without one.
	OpeningWindowSeconds int `json:"opening_window_seconds,omitempty"`
}

// officeSlotJSON is one slot of an office's day. Slot, its start, is the
// slot's name: what a hold or a reschedule sends back.
type officeSlotJSON struct {
	Slot string `json:"slot"` // "08:00"
	Time string `json:"time"` // "08:00–09:00"
}

// newOfficeJSON converts cfg, naming its zone as it is at now.
func newOfficeJSON(cfg booking.OfficeConfig, now time.Time) officeJSON {
	local := now.In(cfg.Quota.Schedule.Location)
	_, offset := local.Zone()
	o := officeJSON{
		Code:       cfg.Code,
		Name:       cfg.Name,
		Zone:       local.Location().String(),
		ZoneAbbr:   zoneAbbr(local),
		ZoneOffset: offset,
		Pools:      cfg.Quota.Layout.Pools,
		// Whole seconds: the window is configured in them ("60s").
		OpeningWindowSeconds: int(cfg.OpeningWindow / time.Second),
	}
	for _, s := range cfg.Quota.Layout.Slots {
		o.Slots = append(o.Slots, officeSlotJSON{Slot: quota.FormatClock(s.Start), Time: s.Span()})
	}
	return o
}

// seatsJSON counts the seats of one pool.
type seatsJSON struct {
	Left     int `json:"left"`
	Capacity int `json:"capacity"`
}

// poolsJSON returns a view's seat counts by pool name, as the view names
// them: every pool of the office for an all-pools view, the one asked for
// in a one-pool view. A client should not need to know the layout's order.
func poolsJSON(seats []quota.PoolSeats) map[string]seatsJSON {
	if seats == nil {
		return nil
	}
	out := make(map[string]seatsJSON, len(seats))
	for _, s := range seats {
		out[s.Pool] = seatsJSON{Left: s.Left, Capacity: s.Capacity}
	}
	return out
}

// dayJSON is one day of a month, or the day of a day view.
type dayJSON struct {
	Date calendar.Date `json:"date"`
	// State is a calendar.State by its wire name ("available", "full",
	// "not-opened", "no-quota", …; see dayStateNames) and Colour its
	// colour: "green", "red", "yellow" or "grey". Yellow is either
	// "not-opened" (it opens at Opens) or "no-quota" (released, but no
	// seat offered).
	State  string `json:"state"`
	Colour string `json:"colour"`
	Reason string `json:"reason,omitempty"`
	// Opens is when the day's quota is released; absent when it was
	// released at once, or the day has no quota table.
	Opens time.Time `json:"opens,omitzero"`
	// DrawCloses is when the opening draw of the day's release closes,
	// for an office with an opening window: the holds that arrive from
	// Opens until then are admitted in the draw's order (GET
	// /offices/{office}/draws/{opens}), after it first come, first
	// served. Absent without a window, or without Opens.
	DrawCloses time.Time            `json:"draw_closes,omitzero"`
	Pools      map[string]seatsJSON `json:"pools,omitempty"`
	Slots      []slotJSON           `json:"slots,omitempty"` // day views only
}

// slotJSON is one slot of a day.
type slotJSON struct {
	Slot   string               `json:"slot"` // its start, "08:00": what a hold sends
	Time   string               `json:"time"` // "08:00–09:00"
	State  string               `json:"state"`
	Colour string               `json:"colour"`
	Reason string               `json:"reason,omitempty"`
	Pools  map[string]seatsJSON `json:"pools"`
}

// newDayJSON converts a view, of all pools (Engine.Day, Engine.Month) or
// of one (Engine.DayIn, Engine.MonthIn): its states are those the engine
// computed for the pools it counts. window is the office's opening
// window, 0 for none.
func newDayJSON(v *quota.DayView, window time.Duration) dayJSON {
	d := dayJSON{
		Date:   v.Date,
		State:  DayStateName(v.State),
		Colour: v.State.Color().String(),
		Reason: v.Reason,
		Opens:  v.Opens, // in the office's zone, or zero
		Pools:  poolsJSON(v.Pools),
	}
	if window > 0 && !v.Opens.IsZero() {
		d.DrawCloses = v.Opens.Add(window)
	}
	for i := range v.Slots {
		sv := &v.Slots[i]
		d.Slots = append(d.Slots, slotJSON{
			Slot:   quota.FormatClock(sv.Start),
			Time:   sv.Span(),
			State:  DayStateName(sv.State),
			Colour: sv.State.Color().String(),
			Reason: sv.Reason,
			Pools:  poolsJSON(sv.Pools),
		})
	}
	return d
}

// monthJSON is an office's calendar for one month.
type monthJSON struct {
	Office string    `json:"office"`
	Month  string    `json:"month"`          // "2026-12"
	Pool   string    `json:"pool,omitempty"` // the ?pool= the states and seats are for
	Days   []dayJSON `json:"days"`
}

// dayPageJSON is one day of an office, with its slots.
type dayPageJSON struct {
	Office string `json:"office"`
	Pool   string `json:"pool,omitempty"`
	dayJSON
}

// bookingJSON is a booking as the account holder sees it. Instants are in
// the office's time zone, as the office's staff and the applicants read
// them; the engine gives them so.
type bookingJSON struct {
	Code        string `json:"code"`
	BillingCode string `json:"billing_code"`
	// Account is set for operators only: the holder knows it, and it is
	// personal data (often an e-mail address or a phone number).
	Account    string        `json:"account,omitempty"`
	Office     string        `json:"office"`
	Date       calendar.Date `json:"date"`
	Slot       string        `json:"slot"`      // its start, "08:00"
	SlotTime   string        `json:"slot_time"` // "08:00–09:00"
	Pool       string        `json:"pool"`
	State      string        `json:"state"` // see bookingStateNames
	Created    time.Time     `json:"created"`
	PaymentRef string        `json:"payment_ref,omitempty"`
	// Queue is the arrival number in the slot (nomor antrian), "B-017",
	// given at payment and anew at a reschedule; absent before payment.
	Queue       string `json:"queue,omitempty"`
	Reschedules int    `json:"reschedules"`
	// ReadyOn is the day the passport is ready for collection
	// (booking.Booking.ReadyOn); absent for a booking that will not be
	// served, or while the day cannot be promised (a year on the way
	// without holiday data).
	ReadyOn calendar.Date `json:"ready_on,omitzero"`
	// DrawTicket, DrawPlace and DrawEntrants are set only in the answer
	// to a hold admitted by an opening draw: its ticket (its place in
	// the order of arrival), its place in the draw (1 went first) and
	// how many entered. Later reads leave them out.
	DrawTicket   int `json:"draw_ticket,omitempty"`
	DrawPlace    int `json:"draw_place,omitempty"`
	DrawEntrants int `json:"draw_entrants,omitempty"`
	// The booking's windows, as the engine's policy sets them; which one
	// applies depends on State (see booking.Booking). Each closes at its
	// instant.
	PayBy         time.Time `json:"pay_by"`
	RescheduleBy  time.Time `json:"reschedule_by"`
	CancelBy      time.Time `json:"cancel_by"`
	CheckInOpens  time.Time `json:"check_in_opens"`
	CheckInCloses time.Time `json:"check_in_closes"`
	// FamilyCard is the family card the hold gave, masked as
	// booking.FamilyCard.String masks it ("31**********0001"), and absent
	// when none was given. Like a NIK it is personal data: the full number
	// is never written back.
	FamilyCard string          `json:"family_card,omitempty"`
	Applicants []applicantJSON `json:"applicants"`
	History    []eventJSON     `json:"history"`
}

// applicantJSON is one applicant. NIK is masked ("31**********0001"): the
// full number is personal data, and the holder typed it in anyway.
type applicantJSON struct {
	NIK  string          `json:"nik"`
	Meta json.RawMessage `json:"meta,omitempty"`
}

// eventJSON is one entry of a booking's history.
type eventJSON struct {
	At     time.Time   `json:"at"`
	State  string      `json:"state"`
	Note   string      `json:"note,omitempty"`
	Reason *reasonJSON `json:"reason,omitempty"` // a cancellation's or rejection's, if it gave one
}

// newBookingJSON converts b.
func newBookingJSON(b *booking.Booking) bookingJSON {
	out := bookingJSON{
		Code:          b.Code,
		BillingCode:   b.BillingCode,
		Office:        b.Office,
		Date:          b.Date,
		Slot:          b.Slot,
		SlotTime:      slotSpan(b),
		Pool:          b.Pool,
		State:         BookingStateName(b.State),
		Created:       b.Created,
		PaymentRef:    b.PaymentRef,
		Queue:         b.Queue.String(),
		Reschedules:   b.Reschedules,
		ReadyOn:       b.ReadyOn,
		DrawTicket:    b.DrawTicket,
		DrawPlace:     b.DrawPlace,
		DrawEntrants:  b.DrawEntrants,
		PayBy:         b.PayBy,
		RescheduleBy:  b.RescheduleBy,
		CancelBy:      b.CancelBy,
		CheckInOpens:  b.CheckInOpens,
		CheckInCloses: b.CheckInCloses,
		Applicants:    make([]applicantJSON, 0, len(b.Applicants)),
		History:       make([]eventJSON, 0, len(b.History)),
	}
	if !b.FamilyCard.IsZero() {
		out.FamilyCard = b.FamilyCard.String() // masked; Digits would give it away
	}
	for _, a := range b.Applicants {
		// String masks the NIK; Digits would give it away.
		out.Applicants = append(out.Applicants, applicantJSON{NIK: a.NIK.String(), Meta: metaJSON(a.Meta)})
	}
	for _, ev := range b.History {
		out.History = append(out.History, eventJSON{At: ev.At, State: BookingStateName(ev.State), Note: ev.Note, Reason: newReasonJSON(ev.Reason)})
	}
	return out
}

// slotSpan formats b's slot as "08:00–09:00", as quota.Slot.Span does,
// from the booking's own instants: the slot's offsets from the local
// midnight that begins its date.
func slotSpan(b *booking.Booking) string {
	midnight := b.Date.Start(b.SlotStart.Location())
	return quota.FormatClock(b.SlotStart.Sub(midnight)) + "–" + quota.FormatClock(b.SlotEnd.Sub(midnight))
}

// accountBookingsJSON is the body of GET /bookings: the account's
// bookings, oldest first, at most AccountBookingsMax of the newest.
type accountBookingsJSON struct {
	Bookings  []bookingJSON `json:"bookings"`
	Truncated bool          `json:"truncated,omitempty"` // older bookings left out
}

// paymentJSON is the answer to a payment callback: what the payment
// channel needs to reconcile, and nothing about the applicants.
type paymentJSON struct {
	Code        string    `json:"code"`
	BillingCode string    `json:"billing_code"`
	State       string    `json:"state"`
	PaymentRef  string    `json:"payment_ref"`
	PayBy       time.Time `json:"pay_by"`
}

// arrivalsJSON is an office's arrival list for one day.
type arrivalsJSON struct {
	Office   string        `json:"office"`
	Date     calendar.Date `json:"date"`
	States   []string      `json:"states,omitempty"` // the ?state= filter, if any
	Bookings []bookingJSON `json:"bookings"`
}

// statsJSON is booking.Stats for operators. Durations are in seconds.
type statsJSON struct {
	Bookings          map[string]int `json:"bookings"` // by state name
	Total             int            `json:"total"`
	Durable           bool           `json:"durable"`
	PendingWrites     int            `json:"pending_writes"`
	Commits           uint64         `json:"commits"`
	Changes           uint64         `json:"changes"`
	AvgBatch          float64        `json:"avg_batch"`
	LastCommitSeconds float64        `json:"last_commit_seconds"`
	LastSyncSeconds   float64        `json:"last_sync_seconds"`
	Failing           bool           `json:"failing"`
	StorageError      string         `json:"storage_error,omitempty"`
	Retries           uint64         `json:"retries"`
	Standby           bool           `json:"standby"`
	Followed          uint64         `json:"followed"`
}

func newStatsJSON(s booking.Stats) statsJSON {
	out := statsJSON{
		Bookings:          make(map[string]int, len(s.Bookings)),
		Total:             s.Total,
		Durable:           s.Durable,
		PendingWrites:     s.PendingWrites,
		Commits:           s.Commits,
		Changes:           s.Changes,
		AvgBatch:          s.AvgBatch,
		LastCommitSeconds: s.LastCommit.Seconds(),
		LastSyncSeconds:   s.LastSync.Seconds(),
		Failing:           s.Failing,
		Retries:           s.Retries,
		Standby:           s.Standby,
		Followed:          s.Followed,
	}
	for state, n := range s.Bookings {
		out.Bookings[BookingStateName(state)] = n
	}
	if s.StorageErr != nil {
		out.StorageError = s.StorageErr.Error()
	}
	return out
}

// checkJSON is the body of GET /check.
type checkJSON struct {
	OK         bool            `json:"ok"`
	Violations []violationJSON `json:"violations"`
}

// violationJSON is one broken invariant, with the slot and pool by name
// when the office's layout names them.
type violationJSON struct {
	Office  string        `json:"office,omitempty"`
	Date    calendar.Date `json:"date,omitzero"`
	Slot    string        `json:"slot,omitempty"`
	Pool    string        `json:"pool,omitempty"`
	Code    string        `json:"code,omitempty"`
	Problem string        `json:"problem"`
}

// indonesianZoneAbbrs are the names people use for Indonesia's zones. A
// host without a time zone database has no abbreviations (package
// calendar falls back to fixed zones named after the IANA zone), so
// these are looked up by the zone's name rather than asked of the zone.
var indonesianZoneAbbrs = map[string]string{
	calendar.ZoneJakarta:   "WIB",
	calendar.ZonePontianak: "WIB",
	calendar.ZoneMakassar:  "WITA",
	calendar.ZoneJayapura:  "WIT",
}

// zoneAbbr returns the abbreviation of t's zone at t, to label a time of
// day with: WIB, WITA or WIT for Indonesia's zones, else the time zone
// database's ("CET", "UTC"), or the offset ("UTC+03:00") when the
// database has only a number ("+03") or the zone is a fixed one named
// after an IANA name.
func zoneAbbr(t time.Time) string {
	if abbr, ok := indonesianZoneAbbrs[t.Location().String()]; ok {
		return abbr
	}
	name, offset := t.Zone()
	if name != "" && !strings.ContainsAny(name, "/+-0123456789") {
		return name
	}
	sign := '+'
	if offset < 0 {
		sign, offset = '-', -offset
	}
	return fmt.Sprintf("UTC%c%02d:%02d", sign, offset/3600, offset%3600/60)
}

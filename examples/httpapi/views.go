package main

import (
	"encoding/json"
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
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Zone  string   `json:"zone"`  // IANA name, such as "Asia/Jakarta"
	Pools []string `json:"pools"` // pool names, in layout order
	Slots []string `json:"slots"` // "08:00–09:00"; the index is the slot number
}

func newOfficeJSON(cfg booking.OfficeConfig) officeJSON {
	o := officeJSON{
		Code:  cfg.Code,
		Name:  cfg.Name,
		Zone:  cfg.Quota.Schedule.Location.String(),
		Pools: cfg.Quota.Layout.Pools,
	}
	for _, s := range cfg.Quota.Layout.Slots {
		o.Slots = append(o.Slots, s.Span())
	}
	return o
}

// seatsJSON counts the seats of one pool.
type seatsJSON struct {
	Left     int `json:"left"`
	Capacity int `json:"capacity"`
}

// poolsJSON names a view's seat counts. kuota lists them by index, in the
// order of the office's Layout.Pools; a client should not need to know
// that order. A day outside the quota table has none (nil).
func poolsJSON(names []string, seats []quota.PoolSeats) map[string]seatsJSON {
	if seats == nil {
		return nil
	}
	out := make(map[string]seatsJSON, len(seats))
	// min: a layout that grew since names was read has more pools than
	// names; the new ones show up in the next request.
	for i := range min(len(names), len(seats)) {
		out[names[i]] = seatsJSON{Left: seats[i].Left, Capacity: seats[i].Capacity}
	}
	return out
}

// dayJSON is one day of a month, or the day of a day view.
type dayJSON struct {
	Date   calendar.Date `json:"date"`
	State  string        `json:"state"`  // calendar.State, such as "not opened"
	Colour string        `json:"colour"` // "green", "red", "yellow" or "grey"
	Reason string        `json:"reason,omitempty"`
	// Opens is when the day's quota is released; absent when it was
	// released at once, or the day has no quota table.
	Opens time.Time            `json:"opens,omitzero"`
	Pools map[string]seatsJSON `json:"pools,omitempty"`
	Slots []slotJSON           `json:"slots,omitempty"` // day views only
}

// slotJSON is one slot of a day.
type slotJSON struct {
	Slot   int                  `json:"slot"`
	Time   string               `json:"time"` // "08:00–09:00"
	State  string               `json:"state"`
	Colour string               `json:"colour"`
	Reason string               `json:"reason,omitempty"`
	Pools  map[string]seatsJSON `json:"pools"`
}

// newDayJSON converts a view. With pool ≥ 0 the states are those seen by
// someone booking in that pool (red when it is full even though another
// pool has seats); with pool < 0 they are over all pools.
func newDayJSON(v *quota.DayView, cfg *booking.OfficeConfig, pool int) dayJSON {
	names := cfg.Quota.Layout.Pools
	state := v.StateIn(pool) // v.State when pool < 0
	d := dayJSON{
		Date:   v.Date,
		State:  state.String(),
		Colour: state.Color().String(),
		Reason: v.Reason,
		Pools:  poolsJSON(names, v.Pools),
	}
	if !v.Opens.IsZero() {
		d.Opens = v.Opens.In(cfg.Quota.Schedule.Location)
	}
	for i := range v.Slots {
		sv := &v.Slots[i]
		state := sv.StateIn(pool)
		d.Slots = append(d.Slots, slotJSON{
			Slot:   sv.Slot,
			Time:   sv.Span(),
			State:  state.String(),
			Colour: state.Color().String(),
			Reason: sv.Reason,
			Pools:  poolsJSON(names, sv.Pools),
		})
	}
	return d
}

// monthJSON is an office's calendar for one month.
type monthJSON struct {
	Office string    `json:"office"`
	Month  string    `json:"month"`          // "2026-12"
	Pool   string    `json:"pool,omitempty"` // the ?pool= the states are for
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
// them.
type bookingJSON struct {
	Code        string          `json:"code"`
	BillingCode string          `json:"billing_code"`
	Office      string          `json:"office"`
	Date        calendar.Date   `json:"date"`
	Slot        int             `json:"slot"`
	SlotTime    string          `json:"slot_time,omitempty"` // "08:00–09:00"
	Pool        string          `json:"pool"`
	State       string          `json:"state"`
	Created     time.Time       `json:"created"`
	PayBy       time.Time       `json:"pay_by"`
	PaymentRef  string          `json:"payment_ref,omitempty"`
	Reschedules int             `json:"reschedules"`
	Applicants  []applicantJSON `json:"applicants"`
	History     []eventJSON     `json:"history"`
}

// applicantJSON is one applicant. NIK is masked ("31**********0001"): the
// full number is personal data, and the holder typed it in anyway.
type applicantJSON struct {
	NIK  string          `json:"nik"`
	Meta json.RawMessage `json:"meta,omitempty"`
}

// eventJSON is one entry of a booking's history.
type eventJSON struct {
	At    time.Time `json:"at"`
	State string    `json:"state"`
	Note  string    `json:"note,omitempty"`
}

// newBookingJSON converts b. cfg is the booking's office, for its time
// zone and slot times; nil leaves instants in UTC and the slot time out.
func newBookingJSON(b *booking.Booking, cfg *booking.OfficeConfig) bookingJSON {
	loc := time.UTC
	out := bookingJSON{
		Code:        b.Code,
		BillingCode: b.BillingCode,
		Office:      b.Office,
		Date:        b.Date,
		Slot:        b.Slot,
		Pool:        b.Pool,
		State:       b.State.String(),
		PaymentRef:  b.PaymentRef,
		Reschedules: b.Reschedules,
		Applicants:  make([]applicantJSON, 0, len(b.Applicants)),
		History:     make([]eventJSON, 0, len(b.History)),
	}
	if cfg != nil {
		loc = cfg.Quota.Schedule.Location
		if slots := cfg.Quota.Layout.Slots; b.Slot < len(slots) {
			out.SlotTime = slots[b.Slot].Span()
		}
	}
	out.Created, out.PayBy = b.Created.In(loc), b.PayBy.In(loc)
	for _, a := range b.Applicants {
		// String masks the NIK; Digits would give it away.
		out.Applicants = append(out.Applicants, applicantJSON{NIK: a.NIK.String(), Meta: metaJSON(a.Meta)})
	}
	for _, ev := range b.History {
		out.History = append(out.History, eventJSON{At: ev.At.In(loc), State: ev.State.String(), Note: ev.Note})
	}
	return out
}

package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestHold(t *testing.T) {
	s := newTestService(t, nil)
	body := `{
		"account": "a1",
		"office": "JKT-SEL",
		"date": "2026-11-10",
		"slot": 1,
		"pool": "online",
		"applicants": [
			{"nik": "3171010101900001", "meta": {"name": "Budi", "passport": "48 pages"}},
			{"nik": "3171014101900003"}
		]
	}`
	rec := s.do(http.MethodPost, "/api/holds", body)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())

	var b bookingJSON
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &b))
	require.Equal(t, "/api/bookings/"+b.Code, rec.Header().Get("Location"))
	require.Len(t, b.Code, 10)
	require.Len(t, b.BillingCode, 15)
	require.Equal(t, "JKT-SEL", b.Office)
	require.Equal(t, dayOpen, b.Date.String())
	require.Equal(t, 1, b.Slot)
	require.Equal(t, "09:00–10:00", b.SlotTime)
	require.Equal(t, "online", b.Pool)
	require.Equal(t, "held", b.State)
	require.Empty(t, b.PaymentRef)
	require.True(t, b.PayBy.Equal(t0.Add(2*time.Hour)), "pay_by %v", b.PayBy)

	// Instants are written in the office's zone; NIKs masked; metadata
	// comes back as JSON, compacted.
	require.Contains(t, rec.Body.String(), `"pay_by":"2026-11-02T11:00:00+07:00"`)
	require.Equal(t, []applicantJSON{
		{NIK: "31**********0001", Meta: json.RawMessage(`{"name":"Budi","passport":"48 pages"}`)},
		{NIK: "31**********0003"},
	}, b.Applicants)
	require.Equal(t, []eventJSON{{At: t0.UTC(), State: "held"}}, inUTC(b.History))

	// The seats are taken.
	var day dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen, &day)
	require.Equal(t, seatsJSON{Left: 8, Capacity: 10}, day.Slots[1].Pools["online"])
}

// inUTC returns a copy of h with its instants in UTC, to compare with
// require.Equal: the same instant in two zones is not equal as a value.
func inUTC(h []eventJSON) []eventJSON {
	out := make([]eventJSON, len(h))
	for i, ev := range h {
		ev.At = ev.At.UTC()
		out[i] = ev
	}
	return out
}

func TestHoldIdempotentReplay(t *testing.T) {
	s := newTestService(t, nil)
	body := func(slot int) string {
		return mustJSON(map[string]any{
			"account": "a1", "office": "JKT-SEL", "date": dayOpen, "slot": slot, "pool": "online",
			"applicants":      []map[string]any{{"nik": niks[0]}},
			"idempotency_key": "7b0d0c9e-retry-me",
		})
	}
	first := s.post("/api/holds", body(1), http.StatusCreated)
	// A retry, as after a lost response: the same booking, no new seats
	// taken, and no "too many holds" for the account's one hold.
	again := s.post("/api/holds", body(1), http.StatusCreated)
	require.Equal(t, first, again)

	var day dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen, &day)
	require.Equal(t, 9, day.Slots[1].Pools["online"].Left)

	// The same key for a different request is refused.
	rec := s.do(http.MethodPost, "/api/holds", body(2))
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, rec.Body.String(), `"code":"idempotency_conflict"`)
}

func TestPayIsIdempotent(t *testing.T) {
	s := newTestService(t, nil)
	held := s.hold("a1", dayOpen, 1, "online", niks[0])
	paid := s.pay(held, "GW-0001")
	require.Equal(t, "paid", paid.State)
	require.Equal(t, "GW-0001", paid.PaymentRef)
	// A gateway that calls back twice gets the same answer twice.
	require.Equal(t, paid, s.pay(held, "GW-0001"))
}

func TestCancel(t *testing.T) {
	s := newTestService(t, nil)
	held := s.hold("a1", dayOpen, 1, "online", niks[0], niks[1])
	paid := s.pay(held, "GW-0001")

	got := s.post("/api/bookings/"+paid.Code+"/cancel", "", http.StatusOK)
	require.Equal(t, "cancelled", got.State)

	// The seats are back, and the account may hold again.
	var day dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen, &day)
	require.Equal(t, 10, day.Slots[1].Pools["online"].Left)
	s.hold("a1", dayOpen, 1, "online", niks[0])
}

// TestFlow walks one booking through its life: hold, pay, reschedule,
// check in, and reads it back.
func TestFlow(t *testing.T) {
	s := newTestService(t, nil)
	held := s.hold("a1", dayOpen, 1, "online", niks[0])
	paid := s.pay(held, "GW-0001")
	require.Equal(t, "paid", paid.State)

	moved := s.post("/api/bookings/"+held.Code+"/reschedule", `{"date":"2026-11-11","slot":3}`, http.StatusOK)
	require.Equal(t, dayOpen2, moved.Date.String())
	require.Equal(t, 3, moved.Slot)
	require.Equal(t, "11:00–12:00", moved.SlotTime)
	require.Equal(t, 1, moved.Reschedules)

	s.clock.Set(t3) // 2026-11-11 10:30: check-in opened at 10:00
	in := s.post("/api/bookings/"+held.Code+"/checkin", "", http.StatusOK)
	require.Equal(t, "checked in", in.State)

	var got bookingJSON
	s.getJSON("/api/bookings/"+strings.ToLower(held.Code), &got) // codes forgive case
	require.Equal(t, held.Code, got.Code)
	require.Equal(t, held.BillingCode, got.BillingCode)
	require.Equal(t, "checked in", got.State)
	require.Equal(t, "GW-0001", got.PaymentRef)
	require.Equal(t, []applicantJSON{{NIK: "31**********0001"}}, got.Applicants)
	require.Equal(t, []eventJSON{
		{At: t0.UTC(), State: "held"},
		{At: t0.UTC(), State: "paid"},
		{At: t0.UTC(), State: "paid", Note: "rescheduled from 2026-11-10 09:00–10:00"},
		{At: t3.UTC(), State: "checked in"},
	}, inUTC(got.History))
	for _, ev := range got.History {
		require.Equal(t, "+07:00", ev.At.Format("-07:00"), "history in office time")
	}
}

package kuotahttp

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

func TestHold(t *testing.T) {
	s := newTestService(t, nil)
	body := `{
		"account": "a1",
		"office": "JKT-SEL",
		"date": "2026-11-10",
		"slot": "09:00",
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
	require.Equal(t, kt.Slot1, b.Slot)
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
	body := func(slot string) string {
		return mustJSON(map[string]any{
			"account": "a1", "office": "JKT-SEL", "date": dayOpen, "slot": slot, "pool": "online",
			"applicants":      []map[string]any{{"nik": niks[0]}},
			"idempotency_key": "7b0d0c9e-retry-me",
		})
	}
	first := s.post("/api/holds", body("09:00"), http.StatusCreated)
	// A retry, as after a lost response: the same booking, no new seats
	// taken, and no "too many holds" for the account's one hold.
	again := s.post("/api/holds", body("09:00"), http.StatusCreated)
	require.Equal(t, first, again)

	var day dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen, &day)
	require.Equal(t, 9, day.Slots[1].Pools["online"].Left)

	// The same key for a different request is refused.
	rec := s.do(http.MethodPost, "/api/holds", body("10:00"))
	require.Equal(t, http.StatusConflict, rec.Code)
	require.Contains(t, rec.Body.String(), `"code":"idempotency_conflict"`)
}

func TestPayIsIdempotent(t *testing.T) {
	s := newTestService(t, nil)
	held := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
	paid := s.pay(held, "GW-0001")
	require.Equal(t, "paid", paid.State)
	require.Equal(t, "GW-0001", paid.PaymentRef)
	// A gateway that calls back twice gets the same answer twice.
	require.Equal(t, paid, s.pay(held, "GW-0001"))
}

func TestCancel(t *testing.T) {
	s := newTestService(t, nil)
	held := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0], niks[1])
	paid := s.pay(held, "GW-0001")

	got := s.post("/api/bookings/"+paid.Code+"/cancel", "", http.StatusOK)
	require.Equal(t, "cancelled", got.State)
	// No body, no reason.
	require.Equal(t, eventJSON{At: t0.UTC(), State: "cancelled"}, inUTC(got.History)[2])

	// The seats are back, and the account may hold again.
	var day dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen, &day)
	require.Equal(t, 10, day.Slots[1].Pools["online"].Left)
	s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
}

// TestFlow walks one booking through its life: hold, pay, reschedule,
// check in, and reads it back.
func TestFlow(t *testing.T) {
	s := newTestService(t, nil)
	held := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
	paid := s.pay(held, "GW-0001")
	require.Equal(t, "paid", paid.State)

	moved := s.post("/api/bookings/"+held.Code+"/reschedule", `{"date":"2026-11-11","slot":"11:00"}`, http.StatusOK)
	require.Equal(t, dayOpen2, moved.Date.String())
	require.Equal(t, "11:00", moved.Slot)
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

// TestBookingWindows checks the windows a booking carries, as the demo's
// default policy sets them for a 09:00 slot on 2026-11-10, in office time.
func TestBookingWindows(t *testing.T) {
	s := newTestService(t, nil)
	held := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])

	var got map[string]any // the wire form, to see the names and the zone
	s.getJSON("/api/bookings/"+held.Code, &got)
	for name, want := range map[string]string{
		"pay_by":          "2026-11-02T11:00:00+07:00", // two hours after t0
		"reschedule_by":   "2026-11-10T00:00:00+07:00", // the end of H-1
		"cancel_by":       "2026-11-09T00:00:00+07:00", // the end of H-2
		"check_in_opens":  "2026-11-10T08:00:00+07:00", // an hour before the slot
		"check_in_closes": "2026-11-10T10:00:00+07:00", // the slot's end
	} {
		require.Equal(t, want, got[name], name)
	}

	// The windows move with the booking.
	paid := s.pay(held, "GW-0001")
	moved := s.post("/api/bookings/"+paid.Code+"/reschedule", `{"date":"2026-11-11","slot":"11:00"}`, http.StatusOK)
	require.Equal(t, "2026-11-11T00:00:00+07:00", moved.RescheduleBy.Format(time.RFC3339))
	require.Equal(t, "2026-11-10T00:00:00+07:00", moved.CancelBy.Format(time.RFC3339))
	require.Equal(t, "2026-11-11T10:00:00+07:00", moved.CheckInOpens.Format(time.RFC3339))
	require.Equal(t, "2026-11-11T12:00:00+07:00", moved.CheckInCloses.Format(time.RFC3339))
}

// TestHoldFamilyCard holds with a family card: it is kept, and shown only
// masked; a hold without one shows none.
func TestHoldFamilyCard(t *testing.T) {
	s := newTestService(t, nil)
	body := mustJSON(map[string]any{
		"account": "a1", "office": "JKT-SEL", "date": dayOpen, "slot": kt.Slot1, "pool": "online",
		"applicants":  []map[string]any{{"nik": niks[0]}, {"nik": niks[2]}},
		"family_card": familyCard,
	})
	held := s.post("/api/holds", body, http.StatusCreated)
	require.Equal(t, familyCardMasked, held.FamilyCard)

	rec := s.do(http.MethodGet, "/api/bookings/"+held.Code, "")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Body.String(), `"family_card":"`+familyCardMasked+`"`)
	b, err := s.engine.Get(t.Context(), held.Code)
	require.NoError(t, err)
	require.Equal(t, familyCardDigits, b.FamilyCard.Digits(), "kept in full by the engine")

	// Without one, the field is left out.
	rec = s.do(http.MethodPost, "/api/holds", holdJSON("a2", dayOpen, kt.Slot1, "online", niks[1]))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.NotContains(t, rec.Body.String(), "family_card")
}

// TestCancelWithReason cancels with a reason, which the history keeps.
func TestCancelWithReason(t *testing.T) {
	s := newTestService(t, nil)
	held := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
	got := s.post("/api/bookings/"+held.Code+"/cancel", `{"reason":{"kind":"other","text":"travel plans changed"}}`, http.StatusOK)
	require.Equal(t, "cancelled", got.State)
	require.Equal(t, eventJSON{
		At: t0.UTC(), State: "cancelled", Note: "travel plans changed",
		Reason: &reasonJSON{Kind: reasonKind(booking.ReasonOther), Text: "travel plans changed"},
	}, inUTC(got.History)[1])

	// An empty object is no reason, as no body is.
	held = s.hold("a1", dayOpen, kt.Slot1, "online", niks[1])
	got = s.post("/api/bookings/"+held.Code+"/cancel", `{}`, http.StatusOK)
	require.Nil(t, got.History[1].Reason)
}

// TestReject walks the office's refusal: a kind is required, and the
// history keeps the reason in the API's words.
func TestReject(t *testing.T) {
	s := newTestService(t, nil)
	b := s.pay(s.hold("a1", dayOpen, kt.Slot1, "online", niks[0]), "GW-0001")

	tests := []struct {
		name       string
		give       string
		wantStatus int
		wantCode   string
	}{
		{"no body", "", 400, "bad_json"},
		{"no reason", `{}`, 422, "bad_reason"},
		{"no kind", `{"reason":{"text":"why"}}`, 422, "bad_reason"},
		{"unknown kind", `{"reason":{"kind":"vip"}}`, 422, "bad_reason"},
		{"text too long", mustJSON(map[string]any{"reason": map[string]string{"kind": "other", "text": strings.Repeat("x", booking.ReasonBytesMax+1)}}), 422, "bad_reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.with(t).do(http.MethodPost, "/api/bookings/"+b.Code+"/reject", tt.give)
			require.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			require.Contains(t, rec.Body.String(), `"code":"`+tt.wantCode+`"`)
		})
	}

	got := s.post("/api/bookings/"+b.Code+"/reject", `{"reason":{"kind":"migrant-worker","text":"no work visa"}}`, http.StatusOK)
	require.Equal(t, "rejected", got.State)
	require.Equal(t, "GW-0001", got.PaymentRef, "the payment stays on record")
	last := got.History[len(got.History)-1]
	require.Equal(t, "rejected", last.State)
	require.Equal(t, &reasonJSON{Kind: reasonKind(booking.ReasonMigrantWorker), Text: "no work visa"}, last.Reason)

	var wire map[string]any
	s.getJSON("/api/bookings/"+b.Code, &wire)
	history := wire["history"].([]any)
	require.Equal(t, map[string]any{"kind": "migrant-worker", "text": "no work visa"}, history[len(history)-1].(map[string]any)["reason"])

	// The seats are back.
	var day dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen+"?pool=online", &day)
	require.Equal(t, seatsJSON{Left: 10, Capacity: 10}, day.Slots[1].Pools["online"])
}

// TestReasonKindNames checks that the API names every kind of
// booking.ReasonKind but none, each once, and reads back what it writes.
func TestReasonKindNames(t *testing.T) {
	seen := map[string]bool{}
	for k := booking.ReasonNone + 1; !strings.HasPrefix(k.String(), "ReasonKind("); k++ {
		name, err := reasonKind(k).MarshalText()
		require.NoError(t, err)
		require.NotEqual(t, reasonKindUnknown, string(name), "booking.%v has no API name", k)
		require.False(t, seen[string(name)], "%q names two kinds", name)
		seen[string(name)] = true

		var back reasonKind
		require.NoError(t, back.UnmarshalText(name))
		require.Equal(t, reasonKind(k), back)
	}
	require.Len(t, seen, len(reasonKindNames))
	var k reasonKind
	require.ErrorIs(t, k.UnmarshalText([]byte("none")), booking.ErrBadReason)
	require.ErrorIs(t, k.UnmarshalText(nil), booking.ErrBadReason)
}

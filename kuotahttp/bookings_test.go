package kuotahttp

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

func TestHold(t *testing.T) {
	s := newTestService(t, nil, nil)
	body := `{
		"office": "JKT",
		"date": "2026-12-10",
		"slot": "09:00",
		"pool": "online",
		"applicants": [
			{"nik": "3171010101900001", "meta": {"name": "Budi", "passport": "48 pages"}},
			{"nik": "3171014101900003"}
		]
	}`
	rec := s.as("a1").do(http.MethodPost, "/holds", body)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))

	var b bookingJSON
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &b))
	// Relative to …/holds, so it holds under any prefix.
	require.Equal(t, "bookings/"+b.Code, rec.Header().Get("Location"))
	require.Len(t, b.Code, 10)
	require.Len(t, b.BillingCode, 15)
	require.Empty(t, b.Account, "the holder knows their account")
	require.Equal(t, kt.Office, b.Office)
	require.Equal(t, dayArrival, b.Date.String())
	require.Equal(t, kt.Slot1, b.Slot)
	require.Equal(t, "09:00–10:00", b.SlotTime)
	require.Equal(t, kt.Online, b.Pool)
	require.Equal(t, "held", b.State)
	require.Empty(t, b.PaymentRef)
	require.True(t, b.PayBy.Equal(kt.T1.Add(2*time.Hour)), "pay_by %v", b.PayBy)

	// Instants are written in the office's zone; NIKs masked; metadata
	// comes back as JSON, compacted.
	require.Contains(t, rec.Body.String(), `"pay_by":"2026-11-01T11:00:00+07:00"`)
	require.Equal(t, []applicantJSON{
		{NIK: "31**********0001", Meta: json.RawMessage(`{"name":"Budi","passport":"48 pages"}`)},
		{NIK: "31**********0003"},
	}, b.Applicants)
	require.Equal(t, []eventJSON{{At: kt.T1.UTC(), State: "held"}}, inUTC(b.History))

	// The booking is the account's, as the hook named it.
	got, err := s.engine.Get(t.Context(), b.Code)
	require.NoError(t, err)
	require.Equal(t, "a1", got.Account)

	// The seats are taken.
	var day dayPageJSON
	s.as("a1").getJSON("/offices/JKT/days/"+dayArrival, &day)
	require.Equal(t, seatsJSON{Left: 3, Capacity: 5}, day.Slots[1].Pools[kt.Online])
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
	s := newTestService(t, nil, nil)
	body := func(slot string) string {
		return mustJSON(map[string]any{
			"office": kt.Office, "date": dayArrival, "slot": slot, "pool": kt.Online,
			"applicants":      []map[string]any{{"nik": niks[0]}},
			"idempotency_key": "7b0d0c9e-retry-me",
		})
	}
	a1 := s.as("a1")
	first := a1.post("/holds", body(kt.Slot0), http.StatusCreated)
	// A retry, as after a lost response: the same booking, no new seats
	// taken.
	again := a1.post("/holds", body(kt.Slot0), http.StatusCreated)
	require.Equal(t, first, again)

	var day dayPageJSON
	a1.getJSON("/offices/JKT/days/"+dayArrival, &day)
	require.Equal(t, 4, day.Slots[0].Pools[kt.Online].Left)

	// The same key for a different request is refused.
	p := requireProblem(t, a1.do(http.MethodPost, "/holds", body(kt.Slot1)), http.StatusConflict, "idempotency-conflict")
	require.Equal(t, "/idempotency_key", p.Field)

	// Keys are the account's own: another account's key is another key.
	s.as("a2").post("/holds", mustJSON(map[string]any{
		"office": kt.Office, "date": dayArrival, "slot": kt.Slot1, "pool": kt.Online,
		"applicants": []map[string]any{{"nik": niks[1]}}, "idempotency_key": "7b0d0c9e-retry-me",
	}), http.StatusCreated)
}

func TestPayments(t *testing.T) {
	s := newTestService(t, nil, nil)
	held := s.as("a1").hold(dayArrival, kt.Slot1, kt.Online, niks[0])

	rec := s.payRaw(held.BillingCode, "GW-0001")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	// The payment channel learns what it needs to reconcile, and nothing
	// about the applicants.
	var got map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	require.Equal(t, map[string]any{
		"code": held.Code, "billing_code": held.BillingCode, "state": "paid", "payment_ref": "GW-0001",
		"pay_by": "2026-11-01T11:00:00+07:00",
	}, got)

	// A channel that calls back twice gets the same answer twice, and
	// nothing changes: a replay within the window is harmless.
	again := s.payRaw(held.BillingCode, "GW-0001")
	require.Equal(t, http.StatusOK, again.Code)
	require.Equal(t, rec.Body.String(), again.Body.String())
	paid := s.read(held.Code)
	require.Equal(t, "paid", paid.State)
	require.Len(t, paid.History, 2)

	// Another reference is another payment, refused.
	requireProblem(t, s.payRaw(held.BillingCode, "GW-0002"), http.StatusConflict, "already-paid")
}

func TestCancel(t *testing.T) {
	s := newTestService(t, nil, nil)
	a1 := s.as("a1")
	paid := s.pay(a1.hold(dayArrival, kt.Slot1, kt.Online, niks[0], niks[1]), "GW-0001")

	got := a1.post("/bookings/"+paid.Code+"/cancel", "", http.StatusOK)
	require.Equal(t, "cancelled", got.State)
	// No body, no reason.
	require.Equal(t, eventJSON{At: kt.T1.UTC(), State: "cancelled"}, inUTC(got.History)[2])

	// The seats are back, and the NIKs may book again.
	var day dayPageJSON
	a1.getJSON("/offices/JKT/days/"+dayArrival, &day)
	require.Equal(t, 5, day.Slots[1].Pools[kt.Online].Left)
	a1.hold(dayArrival, kt.Slot1, kt.Online, niks[0])
}

// TestFlow walks one booking through its life: hold, pay, reschedule,
// check in, and reads it back.
func TestFlow(t *testing.T) {
	s := newTestService(t, nil, nil)
	a1 := s.as("a1")
	held := a1.hold(dayArrival, kt.Slot1, kt.Online, niks[0])
	paid := s.pay(held, "GW-0001")
	require.Equal(t, "paid", paid.State)

	moved := a1.post("/bookings/"+held.Code+"/reschedule", `{"date":"2026-12-11","slot":"08:00"}`, http.StatusOK)
	require.Equal(t, dayArrival2, moved.Date.String())
	require.Equal(t, kt.Slot0, moved.Slot)
	require.Equal(t, "08:00–09:00", moved.SlotTime)
	require.Equal(t, 1, moved.Reschedules)

	checkIn := time.Date(2026, 12, 11, 7, 30, 0, 0, kt.WIB) // check-in opened at 07:00
	s.clock.Set(checkIn)
	in := a1.post("/bookings/"+held.Code+"/checkin", "", http.StatusOK)
	require.Equal(t, "checked-in", in.State)

	var got bookingJSON
	a1.getJSON("/bookings/"+strings.ToLower(held.Code), &got) // codes forgive case
	require.Equal(t, held.Code, got.Code)
	require.Equal(t, held.BillingCode, got.BillingCode)
	require.Equal(t, "checked-in", got.State)
	require.Equal(t, "GW-0001", got.PaymentRef)
	require.Equal(t, []applicantJSON{{NIK: "31**********0001"}}, got.Applicants)
	require.Equal(t, []eventJSON{
		{At: kt.T1.UTC(), State: "held"},
		{At: kt.T1.UTC(), State: "paid"},
		{At: kt.T1.UTC(), State: "paid", Note: "rescheduled from 2026-12-10 09:00–10:00"},
		{At: checkIn.UTC(), State: "checked-in"},
	}, inUTC(got.History))
	for _, ev := range got.History {
		require.Equal(t, "+07:00", ev.At.Format("-07:00"), "history in office time")
	}
}

// TestBookingWindows checks the windows a booking carries, as the
// default policy sets them for a 09:00 slot on 2026-12-10, in office time.
func TestBookingWindows(t *testing.T) {
	s := newTestService(t, nil, nil)
	a1 := s.as("a1")
	held := a1.hold(dayArrival, kt.Slot1, kt.Online, niks[0])

	var got map[string]any // the wire form, to see the names and the zone
	a1.getJSON("/bookings/"+held.Code, &got)
	for name, want := range map[string]string{
		"pay_by":          "2026-11-01T11:00:00+07:00", // two hours after kt.T1
		"reschedule_by":   "2026-12-10T00:00:00+07:00", // the end of H-1
		"cancel_by":       "2026-12-09T00:00:00+07:00", // the end of H-2
		"check_in_opens":  "2026-12-10T08:00:00+07:00", // an hour before the slot
		"check_in_closes": "2026-12-10T10:00:00+07:00", // the slot's end
	} {
		require.Equal(t, want, got[name], name)
	}

	// The windows move with the booking.
	paid := s.pay(held, "GW-0001")
	moved := a1.post("/bookings/"+paid.Code+"/reschedule", `{"date":"2026-12-11","slot":"08:00"}`, http.StatusOK)
	require.Equal(t, "2026-12-11T00:00:00+07:00", moved.RescheduleBy.Format(time.RFC3339))
	require.Equal(t, "2026-12-10T00:00:00+07:00", moved.CancelBy.Format(time.RFC3339))
	require.Equal(t, "2026-12-11T07:00:00+07:00", moved.CheckInOpens.Format(time.RFC3339))
	require.Equal(t, "2026-12-11T09:00:00+07:00", moved.CheckInCloses.Format(time.RFC3339))
}

// TestHoldFamilyCard holds with a family card: it is kept, and shown only
// masked; a hold without one shows none.
func TestHoldFamilyCard(t *testing.T) {
	s := newTestService(t, nil, nil)
	body := mustJSON(map[string]any{
		"office": kt.Office, "date": dayArrival, "slot": kt.Slot1, "pool": kt.Online,
		"applicants":  []map[string]any{{"nik": niks[0]}, {"nik": niks[2]}},
		"family_card": familyCard,
	})
	a1 := s.as("a1")
	held := a1.post("/holds", body, http.StatusCreated)
	require.Equal(t, familyCardMasked, held.FamilyCard)

	rec := a1.do(http.MethodGet, "/bookings/"+held.Code, "")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Contains(t, rec.Body.String(), `"family_card":"`+familyCardMasked+`"`)
	b, err := s.engine.Get(t.Context(), held.Code)
	require.NoError(t, err)
	require.Equal(t, familyCardDigits, b.FamilyCard.Digits(), "kept in full by the engine")

	// Without one, the member is left out.
	rec = s.as("a2").do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot1, kt.Online, niks[1]))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.NotContains(t, rec.Body.String(), "family_card")
}

// TestCancelWithReason cancels with a reason, which the history keeps.
func TestCancelWithReason(t *testing.T) {
	s := newTestService(t, nil, nil)
	a1 := s.as("a1")
	held := a1.hold(dayArrival, kt.Slot1, kt.Online, niks[0])
	got := a1.post("/bookings/"+held.Code+"/cancel", `{"reason":{"kind":"other","text":"travel plans changed"}}`, http.StatusOK)
	require.Equal(t, "cancelled", got.State)
	require.Equal(t, eventJSON{
		At: kt.T1.UTC(), State: "cancelled", Note: "travel plans changed",
		Reason: &reasonJSON{Kind: "other", Text: "travel plans changed"},
	}, inUTC(got.History)[1])

	// An empty object, or a null reason, is no reason, as no body is.
	for _, body := range []string{`{}`, `{"reason":null}`} {
		held = a1.hold(dayArrival, kt.Slot1, kt.Online, niks[1])
		got = a1.post("/bookings/"+held.Code+"/cancel", body, http.StatusOK)
		require.Nil(t, got.History[1].Reason, body)
	}
}

// TestAccountBookings lists an account's bookings, its own only, oldest
// first.
func TestAccountBookings(t *testing.T) {
	s := newTestService(t, nil, nil)
	first := s.as("a1").hold(dayArrival, kt.Slot0, kt.Online, niks[0])
	s.as("a2").hold(dayArrival, kt.Slot0, kt.Online, niks[1])
	second := s.as("a1").hold(dayArrival2, kt.Slot1, kt.Online, niks[2])

	var got accountBookingsJSON
	s.as("a1").getJSON("/bookings", &got)
	require.False(t, got.Truncated)
	require.Len(t, got.Bookings, 2)
	require.Equal(t, first.Code, got.Bookings[0].Code)
	require.Equal(t, second.Code, got.Bookings[1].Code)

	s.as("a3").getJSON("/bookings", &got)
	require.Empty(t, got.Bookings)
	require.NotNil(t, got.Bookings, "an empty list, not null")
}

// TestAccountBookingsTruncated lists the newest AccountBookingsMax of an
// account that made more.
func TestAccountBookingsTruncated(t *testing.T) {
	s := newTestService(t, nil, nil)
	d := kt.Dec10
	var last string
	for i := range AccountBookingsMax + 2 {
		b, err := s.engine.Hold(t.Context(), booking.HoldRequest{
			Account: "a1", Office: kt.Office, Date: d, Slot: kt.Slot0, Pool: kt.Online, Applicants: kt.Applicants(t, 100+i, 1),
		})
		require.NoError(t, err)
		_, err = s.engine.Cancel(t.Context(), b.Code, booking.Reason{})
		require.NoError(t, err)
		last = b.Code
	}
	var got accountBookingsJSON
	s.as("a1").getJSON("/bookings", &got)
	require.True(t, got.Truncated)
	require.Len(t, got.Bookings, AccountBookingsMax)
	require.Equal(t, last, got.Bookings[AccountBookingsMax-1].Code, "the newest last")
}

// TestReasonKindNames checks that the API names every kind of
// booking.ReasonKind but none, each once, and reads back what it writes.
func TestReasonKindNames(t *testing.T) {
	listed := map[string]bool{}
	for _, n := range reasonKindNames {
		listed[n.name] = true
	}
	seen := map[string]bool{}
	for k := booking.ReasonNone + 1; !strings.HasPrefix(k.String(), "ReasonKind("); k++ {
		name := reasonKindName(k)
		require.True(t, listed[name], "booking.%v has no API name", k)
		require.False(t, seen[name], "%q names two kinds", name)
		seen[name] = true
		back, err := parseReasonKind(name)
		require.NoError(t, err)
		require.Equal(t, k, back)
	}
	require.Len(t, seen, len(reasonKindNames))
	for _, bad := range []string{"none", "", "Other"} {
		_, err := parseReasonKind(bad)
		require.ErrorIs(t, err, booking.ErrBadReason)
	}
}

// TestStateNames checks the same of the booking and day states: every
// state named once, in the wire form, and read back.
func TestStateNames(t *testing.T) {
	seen := map[string]bool{}
	for s := booking.Held; !strings.HasPrefix(s.String(), "State("); s++ {
		name := BookingStateName(s)
		require.Equal(t, wireName(name), name)
		require.False(t, seen[name], "%q names two states", name)
		seen[name] = true
		back, ok := ParseBookingState(name)
		require.True(t, ok, name)
		require.Equal(t, s, back)
	}
	require.Len(t, seen, len(bookingStateNames), "a booking state without a name")

	clear(seen)
	for s := calendar.Available; !strings.HasPrefix(s.String(), "State("); s++ {
		name := DayStateName(s)
		require.Equal(t, wireName(name), name)
		require.False(t, seen[name], "%q names two states", name)
		seen[name] = true
		back, ok := ParseDayState(name)
		require.True(t, ok, name)
		require.Equal(t, s, back)
	}
	require.Len(t, seen, len(dayStateNames), "a day state without a name")
	_, ok := ParseDayState("green")
	require.False(t, ok, "a colour is no state")
	_, ok = ParseBookingState("Held")
	require.False(t, ok, "the wire names are lower case")
}

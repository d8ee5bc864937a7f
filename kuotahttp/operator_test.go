package kuotahttp

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

func TestArrivals(t *testing.T) {
	s := newTestService(t, nil, nil)
	paid := s.paid(dayArrival, kt.Slot1)
	held := s.as("a2").hold(dayArrival, kt.Slot0, kt.Online, niks[1])
	cancelled := s.as("a3").hold(dayArrival, kt.Slot0, kt.Online, niks[2])
	s.as("a3").post("/bookings/"+cancelled.Code+"/cancel", "", http.StatusOK)
	s.as("a4").hold(dayArrival2, kt.Slot0, kt.Online, niks[3]) // another day

	tests := []struct {
		name       string
		give       string
		wantStates []string
		wantCodes  []string // in slot order
	}{
		{"every state", "", nil, []string{held.Code, cancelled.Code, paid.Code}},
		{"paid", "?state=paid", []string{"paid"}, []string{paid.Code}},
		{"two, joined", "?state=held,paid", []string{"held", "paid"}, []string{held.Code, paid.Code}},
		{"two, repeated, with a duplicate", "?state=cancelled&state=paid&state=cancelled", []string{"cancelled", "paid"}, []string{cancelled.Code, paid.Code}},
		{"none of them", "?state=checked-in", []string{"checked-in"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got arrivalsJSON
			s.with(t).op().getJSON("/offices/JKT/days/"+dayArrival+"/arrivals"+tt.give, &got)
			require.Equal(t, kt.Office, got.Office)
			require.Equal(t, dayArrival, got.Date.String())
			require.Equal(t, tt.wantStates, got.States)
			var codes []string
			for _, b := range got.Bookings {
				codes = append(codes, b.Code)
			}
			require.ElementsMatch(t, tt.wantCodes, codes)
		})
	}

	// Operators see whose booking it is; NIKs stay masked.
	var got arrivalsJSON
	s.op().getJSON("/offices/JKT/days/"+dayArrival+"/arrivals?state=paid", &got)
	require.Equal(t, "a1", got.Bookings[0].Account)
	require.Equal(t, "31**********0001", got.Bookings[0].Applicants[0].NIK)

	// An applicant is not an operator.
	requireProblem(t, s.as("a1").do(http.MethodGet, "/offices/JKT/days/"+dayArrival+"/arrivals", ""), 404, "no-route")
	c := s.op()
	c.operator = ""
	requireProblem(t, c.do(http.MethodGet, "/offices/JKT/days/"+dayArrival+"/arrivals", ""), 401, "unauthenticated")
}

func TestStats(t *testing.T) {
	s := newTestService(t, nil, nil)
	s.paid(dayArrival, kt.Slot1)
	s.as("a2").hold(dayArrival, kt.Slot0, kt.Online, niks[1])
	var got statsJSON
	s.op().getJSON("/stats", &got)
	require.Equal(t, map[string]int{
		"held": 1, "paid": 1, "checked-in": 0, "cancelled": 0, "expired": 0, "rejected": 0, "no-show": 0,
	}, got.Bookings)
	require.Equal(t, 2, got.Total)
	require.False(t, got.Durable)
	require.False(t, got.Standby)
}

func TestCheck(t *testing.T) {
	s := newTestService(t, nil, nil)
	s.paid(dayArrival, kt.Slot1)
	var got checkJSON
	s.op().getJSON("/check", &got)
	require.True(t, got.OK)
	require.Empty(t, got.Violations)
	require.NotNil(t, got.Violations, "an empty list, not null")
	require.Empty(t, s.h.heavy, "released")
}

// TestHolidayGapsReported registers an office whose holiday data stops
// at 2026 while its window reaches 2027: GET /stats and GET /check name
// it and the year, and check still says ok, since a gap is a warning.
// Without a gap, both give an empty list, not null.
func TestHolidayGapsReported(t *testing.T) {
	s := newTestService(t, nil, nil)
	for _, path := range []string{"/stats", "/check"} {
		var got struct {
			HolidayGaps []holidayGapJSON `json:"holiday_gaps"`
		}
		s.op().getJSON(path, &got)
		require.NotNil(t, got.HolidayGaps, "%s: an empty list, not null", path)
		require.Empty(t, got.HolidayGaps, path)
	}

	cfg := kt.OfficeConfig(t)
	cfg.Code = "MKS"
	only2026, err := calendar.NewHolidays(calendar.HolidayEntry{Date: kt.Dec25, Kind: calendar.National, Name: "Hari Raya Natal"})
	require.NoError(t, err)
	cfg.Quota.Schedule.Holidays = only2026
	require.NoError(t, s.engine.RegisterOffice(t.Context(), cfg))
	want := []holidayGapJSON{{Office: "MKS", Years: []int{2027}}}

	var stats operatorStatsJSON
	s.op().getJSON("/stats", &stats)
	require.Equal(t, want, stats.HolidayGaps)
	var check operatorCheckJSON
	s.op().getJSON("/check", &check)
	require.Equal(t, want, check.HolidayGaps)
	require.True(t, check.OK, "a gap is a warning, not a violation")
}

// TestBackup streams a durable engine's copy and opens it.
func TestBackup(t *testing.T) {
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, filepath.Join(t.TempDir(), "kuota.db"), clk, &booking.Options{Durability: booking.NoSync})
	require.NoError(t, e.RegisterOffice(t.Context(), kt.OfficeConfig(t)))
	s := newTestServiceOn(t, e, clk, nil)
	b := s.as("a1").hold(dayArrival, kt.Slot0, kt.Online, niks[0])

	rec := s.op().do(http.MethodGet, "/backup", "")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/octet-stream", rec.Header().Get("Content-Type"))
	require.Equal(t, `attachment; filename="kuota-backup.db"`, rec.Header().Get("Content-Disposition"))
	require.Empty(t, s.h.heavy, "released")

	path := filepath.Join(t.TempDir(), "copy.db")
	require.NoError(t, os.WriteFile(path, rec.Body.Bytes(), 0o600))
	copied := kt.OpenEngine(t, path, clk, &booking.Options{ReadOnly: true})
	got, err := copied.Get(t.Context(), b.Code)
	require.NoError(t, err)
	require.Equal(t, "a1", got.Account)
	require.False(t, bytes.Contains(rec.Body.Bytes(), []byte("no-store")), "a file, not a problem")
}

func TestOperatorBooking(t *testing.T) {
	s := newTestService(t, nil, nil)
	b := s.paid(dayArrival, kt.Slot1)

	// Any booking, by code, with its account.
	got := bookingJSON{}
	s.op().getJSON("/bookings/"+b.Code, &got)
	require.Equal(t, "a1", got.Account)
	require.Equal(t, "paid", got.State)

	// The desk checks the applicants in.
	s.clock.Set(time.Date(2026, 12, 10, 8, 30, 0, 0, kt.WIB))
	in := s.op().post("/bookings/"+b.Code+"/checkin", "", http.StatusOK)
	require.Equal(t, "checked-in", in.State)
	require.Equal(t, "a1", in.Account)
}

// TestReject walks the office's refusal: a kind is required, and the
// history keeps the reason in the API's words.
func TestReject(t *testing.T) {
	s := newTestService(t, nil, nil)
	b := s.paid(dayArrival, kt.Slot1)
	tests := []struct {
		name       string
		give       string
		wantStatus int
		wantName   string
		wantField  string
	}{
		{"no body", "", 400, "bad-json", ""},
		{"no reason", `{}`, 422, "bad-reason", "/reason"},
		{"no kind", `{"reason":{"text":"why"}}`, 422, "bad-reason", "/reason"},
		{"unknown kind", `{"reason":{"kind":"vip"}}`, 422, "bad-reason", "/reason/kind"},
		{"text too long", mustJSON(map[string]any{"reason": map[string]string{"kind": "other", "text": string(bytes.Repeat([]byte("x"), booking.ReasonBytesMax+1))}}), 422, "bad-reason", "/reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := requireProblem(t, s.with(t).op().do(http.MethodPost, "/bookings/"+b.Code+"/reject", tt.give), tt.wantStatus, tt.wantName)
			require.Equal(t, tt.wantField, p.Field)
		})
	}

	got := s.op().post("/bookings/"+b.Code+"/reject", `{"reason":{"kind":"migrant-worker","text":"no work visa"}}`, http.StatusOK)
	require.Equal(t, "rejected", got.State)
	require.Equal(t, "GW-1", got.PaymentRef, "the payment stays on record")
	last := got.History[len(got.History)-1]
	require.Equal(t, "rejected", last.State)
	require.Equal(t, &reasonJSON{Kind: "migrant-worker", Text: "no work visa"}, last.Reason)

	// The holder reads the reason in the same words; the seats are back.
	var wire map[string]any
	s.as("a1").getJSON("/bookings/"+b.Code, &wire)
	history := wire["history"].([]any)
	require.Equal(t, map[string]any{"kind": "migrant-worker", "text": "no work visa"}, history[len(history)-1].(map[string]any)["reason"])
	var day dayPageJSON
	s.as("a1").getJSON("/offices/JKT/days/"+dayArrival+"?pool=online", &day)
	require.Equal(t, seatsJSON{Left: 5, Capacity: 5}, day.Slots[1].Pools[kt.Online])
}

// TestOverrides makes each kind of operator change and reads the day the
// answer shows.
func TestOverrides(t *testing.T) {
	tests := []struct {
		name string
		give string
		want func(t *testing.T, d dayPageJSON)
	}{
		{"close a day", `{"kind":"close-day","date":"2026-12-10","reason":"banjir"}`, func(t *testing.T, d dayPageJSON) {
			require.Equal(t, "holiday grey", d.State+" "+d.Colour)
			require.Equal(t, "banjir", d.Reason)
		}},
		{"close a slot", `{"kind":"close-slot","date":"2026-12-10","slot":"08:00","reason":"upgrade"}`, func(t *testing.T, d dayPageJSON) {
			require.Equal(t, "holiday", d.Slots[0].State)
			require.Equal(t, "upgrade", d.Slots[0].Reason)
			require.Equal(t, "available", d.Slots[1].State)
		}},
		{"set a capacity", `{"kind":"set-capacity","date":"2026-12-10","slot":"09:00","pool":"walk-in","seats":7}`, func(t *testing.T, d dayPageJSON) {
			require.Equal(t, seatsJSON{Left: 7, Capacity: 7}, d.Slots[1].Pools[kt.WalkIn])
		}},
		{"release later", `{"kind":"set-release","date":"2026-12-10","at":"2026-11-20T08:00:00+07:00"}`, func(t *testing.T, d dayPageJSON) {
			require.Equal(t, "not-opened yellow", d.State+" "+d.Colour)
			require.Equal(t, "2026-11-20T08:00:00+07:00", d.Opens.Format(time.RFC3339))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestService(t, nil, nil)
			rec := s.op().do(http.MethodPost, "/offices/JKT/overrides", tt.give)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			var d dayPageJSON
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &d))
			require.Equal(t, kt.Office, d.Office)
			require.Equal(t, dayArrival, d.Date.String())
			tt.want(t, d)
		})
	}

	// Undone, each is as before.
	s := newTestService(t, nil, nil)
	for _, body := range []string{
		`{"kind":"close-day","date":"2026-12-10","reason":"banjir"}`, `{"kind":"open-day","date":"2026-12-10"}`,
		`{"kind":"close-slot","date":"2026-12-10","slot":"08:00","reason":"x"}`, `{"kind":"open-slot","date":"2026-12-10","slot":"08:00"}`,
		`{"kind":"set-release","date":"2026-12-10","at":"2026-11-20T08:00:00+07:00"}`, `{"kind":"set-release","date":"2026-12-10"}`,
	} {
		require.Equal(t, http.StatusOK, s.op().do(http.MethodPost, "/offices/JKT/overrides", body).Code, body)
	}
	var d dayPageJSON
	s.as("a1").getJSON("/offices/JKT/days/"+dayArrival, &d)
	require.Equal(t, "available", d.State)
	require.Equal(t, "available", d.Slots[0].State)
}

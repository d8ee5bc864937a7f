package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/kuotahttp"
)

// TestRefusalReasons checks what a refusal is counted under: the
// problem's name, or "other" for a body that is no problem of
// kuotahttp's form.
func TestRefusalReasons(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	m := newMetrics(&fileStore{e: e})
	tests := []struct {
		name string
		give string // the body of a problem response
		want string
	}{
		{"a problem", `{"type":"` + kuotahttp.ProblemTypeBase + `cell-full","title":"Full","status":409}`, "cell-full"},
		{"another base", `{"type":"https://example.com/problems/cell-full"}`, "other"},
		{"not the names' form", `{"type":"` + kuotahttp.ProblemTypeBase + `Cell_Full"}`, "other"},
		{"a name too long", `{"type":"` + kuotahttp.ProblemTypeBase + strings.Repeat("a", 41) + `"}`, "other"},
		{"no JSON", `<html>`, "other"},
		{"cut short", `{"type":"` + kuotahttp.ProblemTypeBase + `cell-fu`, "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, m.reason([]byte(tt.give)))
		})
	}

	// The reasons are bounded: once refusalReasonsMax names are counted,
	// a new one is "other", and the names seen go on.
	for i := len(m.reasons); i < refusalReasonsMax; i++ {
		m.reasons[fmt.Sprint("filler-", i)] = struct{}{}
	}
	require.Equal(t, "other", m.reason([]byte(`{"type":"`+kuotahttp.ProblemTypeBase+`never-seen"}`)))
	require.Equal(t, "cell-full", m.reason([]byte(`{"type":"`+kuotahttp.ProblemTypeBase+`cell-full"}`)), "a name seen before")
}

// TestCountRefusals counts kuotahttp's refusals, and only them, under the
// API that answered.
func TestCountRefusals(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	m := newMetrics(&fileStore{e: e})
	h, err := kuotahttp.New(e, nil) // lets nobody in
	require.NoError(t, err)
	public := m.countRefusals("public", h)
	for _, path := range []string{"/bookings", "/bookings", "/no/such/route"} {
		public.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	ok := m.countRefusals("public", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("{}")) }))
	ok.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))

	require.Equal(t, 2.0, testutil.ToFloat64(m.refusals.WithLabelValues("public", "forbidden")))
	require.Equal(t, 1.0, testutil.ToFloat64(m.refusals.WithLabelValues("public", "no-route")))
	require.Equal(t, 2, testutil.CollectAndCount(m.refusals), "two series, and nothing for the answer that was no refusal")
}

// TestEngineCollector reads the engine's counters as the scrape sees
// them: bookings by state, and a holiday gap per office, zero when none.
func TestEngineCollector(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	require.NoError(t, e.RegisterOffice(t.Context(), kt.OfficeConfig(t)))
	gap := gapOffice(t)
	gap.Code = "MKS"
	require.NoError(t, e.RegisterOffice(t.Context(), gap))
	_, err := e.Hold(t.Context(), kt.HoldRequest(t, 1))
	require.NoError(t, err)

	c := &engineCollector{st: &fileStore{e: e}}
	want := `
# HELP kuota_bookings Bookings by state, as recorded (a lapsed hold counts as held until its expiry is recorded).
# TYPE kuota_bookings gauge
kuota_bookings{state="cancelled"} 0
kuota_bookings{state="checked-in"} 0
kuota_bookings{state="expired"} 0
kuota_bookings{state="held"} 1
kuota_bookings{state="no-show"} 0
kuota_bookings{state="paid"} 0
kuota_bookings{state="rejected"} 0
# HELP kuota_holiday_gap_years Years of the office's booking window without holiday data, whose service days stay not opened; 0 when covered.
# TYPE kuota_holiday_gap_years gauge
kuota_holiday_gap_years{office="JKT"} 0
kuota_holiday_gap_years{office="MKS"} 1
# HELP kuota_standby 1 on a standby node, which serves reads and forwards changes, else 0.
# TYPE kuota_standby gauge
kuota_standby 0
`
	require.NoError(t, testutil.CollectAndCompare(c, strings.NewReader(want), "kuota_bookings", "kuota_holiday_gap_years", "kuota_standby"))
}

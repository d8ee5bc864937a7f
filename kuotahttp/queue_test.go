package kuotahttp

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
)

// A booking's queue number comes with its payment, in the order of
// payments, and the arrival list follows it; its collection date is the
// office's third service day after arrival, and goes once it will not be
// served.
func TestQueueAndReadyOn(t *testing.T) {
	s := newTestService(t, nil, nil)
	first := s.as("a1").hold(dayArrival, kt.Slot1, kt.Online, niks[0])
	second := s.as("a2").hold(dayArrival, kt.Slot1, kt.Online, niks[1])
	require.Empty(t, first.Queue, "no number before payment")
	require.NotContains(t, mustJSON(first), `"queue"`)
	// Thursday the 10th: Friday, Monday, Tuesday.
	require.Equal(t, "2026-12-15", first.ReadyOn.String())

	// The second hold pays first, and comes first.
	second = s.pay(second, "GW-2")
	first = s.pay(first, "GW-1")
	require.Equal(t, "B-001", second.Queue)
	require.Equal(t, "B-002", first.Queue)
	rec := s.as("a1").do(http.MethodGet, "/bookings/"+first.Code, "")
	require.Contains(t, rec.Body.String(), `"queue":"B-002"`)
	require.Contains(t, rec.Body.String(), `"ready_on":"2026-12-15"`)

	var arrivals arrivalsJSON
	s.op().getJSON("/offices/JKT/days/"+dayArrival+"/arrivals?state=paid", &arrivals)
	var order []string
	for _, b := range arrivals.Bookings {
		order = append(order, b.Queue+" "+b.Code)
	}
	require.Equal(t, []string{"B-001 " + second.Code, "B-002 " + first.Code}, order)

	// Cancelled: it will not be served, and keeps a number nobody else
	// gets.
	cancelled := s.as("a1").post("/bookings/"+first.Code+"/cancel", "", http.StatusOK)
	require.True(t, cancelled.ReadyOn.IsZero())
	require.NotContains(t, mustJSON(cancelled), "ready_on")
	require.Equal(t, "B-002", cancelled.Queue)
	third := s.pay(s.as("a3").hold(dayArrival, kt.Slot1, kt.Online, niks[2]), "GW-3")
	require.Equal(t, "B-003", third.Queue)
}

package kuotahttp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// drawAndProofCases are the refusals of the opening draw and of proofs of
// booking.
func drawAndProofCases() []problemCase {
	return []problemCase{
		{name: "in the draw already", service: newDrawService, give: func(s *testService) *httptest.ResponseRecorder {
			waiting := s.holdAsync("a1", holdJSON(dayArrival, kt.Slot0, kt.Online, niks[0]))
			require.Eventually(s.t, func() bool { return s.readDraw().Entrants == 1 }, waitMax, waitTick)
			rec := s.as("a2").do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot0, kt.Online, niks[0]))
			s.clock.Add(drawWindow)
			_, err := s.engine.RunDueDraws(s.t.Context())
			require.NoError(s.t, err)
			require.Equal(s.t, http.StatusCreated, (<-waiting).Code)
			return rec
		}, wantStatus: 409, wantName: "in-draw", wantField: "/applicants/0/nik"},
		{name: "reschedule into a day whose draw has not run", service: newDrawService, give: func(s *testService) *httptest.ResponseRecorder {
			waiting := s.holdAsync("a1", holdJSON(dayArrival, kt.Slot0, kt.Online, niks[0]))
			require.Eventually(s.t, func() bool { return s.readDraw().Entrants == 1 }, waitMax, waitTick)
			s.clock.Add(drawWindow)
			_, err := s.engine.RunDueDraws(s.t.Context())
			require.NoError(s.t, err)
			rec := <-waiting
			require.Equal(s.t, http.StatusCreated, rec.Code)
			var held struct {
				Code        string `json:"code"`
				BillingCode string `json:"billing_code"`
			}
			require.NoError(s.t, json.Unmarshal(rec.Body.Bytes(), &held))
			_, err = s.engine.Pay(s.t.Context(), held.BillingCode, "REF")
			require.NoError(s.t, err)
			// January opens on 1 December at 08:00, with a window.
			s.clock.Set(time.Date(2026, time.December, 1, 8, 0, 10, 0, kt.WIB))
			return s.as("a1").do(http.MethodPost, "/bookings/"+held.Code+"/reschedule", `{"date":"2027-01-04","slot":"08:00"}`)
		}, wantStatus: 409, wantName: "draw-pending"},
		{name: "no draw", give: get("/offices/JKT/draws/2026-11-01T08:00:00+07:00"), wantStatus: 404, wantName: "no-draw", wantParam: "office"},
		{name: "no proof image", give: onPaid(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.as("a1").do(http.MethodGet, "/bookings/"+code+"/proof/image", "")
		}), wantStatus: 404, wantName: "no-proof-image"},
		{name: "bad proof", give: op(http.MethodPost, "/proofs/check", `{"token":"AAAA"}`), wantStatus: 422, wantName: "bad-proof", wantField: "/token"},
		{name: "too many proof keys", give: func(s *testService) *httptest.ResponseRecorder {
			for range booking.ProofKeysMax {
				_, err := s.engine.RotateProofKey(s.t.Context())
				require.NoError(s.t, err)
			}
			return s.op().do(http.MethodPost, "/proof-keys/rotate", "")
		}, wantStatus: 409, wantName: "too-many-proof-keys"},
	}
}

// waitMax and waitTick bound a wait for another goroutine's work.
const (
	waitMax  = 5 * time.Second
	waitTick = time.Millisecond
)

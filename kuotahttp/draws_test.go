package kuotahttp

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// drawWindow is the test office's opening window in the draw tests.
const drawWindow = time.Minute

// opensPath is the path of the draw of December's release, at kt.T0.
var opensPath = "/offices/JKT/draws/" + kt.T0.Format(time.RFC3339)

// newDrawService returns a service whose office has an opening window of
// drawWindow, its clock ten seconds into the window of December's release
// (at kt.T0).
func newDrawService(t *testing.T) *testService {
	clk := kt.NewClock(kt.T0.Add(10 * time.Second))
	e := kt.NewEmptyEngine(t, clk, &booking.Options{MaxHoldsPerAccount: 5})
	cfg := kt.OfficeConfig(t)
	cfg.OpeningWindow = drawWindow
	require.NoError(t, e.RegisterOffice(t.Context(), cfg))
	return newTestServiceOn(t, e, clk, nil)
}

// holdAsync posts a hold as account on its own goroutine, for a hold that
// waits in a draw, and hands its response over when it comes. It uses no
// require: a goroutine other than the test's may not stop the test.
func (s *testService) holdAsync(account, body string) <-chan *httptest.ResponseRecorder {
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		req := httptest.NewRequestWithContext(s.t.Context(), http.MethodPost, "/holds", strings.NewReader(body))
		req.RemoteAddr = testAddr
		req.Header.Set(accountHeader, account)
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, req)
		done <- rec
	}()
	return done
}

// readDraw reads the draw of December's release, as anyone.
func (s *testService) readDraw() drawJSON {
	s.t.Helper()
	var d drawJSON
	s.as("").getJSON(opensPath, &d)
	return d
}

func TestDrawFlow(t *testing.T) {
	s := newDrawService(t)

	// The office and the day say that December's release is drawn.
	var offices struct {
		Offices []officeJSON `json:"offices"`
	}
	s.as("a1").getJSON("/offices", &offices)
	require.Equal(t, 60, offices.Offices[0].OpeningWindowSeconds)
	var day dayPageJSON
	s.as("a1").getJSON("/offices/JKT/days/"+dayArrival, &day)
	require.True(t, day.DrawCloses.Equal(kt.T0.Add(drawWindow)), "draw_closes %v", day.DrawCloses)
	require.Contains(t, mustJSON(day), `"draw_closes":"2026-11-01T08:01:00+07:00"`)

	// Before anyone enters, the commitment is public and the seed is not.
	before := s.readDraw()
	require.False(t, before.Drawn)
	require.Empty(t, before.Seed)
	require.Len(t, before.Commitment, 64)
	require.Equal(t, 60.0, before.WindowSeconds)
	require.Equal(t, []int{}, before.Order)

	// Three accounts want the two walk-in seats of 08:00 on the 10th.
	results := []<-chan *httptest.ResponseRecorder{
		s.holdAsync("a1", holdJSON(dayArrival, kt.Slot0, kt.WalkIn, niks[0])),
		s.holdAsync("a2", holdJSON(dayArrival, kt.Slot0, kt.WalkIn, niks[1])),
		s.holdAsync("a3", holdJSON(dayArrival, kt.Slot0, kt.WalkIn, niks[2])),
	}
	require.Eventually(t, func() bool { return s.readDraw().Entrants == 3 }, waitMax, waitTick)

	// One account and one NIK enter once; the refusal is at once.
	p := requireProblem(t, s.as("a1").do(http.MethodPost, "/holds", holdJSON(dayArrival2, kt.Slot0, kt.Online, niks[3])), 409, "in-draw")
	require.Empty(t, p.Field, "the account, which is not the body's")
	require.Contains(t, p.Detail, "the account")
	p = requireProblem(t, s.as("a4").do(http.MethodPost, "/holds", holdJSON(dayArrival2, kt.Slot0, kt.Online, niks[3], niks[1])), 409, "in-draw")
	require.Equal(t, "/applicants/1/nik", p.Field)

	// Nobody is answered before the window closes.
	for _, r := range results {
		select {
		case rec := <-r:
			t.Fatalf("answered during the window: %d %s", rec.Code, rec.Body.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	s.clock.Set(kt.T0.Add(drawWindow))
	n, err := s.engine.RunDueDraws(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n)

	drawn := s.readDraw()
	require.True(t, drawn.Drawn)
	require.Equal(t, before.Commitment, drawn.Commitment)
	require.Len(t, drawn.Order, 3)
	requireVerifies(t, drawn)

	won, lost := 0, 0
	for _, r := range results {
		rec := <-r
		requireClean(t, rec, "POST /holds in the draw")
		switch rec.Code {
		case http.StatusCreated:
			var b bookingJSON
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &b))
			require.LessOrEqual(t, b.DrawPlace, 2)
			require.Equal(t, drawn.Order[b.DrawPlace-1], b.DrawTicket)
			require.Equal(t, 3, b.DrawEntrants)
			// A later read has no place: it was the hold's answer.
			require.Zero(t, s.read(b.Code).DrawPlace)
			won++
		default:
			p := requireProblem(t, rec, 409, "cell-full")
			require.Equal(t, 3, p.DrawPlace, "behind the two who took the seats")
			require.Equal(t, 3, p.DrawEntrants)
			require.Equal(t, drawn.Order[2], p.DrawTicket)
			lost++
		}
	}
	require.Equal(t, []int{2, 1}, []int{won, lost})

	// After the window, first come, first served: no draw, no place.
	b := s.as("a4").hold(dayArrival2, kt.Slot0, kt.Online, niks[3])
	require.Zero(t, b.DrawPlace)
	require.NotContains(t, mustJSON(b), "draw_")
}

// requireVerifies checks a draw as an auditor would, from its JSON alone.
func requireVerifies(t *testing.T, d drawJSON) {
	t.Helper()
	commitment, err := hex.DecodeString(d.Commitment)
	require.NoError(t, err)
	seed, err := hex.DecodeString(d.Seed)
	require.NoError(t, err)
	require.NoError(t, booking.VerifyDraw(booking.Draw{
		Office: d.Office, Opens: d.Opens, Closes: d.Closes, Commitment: [32]byte(commitment),
		Drawn: d.Drawn, Seed: seed, Entrants: d.Entrants, Order: d.Order,
	}))
}

func TestDrawRefusals(t *testing.T) {
	s := newDrawService(t)
	tests := []struct {
		name    string
		path    string
		status  int
		problem string
		param   string
	}{
		{"not an instant", "/offices/JKT/draws/2026-11-01", 422, "bad-parameter", "opens"},
		{"unknown office", "/offices/NOPE/draws/" + kt.T0.Format(time.RFC3339), 404, "unknown-office", "office"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := requireProblem(t, s.with(t).as("").do(http.MethodGet, tt.path, ""), tt.status, tt.problem)
			require.Equal(t, tt.param, p.Parameter)
		})
	}

	// An office without a window holds no draw, and its days name none.
	plain := newTestService(t, nil, nil)
	p := requireProblem(t, plain.as("").do(http.MethodGet, opensPath, ""), 404, "no-draw")
	require.Equal(t, "office", p.Parameter)
	rec := plain.as("a1").do(http.MethodGet, "/offices/JKT/months/2026-12", "")
	require.Equal(t, http.StatusOK, rec.Code)
	require.NotContains(t, rec.Body.String(), "draw_closes")
}

// The draw's window in another zone's notation is the same instant.
func TestDrawOpensInAnyZone(t *testing.T) {
	s := newDrawService(t)
	var d drawJSON
	s.as("").getJSON("/offices/JKT/draws/"+kt.T0.UTC().Format(time.RFC3339), &d)
	require.Equal(t, "2026-11-01T08:00:00+07:00", d.Opens.Format(time.RFC3339), "in the office's zone")
	require.Equal(t, s.readDraw().Commitment, d.Commitment)
}

package kuotahttp

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/internal/simdisk"
)

// newStandbyService serves a standby engine that knows no active node.
func newStandbyService(t *testing.T) *testService {
	clk := kt.NewClock(kt.T1)
	e, err := booking.NewStandby(&booking.Options{Now: clk.Now, NoSweeper: true})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return newTestServiceOn(t, e, clk, nil)
}

// upstream is a fake active node: it keeps the requests it gets and
// answers each 201 with a small JSON body.
type upstream struct {
	*httptest.Server
	mu   sync.Mutex // guards got
	got  []*http.Request
	body []string
}

func newUpstream(t *testing.T) *upstream {
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		u.mu.Lock()
		u.got, u.body = append(u.got, r), append(u.body, string(b))
		u.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"from":"active"}`)
	}))
	t.Cleanup(u.Close)
	return u
}

// TestForwardToActive checks what a standby sends on: every change, with
// its method, path (the mount prefix included), query, headers
// (credentials, a payment's signature) and body, marked as forwarded;
// and what it keeps: every read.
func TestForwardToActive(t *testing.T) {
	u := newUpstream(t)
	s := newStandbyService(t)
	s.engine.SetActiveAddress(u.URL)
	mounted := http.StripPrefix("/kuota", s.h)

	hold := holdJSON(dayArrival, kt.Slot0, kt.Online, niks[0])
	tests := []struct {
		name   string
		h      http.Handler
		method string
		path   string
		body   string
		header http.Header
	}{
		{"hold", s.h, http.MethodPost, "/holds", hold, http.Header{accountHeader: {"a1"}, "Authorization": {"Bearer t0k3n"}, "Cookie": {"session=s1"}}},
		{"hold under a prefix", mounted, http.MethodPost, "/kuota/holds?x=1", hold, http.Header{accountHeader: {"a1"}}},
		{"cancel", s.h, http.MethodPost, "/bookings/ABCDEFGHJK/cancel", "", http.Header{accountHeader: {"a1"}}},
		{"payment", s.h, http.MethodPost, "/payments", `{"billing_code":"100000000000000","payment_ref":"r"}`, nil},
		{"override", s.h.Operator(), http.MethodPost, "/offices/JKT/overrides", `{"kind":"open-day","date":"2026-12-10"}`, http.Header{operatorHeader: {"op-1"}}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.RemoteAddr = "203.0.113.9:5555"
			for k, v := range tt.header {
				req.Header[k] = v
			}
			if tt.path == "/payments" {
				ts, sig := SignPayment(paymentSecret, s.clock.Now(), []byte(tt.body))
				req.Header.Set(PaymentTimestampHeader, ts)
				req.Header.Set(PaymentSignatureHeader, sig)
			}
			rec := httptest.NewRecorder()
			tt.h.ServeHTTP(rec, req)

			// The active node's answer comes back as it is.
			require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
			require.JSONEq(t, `{"from":"active"}`, rec.Body.String())
			require.Len(t, rec.Header().Values("X-Content-Type-Options"), 0, "the fake active node sets none, and the standby must not add its own")

			u.mu.Lock()
			defer u.mu.Unlock()
			require.Len(t, u.got, i+1)
			got, body := u.got[i], u.body[i]
			require.Equal(t, tt.method, got.Method)
			require.Equal(t, tt.path, got.URL.RequestURI())
			require.Equal(t, tt.body, body, "the body goes on byte for byte")
			for k := range tt.header {
				require.Equal(t, req.Header.Get(k), got.Header.Get(k), k)
			}
			for _, k := range []string{PaymentTimestampHeader, PaymentSignatureHeader} {
				require.Equal(t, req.Header.Get(k), got.Header.Get(k), k)
			}
			require.Equal(t, "1", got.Header.Get(ForwardedHeader))
			require.Equal(t, "203.0.113.9", got.Header.Get("X-Forwarded-For"))
		})
	}

	// Reads stay on the standby: it has no office yet, and says so.
	requireProblem(t, s.as("a1").do(http.MethodGet, "/offices/JKT/months/2026-12", ""), 404, "unknown-office")
	requireProblem(t, s.as("a1").do(http.MethodGet, "/bookings/ABCDEFGHJK", ""), 404, "booking-not-found")
	require.Len(t, u.got, len(tests))
}

// TestForwardAtMostOnce checks that a forwarded change that meets
// another standby is refused, not forwarded again, and that a standby
// with no active node says to come back.
func TestForwardAtMostOnce(t *testing.T) {
	u := newUpstream(t)
	s := newStandbyService(t)
	s.engine.SetActiveAddress(u.URL)
	c := s.as("a1")
	c.header = http.Header{ForwardedHeader: {"1"}}
	p := requireProblem(t, c.do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot0, kt.Online, niks[0])), 503, "no-active-node")
	require.Contains(t, p.Detail, "forwarded once already")
	require.Empty(t, u.got)

	for _, active := range []string{"", "10.0.0.5:8080", "ftp://10.0.0.5"} {
		s.engine.SetActiveAddress(active)
		rec := s.as("a1").do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot0, kt.Online, niks[0]))
		requireProblem(t, rec, 503, "no-active-node")
		require.Equal(t, "1", rec.Header().Get("Retry-After"), active)
	}
}

// TestStandbyPair runs a real pair: an active engine writing a journal,
// served over HTTP, and a standby following it behind its own handler.
// A hold sent to the standby is made on the active node; once the
// standby has followed, its holder reads it from the standby, and nobody
// else does.
func TestStandbyPair(t *testing.T) {
	clk := kt.NewClock(kt.T1)
	log, err := simdisk.OpenLog(simdisk.New(nil, nil))
	require.NoError(t, err)
	newStandby := func() *booking.Engine {
		e, err := booking.NewStandby(&booking.Options{Now: clk.Now, NoSweeper: true, MaxHoldsPerAccount: 5})
		require.NoError(t, err)
		t.Cleanup(func() { e.Close() })
		return e
	}
	active := newStandby()
	require.NoError(t, active.Promote(log))
	require.NoError(t, active.RegisterOffice(t.Context(), kt.OfficeConfig(t)))
	activeSrv := httptest.NewServer(newTestServiceOn(t, active, clk, nil).h)
	t.Cleanup(activeSrv.Close)

	standby := newStandby()
	standby.SetActiveAddress(activeSrv.URL)
	s := newTestServiceOn(t, standby, clk, nil)
	follow := func() {
		require.Eventually(t, func() bool { return active.Stats().PendingWrites == 0 }, 5*time.Second, time.Millisecond)
		require.NoError(t, standby.Follow(func(yield func(uint64, []byte) error) error {
			return log.Read(standby.Followed()+1, yield)
		}))
	}
	follow()

	held := s.as("a1").hold(dayArrival, kt.Slot0, kt.Online, niks[0])
	b, err := active.Get(t.Context(), held.Code)
	require.NoError(t, err)
	require.Equal(t, "a1", b.Account)

	follow()
	var got bookingJSON
	s.as("a1").getJSON("/bookings/"+held.Code, &got)
	require.Equal(t, "held", got.State)
	requireProblem(t, s.as("a2").do(http.MethodGet, "/bookings/"+held.Code, ""), 404, "booking-not-found")

	// The payment goes through the standby too, signature and all.
	rec := s.payRaw(held.BillingCode, "GW-1")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var paid paymentJSON
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &paid))
	require.Equal(t, "paid", paid.State)

	// Someone else's cancellation is refused by the active node, as if
	// it had come straight there.
	requireProblem(t, s.as("a2").do(http.MethodPost, "/bookings/"+held.Code+"/cancel", ""), 404, "booking-not-found")
}

package kuotahttp

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// Fixed instants for the limiter's scenarios.
var (
	t0 = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	t1 = t0.Add(500 * time.Millisecond)
	t2 = t0.Add(time.Second)
	t3 = t0.Add(3 * time.Second)
	t9 = t0.Add(time.Hour)
)

func TestLimiter(t *testing.T) {
	type step struct {
		at   time.Time
		take bool // allow, or only wait
		want time.Duration
	}
	tests := []struct {
		name  string
		rate  Rate
		steps []step
	}{{
		name: "burst, then one per Every",
		rate: Rate{Burst: 2, Every: time.Second},
		steps: []step{
			{t0, true, 0}, {t0, true, 0}, {t0, true, time.Second},
			{t1, true, 500 * time.Millisecond},
			{t2, true, 0}, {t2, true, time.Second},
		},
	}, {
		name: "a refusal takes nothing",
		rate: Rate{Burst: 1, Every: time.Second},
		steps: []step{
			{t0, true, 0}, {t0, true, time.Second}, {t0, true, time.Second}, {t2, true, 0},
		},
	}, {
		name: "idle time refills to Burst, no more",
		rate: Rate{Burst: 2, Every: time.Second},
		steps: []step{
			{t0, true, 0}, {t0, true, 0}, {t9, true, 0}, {t9, true, 0}, {t9, true, time.Second},
		},
	}, {
		name: "wait looks without taking",
		rate: Rate{Burst: 1, Every: time.Second},
		steps: []step{
			{t0, false, 0}, {t0, false, 0}, {t0, true, 0}, {t0, false, time.Second}, {t3, false, 0},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLimiter(tt.rate, 10)
			for i, st := range tt.steps {
				var got time.Duration
				if st.take {
					got = l.allow("k", st.at)
				} else {
					got = l.wait("k", st.at)
				}
				require.Equal(t, st.want, got, "step %d", i)
			}
			// Another key has a bucket of its own.
			require.Zero(t, l.allow("other", tt.steps[0].at))
		})
	}
}

// TestLimiterBounded checks that the keys a limiter keeps are bounded,
// and that the one forgotten is the one used least recently.
func TestLimiterBounded(t *testing.T) {
	l := newLimiter(Rate{Burst: 1, Every: time.Hour}, 3)
	for i := range 100 {
		l.allow(fmt.Sprint("k", i), t0)
		require.LessOrEqual(t, l.len(), 3)
	}
	// k97..k99 are kept, empty; touching k97 makes k98 the oldest.
	require.Equal(t, time.Hour, l.wait("k97", t0))
	l.allow("new", t0)
	require.Equal(t, time.Hour, l.wait("k97", t0), "kept")
	require.Equal(t, time.Hour, l.wait("k99", t0), "kept")
	require.Zero(t, l.wait("k98", t0), "forgotten: a full bucket again")
}

func TestRetryAfterSeconds(t *testing.T) {
	tests := []struct {
		give time.Duration
		want int64
	}{{time.Nanosecond, 1}, {time.Second, 1}, {time.Second + 1, 2}, {90 * time.Second, 90}}
	for _, tt := range tests {
		require.Equal(t, tt.want, retryAfterSeconds(tt.give), tt.give)
	}
}

// TestRateLimitOverHTTP checks the per-account and per-address limits
// through the handler, with Retry-After from the handler's clock.
func TestRateLimitOverHTTP(t *testing.T) {
	s := newTestService(t, nil, func(o *Options) {
		o.AccountRate = Rate{Burst: 2, Every: 10 * time.Second}
		o.AddressRate = Rate{Burst: 4, Every: 30 * time.Second}
	})
	from := func(account, addr string) *httptest.ResponseRecorder {
		return s.as(account).from(addr).do(http.MethodGet, "/bookings", "")
	}
	require.Equal(t, 200, from("a1", "192.0.2.1:1").Code)
	require.Equal(t, 200, from("a1", "192.0.2.2:1").Code)
	// The account's third, from another address: the account's limit.
	rec := from("a1", "192.0.2.3:1")
	p := requireProblem(t, rec, 429, "rate-limited")
	require.Equal(t, "10", rec.Header().Get("Retry-After"))
	require.Contains(t, p.Detail, "this account")

	// The address's fifth, whatever the account: the address's limit.
	for i := range 3 {
		require.Equal(t, 200, from(fmt.Sprint("b", i), "192.0.2.9:1").Code)
	}
	from("b3", "192.0.2.9:2") // the fourth; another port is the same address
	rec = from("b4", "192.0.2.9:3")
	p = requireProblem(t, rec, 429, "rate-limited")
	require.Equal(t, "30", rec.Header().Get("Retry-After"))
	require.Contains(t, p.Detail, "this address")

	// Time heals both.
	s.clock.Add(30 * time.Second)
	require.Equal(t, 200, from("a1", "192.0.2.9:1").Code)
}

// TestHoarding is the abuse report's attack: one client address inventing
// accounts (here the test hook takes any name) and well-formed NIKs, to
// hold a day's whole quota. The address's hold limit stops it after
// AddressHoldRate.Burst holds, whatever the accounts, while another
// address still books.
func TestHoarding(t *testing.T) {
	s := newTestService(t, nil, func(o *Options) { o.AddressHoldRate = DefaultAddressHoldRate })
	burst := DefaultAddressHoldRate.Burst
	var refused *httptest.ResponseRecorder
	for i := range 10 * burst {
		rec := s.as(fmt.Sprint("invented-", i)).from("198.51.100.66:4000").do(http.MethodPost, "/holds",
			holdJSON(dayArrival, kt.Slot0, kt.Online, kt.NIKDigits(100+i)))
		if rec.Code == http.StatusTooManyRequests {
			refused = rec
			require.Equal(t, burst, i, "holds before the first refusal")
			break
		}
		// The test office has 5 online seats a slot: the rest of the
		// burst meets a full cell, which costs the address all the same.
		require.Contains(t, []int{201, 409}, rec.Code, rec.Body.String())
	}
	require.NotNil(t, refused, "never throttled")
	require.Equal(t, "10", refused.Header().Get("Retry-After"))
	requireProblem(t, refused, 429, "rate-limited")

	// Someone else, elsewhere, still books the other slot.
	s.as("someone").from("192.0.2.50:1").hold(dayArrival, kt.Slot1, kt.Online, niks[0])
}

// TestGuessingCodes checks the miss limit: unknown codes, and codes of
// other accounts, cost the address a token each, and once they are gone
// the address gets 429 on every booking route, its own bookings
// included, until the bucket refills.
func TestGuessingCodes(t *testing.T) {
	s := newTestService(t, nil, func(o *Options) { o.AddressMissRate = Rate{Burst: 3, Every: time.Minute} })
	own := s.as("thief").from("203.0.113.5:1").hold(dayArrival, kt.Slot0, kt.Online, niks[0])
	victim := s.as("victim").hold(dayArrival, kt.Slot1, kt.Online, niks[1])

	thief := s.as("thief").from("203.0.113.5:1")
	for _, code := range []string{"ABCDEFGHJK", victim.Code, "ABCDEFGHJM"} {
		requireProblem(t, thief.do(http.MethodGet, "/bookings/"+code, ""), 404, "booking-not-found")
	}
	rec := thief.do(http.MethodGet, "/bookings/"+victim.Code, "")
	requireProblem(t, rec, 429, "rate-limited")
	require.Equal(t, "60", rec.Header().Get("Retry-After"))
	requireProblem(t, thief.do(http.MethodGet, "/bookings/"+own.Code, ""), 429, "rate-limited")
	requireProblem(t, thief.do(http.MethodPost, "/bookings/"+victim.Code+"/cancel", ""), 429, "rate-limited")

	// The victim, elsewhere, is not affected; the thief's address waits.
	s.as("victim").getJSON("/bookings/"+victim.Code, new(bookingJSON))
	s.clock.Add(time.Minute)
	thief.getJSON("/bookings/"+own.Code, new(bookingJSON))

	got, err := s.engine.Get(t.Context(), victim.Code)
	require.NoError(t, err)
	require.Equal(t, booking.Held, got.State)
}

func TestClientAddr(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	tests := []struct {
		name          string
		remote        string
		xff           []string
		wantRemote    string
		wantForwarded string
	}{
		{"IPv4", "192.0.2.1:5000", nil, "192.0.2.1", "192.0.2.1"},
		{"IPv6 by its /64", "[2001:db8:1:2:3:4:5:6]:5000", nil, "2001:db8:1:2::/64", "2001:db8:1:2::/64"},
		{"IPv4 in IPv6", "[::ffff:192.0.2.1]:5000", nil, "192.0.2.1", "192.0.2.1"},
		{"not a host:port", "pipe", nil, "pipe", "pipe"},
		{"a client's header is not believed", "192.0.2.1:5000", []string{"203.0.113.7"}, "192.0.2.1", "192.0.2.1"},
		{"behind a proxy", "10.1.1.1:5000", []string{"203.0.113.7"}, "10.1.1.1", "203.0.113.7"},
		{"the client's own entry is skipped", "10.1.1.1:5000", []string{"6.6.6.6, 203.0.113.7"}, "10.1.1.1", "203.0.113.7"},
		{"two proxies", "10.1.1.1:5000", []string{"6.6.6.6", "203.0.113.7, 10.2.2.2"}, "10.1.1.1", "203.0.113.7"},
		{"every hop a proxy", "10.1.1.1:5000", []string{"10.3.3.3, 10.2.2.2"}, "10.1.1.1", "10.3.3.3"},
		{"a proxy without the header", "10.1.1.1:5000", nil, "10.1.1.1", "10.1.1.1"},
		{"IPv6 behind a proxy", "[fd00::1]:5000", []string{"2001:db8:9:9::1"}, "fd00::/64", "2001:db8:9:9::/64"},
	}
	forwarded := ForwardedFor(proxies...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			r.Header["X-Forwarded-For"] = tt.xff
			require.Equal(t, tt.wantRemote, RemoteAddr(r))
			require.Equal(t, tt.wantForwarded, forwarded(r))
		})
	}
}

// TestForwardedForBounded checks that a huge header costs no more than
// forwardedForHopsMax addresses.
func TestForwardedForBounded(t *testing.T) {
	hops := make([]string, 1000)
	for i := range hops {
		hops[i] = "10.0.0.1"
	}
	require.Len(t, forwardedHops(hops), forwardedForHopsMax)
}

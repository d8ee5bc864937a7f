package kuotahttp

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// routePath turns a route's pattern into a path that matches it.
func routePath(pattern string) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	path = strings.TrimSuffix(path, "{$}")
	path = regexp.MustCompile(`\{[a-z]+\}`).ReplaceAllStringFunc(path, func(w string) string {
		return map[string]string{"{office}": "JKT", "{month}": "2026-12", "{date}": dayArrival, "{code}": "ABCDEFGHJK"}[w]
	})
	return method, path
}

// TestNoHooksNoEntry checks that a handler built without hooks lets
// nobody at any route that reads or changes a booking, whatever the
// request says of itself: no default lets anyone in.
func TestNoHooksNoEntry(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	h, err := New(e, &Options{Now: clk.Now})
	require.NoError(t, err)
	s := &testService{t: t, engine: e, clock: clk, h: h}
	routes := []struct {
		c      *client
		routes []route
	}{{s.as("a1"), publicRoutes}, {s.op(), operatorRoutes}}
	for _, rs := range routes {
		for _, rt := range rs.routes {
			if rt.access == anyone {
				continue
			}
			t.Run(rt.pattern, func(t *testing.T) {
				method, path := routePath(rt.pattern)
				c := *rs.c
				c.s = s.with(t)
				c.header = http.Header{"Authorization": {"Bearer anything"}, operatorHeader: {"op-1"}}
				rec := c.do(method, path, "{}")
				requireProblem(t, rec, 403, map[bool]string{true: "payments-disabled", false: "forbidden"}[rt.access == paymentChannel])
			})
		}
	}
	require.Zero(t, e.Stats().Total, "nothing was booked")
}

// TestAuthHooks checks the answers to the hooks' answers.
func TestAuthHooks(t *testing.T) {
	tests := []struct {
		name          string
		give          func(*http.Request) (string, error)
		wantStatus    int
		wantName      string
		wantChallenge string
	}{
		{"signed in", func(*http.Request) (string, error) { return "a1", nil }, 200, "", ""},
		{"no credentials", func(*http.Request) (string, error) { return "", errors.New("no session cookie") }, 401, "unauthenticated", `Bearer realm="kuota"`},
		{"no account named", func(*http.Request) (string, error) { return "", nil }, 401, "unauthenticated", `Bearer realm="kuota"`},
		{"forbidden", func(*http.Request) (string, error) {
			return "", fmt.Errorf("suspended: %w", ErrForbidden)
		}, 403, "forbidden", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestService(t, nil, func(o *Options) { o.Account = tt.give; o.AuthChallenge = `Bearer realm="kuota"` })
			rec := s.as("").do(http.MethodGet, "/bookings", "")
			require.Equal(t, tt.wantChallenge, rec.Header().Get("WWW-Authenticate"))
			if tt.wantStatus == 200 {
				require.Equal(t, 200, rec.Code, rec.Body.String())
				return
			}
			p := requireProblem(t, rec, tt.wantStatus, tt.wantName)
			// The hook's words are the service's business.
			require.NotContains(t, p.Detail, "session")
			require.NotContains(t, p.Detail, "suspended")
		})
	}
}

// TestOwnership checks that a booking is read and changed only by its
// own account: for anyone else every booking route answers exactly as it
// does for a code nobody holds, byte for byte, and changes nothing.
func TestOwnership(t *testing.T) {
	s := newTestService(t, nil, nil)
	b := s.paid(dayArrival, kt.Slot1)
	s.clock.Set(kt.T5.Add(time.Hour)) // 08:00 on the day: check-in is open for 09:00, cancel and reschedule are not
	tests := []struct {
		method, path, body string
	}{
		{http.MethodGet, "/bookings/%s", ""},
		{http.MethodPost, "/bookings/%s/reschedule", `{"date":"2026-12-11","slot":"08:00"}`},
		{http.MethodPost, "/bookings/%s/cancel", ""},
		{http.MethodPost, "/bookings/%s/checkin", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			s := s.with(t)
			other := s.as("a2").do(tt.method, fmt.Sprintf(tt.path, b.Code), tt.body)
			none := s.as("a2").do(tt.method, fmt.Sprintf(tt.path, "ABCDEFGHJK"), tt.body)
			requireProblem(t, other, 404, "booking-not-found")
			require.Equal(t, none.Body.String(), other.Body.String())
			require.Equal(t, none.Header(), other.Header())
			// Lower case is the same code: no way around it either.
			other = s.as("a2").do(tt.method, fmt.Sprintf(tt.path, strings.ToLower(b.Code)), tt.body)
			require.Equal(t, none.Body.String(), other.Body.String())
		})
	}
	got, err := s.engine.Get(t.Context(), b.Code)
	require.NoError(t, err)
	require.Equal(t, booking.Paid, got.State, "nothing changed")
	require.Zero(t, got.Reschedules)

	// The holder still can.
	require.Equal(t, "checked-in", s.as("a1").post("/bookings/"+b.Code+"/checkin", "", http.StatusOK).State)
}

// TestCrossOrigin checks that a browser's cross-site request may read
// nothing that changes and change nothing, while a same-origin one and a
// server's (no browser headers) go through.
func TestCrossOrigin(t *testing.T) {
	s := newTestService(t, nil, nil)
	tests := []struct {
		name   string
		header http.Header
		want   int
	}{
		{"cross-site", http.Header{"Sec-Fetch-Site": {"cross-site"}}, 403},
		{"another origin", http.Header{"Origin": {"https://evil.example"}}, 403},
		{"same origin", http.Header{"Sec-Fetch-Site": {"same-origin"}}, 201},
		{"no browser", nil, 201},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := s.with(t).as(fmt.Sprint("a", i))
			c.header = tt.header
			rec := c.do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot0, kt.Online, niks[i]))
			require.Equal(t, tt.want, rec.Code, rec.Body.String())
			if tt.want == 403 {
				requireProblem(t, rec, 403, "cross-origin")
			}
		})
	}
}

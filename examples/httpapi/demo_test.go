package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// demoClient sends requests to a running program with the demo's headers.
type demoClient struct {
	t   *testing.T
	url string
}

// do sends a request with the header name set to value (none when
// empty) and returns the status and the decoded body.
func (c demoClient) do(method, path, name, value, body string) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.url+path, strings.NewReader(body))
	require.NoError(c.t, err)
	if name != "" {
		req.Header.Set(name, value)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var out map[string]any
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		require.NoError(c.t, json.Unmarshal(raw, &out), string(raw))
	}
	return resp.StatusCode, out
}

// TestDemoFlow books through the running program as the page does: it
// finds a green slot, holds it as a demo account, pays it through the
// simulated payment channel, reads it back, and finds it on the office's
// arrival list; and checks that the demo's hooks let nobody in without
// their headers.
func TestDemoFlow(t *testing.T) {
	url, stop := startRun(t, "-mem")
	defer func() { require.NoError(t, stop()) }()
	c := demoClient{t, url}
	const budi = "budi@example.com"

	status, cfg := c.do("GET", "/web/config.json", "", "", "")
	require.Equal(t, 200, status)
	require.Equal(t, accountHeader, cfg["account_header"])
	require.Equal(t, "/demo/pay", cfg["pay_url"])
	require.Equal(t, false, cfg["public_calendar"])
	require.NotEmpty(t, cfg["now"], "the page's clock is the server's")
	status, p := c.do("GET", "/offices", "", "", "")
	require.Equal(t, 401, status)
	require.Equal(t, "https://kuota.dev/problems/unauthenticated", p["type"])

	date, slot := greenSlot(t, c, budi)
	hold := `{"office":"JKT-SEL","date":"` + date + `","slot":"` + slot + `","pool":"online","applicants":[{"nik":"` + kt.NIKDigits(0) + `"}]}`
	status, b := c.do("POST", "/holds", accountHeader, budi, hold)
	require.Equal(t, 201, status, b)
	require.Equal(t, "held", b["state"])
	code, billing := b["code"].(string), b["billing_code"].(string)

	status, paid := c.do("POST", "/demo/pay", accountHeader, budi, `{"billing_code":"`+billing+`"}`)
	require.Equal(t, 200, status, paid)
	require.Equal(t, "paid", paid["state"])
	require.Equal(t, "DEMO-"+billing, paid["payment_ref"])

	status, got := c.do("GET", "/bookings/"+code, accountHeader, budi, "")
	require.Equal(t, 200, status)
	require.Equal(t, "paid", got["state"])
	status, _ = c.do("GET", "/bookings/"+code, accountHeader, "eve@example.com", "")
	require.Equal(t, 404, status, "someone else's booking")
	status, _ = c.do("POST", "/payments", "", "", `{"billing_code":"`+billing+`","payment_ref":"FREE"}`)
	require.Equal(t, 401, status, "an unsigned payment")

	status, arrivals := c.do("GET", "/operator/offices/JKT-SEL/days/"+date+"/arrivals?state=paid", operatorHeader, "desk-1", "")
	require.Equal(t, 200, status, arrivals)
	list := arrivals["bookings"].([]any)
	require.Len(t, list, 1)
	require.Equal(t, code, list[0].(map[string]any)["code"])
	require.Equal(t, budi, list[0].(map[string]any)["account"])
	status, _ = c.do("GET", "/operator/stats", accountHeader, budi, "")
	require.Equal(t, 401, status, "an account is not an operator")
}

// greenSlot returns the first date and slot open for booking online at
// the Jakarta office, this month or the next: the program runs on the
// real clock, so the test looks, as a person would.
func greenSlot(t *testing.T, c demoClient, account string) (date, slot string) {
	t.Helper()
	month := calendar.DateOf(time.Now(), calendar.Jakarta()).Start(calendar.Jakarta())
	for range 2 {
		status, m := c.do("GET", "/offices/JKT-SEL/months/"+month.Format("2006-01")+"?pool=online", accountHeader, account, "")
		require.Equal(t, 200, status, m)
		for _, d := range m["days"].([]any) {
			if d.(map[string]any)["state"] != "available" {
				continue
			}
			date = d.(map[string]any)["date"].(string)
			status, day := c.do("GET", "/offices/JKT-SEL/days/"+date+"?pool=online", accountHeader, account, "")
			require.Equal(t, 200, status, day)
			for _, s := range day["slots"].([]any) {
				if s.(map[string]any)["state"] == "available" {
					return date, s.(map[string]any)["slot"].(string)
				}
			}
		}
		month = month.AddDate(0, 1, 0)
	}
	t.Fatal("no green slot in two months")
	return "", ""
}

// TestDemoHooksLocalOnly checks that the demo's hooks and payment channel
// believe their headers only from this machine.
func TestDemoHooksLocalOnly(t *testing.T) {
	tests := []struct {
		remote string
		want   bool
	}{
		{"127.0.0.1:5000", true},
		{"[::1]:5000", true},
		{"192.0.2.1:5000", false},
		{"[2001:db8::1]:5000", false},
		{"garbage", false},
	}
	for _, tt := range tests {
		t.Run(tt.remote, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			r.Header.Set(accountHeader, "budi@example.com")
			r.Header.Set(operatorHeader, "desk-1")
			account, err := demoAccount(r)
			require.Equal(t, tt.want, err == nil, err)
			operator, err := demoOperator(r)
			require.Equal(t, tt.want, err == nil, err)
			if tt.want {
				require.Equal(t, "budi@example.com", account)
				require.Equal(t, "desk-1", operator)
			}

			rec := httptest.NewRecorder()
			pay := httptest.NewRequest(http.MethodPost, "/demo/pay", strings.NewReader(`{"billing_code":"100000000000000"}`))
			pay.RemoteAddr = tt.remote
			demoPaymentChannel(http.NotFoundHandler(), make([]byte, 32)).ServeHTTP(rec, pay)
			if !tt.want {
				require.Equal(t, http.StatusForbidden, rec.Code)
			}
		})
	}
}

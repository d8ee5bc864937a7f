package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/kuotahttp"
)

// Every wait in these tests is bounded: a server that does not come up,
// or does not go down, fails the test instead of hanging it.
const (
	serveStartMax = 30 * time.Second
	serveStopMax  = 30 * time.Second
	// metricsWaitMax bounds the wait for the event feed's reader to count
	// a hold: it sees it within milliseconds of its commit.
	metricsWaitMax = 10 * time.Second
)

// testToken is the operator token of the test configurations, and
// testPaymentSecret their payment channel's secret.
const testToken = "0123456789abcdef0123456789abcdef-operator"

var testPaymentSecret = strings.Repeat("p", 32)

// testConfig is a kuota.json for serve in dir: one office like
// kuotatest's, whose shipped holiday data ("id", to 2026) leaves 2027 of
// its window uncovered, and a server section with the bookings in
// kuota.db, secrets in files of mode 0600, and the account header
// believed from 127.0.0.1 only. server adds members to the server
// section ("" for none).
func testConfig(t *testing.T, dir, server string) string {
	t.Helper()
	for name, secret := range map[string]string{"operator-token": testToken, "payment-secret": testPaymentSecret} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(secret+"\n"), 0o600))
	}
	path := filepath.Join(dir, "kuota.json")
	data := `{
  "offices": [{
    "code": "JKT-SEL", "name": "Kantor Imigrasi Jakarta Selatan", "zone": "Asia/Jakarta",
    "pools": ["online", "walk-in"],
    "slots": [
      {"time": "08:00-09:00", "seats": {"online": 2, "walk-in": 1}},
      {"time": "09:00-10:00", "seats": {"online": 2, "walk-in": 1}}
    ],
    "release": {"every": "monthly", "lead": 1, "day": 1, "at": "08:00"},
    "first": "2026-12-01", "days": 60, "holidays": "id"
  }],
  "server": {
    "listen": "127.0.0.1:0", "db": "kuota.db",
    "operator_token": {"file": "operator-token"}, "payment_secret": {"file": "payment-secret"},
    "account_header": "X-Kuota-Account", "trusted_proxies": ["127.0.0.1"]` + server + `
  }
}`
	require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
	return path
}

// running is a kuota serve started by a test.
type running struct {
	srv    *server
	base   string // http://127.0.0.1:PORT
	cancel context.CancelFunc
	done   chan error
	logs   *lockedBuffer
}

// startServe runs serveCommand with args, the engine's clock frozen at
// t1 unless adjust says otherwise, until stop is called or the test
// ends.
func startServe(t *testing.T, args []string, adjust func(*settings)) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, done: make(chan error, 1), logs: &lockedBuffer{}}
	started := make(chan *server, 1)
	fs := flag.NewFlagSet("kuota serve", flag.ContinueOnError)
	fs.SetOutput(r.logs)
	hooks := serveHooks{
		settings: func(s *settings) {
			at := t1
			s.engine.Now = func() time.Time { return at }
			if adjust != nil {
				adjust(s)
			}
		},
		started: func(s *server) { started <- s },
	}
	go func() { r.done <- serveCommand(ctx, fs, args, hooks) }()
	select {
	case r.srv = <-started:
	case err := <-r.done:
		cancel()
		t.Fatalf("serve ended before it listened: %v\n%s", err, r.logs)
	case <-time.After(serveStartMax):
		cancel()
		t.Fatalf("serve did not listen within %v", serveStartMax)
	}
	r.base = "http://" + r.srv.Addr().String()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// stop cancels serve's context, as SIGTERM does, and returns what it
// returned; a second call returns nil.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	if r.cancel == nil {
		return nil
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.done:
		return err
	case <-time.After(serveStopMax):
		t.Fatalf("serve did not stop within %v", serveStopMax)
		return nil
	}
}

// lockedBuffer is serve's log, written by its goroutines and read by the
// test.
type lockedBuffer struct {
	mu sync.Mutex // guards b
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// call sends a request to the server and returns the status and body.
// from, when not empty, is the local address to send from: a loopback
// address other than 127.0.0.1 is a client no proxy vouches for.
func call(t *testing.T, method, url, body string, header http.Header, from string) (int, string) {
	t.Helper()
	client := http.DefaultClient
	if from != "" {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
		client = &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 30 * time.Second}
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// problemType returns the problem name of a refusal's body.
func problemType(t *testing.T, body string) string {
	t.Helper()
	var p kuotahttp.Problem
	require.NoError(t, json.Unmarshal([]byte(body), &p), body)
	return strings.TrimPrefix(p.Type, kuotahttp.ProblemTypeBase)
}

// holdBody is a hold of one applicant on 10 December.
func holdBody(nik int) string {
	return fmt.Sprintf(`{"office": "JKT-SEL", "date": "2026-12-10", "slot": "08:00", "pool": "online", "applicants": [{"nik": %q}]}`,
		kt.NIKDigits(nik))
}

// metricValues scrapes /metrics and returns each sample by its name and
// labels as the text format writes them: `kuota_bookings{state="held"}`.
func metricValues(t *testing.T, base string) map[string]float64 {
	t.Helper()
	status, body := call(t, http.MethodGet, base+"/metrics", "", nil, "")
	require.Equal(t, http.StatusOK, status)
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		require.NoError(t, err, line)
		out[line[:i]] = v
	}
	return out
}

// TestServe runs kuota serve on 127.0.0.1 with a temporary configuration
// and file, and checks what it promises: it is alive and ready; a hold
// goes through with the account header from the trusted proxy and is
// refused without it or from elsewhere; the operator API wants the
// token; the metrics count the hold, the refusals and the holiday gap;
// and a shutdown leaves a file that opens with the hold in it.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir, "")
	r := startServe(t, []string{"-config", cfg}, nil)

	status, body := call(t, http.MethodGet, r.base+"/healthz", "", nil, "")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "ok\n", body)
	status, body = call(t, http.MethodGet, r.base+"/readyz", "", nil, "")
	require.Equal(t, http.StatusOK, status, body)
	require.JSONEq(t, `{"ready": true, "role": "file"}`, body)

	account := http.Header{"X-Kuota-Account": {"budi@example.com"}}
	status, body = call(t, http.MethodPost, r.base+"/holds", holdBody(1), nil, "")
	require.Equal(t, http.StatusUnauthorized, status, "from the proxy, without the header")
	require.Equal(t, "unauthenticated", problemType(t, body))
	status, body = call(t, http.MethodPost, r.base+"/holds", holdBody(1), account, "127.0.0.2")
	require.Equal(t, http.StatusForbidden, status, "the header from an address no proxy has")
	require.Equal(t, "forbidden", problemType(t, body))
	status, body = call(t, http.MethodPost, r.base+"/holds", holdBody(1), account, "")
	require.Equal(t, http.StatusCreated, status, body)
	var hold struct {
		Code  string `json:"code"`
		State string `json:"state"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &hold))
	require.Equal(t, "held", hold.State)

	status, body = call(t, http.MethodGet, r.base+"/operator/stats", "", nil, "")
	require.Equal(t, http.StatusUnauthorized, status)
	require.Equal(t, "unauthenticated", problemType(t, body))
	status, _ = call(t, http.MethodGet, r.base+"/operator/stats", "", http.Header{"Authorization": {"Bearer " + testToken + "x"}}, "")
	require.Equal(t, http.StatusUnauthorized, status, "a wrong token")
	bearer := http.Header{"Authorization": {"Bearer " + testToken}}
	status, body = call(t, http.MethodGet, r.base+"/operator/stats", "", bearer, "")
	require.Equal(t, http.StatusOK, status, body)
	var stats statsWire
	require.NoError(t, json.Unmarshal([]byte(body), &stats))
	require.Equal(t, 1, stats.Bookings["held"])
	require.Equal(t, []gapWire{{Office: "JKT-SEL", Years: []int{2027}}}, stats.HolidayGaps)
	status, body = call(t, http.MethodGet, r.base+"/operator/offices/JKT-SEL/months/2026-12", "", bearer, "")
	require.Equal(t, http.StatusOK, status, "an operator reads the calendar: %s", body)
	status, _ = call(t, http.MethodGet, r.base+"/operator/offices/JKT-SEL/months/2026-12", "", nil, "")
	require.Equal(t, http.StatusUnauthorized, status, "and nobody else through the operator's door")

	// The feed's reader counts the hold a moment after its commit.
	deadline := time.Now().Add(metricsWaitMax)
	m := metricValues(t, r.base)
	for m["kuota_holds_total"] < 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		m = metricValues(t, r.base)
	}
	want := map[string]float64{
		"kuota_holds_total":                                             1,
		`kuota_booking_changes_total{state="held"}`:                     1,
		`kuota_bookings{state="held"}`:                                  1,
		`kuota_bookings{state="paid"}`:                                  0,
		`kuota_refusals_total{api="public",reason="unauthenticated"}`:   1,
		`kuota_refusals_total{api="public",reason="forbidden"}`:         1,
		`kuota_refusals_total{api="operator",reason="unauthenticated"}`: 3,
		`kuota_holiday_gap_years{office="JKT-SEL"}`:                     1,
		"kuota_storage_failing":                                         0,
		"kuota_standby":                                                 0,
		"kuota_feed_lost_total":                                         0,
	}
	for k, v := range want {
		require.Contains(t, m, k)
		require.Equal(t, v, m[k], k)
	}
	require.Positive(t, m["kuota_commits_total"])
	require.Positive(t, m["kuota_last_commit_seconds"], "the commit latency")
	require.NotContains(t, m, "kuota_journal_lag_seconds", "a file has no journal to follow")

	require.NoError(t, r.stop(t))
	require.Contains(t, r.logs.String(), "kuota serve: stopped")
	e, err := booking.Open(filepath.Join(dir, "kuota.db"), &booking.Options{ReadOnly: true, NoSweeper: true, Now: kt.NewClock(t1).Now})
	require.NoError(t, err, "the file reopens after the shutdown")
	defer e.Close()
	b, err := e.Get(context.Background(), hold.Code)
	require.NoError(t, err)
	require.Equal(t, booking.Held, b.State)
	require.Equal(t, "budi@example.com", b.Account)
}

// TestServeRestart starts serve twice on one file: the second start
// registers nothing (the offices are unchanged), and the bookings are
// there.
func TestServeRestart(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir, "")
	r := startServe(t, []string{"-config", cfg}, nil)
	status, body := call(t, http.MethodPost, r.base+"/holds", holdBody(1), http.Header{"X-Kuota-Account": {"a1"}}, "")
	require.Equal(t, http.StatusCreated, status, body)
	lsn := r.srv.st.engine().LatestLSN()
	require.NoError(t, r.stop(t))

	r = startServe(t, []string{"-config", cfg}, nil)
	require.Equal(t, lsn, r.srv.st.engine().LatestLSN(), "no office registered again")
	require.Contains(t, r.logs.String(), "registered=0")
	require.Equal(t, 1, r.srv.st.engine().Stats().Total)
}

// TestServeSettings checks what serve refuses to start with.
func TestServeSettings(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(dir string) // after the configuration is written
		args    []string
		want    string // in the error
	}{
		{
			name:    "short token",
			prepare: func(dir string) { os.WriteFile(filepath.Join(dir, "operator-token"), []byte("hunter2\n"), 0o600) },
			want:    "server.operator_token (file operator-token) is 7 bytes; want at least 32",
		},
		{
			name:    "token readable by others",
			prepare: func(dir string) { os.Chmod(filepath.Join(dir, "operator-token"), 0o644) },
			want:    "server.operator_token: config: secret not readable",
		},
		{
			name: "no advertise on every interface",
			args: []string{"-postgres", "postgres://127.0.0.1:1/none", "-listen", ":0"},
			want: "give -advertise URL or the configuration's server.advertise",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := testConfig(t, dir, "")
			if tt.prepare != nil {
				tt.prepare(dir)
			}
			fs := flag.NewFlagSet("kuota serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			err := serveCommand(context.Background(), fs, append([]string{"-config", cfg}, tt.args...), serveHooks{})
			require.ErrorContains(t, err, strings.ReplaceAll(tt.want, "file operator-token", "file "+filepath.Join(dir, "operator-token")))
		})
	}
}

// TestServeFlags checks that -db and -listen override the file.
func TestServeFlags(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir, "")
	other := filepath.Join(t.TempDir(), "other.db")
	r := startServe(t, []string{"-config", cfg, "-db", other, "-listen", "127.0.0.2:0"}, nil)
	require.True(t, strings.HasPrefix(r.base, "http://127.0.0.2:"), r.base)
	require.NoError(t, r.stop(t))
	require.FileExists(t, other)
	require.NoFileExists(t, filepath.Join(dir, "kuota.db"))
}

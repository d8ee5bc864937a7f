package main

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// serveFile runs a server on the booking file at path, as kuota serve
// does, with the engine's clock at t1, and returns its base URL. edit
// may change the settings first. The server stops when the test ends.
func serveFile(t *testing.T, path string, edit func(*settings)) string {
	t.Helper()
	at := t1
	s := &settings{
		listen:        "127.0.0.1:0",
		db:            path,
		offices:       []booking.OfficeConfig{officeConfig(t)},
		engine:        booking.Options{Now: func() time.Time { return at }},
		operatorToken: testToken,
		log:           slog.New(slog.DiscardHandler),
	}
	if edit != nil {
		edit(s)
	}
	srv, err := startServer(context.Background(), s)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(serveStopMax):
			t.Fatalf("the server did not stop within %v", serveStopMax)
		}
	})
	return "http://" + srv.Addr().String()
}

// TestRemoteMatchesFile asks a running service what the same commands
// read from its file before it started: calendar, arrivals and check
// answer alike, line for line.
func TestRemoteMatchesFile(t *testing.T) {
	f := newFixture(t)
	commands := [][]string{
		{"calendar", "-office", kt.Office, "-month", "2026-12", "-color", "never"},
		{"calendar", "-office", kt.Office, "-month", "2026-12", "-pool", "online", "-color", "never"},
		{"calendar", "-office", kt.Office, "-month", "2027-01", "-color", "never"},
		{"arrivals", "-office", kt.Office, "-date", "2026-12-10"},
		{"arrivals", "-office", kt.Office, "-date", "2026-12-10", "-format", "csv"},
		{"arrivals", "-office", kt.Office, "-date", "2026-12-15"},
		{"check"},
	}
	want := make([]string, len(commands))
	for i, cmd := range commands {
		status, out, errOut := kuota(t, append(cmd, "-db", f.path, "-now", at(t1))...)
		require.Equal(t, exitOK, status, errOut)
		want[i] = out
	}

	addr := serveFile(t, f.path, nil)
	for i, cmd := range commands {
		t.Run(strings.Join(cmd, " "), func(t *testing.T) {
			status, out, errOut := kuota(t, append(cmd, "-addr", addr, "-token", testToken)...)
			require.Equal(t, exitOK, status, errOut)
			require.Equal(t, want[i], out)
		})
	}
}

func TestRemoteStats(t *testing.T) {
	f := newFixture(t)
	addr := serveFile(t, f.path, nil)
	t.Setenv(tokenEnv, testToken)
	status, out, errOut := kuota(t, "stats", "-addr", addr)
	require.Equal(t, exitOK, status, errOut)
	for _, want := range []string{
		"service       " + addr + "\n",
		"role          active\n",
		"bookings      9\n",
		"  held        2\n",
		"  paid        6\n",
		"  checked in  0\n",
		"  cancelled   1\n",
		"offices       1\n",
		"CODE  NAME                             ZONE          SLOTS  POOLS\n",
		"JKT   Kantor Imigrasi Jakarta Selatan  Asia/Jakarta  2      online, walk-in\n",
	} {
		require.Contains(t, out, want)
	}
	require.Regexp(t, `commits +\d+, \d+ changes, [0-9.]+ a commit; the last took`, out)
	require.NotContains(t, out, "warning:", "kuotatest's office has holidays for its whole window")
}

// TestRemoteProblems checks what the commands say when a service cannot
// answer as asked.
func TestRemoteProblems(t *testing.T) {
	f := newFixture(t)
	addr := serveFile(t, f.path, nil)
	g := newFixture(t)
	closedDoor := serveFile(t, g.path, func(s *settings) { s.operatorToken = "" })
	notKuota := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notKuota.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	nobody := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())

	tests := []struct {
		name string
		give []string
		want string // stderr
	}{
		{"wrong token", []string{"stats", "-addr", addr, "-token", testToken + "x"},
			"kuota stats: " + addr + " refused the operator token (-token or $KUOTA_OPERATOR_TOKEN): Sign in first"},
		{"no operator let in", []string{"check", "-addr", closedDoor, "-token", testToken},
			"kuota check: " + closedDoor + " lets no operator in (its configuration names no operator_token)"},
		{"unknown office", []string{"arrivals", "-addr", addr, "-token", testToken, "-office", "MKS", "-date", "2026-12-10"},
			`kuota arrivals: no office "MKS" at ` + addr + "; it has: JKT"},
		{"unknown office, today", []string{"arrivals", "-addr", addr, "-token", testToken, "-office", "MKS"},
			`kuota arrivals: no office "MKS" at ` + addr + "; it has: JKT"},
		{"unknown pool", []string{"calendar", "-addr", addr, "-token", testToken, "-office", kt.Office, "-pool", "vip"},
			`kuota calendar: office JKT has no pool "vip"; it has: online, walk-in`},
		{"not kuota", []string{"stats", "-addr", notKuota.URL, "-token", testToken},
			"kuota stats: " + notKuota.URL + " answered 404 Not Found, not as kuota serve does"},
		{"nobody there", []string{"stats", "-addr", nobody, "-token", testToken},
			"kuota stats: cannot reach " + nobody + " (is kuota serve running there?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out, errOut := kuota(t, tt.give...)
			require.Equal(t, exitTrouble, status)
			require.Empty(t, out)
			require.True(t, strings.HasPrefix(errOut, tt.want), "stderr: %s", errOut)
		})
	}
}

// TestBackupRemote copies the file of a running service through its
// operator API, and the copy reads as the original did.
func TestBackupRemote(t *testing.T) {
	f := newFixture(t)
	_, wantStats, _ := kuota(t, "stats", "-db", f.path, "-now", at(t1))
	addr := serveFile(t, f.path, nil)
	out := filepath.Join(t.TempDir(), "copy.db")
	status, stdout, errOut := kuota(t, "backup", "-addr", addr, "-token", testToken, "-out", out)
	require.Equal(t, exitOK, status, errOut)
	require.Regexp(t, `^backup: \d+ bytes of `+addr+` written to `+out+`, opened: 9 bookings\n$`, stdout)
	requireMode(t, out, 0o600)
	_, gotStats, _ := kuota(t, "stats", "-db", out, "-now", at(t1))
	require.Equal(t, afterLine(wantStats, "bookings"), afterLine(gotStats, "bookings"), "the same bookings and offices")

	status, _, errOut = kuota(t, "backup", "-addr", addr, "-token", testToken, "-out", out)
	require.Equal(t, exitTrouble, status)
	require.Contains(t, errOut, out+" exists: backup writes a new file and never replaces one")
}

// afterLine returns s from the line that begins with prefix on.
func afterLine(s, prefix string) string {
	if i := strings.Index(s, "\n"+prefix); i >= 0 {
		return s[i+1:]
	}
	return s
}

// TestRemoteRequest checks what a command sends: GET under the service's
// base path and /operator, the path escaped once, the query kept, the
// token as a bearer token.
func TestRemoteRequest(t *testing.T) {
	var uri, auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		uri, auth = r.RequestURI, r.Header.Get("Authorization")
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	base, err := parseServiceURL(srv.URL + "/kuota/")
	require.NoError(t, err)
	var v struct{}
	require.NoError(t, newRemote(base, testToken).get("/offices/A%2FB/months/2026-12?pool=walk-in", &v))
	require.Equal(t, "/kuota/operator/offices/A%2FB/months/2026-12?pool=walk-in", uri)
	require.Equal(t, "Bearer "+testToken, auth)
}

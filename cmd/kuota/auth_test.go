package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/kuotahttp"
)

func TestBearerOperator(t *testing.T) {
	hook := bearerOperator(testToken)
	tests := []struct {
		name    string
		give    string // the Authorization header
		wantErr error
	}{
		{"the token", "Bearer " + testToken, nil},
		{"the scheme in any case", "bearer " + testToken, nil},
		{"none", "", kuotahttp.ErrUnauthenticated},
		{"another scheme", "Basic " + testToken, kuotahttp.ErrUnauthenticated},
		{"a prefix of the token", "Bearer " + testToken[:len(testToken)-1], kuotahttp.ErrUnauthenticated},
		{"the token and more", "Bearer " + testToken + "0", kuotahttp.ErrUnauthenticated},
		{"no token", "Bearer ", kuotahttp.ErrUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/stats", nil)
			if tt.give != "" {
				r.Header.Set("Authorization", tt.give)
			}
			name, err := hook(r)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, operatorName, name)
		})
	}
}

func TestGatewayAccount(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("fd00::/64")}
	tests := []struct {
		name    string
		header  string // the configured account header
		from    string // RemoteAddr
		give    string // the header's value
		ctx     bool   // an operator's calendar read
		want    string
		wantErr error
	}{
		{"from the proxy", "X-Kuota-Account", "10.0.0.7:5000", "budi@example.com", false, "budi@example.com", nil},
		{"from the proxy over IPv6", "X-Kuota-Account", "[fd00::9]:5000", "budi@example.com", false, "budi@example.com", nil},
		{"an IPv4-mapped proxy", "X-Kuota-Account", "[::ffff:10.0.0.7]:5000", "budi", false, "budi", nil},
		{"from elsewhere", "X-Kuota-Account", "192.0.2.1:5000", "budi@example.com", false, "", kuotahttp.ErrForbidden},
		{"from the proxy, no header", "X-Kuota-Account", "10.0.0.7:5000", "", false, "", kuotahttp.ErrUnauthenticated},
		{"an account too long", "X-Kuota-Account", "10.0.0.7:5000", strings.Repeat("a", 129), false, "", kuotahttp.ErrUnauthenticated},
		{"an account with a control character", "X-Kuota-Account", "10.0.0.7:5000", "budi\x7f", false, "", kuotahttp.ErrUnauthenticated},
		{"no header configured", "", "10.0.0.7:5000", "budi", false, "", kuotahttp.ErrForbidden},
		{"an operator's calendar read", "", "192.0.2.1:5000", "", true, "operator:operator", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/holds", nil)
			r.RemoteAddr = tt.from
			if tt.give != "" {
				r.Header.Set("X-Kuota-Account", tt.give)
			}
			if tt.ctx {
				r = r.WithContext(context.WithValue(r.Context(), operatorKey{}, operatorName))
			}
			got, err := gatewayAccount(tt.header, trusted)(r)
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

// TestOperatorCalendar checks the door serve opens to the calendar for
// operators: the token, and nothing else, lets a request through, with
// the operator in its context.
func TestOperatorCalendar(t *testing.T) {
	var seen []string
	public := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, _ := r.Context().Value(operatorKey{}).(string)
		seen = append(seen, r.URL.Path+" "+name)
	})
	tests := []struct {
		name       string
		hook       func(*http.Request) (string, error)
		token      string
		wantStatus int
		wantSeen   []string
	}{
		{"the token", bearerOperator(testToken), testToken, http.StatusOK, []string{"/offices operator"}},
		{"a wrong token", bearerOperator(testToken), "guess", http.StatusUnauthorized, nil},
		{"no operator configured", nil, testToken, http.StatusForbidden, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = nil
			r := httptest.NewRequest(http.MethodGet, "/operator/offices", nil)
			r.Header.Set("Authorization", "Bearer "+tt.token)
			w := httptest.NewRecorder()
			operatorCalendar(tt.hook, public).ServeHTTP(w, r)
			require.Equal(t, tt.wantStatus, w.Code)
			require.Equal(t, tt.wantSeen, seen)
			if w.Code != http.StatusOK {
				require.Equal(t, kuotahttp.ProblemContentType, w.Header().Get("Content-Type"))
			}
		})
	}
}

package kuotahttp

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMountedUnderPrefix mounts both handlers under prefixes of a
// service's mux, as the package documentation shows, and checks that each
// route answers there: the page and its files, the API, the operator API,
// and the problems of a path no route has.
func TestMountedUnderPrefix(t *testing.T) {
	s := newTestService(t, nil, nil)
	mux := http.NewServeMux()
	mux.Handle("/kuota/", http.StripPrefix("/kuota", s.h))
	mux.Handle("/ops/", http.StripPrefix("/ops", s.h.Operator()))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	tests := []struct {
		path       string
		header     string
		wantStatus int
		wantBody   string
	}{
		{"/kuota/", "", 200, `src="web/app.js"`},
		{"/kuota/web/app.js", "", 200, "config.account_header"},
		{"/kuota/web/config.json", "", 200, `"public_calendar":false`},
		{"/kuota/offices", accountHeader, 200, `"code":"JKT"`},
		{"/kuota/nope", accountHeader, 404, `"type":"https://kuota.dev/problems/no-route"`},
		{"/ops/stats", operatorHeader, 200, `"total":0`},
		{"/ops/offices", operatorHeader, 404, `"type":"https://kuota.dev/problems/no-route"`},
		{"/stats", operatorHeader, 404, "404 page not found"}, // the service's mux, not ours
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+tt.path, nil)
			require.NoError(t, err)
			if tt.header != "" {
				req.Header.Set(tt.header, "someone")
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.Equal(t, tt.wantStatus, resp.StatusCode, string(body))
			require.True(t, strings.Contains(string(body), tt.wantBody), "%s", body)
		})
	}
}

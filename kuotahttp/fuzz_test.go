package kuotahttp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
)

// FuzzHoldBody sends any body as a hold: the answer is a booking or a
// problem, never a panic, never a Go type's name, never a NIK in full.
func FuzzHoldBody(f *testing.F) {
	for _, seed := range []string{
		holdJSON(dayArrival, kt.Slot0, kt.Online, niks[0]),
		`{"office":"JKT","slot":1}`,
		`{"applicants":[{"nik":3171010101900001}]}`,
		`{"applicants":[{"nik":"x"},{"nikk":"x"}],"family_card":"317101"}`,
		`{"a/b~c":null}`,
		`[]`, `"`, `{`, ``, `{"date":"2026-02-30"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		s := newTestService(t, nil, func(o *Options) { o.Logger = nil })
		rec := s.as("fuzz").do(http.MethodPost, "/holds", body)
		if rec.Code == http.StatusCreated {
			return
		}
		p := requireProblem(t, rec, rec.Code, strings.TrimPrefix(problemType(t, rec), ProblemTypeBase))
		require.NotContains(t, p.Detail, "Go ")
	})
}

// problemType returns the type of the problem rec carries.
func problemType(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	require.Equal(t, ProblemContentType, rec.Header().Get("Content-Type"), rec.Body.String())
	_, rest, ok := strings.Cut(rec.Body.String(), `"type":"`)
	require.True(t, ok)
	typ, _, _ := strings.Cut(rest, `"`)
	return typ
}

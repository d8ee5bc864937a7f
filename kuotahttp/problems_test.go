package kuotahttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/reschedule"
)

// requireProblem fails unless rec is a problem of the given status and
// name, and returns it.
func requireProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, name string) Problem {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	require.Equal(t, ProblemContentType, rec.Header().Get("Content-Type"))
	var p Problem
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p), rec.Body.String())
	require.Equal(t, ProblemTypeBase+name, p.Type, rec.Body.String())
	require.Equal(t, status, p.Status)
	require.NotEmpty(t, p.Title)
	return p
}

// TestProblemTable checks every row of problemTable: its sentinel,
// wrapped as the engine wraps them, finds that row and not an earlier
// one, and its name is a stable one in the wire form.
func TestProblemTable(t *testing.T) {
	seenErr := map[error]bool{}
	seenName := map[string]bool{}
	for _, row := range problemTable {
		t.Run(row.name, func(t *testing.T) {
			require.False(t, seenErr[row.err], "sentinel listed twice")
			require.False(t, seenName[row.name], "name used twice")
			seenErr[row.err], seenName[row.name] = true, true
			require.Regexp(t, `^[a-z]+(-[a-z]+)*$`, row.name)
			require.NotContains(t, row.title, ":", "a title is words, not an error message")

			got, known := lookupProblem(fmt.Errorf("context: %w", row.err))
			require.True(t, known)
			require.Equal(t, row.name, got.name)
			require.Equal(t, row.status, got.status)
		})
	}
}

// TestProblemNamesDocumented checks that the package documentation lists
// every problem, with its status, and no other: the names are the API.
func TestProblemNamesDocumented(t *testing.T) {
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	_, list, ok := strings.Cut(string(doc), "The names are the API's contract:")
	require.True(t, ok)
	list, _, ok = strings.Cut(list, "# Standby")
	require.True(t, ok)
	listed := regexp.MustCompile(`(\d{3}) ([a-z]+(?:-[a-z]+)*)`).FindAllStringSubmatch(list, -1)
	documented := map[string]string{}
	for _, m := range listed {
		documented[m[2]] = m[1]
	}
	for _, row := range append(problemTable, internalRow) {
		require.Equal(t, fmt.Sprint(row.status), documented[row.name], "doc.go on %s", row.name)
		delete(documented, row.name)
	}
	require.Empty(t, documented, "doc.go lists problems the table does not have")
}

// TestProblemTyped checks the typed errors, which match sentinels through
// their Is and Unwrap methods, and what the problem adds for them.
func TestProblemTyped(t *testing.T) {
	jakarta := calendar.Jakarta()
	tests := []struct {
		name       string
		give       error
		params     []string
		wantStatus int
		want       Problem // Type, Title and Status are checked apart
	}{{
		name:       "expired booking",
		give:       &booking.StateError{Op: "pay", State: booking.Expired},
		wantStatus: 410,
		want:       Problem{Detail: "hold expired: cannot pay it"},
	}, {
		name:       "wrong state",
		give:       &booking.StateError{Op: "check in", State: booking.Held},
		wantStatus: 409,
		want:       Problem{Detail: "cannot check in a booking that is held"},
	}, {
		// The engine counts applicants from 1 in words; the API counts
		// from 0, in Field only, so the two can never disagree.
		name:       "applicant",
		give:       &booking.ApplicantError{Index: 2, Err: booking.ErrNIKBooked},
		wantStatus: 409,
		want:       Problem{Detail: "NIK already has a live booking", Field: "/applicants/2/nik"},
	}, {
		name:       "window",
		give:       &reschedule.WindowError{Action: reschedule.Cancel, Closes: time.Date(2026, 11, 2, 0, 0, 0, 0, jakarta)},
		wantStatus: 409,
		want:       Problem{Detail: "too late to cancel: closed 2026-11-02 00:00 WIB", Closes: time.Date(2026, 11, 2, 0, 0, 0, 0, jakarta)},
	}, {
		name:       "a member of the body",
		give:       fmt.Errorf("hold: %w", booking.ErrUnknownSlot),
		wantStatus: 422,
		want:       Problem{Detail: "hold: unknown slot", Field: "/slot"},
	}, {
		name:       "a parameter",
		give:       booking.ErrUnknownPool,
		params:     []string{"office", "pool"},
		wantStatus: 422,
		want:       Problem{Detail: "unknown pool", Parameter: "pool"},
	}, {
		// Someone else's booking answers as no booking: nothing in the
		// detail to tell them apart.
		name:       "not found",
		give:       booking.ErrNotFound,
		wantStatus: 404,
	}, {
		name:       "storage: the chain stays in the log",
		give:       fmt.Errorf("%w: write /var/lib/kuota.db: no space left on device", booking.ErrStorage),
		wantStatus: 503,
	}, {
		name:       "unexpected",
		give:       errors.New("secret internals"),
		wantStatus: 500,
	}, {
		// Errors only Open returns are not in the table: reaching a
		// handler with one would be a bug.
		name:       "an Open error",
		give:       booking.ErrLocked,
		wantStatus: 500,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			h := &Handler{log: slog.New(slog.NewTextHandler(&log, nil)), o: Options{AuthChallenge: "Bearer"}}
			rec := httptest.NewRecorder()
			h.fail(&call{w: rec, r: httptest.NewRequest(http.MethodGet, "/x", nil), rt: &route{params: tt.params}}, tt.give)

			require.Equal(t, tt.wantStatus, rec.Code)
			require.Equal(t, ProblemContentType, rec.Header().Get("Content-Type"))
			var got Problem
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &got))
			row, _ := lookupProblem(tt.give)
			want := tt.want
			want.Type, want.Title, want.Status = ProblemTypeBase+row.name, row.title, row.status
			require.True(t, want.Closes.Equal(got.Closes), "closes %v", got.Closes)
			want.Closes, got.Closes = time.Time{}, time.Time{}
			require.Equal(t, want, got)
			// 5xx are logged in full, and say nothing more to the client;
			// 4xx are the client's business.
			if tt.wantStatus >= 500 {
				require.Contains(t, log.String(), tt.give.Error())
				require.NotContains(t, rec.Body.String(), "secret")
				require.NotContains(t, rec.Body.String(), "/var/lib")
			} else {
				require.Empty(t, log.String())
			}
		})
	}
}

// TestMalformedJSON checks what a client learns of a body the decoder
// refuses: the member, as a JSON Pointer, and the JSON type it wants, in
// JSON's words, never Go's.
func TestMalformedJSON(t *testing.T) {
	tests := []struct {
		name       string
		give       string
		wantField  string
		wantDetail string
	}{
		{"wrong type", `{"office":"JKT","slot":1}`, "/slot", "want a string, got a number"},
		{"unknown member", `{"office":"JKT","acount":"a1"}`, "/acount", "no such member"},
		{"the account is not the body's", `{"account":"a1"}`, "/account", "no such member"},
		{"NIK as a number", `{"applicants":[{"nik":"x"},{"nik":3171010101900001}]}`, "/applicants/1/nik", "want a string, got a number"},
		{"unknown member of an applicant", `{"applicants":[{"nik":"x"},{"nikk":"x"}]}`, "/applicants/1/nikk", "no such member"},
		{"applicant not an object", `{"applicants":[7]}`, "/applicants/0", "want an object, got a number"},
		{"applicants not an array", `{"applicants":{}}`, "/applicants", "want an array, got an object"},
		{"an array", `[]`, "", "want an object, got an array"},
		{"a string", `"hold"`, "", "want an object, got a string"},
		{"syntax", `{"office":"JKT",}`, "", "malformed JSON near byte 17"},
		{"cut short", `{"office":`, "", "the JSON ends too soon"},
		{"empty", ``, "", "empty body, want a JSON object"},
		{"data after", `{"office":"JKT"} {}`, "", "data after the JSON value"},
		{"a slash in a member's name", `{"a/b~c":1}`, "/a~1b~0c", "no such member"},
	}
	s := newTestService(t, nil, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := requireProblem(t, s.with(t).as("a1").do(http.MethodPost, "/holds", tt.give), 400, "bad-json")
			require.Equal(t, tt.wantField, p.Field)
			require.Equal(t, tt.wantDetail, p.Detail)
		})
	}
	// The reason of a cancellation is decoded on its own, and still
	// named from the root.
	b := s.as("a1").hold(dayArrival, "08:00", "online", niks[0])
	p := requireProblem(t, s.as("a1").do(http.MethodPost, "/bookings/"+b.Code+"/cancel", `{"reason":{"kind":3}}`), 400, "bad-json")
	require.Equal(t, "/reason/kind", p.Field)
	p = requireProblem(t, s.as("a1").do(http.MethodPost, "/bookings/"+b.Code+"/cancel", `{"reason":{"why":"x"}}`), 400, "bad-json")
	require.Equal(t, "/reason/why", p.Field)
}

// TestBodyTooLarge checks the body limit, default and set.
func TestBodyTooLarge(t *testing.T) {
	big := `{"office":"` + strings.Repeat("x", DefaultBodyBytesMax) + `"}`
	s := newTestService(t, nil, nil)
	p := requireProblem(t, s.as("a1").do(http.MethodPost, "/holds", big), 413, "body-too-large")
	require.Equal(t, fmt.Sprintf("request body too large: the limit is %d bytes", DefaultBodyBytesMax), p.Detail)

	small := newTestService(t, nil, func(o *Options) { o.BodyBytesMax = BodyBytesMin })
	requireProblem(t, small.as("a1").do(http.MethodPost, "/holds", big[:BodyBytesMin+1]), 413, "body-too-large")
}

// TestNoRouteNoMethod checks that the mux's own refusals are problems
// too, on both handlers, with Allow on a 405.
func TestNoRouteNoMethod(t *testing.T) {
	s := newTestService(t, nil, nil)
	for _, c := range []*client{s.as("a1"), s.op()} {
		requireProblem(t, c.do(http.MethodGet, "/nope", ""), 404, "no-route")
		requireProblem(t, c.do(http.MethodGet, "/bookings/ABC/nope", ""), 404, "no-route")
		rec := c.do(http.MethodDelete, "/bookings/ABCDEFGHJK", "")
		requireProblem(t, rec, 405, "method-not-allowed")
		require.Contains(t, rec.Header().Get("Allow"), http.MethodGet)
	}
	rec := s.as("a1").do(http.MethodGet, "/holds", "")
	requireProblem(t, rec, 405, "method-not-allowed")
	require.Equal(t, "POST", rec.Header().Get("Allow"))
}

package kuotahttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/reschedule"
)

// TestErrorTable checks every row of errorTable: its sentinel, wrapped as
// the engine wraps them, finds that row and not an earlier one.
func TestErrorTable(t *testing.T) {
	seen := map[error]bool{}
	for _, row := range errorTable {
		t.Run(row.code, func(t *testing.T) {
			require.False(t, seen[row.err], "sentinel listed twice")
			seen[row.err] = true

			got, known := lookupError(fmt.Errorf("context: %w", row.err))
			require.True(t, known)
			require.Equal(t, row.status, got.status)
			require.Equal(t, row.code, got.code)
		})
	}
}

// TestErrorTyped checks the typed errors, which match sentinels through
// their Is and Unwrap methods, and what the JSON body adds for them.
func TestErrorTyped(t *testing.T) {
	for _, tt := range typedErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			rec := httptest.NewRecorder()
			writeError(rec, httptest.NewRequest(http.MethodGet, "/x", nil), slog.New(slog.NewTextHandler(&log, nil)), tt.give)

			require.Equal(t, tt.wantStatus, rec.Code)
			var body errorBody
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			require.Equal(t, tt.wantCode, body.Error.Code)
			wantMessage := tt.wantMessage
			if wantMessage == "" {
				wantMessage = tt.give.Error()
			}
			require.Equal(t, wantMessage, body.Error.Message)
			require.Contains(t, rec.Body.String(), tt.wantExtra)
			// 5xx are logged in full, 4xx are the client's business.
			if tt.wantStatus >= 500 {
				require.Contains(t, log.String(), tt.give.Error())
			} else {
				require.Empty(t, log.String())
			}
		})
	}
}

// typedErrorTests are the cases of TestErrorTyped.
var typedErrorTests = []struct {
	name        string
	give        error
	wantStatus  int
	wantCode    string
	wantMessage string // "" means give.Error()
	wantExtra   string // a fragment of the body
}{{
	name:       "expired booking",
	give:       &booking.StateError{Op: "pay", State: booking.Expired},
	wantStatus: http.StatusGone,
	wantCode:   "expired",
}, {
	name:       "wrong state",
	give:       &booking.StateError{Op: "check in", State: booking.Held},
	wantStatus: http.StatusConflict,
	wantCode:   "wrong_state",
}, {
	name:       "applicant",
	give:       &booking.ApplicantError{Index: 2, Err: booking.ErrNIKBooked},
	wantStatus: http.StatusConflict,
	wantCode:   "nik_booked",
	wantExtra:  `"applicant_index":2`,
}, {
	name:       "window",
	give:       &reschedule.WindowError{Action: reschedule.Cancel, Closes: time.Date(2026, 11, 2, 0, 0, 0, 0, jakarta)},
	wantStatus: http.StatusConflict,
	wantCode:   "cancel_closed",
	wantExtra:  `"closes":"2026-11-02T00:00:00+07:00"`,
}, {
	name:        "storage: the chain stays in the log",
	give:        fmt.Errorf("%w: write /var/lib/kuota.db: no space left on device", booking.ErrStorage),
	wantStatus:  http.StatusServiceUnavailable,
	wantCode:    "storage",
	wantMessage: booking.ErrStorage.Error(),
}, {
	name:        "unexpected",
	give:        errors.New("secret internals"),
	wantStatus:  http.StatusInternalServerError,
	wantCode:    "internal",
	wantMessage: "internal error",
}, {
	// A nil context is this server's bug: a 500 that names it, logged.
	name:        "nil context",
	give:        fmt.Errorf("hold: %w", booking.ErrNilContext),
	wantStatus:  http.StatusInternalServerError,
	wantCode:    "nil_context",
	wantMessage: booking.ErrNilContext.Error(),
}, {
	// Errors only Open returns are not in the table: reaching a
	// handler with one would be a bug.
	name:        "an Open error",
	give:        booking.ErrLocked,
	wantStatus:  http.StatusInternalServerError,
	wantCode:    "internal",
	wantMessage: "internal error",
}}

// errorCase provokes one refusal through the API.
type errorCase struct {
	name string
	// service builds the service to run give on; nil means
	// newTestService(t, nil).
	service    func(t *testing.T) *testService
	give       func(s *testService) *httptest.ResponseRecorder
	wantStatus int
	wantCode   string
}

// unreachableCodes are the error codes no request to this API can cause:
// a storage failure needs a failing disk, a nil context a bug in this
// server (every request has a context), a late check-in a policy whose
// check-in closes before its no-show (the engine's closes at it, so a late
// check-in meets a no-show), and the others come from operator calls this
// API does not expose. TestErrorTable covers them.
var unreachableCodes = map[string]bool{
	"storage": true, "check_in_late": true, "nil_context": true, "bad_office": true, "bad_closure_reason": true, "bad_config": true, "bad_seats": true,
	"too_many_offices": true, "office_in_use": true, "layout_change": true, "below_taken": true,
}

// TestErrorsOverHTTP provokes every error code a request can cause, through
// the routes, and checks that together the cases cover errorTable.
func TestErrorsOverHTTP(t *testing.T) {
	tests := slices.Concat(inputErrorCases(), stateErrorCases(), calendarErrorCases(), serviceErrorCases())
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newService := tt.service
			if newService == nil {
				newService = func(t *testing.T) *testService { return newTestService(t, nil) }
			}
			rec := tt.give(newService(t))
			require.Equal(t, tt.wantStatus, rec.Code, rec.Body.String())
			require.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			var body errorBody
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), rec.Body.String())
			require.Equal(t, tt.wantCode, body.Error.Code)
			require.NotEmpty(t, body.Error.Message)
			covered[tt.wantCode] = true
		})
	}
	for _, row := range errorTable {
		require.True(t, covered[row.code] || unreachableCodes[row.code], "no case provokes %q", row.code)
	}
}

// get, post and postHold build the give functions of the cases.
func get(path string) func(*testService) *httptest.ResponseRecorder {
	return func(s *testService) *httptest.ResponseRecorder { return s.do(http.MethodGet, path, "") }
}

func post(path, body string) func(*testService) *httptest.ResponseRecorder {
	return func(s *testService) *httptest.ResponseRecorder { return s.do(http.MethodPost, path, body) }
}

// postHold posts a hold with the given fields over a valid one.
func postHold(fields map[string]any) func(*testService) *httptest.ResponseRecorder {
	body := map[string]any{
		"account": "a1", "office": "JKT-SEL", "date": dayOpen, "slot": kt.Slot1, "pool": "online",
		"applicants": []map[string]any{{"nik": niks[0]}},
	}
	for k, v := range fields {
		if v == nil {
			delete(body, k)
		} else {
			body[k] = v
		}
	}
	return post("/api/holds", mustJSON(body))
}

// inputErrorCases are requests that are malformed or carry a value that
// can never be accepted.
func inputErrorCases() []errorCase {
	nik := func(n string) []map[string]any { return []map[string]any{{"nik": n}} }
	return []errorCase{
		{name: "body too large", give: postHold(map[string]any{"idempotency_key": strings.Repeat("k", requestBodyBytesMax)}), wantStatus: 413, wantCode: "body_too_large"},
		{name: "syntax", give: post("/api/holds", `{"account":`), wantStatus: 400, wantCode: "bad_json"},
		{name: "empty body", give: post("/api/holds", ""), wantStatus: 400, wantCode: "bad_json"},
		{name: "unknown field", give: postHold(map[string]any{"acount": "a1"}), wantStatus: 400, wantCode: "bad_json"},
		{name: "trailing data", give: post("/api/payments", `{"billing_code":"100000000000000","payment_ref":"r"} {}`), wantStatus: 400, wantCode: "bad_json"},
		{name: "wrong type", give: postHold(map[string]any{"slot": 1}), wantStatus: 400, wantCode: "bad_json"},
		{name: "NIK as a number", give: postHold(map[string]any{"applicants": []map[string]any{{"nik": 3171010101900001}}}), wantStatus: 400, wantCode: "bad_json"},
		{name: "array body", give: post("/api/holds", `[]`), wantStatus: 400, wantCode: "bad_json"},
		{name: "bad account", give: postHold(map[string]any{"account": ""}), wantStatus: 422, wantCode: "bad_account"},
		{name: "bad idempotency key", give: postHold(map[string]any{"idempotency_key": strings.Repeat("k", booking.IdempotencyKeyBytesMax+1)}), wantStatus: 422, wantCode: "bad_idempotency_key"},
		{name: "hold without date", give: postHold(map[string]any{"date": nil}), wantStatus: 422, wantCode: "bad_date"},
		{name: "hold with bad date", give: postHold(map[string]any{"date": "2026-02-30"}), wantStatus: 422, wantCode: "bad_date"},
		{name: "day with bad date", give: get("/api/offices/JKT-SEL/days/2026-1-1"), wantStatus: 422, wantCode: "bad_date"},
		{name: "month with bad month", give: get("/api/offices/JKT-SEL/months/2026-13"), wantStatus: 422, wantCode: "bad_date"},
		{name: "month out of range", give: get("/api/offices/JKT-SEL/months/0000-01"), wantStatus: 422, wantCode: "bad_date"},
		{name: "reschedule without date", give: func(s *testService) *httptest.ResponseRecorder {
			b := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/reschedule", `{"slot":"09:00"}`)
		}, wantStatus: 422, wantCode: "bad_date"},
		{name: "unknown slot", give: postHold(map[string]any{"slot": "16:00"}), wantStatus: 422, wantCode: "unknown_slot"},
		{name: "slot not a start", give: postHold(map[string]any{"slot": "08:30"}), wantStatus: 422, wantCode: "unknown_slot"},
		{name: "slot not a clock time", give: postHold(map[string]any{"slot": "8"}), wantStatus: 422, wantCode: "unknown_slot"},
		{name: "hold without slot", give: postHold(map[string]any{"slot": nil}), wantStatus: 422, wantCode: "unknown_slot"},
		{name: "reschedule without slot", give: func(s *testService) *httptest.ResponseRecorder {
			// The engine finds the booking before it reads the slot.
			b := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/reschedule", `{"date":"2026-11-10"}`)
		}, wantStatus: 422, wantCode: "unknown_slot"},
		{name: "reschedule to an unknown slot", give: func(s *testService) *httptest.ResponseRecorder {
			b := paid(s, dayOpen, kt.Slot1)
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/reschedule", `{"date":"2026-11-11","slot":"07:00"}`)
		}, wantStatus: 422, wantCode: "unknown_slot"},
		{name: "unknown pool", give: postHold(map[string]any{"pool": "vip"}), wantStatus: 422, wantCode: "unknown_pool"},
		{name: "hold without pool", give: postHold(map[string]any{"pool": nil}), wantStatus: 422, wantCode: "unknown_pool"},
		{name: "month, unknown pool", give: get("/api/offices/JKT-SEL/months/2026-11?pool=vip"), wantStatus: 422, wantCode: "unknown_pool"},
		{name: "day, unknown pool", give: get("/api/offices/JKT-SEL/days/2026-11-10?pool=vip"), wantStatus: 422, wantCode: "unknown_pool"},
		{name: "no applicants", give: postHold(map[string]any{"applicants": []any{}}), wantStatus: 422, wantCode: "applicant_count"},
		{name: "six applicants", give: postHold(map[string]any{"applicants": []map[string]any{
			{"nik": niks[0]}, {"nik": niks[1]}, {"nik": niks[2]}, {"nik": niks[3]}, {"nik": niks[4]}, {"nik": niks[5]},
		}}), wantStatus: 422, wantCode: "applicant_count"},
		{name: "bad NIK", give: postHold(map[string]any{"applicants": nik("3171010101900000")}), wantStatus: 422, wantCode: "bad_nik"},
		{name: "missing NIK", give: postHold(map[string]any{"applicants": []map[string]any{{"meta": 1}}}), wantStatus: 422, wantCode: "bad_nik"},
		{name: "bad family card", give: postHold(map[string]any{"family_card": "3171010000000001"}), wantStatus: 422, wantCode: "bad_family_card"},
		{name: "family card too short", give: postHold(map[string]any{"family_card": "317101"}), wantStatus: 422, wantCode: "bad_family_card"},
		{name: "family card as a number", give: postHold(map[string]any{"family_card": 3171011503200042}), wantStatus: 400, wantCode: "bad_json"},
		{name: "cancel, unknown reason kind", give: func(s *testService) *httptest.ResponseRecorder {
			b := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/cancel", `{"reason":{"kind":"bored"}}`)
		}, wantStatus: 422, wantCode: "bad_reason"},
		{name: "cancel, reason text without a kind", give: func(s *testService) *httptest.ResponseRecorder {
			b := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/cancel", `{"reason":{"text":"bored"}}`)
		}, wantStatus: 422, wantCode: "bad_reason"},
		{name: "cancel, unknown field", give: post("/api/bookings/0000000000/cancel", `{"why":"x"}`), wantStatus: 400, wantCode: "bad_json"},
		{name: "reject without a reason", give: func(s *testService) *httptest.ResponseRecorder {
			b := paid(s, dayOpen, kt.Slot1)
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/reject", `{}`)
		}, wantStatus: 422, wantCode: "bad_reason"},
		{name: "duplicate NIK", give: postHold(map[string]any{"applicants": []map[string]any{{"nik": niks[0]}, {"nik": niks[0]}}}), wantStatus: 422, wantCode: "duplicate_nik"},
		{name: "metadata too large", give: postHold(map[string]any{"applicants": []map[string]any{{"nik": niks[0], "meta": strings.Repeat("m", booking.MetadataBytesMax)}}}), wantStatus: 422, wantCode: "metadata_too_large"},
		{name: "bad code", give: get("/api/bookings/ABC"), wantStatus: 422, wantCode: "bad_code"},
		{name: "bad billing code", give: post("/api/payments", `{"billing_code":"123","payment_ref":"r"}`), wantStatus: 422, wantCode: "bad_billing_code"},
		{name: "bad payment ref", give: post("/api/payments", `{"billing_code":"100000000000000","payment_ref":""}`), wantStatus: 422, wantCode: "bad_payment_ref"},
		{name: "unknown office", give: get("/api/offices/NOPE/months/2026-11"), wantStatus: 404, wantCode: "unknown_office"},
		{name: "hold, unknown office", give: postHold(map[string]any{"office": "NOPE"}), wantStatus: 404, wantCode: "unknown_office"},
		{name: "day, unknown office", give: get("/api/offices/NOPE/days/2026-11-10"), wantStatus: 404, wantCode: "unknown_office"},
		{name: "month of one pool, unknown office", give: get("/api/offices/NOPE/months/2026-11?pool=online"), wantStatus: 404, wantCode: "unknown_office"},
		{name: "reject, no such booking", give: post("/api/bookings/0000000000/reject", `{"reason":{"kind":"other"}}`), wantStatus: 404, wantCode: "not_found"},
		{name: "no such booking", give: get("/api/bookings/0000000000"), wantStatus: 404, wantCode: "not_found"},
		{name: "no such billing code", give: post("/api/payments", `{"billing_code":"100000000000000","payment_ref":"r"}`), wantStatus: 404, wantCode: "not_found"},
	}
}

// paid holds and pays a booking for date and slot.
func paid(s *testService, date, slot string) bookingJSON {
	return s.pay(s.hold("a1", date, slot, "online", niks[0]), "GW-1")
}

// stateErrorCases are valid requests refused by the booking's state or
// by other bookings.
func stateErrorCases() []errorCase {
	return []errorCase{
		{name: "expired", give: func(s *testService) *httptest.ResponseRecorder {
			b := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
			s.clock.Set(t0.Add(booking.DefaultHoldTTL))
			return s.do(http.MethodPost, "/api/payments", mustJSON(map[string]string{"billing_code": b.BillingCode, "payment_ref": "GW-1"}))
		}, wantStatus: 410, wantCode: "expired"},
		{name: "wrong state", give: func(s *testService) *httptest.ResponseRecorder {
			b := s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/checkin", "")
		}, wantStatus: 409, wantCode: "wrong_state"},
		{name: "already paid", give: func(s *testService) *httptest.ResponseRecorder {
			b := paid(s, dayOpen, kt.Slot1)
			return s.do(http.MethodPost, "/api/payments", mustJSON(map[string]string{"billing_code": b.BillingCode, "payment_ref": "GW-2"}))
		}, wantStatus: 409, wantCode: "already_paid"},
		{name: "same slot", give: func(s *testService) *httptest.ResponseRecorder {
			b := paid(s, dayOpen, kt.Slot1)
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/reschedule", `{"date":"2026-11-10","slot":"09:00"}`)
		}, wantStatus: 409, wantCode: "same_slot"},
		{name: "idempotency conflict", give: func(s *testService) *httptest.ResponseRecorder {
			s.post("/api/holds", `{"account":"a1","office":"JKT-SEL","date":"2026-11-10","slot":"09:00","pool":"online","applicants":[{"nik":"3171010101900001"}],"idempotency_key":"k"}`, http.StatusCreated)
			return s.do(http.MethodPost, "/api/holds", `{"account":"a1","office":"JKT-SEL","date":"2026-11-10","slot":"10:00","pool":"online","applicants":[{"nik":"3171010101900001"}],"idempotency_key":"k"}`)
		}, wantStatus: 409, wantCode: "idempotency_conflict"},
		{name: "NIK booked", give: func(s *testService) *httptest.ResponseRecorder {
			s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
			return s.do(http.MethodPost, "/api/holds", holdJSON("a2", dayOpen2, kt.Slot1, "online", niks[1], niks[0]))
		}, wantStatus: 409, wantCode: "nik_booked"},
		{name: "reapply too soon", give: func(s *testService) *httptest.ResponseRecorder {
			paid(s, dayTomorrow, kt.Slot1)
			s.clock.Set(t2.Add(24 * time.Hour)) // the day after the arrival date
			return s.do(http.MethodPost, "/api/holds", holdJSON("a2", dayOpen, kt.Slot1, "online", niks[0]))
		}, wantStatus: 409, wantCode: "reapply_too_soon"},
		{name: "too many holds", give: func(s *testService) *httptest.ResponseRecorder {
			s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
			return s.do(http.MethodPost, "/api/holds", holdJSON("a1", dayOpen, kt.Slot1, "online", niks[1]))
		}, wantStatus: 429, wantCode: "too_many_holds"},
	}
}

// calendarErrorCases are valid requests refused by the calendar, the
// quota, or the windows of package reschedule.
func calendarErrorCases() []errorCase {
	return []errorCase{
		{name: "past", give: post("/api/holds", holdJSON("a1", dayToday, kt.Slot0, "online", niks[0])), wantStatus: 409, wantCode: "past"},
		{name: "outside horizon", give: post("/api/holds", holdJSON("a1", dayBeyond, kt.Slot0, "online", niks[0])), wantStatus: 409, wantCode: "outside_horizon"},
		{name: "day off", give: post("/api/holds", holdJSON("a1", daySaturday, kt.Slot0, "online", niks[0])), wantStatus: 409, wantCode: "office_closed"},
		{name: "not opened", give: post("/api/holds", holdJSON("a1", dayNotOpened, kt.Slot0, "online", niks[0])), wantStatus: 409, wantCode: "not_opened"},
		{name: "no quota", give: func(s *testService) *httptest.ResponseRecorder {
			s.zeroAcceleratedPool(dayOpen3)
			return s.do(http.MethodPost, "/api/holds", holdJSON("a1", dayOpen3, kt.Slot1, "accelerated", niks[0]))
		}, wantStatus: 409, wantCode: "no_quota"},
		{name: "full", give: func(s *testService) *httptest.ResponseRecorder {
			s.hold("a1", dayOpen, kt.Slot1, "accelerated", niks[0], niks[1]) // both seats
			return s.do(http.MethodPost, "/api/holds", holdJSON("a2", dayOpen, kt.Slot1, "accelerated", niks[2]))
		}, wantStatus: 409, wantCode: "full"},
		{name: "reschedule closed", give: func(s *testService) *httptest.ResponseRecorder {
			b := paid(s, dayTomorrow, kt.Slot1)
			s.clock.Set(t1)
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/reschedule", `{"date":"2026-11-10","slot":"09:00"}`)
		}, wantStatus: 409, wantCode: "reschedule_closed"},
		{name: "reschedule limit", give: func(s *testService) *httptest.ResponseRecorder {
			b := paid(s, dayOpen, kt.Slot1)
			s.post("/api/bookings/"+b.Code+"/reschedule", `{"date":"2026-11-11","slot":"09:00"}`, http.StatusOK)
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/reschedule", `{"date":"2026-11-12","slot":"09:00"}`)
		}, wantStatus: 409, wantCode: "reschedule_limit"},
		{name: "cancel closed", give: func(s *testService) *httptest.ResponseRecorder {
			b := paid(s, dayTomorrow, kt.Slot1)
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/cancel", "")
		}, wantStatus: 409, wantCode: "cancel_closed"},
		{name: "check in early", give: func(s *testService) *httptest.ResponseRecorder {
			b := paid(s, dayOpen, kt.Slot1)
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/checkin", "")
		}, wantStatus: 409, wantCode: "check_in_early"},
		{name: "check in late", give: func(s *testService) *httptest.ResponseRecorder {
			// The 08:00 slot ended at 09:00: the booking is a no-show,
			// which is what the engine refuses a check-in for.
			b := paid(s, dayTomorrow, kt.Slot0)
			s.clock.Set(t2)
			return s.do(http.MethodPost, "/api/bookings/"+b.Code+"/checkin", "")
		}, wantStatus: 409, wantCode: "wrong_state"},
	}
}

// serviceErrorCases are refusals of the service rather than the request.
func serviceErrorCases() []errorCase {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	cancel2() // already expired; cancelling keeps vet quiet and changes nothing
	return []errorCase{
		{name: "engine closed", give: func(s *testService) *httptest.ResponseRecorder {
			require.NoError(s.t, s.engine.Close())
			return s.do(http.MethodGet, "/api/offices/JKT-SEL/months/2026-11", "")
		}, wantStatus: 503, wantCode: "engine_closed"},
		{name: "read-only", service: newReadOnlyService, give: postHold(nil), wantStatus: 503, wantCode: "read_only"},
		{name: "too many bookings", service: func(t *testing.T) *testService {
			return newTestService(t, &booking.Options{BookingsMax: 1})
		}, give: func(s *testService) *httptest.ResponseRecorder {
			s.hold("a1", dayOpen, kt.Slot1, "online", niks[0])
			return s.do(http.MethodPost, "/api/holds", holdJSON("a2", dayOpen, kt.Slot1, "online", niks[1]))
		}, wantStatus: 503, wantCode: "too_many_bookings"},
		{name: "client gone", give: func(s *testService) *httptest.ResponseRecorder {
			return s.doContext(canceled, http.MethodGet, "/api/offices/JKT-SEL/months/2026-11", "")
		}, wantStatus: 503, wantCode: "canceled"},
		{name: "deadline", give: func(s *testService) *httptest.ResponseRecorder {
			return s.doContext(expired, http.MethodGet, "/api/bookings/0000000000", "")
		}, wantStatus: 503, wantCode: "timeout"},
	}
}

// newReadOnlyService serves an engine opened read-only on a file that
// has the demo offices, as an operator's inspection copy would be.
func newReadOnlyService(t *testing.T) *testService {
	path := filepath.Join(t.TempDir(), "kuota.db")
	c := kt.NewClock(t0)
	rw := kt.OpenEngine(t, path, c, &booking.Options{Durability: booking.NoSync})
	require.NoError(t, registerDemoOffices(t.Context(), rw, calendar.DateOf(t0, jakarta)))
	require.NoError(t, rw.Close())

	ro := kt.OpenEngine(t, path, c, &booking.Options{ReadOnly: true})
	return &testService{t: t, engine: ro, clock: c, handler: newHandler(ro, testLogger(t))}
}

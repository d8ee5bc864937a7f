package kuotahttp

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// problemCase provokes one refusal through a route.
type problemCase struct {
	name string
	// service builds the service to run give on; nil means
	// newTestService(t, nil, nil).
	service    func(t *testing.T) *testService
	give       func(s *testService) *httptest.ResponseRecorder
	wantStatus int
	wantName   string
	wantField  string // Problem.Field
	wantParam  string // Problem.Parameter
}

// unreachableProblems are the problems no request to these handlers can
// cause: a storage failure needs a failing disk, a nil context a bug in
// this package, a late check-in a policy whose check-in closes before
// its no-show (the engine's closes at it, so a late check-in meets a
// no-show), "standby" a StandbyError that forwarding does not answer
// (it always does), and the others come from office registration, which
// no route makes. So are "draw-full", which takes
// booking.DrawEntrantsMax holds waiting in one window, and
// "proof-revoked", which POST /proofs/check answers as 200 with "revoked"
// (the row names the sentinel for a client that meets it elsewhere).
// TestProblemTable covers them.
var unreachableProblems = map[string]bool{
	"storage": true, "check-in-late": true, "nil-context": true, "standby": true, "bad-office": true,
	"bad-config": true, "too-many-offices": true, "office-in-use": true, "layout-change": true,
	"draw-full": true, "proof-revoked": true,
}

// TestProblemsOverHTTP provokes every problem a request can cause,
// through the routes, checks the member it names, and checks that
// together the cases cover problemTable.
func TestProblemsOverHTTP(t *testing.T) {
	tests := slices.Concat(inputCases(), valueCases(), stateCases(), calendarCases(), operatorCases(), accessCases(), serviceCases(), drawAndProofCases())
	covered := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			newService := tt.service
			if newService == nil {
				newService = func(t *testing.T) *testService { return newTestService(t, nil, nil) }
			}
			p := requireProblem(t, tt.give(newService(t)), tt.wantStatus, tt.wantName)
			require.Equal(t, tt.wantField, p.Field, "field")
			require.Equal(t, tt.wantParam, p.Parameter, "parameter")
			covered[tt.wantName] = true
		})
	}
	for _, row := range problemTable {
		require.True(t, covered[row.name] || unreachableProblems[row.name], "no case provokes %q", row.name)
	}
}

// get, post and postHold build the give functions of the cases, for the
// account a1; op for the operator.
func get(path string) func(*testService) *httptest.ResponseRecorder {
	return func(s *testService) *httptest.ResponseRecorder { return s.as("a1").do(http.MethodGet, path, "") }
}

func post(path, body string) func(*testService) *httptest.ResponseRecorder {
	return func(s *testService) *httptest.ResponseRecorder { return s.as("a1").do(http.MethodPost, path, body) }
}

func op(method, path, body string) func(*testService) *httptest.ResponseRecorder {
	return func(s *testService) *httptest.ResponseRecorder { return s.op().do(method, path, body) }
}

// postHold posts a hold with the given members over a valid one; a nil
// value leaves the member out.
func postHold(members map[string]any) func(*testService) *httptest.ResponseRecorder {
	body := map[string]any{
		"office": kt.Office, "date": dayArrival, "slot": kt.Slot1, "pool": kt.Online,
		"applicants": []map[string]any{{"nik": niks[0]}},
	}
	for k, v := range members {
		if v == nil {
			delete(body, k)
		} else {
			body[k] = v
		}
	}
	return post("/holds", mustJSON(body))
}

// onHeld and onPaid run do on a booking of a1's, held or paid, for
// dayArrival's 09:00 slot.
func onHeld(do func(s *testService, code string) *httptest.ResponseRecorder) func(*testService) *httptest.ResponseRecorder {
	return func(s *testService) *httptest.ResponseRecorder {
		return do(s, s.as("a1").hold(dayArrival, kt.Slot1, kt.Online, niks[0]).Code)
	}
}

func onPaid(do func(s *testService, code string) *httptest.ResponseRecorder) func(*testService) *httptest.ResponseRecorder {
	return func(s *testService) *httptest.ResponseRecorder { return do(s, s.paid(dayArrival, kt.Slot1).Code) }
}

// inputCases are bodies of the wrong shape, and the body limit.
func inputCases() []problemCase {
	return []problemCase{
		{name: "body too large", give: postHold(map[string]any{"idempotency_key": strings.Repeat("k", DefaultBodyBytesMax)}), wantStatus: 413, wantName: "body-too-large"},
		{name: "syntax", give: post("/holds", `{"office":`), wantStatus: 400, wantName: "bad-json"},
		{name: "unknown member", give: postHold(map[string]any{"acount": "a1"}), wantStatus: 400, wantName: "bad-json", wantField: "/acount"},
		{name: "wrong type", give: postHold(map[string]any{"slot": 1}), wantStatus: 400, wantName: "bad-json", wantField: "/slot"},
		{name: "family card as a number", give: postHold(map[string]any{"family_card": 3171011503200042}), wantStatus: 400, wantName: "bad-json", wantField: "/family_card"},
		{name: "cancel, unknown member", give: onHeld(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/cancel", `{"why":"x"}`)
		}), wantStatus: 400, wantName: "bad-json", wantField: "/why"},
		{name: "payment, trailing data", give: func(s *testService) *httptest.ResponseRecorder {
			return s.payRawBody(`{"billing_code":"100000000000000","payment_ref":"r"} {}`)
		}, wantStatus: 400, wantName: "bad-json"},
	}
}

// valueCases are well-formed requests with a value that can never be
// accepted, or that names nothing that exists.
func valueCases() []problemCase {
	nik := func(n string) []map[string]any { return []map[string]any{{"nik": n}} }
	return []problemCase{
		{name: "bad idempotency key", give: postHold(map[string]any{"idempotency_key": strings.Repeat("k", booking.IdempotencyKeyBytesMax+1)}), wantStatus: 422, wantName: "bad-idempotency-key", wantField: "/idempotency_key"},
		{name: "hold without date", give: postHold(map[string]any{"date": nil}), wantStatus: 422, wantName: "bad-date", wantField: "/date"},
		{name: "hold with bad date", give: postHold(map[string]any{"date": "2026-02-30"}), wantStatus: 422, wantName: "bad-date", wantField: "/date"},
		{name: "day with bad date", give: get("/offices/JKT/days/2026-1-1"), wantStatus: 422, wantName: "bad-date", wantParam: "date"},
		{name: "month with bad month", give: get("/offices/JKT/months/2026-13"), wantStatus: 422, wantName: "bad-date", wantParam: "month"},
		{name: "month out of range", give: get("/offices/JKT/months/0000-01"), wantStatus: 422, wantName: "bad-date", wantParam: "month"},
		{name: "reschedule without date", give: onPaid(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/reschedule", `{"slot":"09:00"}`)
		}), wantStatus: 422, wantName: "bad-date", wantField: "/date"},
		{name: "unknown slot", give: postHold(map[string]any{"slot": "16:00"}), wantStatus: 422, wantName: "unknown-slot", wantField: "/slot"},
		{name: "slot not a start", give: postHold(map[string]any{"slot": "08:30"}), wantStatus: 422, wantName: "unknown-slot", wantField: "/slot"},
		{name: "hold without slot", give: postHold(map[string]any{"slot": nil}), wantStatus: 422, wantName: "unknown-slot", wantField: "/slot"},
		{name: "reschedule without slot", give: onPaid(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/reschedule", `{"date":"2026-12-11"}`)
		}), wantStatus: 422, wantName: "unknown-slot", wantField: "/slot"},
		{name: "unknown pool", give: postHold(map[string]any{"pool": "vip"}), wantStatus: 422, wantName: "unknown-pool", wantField: "/pool"},
		{name: "month, unknown pool", give: get("/offices/JKT/months/2026-12?pool=vip"), wantStatus: 422, wantName: "unknown-pool", wantParam: "pool"},
		{name: "day, unknown pool", give: get("/offices/JKT/days/2026-12-10?pool=vip"), wantStatus: 422, wantName: "unknown-pool", wantParam: "pool"},
		{name: "no applicants", give: postHold(map[string]any{"applicants": []any{}}), wantStatus: 422, wantName: "applicant-count", wantField: "/applicants"},
		{name: "six applicants", give: postHold(map[string]any{"applicants": []map[string]any{
			{"nik": niks[0]}, {"nik": niks[1]}, {"nik": niks[2]}, {"nik": niks[3]}, {"nik": niks[4]}, {"nik": niks[5]},
		}}), wantStatus: 422, wantName: "applicant-count", wantField: "/applicants"},
		{name: "bad NIK", give: postHold(map[string]any{"applicants": nik("3171010101900000")}), wantStatus: 422, wantName: "bad-nik", wantField: "/applicants/0/nik"},
		{name: "second NIK bad", give: postHold(map[string]any{"applicants": []map[string]any{{"nik": niks[0]}, {"nik": "12"}}}), wantStatus: 422, wantName: "bad-nik", wantField: "/applicants/1/nik"},
		{name: "missing NIK", give: postHold(map[string]any{"applicants": []map[string]any{{"meta": 1}}}), wantStatus: 422, wantName: "bad-nik", wantField: "/applicants/0/nik"},
		{name: "duplicate NIK", give: postHold(map[string]any{"applicants": []map[string]any{{"nik": niks[0]}, {"nik": niks[0]}}}), wantStatus: 422, wantName: "duplicate-nik", wantField: "/applicants/1/nik"},
		{name: "bad family card", give: postHold(map[string]any{"family_card": "3171010000000001"}), wantStatus: 422, wantName: "bad-family-card", wantField: "/family_card"},
		{name: "metadata too large", give: postHold(map[string]any{"applicants": []map[string]any{{"nik": niks[0], "meta": strings.Repeat("m", booking.MetadataBytesMax)}}}), wantStatus: 422, wantName: "metadata-too-large", wantField: "/applicants"},
		{name: "bad code", give: get("/bookings/ABC"), wantStatus: 422, wantName: "bad-code", wantParam: "code"},
		{name: "bad billing code", give: func(s *testService) *httptest.ResponseRecorder { return s.payRaw("123", "r") }, wantStatus: 422, wantName: "bad-billing-code", wantField: "/billing_code"},
		{name: "bad payment ref", give: func(s *testService) *httptest.ResponseRecorder { return s.payRaw("100000000000000", "") }, wantStatus: 422, wantName: "bad-payment-ref", wantField: "/payment_ref"},
		{name: "cancel, unknown reason kind", give: onHeld(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/cancel", `{"reason":{"kind":"bored"}}`)
		}), wantStatus: 422, wantName: "bad-reason", wantField: "/reason/kind"},
		{name: "cancel, words without a kind", give: onHeld(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/cancel", `{"reason":{"text":"bored"}}`)
		}), wantStatus: 422, wantName: "bad-reason", wantField: "/reason"},
		{name: "arrivals, unknown state", give: op(http.MethodGet, "/offices/JKT/days/2026-12-10/arrivals?state=paid,lost", ""), wantStatus: 422, wantName: "bad-parameter", wantParam: "state"},
		{name: "unknown office", give: get("/offices/NOPE/months/2026-12"), wantStatus: 404, wantName: "unknown-office", wantParam: "office"},
		{name: "hold, unknown office", give: postHold(map[string]any{"office": "NOPE"}), wantStatus: 404, wantName: "unknown-office", wantField: "/office"},
		{name: "no such booking", give: get("/bookings/ABCDEFGHJK"), wantStatus: 404, wantName: "booking-not-found"},
		{name: "no such billing code", give: func(s *testService) *httptest.ResponseRecorder { return s.payRaw("100000000000000", "r") }, wantStatus: 404, wantName: "booking-not-found"},
	}
}

// stateCases are valid requests refused by the booking's state or by
// other bookings.
func stateCases() []problemCase {
	return []problemCase{
		{name: "expired", give: func(s *testService) *httptest.ResponseRecorder {
			b := s.as("a1").hold(dayArrival, kt.Slot1, kt.Online, niks[0])
			s.clock.Set(kt.T1.Add(booking.DefaultHoldTTL))
			return s.payRaw(b.BillingCode, "GW-1")
		}, wantStatus: 410, wantName: "expired"},
		{name: "wrong state", give: onHeld(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/checkin", "")
		}), wantStatus: 409, wantName: "wrong-state"},
		{name: "already paid", give: func(s *testService) *httptest.ResponseRecorder {
			return s.payRaw(s.paid(dayArrival, kt.Slot1).BillingCode, "GW-2")
		}, wantStatus: 409, wantName: "already-paid"},
		{name: "same slot", give: onPaid(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/reschedule", `{"date":"2026-12-10","slot":"09:00"}`)
		}), wantStatus: 409, wantName: "same-slot"},
		{name: "idempotency conflict", give: func(s *testService) *httptest.ResponseRecorder {
			postHold(map[string]any{"idempotency_key": "k"})(s)
			return postHold(map[string]any{"idempotency_key": "k", "slot": kt.Slot0})(s)
		}, wantStatus: 409, wantName: "idempotency-conflict", wantField: "/idempotency_key"},
		{name: "NIK booked", give: func(s *testService) *httptest.ResponseRecorder {
			s.as("a1").hold(dayArrival, kt.Slot1, kt.Online, niks[0])
			return s.as("a2").do(http.MethodPost, "/holds", holdJSON(dayArrival2, kt.Slot1, kt.Online, niks[1], niks[0]))
		}, wantStatus: 409, wantName: "nik-booked", wantField: "/applicants/1/nik"},
		{name: "reapply too soon", give: func(s *testService) *httptest.ResponseRecorder {
			s.paid(dayArrival, kt.Slot1)
			s.clock.Set(time.Date(2026, 12, 11, 9, 0, 0, 0, kt.WIB)) // the day after the arrival date
			return s.as("a2").do(http.MethodPost, "/holds", holdJSON(dayNotOpened, kt.Slot1, kt.Online, niks[0]))
		}, wantStatus: 409, wantName: "reapply-too-soon", wantField: "/applicants/0/nik"},
		{name: "too many holds", service: func(t *testing.T) *testService {
			return newTestService(t, &booking.Options{MaxHoldsPerAccount: 1}, nil)
		}, give: func(s *testService) *httptest.ResponseRecorder {
			s.as("a1").hold(dayArrival, kt.Slot1, kt.Online, niks[0])
			return s.as("a1").do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot1, kt.Online, niks[1]))
		}, wantStatus: 409, wantName: "too-many-holds"},
	}
}

// calendarCases are valid requests refused by the calendar, the quota,
// or the windows of package reschedule.
func calendarCases() []problemCase {
	return []problemCase{
		{name: "past", give: func(s *testService) *httptest.ResponseRecorder {
			s.clock.Set(time.Date(2026, 12, 10, 8, 30, 0, 0, kt.WIB))
			return s.as("a1").do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot0, kt.Online, niks[0]))
		}, wantStatus: 409, wantName: "past"},
		{name: "outside horizon", give: post("/holds", holdJSON(dayBeyond, kt.Slot0, kt.Online, niks[0])), wantStatus: 409, wantName: "outside-horizon", wantField: "/date"},
		{name: "day off", give: post("/holds", holdJSON(daySaturday, kt.Slot0, kt.Online, niks[0])), wantStatus: 409, wantName: "office-closed"},
		{name: "not opened", give: post("/holds", holdJSON(dayNotOpened, kt.Slot0, kt.Online, niks[0])), wantStatus: 409, wantName: "not-opened"},
		{name: "no quota", give: func(s *testService) *httptest.ResponseRecorder {
			s.setDay(dayArrival3, kt.WalkIn, 0)
			return s.as("a1").do(http.MethodPost, "/holds", holdJSON(dayArrival3, kt.Slot1, kt.WalkIn, niks[0]))
		}, wantStatus: 409, wantName: "no-quota"},
		{name: "full", give: func(s *testService) *httptest.ResponseRecorder {
			s.as("a1").hold(dayArrival, kt.Slot1, kt.WalkIn, niks[0], niks[1]) // both seats
			return s.as("a2").do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot1, kt.WalkIn, niks[2]))
		}, wantStatus: 409, wantName: "cell-full"},
		{name: "reschedule closed", give: onPaid(func(s *testService, code string) *httptest.ResponseRecorder {
			s.clock.Set(kt.T4)
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/reschedule", `{"date":"2026-12-11","slot":"09:00"}`)
		}), wantStatus: 409, wantName: "reschedule-closed"},
		{name: "reschedule limit", give: onPaid(func(s *testService, code string) *httptest.ResponseRecorder {
			s.as("a1").post("/bookings/"+code+"/reschedule", `{"date":"2026-12-11","slot":"09:00"}`, http.StatusOK)
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/reschedule", `{"date":"2026-12-14","slot":"09:00"}`)
		}), wantStatus: 409, wantName: "reschedule-limit"},
		{name: "cancel closed", give: onPaid(func(s *testService, code string) *httptest.ResponseRecorder {
			s.clock.Set(kt.T3)
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/cancel", "")
		}), wantStatus: 409, wantName: "cancel-closed"},
		{name: "check in early", give: onPaid(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.as("a1").do(http.MethodPost, "/bookings/"+code+"/checkin", "")
		}), wantStatus: 409, wantName: "check-in-early"},
	}
}

// operatorCases are refusals of the operator API.
func operatorCases() []problemCase {
	return []problemCase{
		{name: "override, unknown kind", give: op(http.MethodPost, "/offices/JKT/overrides", `{"kind":"flood","date":"2026-12-10"}`), wantStatus: 422, wantName: "bad-override", wantField: "/kind"},
		{name: "override, a member the kind does not use", give: op(http.MethodPost, "/offices/JKT/overrides", `{"kind":"open-day","date":"2026-12-10","seats":3}`), wantStatus: 422, wantName: "bad-override", wantField: "/seats"},
		{name: "close a day without a reason", give: op(http.MethodPost, "/offices/JKT/overrides", `{"kind":"close-day","date":"2026-12-10"}`), wantStatus: 422, wantName: "bad-closure-reason", wantField: "/reason"},
		{name: "override, unknown office", give: op(http.MethodPost, "/offices/NOPE/overrides", `{"kind":"open-day","date":"2026-12-10"}`), wantStatus: 404, wantName: "unknown-office", wantParam: "office"},
		{name: "bad seats", give: op(http.MethodPost, "/offices/JKT/overrides", `{"kind":"set-capacity","date":"2026-12-10","slot":"08:00","pool":"online","seats":-1}`), wantStatus: 422, wantName: "bad-seats", wantField: "/seats"},
		{name: "below taken", give: func(s *testService) *httptest.ResponseRecorder {
			s.as("a1").hold(dayArrival, kt.Slot0, kt.Online, niks[0], niks[1])
			return s.op().do(http.MethodPost, "/offices/JKT/overrides", `{"kind":"set-capacity","date":"2026-12-10","slot":"08:00","pool":"online","seats":1}`)
		}, wantStatus: 409, wantName: "below-taken", wantField: "/seats"},
		{name: "reject without a reason", give: onPaid(func(s *testService, code string) *httptest.ResponseRecorder {
			return s.op().do(http.MethodPost, "/bookings/"+code+"/reject", `{}`)
		}), wantStatus: 422, wantName: "bad-reason", wantField: "/reason"},
		{name: "backup of an engine without a file", give: op(http.MethodGet, "/backup", ""), wantStatus: 409, wantName: "no-file"},
		{name: "check while another runs", give: func(s *testService) *httptest.ResponseRecorder {
			s.h.heavy <- struct{}{} // one is running
			return s.op().do(http.MethodGet, "/check", "")
		}, wantStatus: 409, wantName: "busy"},
		{name: "archived", service: func(t *testing.T) *testService {
			return newTestService(t, &booking.Options{Retention: booking.RetentionMin}, nil)
		}, give: onHeld(func(s *testService, code string) *httptest.ResponseRecorder {
			s.as("a1").post("/bookings/"+code+"/cancel", "", http.StatusOK)
			s.clock.Add(booking.RetentionMin + time.Hour)
			n, err := s.engine.ArchiveDue(s.t.Context())
			require.NoError(s.t, err)
			require.Equal(s.t, 1, n)
			// Its holder gets what anyone gets: the engine no longer
			// knows whose it was.
			requireProblem(s.t, s.as("a1").do(http.MethodGet, "/bookings/"+code, ""), 404, "booking-not-found")
			return s.op().do(http.MethodGet, "/bookings/"+code, "")
		}), wantStatus: 410, wantName: "archived"},
	}
}

// accessCases are refusals of who asks and how often: the mux's own, the
// hooks', the payment channel's, the rate limits.
func accessCases() []problemCase {
	return []problemCase{
		{name: "no route", give: get("/api/holds"), wantStatus: 404, wantName: "no-route"},
		{name: "method", give: get("/payments"), wantStatus: 405, wantName: "method-not-allowed"},
		{name: "not signed in", give: func(s *testService) *httptest.ResponseRecorder {
			return s.as("").do(http.MethodGet, "/bookings", "")
		}, wantStatus: 401, wantName: "unauthenticated"},
		{name: "no operator hook", service: func(t *testing.T) *testService {
			return newTestService(t, nil, func(o *Options) { o.Operator = nil })
		}, give: op(http.MethodGet, "/stats", ""), wantStatus: 403, wantName: "forbidden"},
		{name: "cross-site", give: func(s *testService) *httptest.ResponseRecorder {
			c := s.as("a1")
			c.header = http.Header{"Sec-Fetch-Site": {"cross-site"}}
			return c.do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot0, kt.Online, niks[0]))
		}, wantStatus: 403, wantName: "cross-origin"},
		{name: "payments disabled", service: func(t *testing.T) *testService {
			return newTestService(t, nil, func(o *Options) { o.PaymentSecret = nil })
		}, give: func(s *testService) *httptest.ResponseRecorder { return s.payRaw("100000000000000", "r") }, wantStatus: 403, wantName: "payments-disabled"},
		{name: "bad signature", give: func(s *testService) *httptest.ResponseRecorder {
			req := s.payRequest("100000000000000", "r")
			req.Header.Set(PaymentSignatureHeader, "v1="+strings.Repeat("0", 64))
			return s.serveRaw(req)
		}, wantStatus: 401, wantName: "bad-signature"},
		{name: "signature expired", give: func(s *testService) *httptest.ResponseRecorder {
			req := s.payRequest("100000000000000", "r")
			s.clock.Add(DefaultPaymentSkew + time.Second)
			return s.serveRaw(req)
		}, wantStatus: 401, wantName: "signature-expired"},
		{name: "rate limited", service: func(t *testing.T) *testService {
			return newTestService(t, nil, func(o *Options) { o.AccountRate = Rate{Burst: 1, Every: time.Minute} })
		}, give: func(s *testService) *httptest.ResponseRecorder {
			s.as("a1").do(http.MethodGet, "/bookings", "")
			return s.as("a1").do(http.MethodGet, "/bookings", "")
		}, wantStatus: 429, wantName: "rate-limited"},
	}
}

// serviceErrorCases are refusals of the service rather than the request.
func serviceCases() []problemCase {
	return []problemCase{
		{name: "engine closed", give: func(s *testService) *httptest.ResponseRecorder {
			require.NoError(s.t, s.engine.Close())
			return s.as("a1").do(http.MethodGet, "/offices/JKT/months/2026-12", "")
		}, wantStatus: 503, wantName: "engine-closed"},
		{name: "read-only", service: newReadOnlyService, give: postHold(nil), wantStatus: 503, wantName: "read-only"},
		{name: "too many bookings", service: func(t *testing.T) *testService {
			return newTestService(t, &booking.Options{BookingsMax: 1}, nil)
		}, give: func(s *testService) *httptest.ResponseRecorder {
			s.as("a1").hold(dayArrival, kt.Slot1, kt.Online, niks[0])
			return s.as("a2").do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot1, kt.Online, niks[1]))
		}, wantStatus: 503, wantName: "too-many-bookings"},
		{name: "client gone", give: func(s *testService) *httptest.ResponseRecorder {
			ctx, cancel := context.WithCancel(s.t.Context())
			cancel()
			return s.as("a1").doContext(ctx, http.MethodGet, "/offices/JKT/months/2026-12", "")
		}, wantStatus: 503, wantName: "canceled"},
		{name: "deadline", give: func(s *testService) *httptest.ResponseRecorder {
			ctx, cancel := context.WithDeadline(s.t.Context(), time.Unix(0, 0))
			defer cancel()
			return s.as("a1").doContext(ctx, http.MethodGet, "/bookings/ABCDEFGHJK", "")
		}, wantStatus: 503, wantName: "timeout"},
		{name: "an account the engine refuses", give: func(s *testService) *httptest.ResponseRecorder {
			return s.as(strings.Repeat("a", booking.AccountBytesMax+1)).do(http.MethodPost, "/holds", holdJSON(dayArrival, kt.Slot1, kt.Online, niks[0]))
		}, wantStatus: 500, wantName: "bad-account"},
		{name: "standby without an active node", service: newStandbyService, give: postHold(nil), wantStatus: 503, wantName: "no-active-node"},
		{name: "active node unreachable", service: func(t *testing.T) *testService {
			s := newStandbyService(t)
			s.engine.SetActiveAddress("http://127.0.0.1:1") // nothing listens there
			return s
		}, give: postHold(nil), wantStatus: 502, wantName: "active-unreachable"},
	}
}

// newReadOnlyService serves an engine opened read-only on a file that
// has the test office, as an operator's inspection copy would be.
func newReadOnlyService(t *testing.T) *testService {
	path := filepath.Join(t.TempDir(), "kuota.db")
	c := kt.NewClock(kt.T1)
	rw := kt.OpenEngine(t, path, c, &booking.Options{Durability: booking.NoSync})
	require.NoError(t, rw.RegisterOffice(t.Context(), kt.OfficeConfig(t)))
	require.NoError(t, rw.Close())
	ro := kt.OpenEngine(t, path, c, &booking.Options{ReadOnly: true})
	return newTestServiceOn(t, ro, c, nil)
}

// serveRaw serves req on the public handler, checked as do checks.
func (s *testService) serveRaw(req *http.Request) *httptest.ResponseRecorder {
	s.t.Helper()
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	requireClean(s.t, rec, req.Method+" "+req.URL.Path)
	return rec
}

// payRawBody sends body as a payment callback, signed.
func (s *testService) payRawBody(body string) *httptest.ResponseRecorder {
	s.t.Helper()
	req := httptest.NewRequestWithContext(s.t.Context(), http.MethodPost, "/payments", strings.NewReader(body))
	ts, sig := SignPayment(paymentSecret, s.clock.Now(), []byte(body))
	req.Header.Set(PaymentTimestampHeader, ts)
	req.Header.Set(PaymentSignatureHeader, sig)
	return s.serveRaw(req)
}

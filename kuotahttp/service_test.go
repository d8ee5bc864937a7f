package kuotahttp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// The tests run against kuotatest's office, JKT: Monday to Friday,
// Christmas off, slots 08:00 and 09:00 with 5 online and 2 walk-in seats
// each, the 60 days from 1 December 2026, each month released on the
// 1st of the month before at 08:00. The clock starts at kt.T1, Sunday
// 1 November 2026 09:00 WIB: December is open, January not yet.

// Dates of the tests, as the API writes them.
const (
	dayArrival   = "2026-12-10" // kt.Dec10, a Thursday: the usual arrival date
	dayArrival2  = "2026-12-11"
	dayArrival3  = "2026-12-14"
	daySaturday  = "2026-12-05" // a weekly day off: grey
	dayChristmas = "2026-12-25" // a holiday: grey
	dayNotOpened = "2027-01-04" // released on 1 December: yellow at kt.T1
	dayBeyond    = "2027-02-01" // past the 60-day horizon
	dayBefore    = "2026-11-30" // before the office's first day
)

// Valid NIKs, as the API takes them: kuotatest's, and at index 2 a
// woman's (41 is day 1 plus 40). Every response of every test is checked
// not to contain any of them in full.
var niks = []string{
	kt.NIKDigits(0),
	kt.NIKDigits(1),
	"3171014101900003",
	kt.NIKDigits(3),
	kt.NIKDigits(4),
	kt.NIKDigits(5),
}

// familyCard is a valid family card number (issued 2020-03-15 in
// Jakarta Selatan), as a client types it, and familyCardDigits its
// digits; familyCardMasked is how responses show it. Like the NIKs, every
// response is checked not to contain its digits.
const (
	familyCard       = "3171 0115 0320 0042"
	familyCardDigits = "3171011503200042"
	familyCardMasked = "31**********0042"
)

// personalData are the strings no response may contain: the NIKs and the
// family card, in full.
var personalData = slices.Concat(niks, []string{familyCardDigits})

// goInternals are what a problem must never show: the decoder's words
// and the names of Go packages and types.
var goInternals = regexp.MustCompile(`Go (struct|value)|json: |booking: |quota: |calendar: |reschedule: |kuotahttp|\bmain\.|\*[a-z]+\.[A-Z]`)

// The test hooks: the account and the operator are whatever these
// headers say. A service would read a session; tests need no more.
const (
	accountHeader  = "X-Test-Account"
	operatorHeader = "X-Test-Operator"
)

// headerHook returns a hook that reads the header.
func headerHook(name string) func(*http.Request) (string, error) {
	return func(r *http.Request) (string, error) {
		if v := r.Header.Get(name); v != "" {
			return v, nil
		}
		return "", fmt.Errorf("no %s header", name)
	}
}

// paymentSecret is the tests' payment channel key, 32 bytes.
var paymentSecret = []byte("kuotahttp test secret, 32 bytes!")

// roomy is a rate no test reaches unless it sets out to.
var roomy = Rate{Burst: 100_000, Every: time.Microsecond}

// testAddr is the RemoteAddr of the tests' requests, as httptest gives it.
const testAddr = "192.0.2.1:1234"

// testService is a Handler around an in-memory engine with the test
// office, on a fake clock at kt.T1 that the handler shares.
type testService struct {
	t      *testing.T
	engine *booking.Engine
	clock  *kt.Clock
	h      *Handler
}

// newTestService returns a service over a new engine with engineOpts (nil
// means the defaults, with MaxHoldsPerAccount 5 so that one account can
// hold several), and the test hooks, the payment secret and roomy rates,
// which edit, when not nil, may change.
func newTestService(t *testing.T, engineOpts *booking.Options, edit func(*Options)) *testService {
	t.Helper()
	if engineOpts == nil {
		engineOpts = &booking.Options{MaxHoldsPerAccount: 5}
	}
	clk := kt.NewClock(kt.T1)
	e := kt.NewEmptyEngine(t, clk, engineOpts)
	require.NoError(t, e.RegisterOffice(t.Context(), kt.OfficeConfig(t)))
	return newTestServiceOn(t, e, clk, edit)
}

// newTestServiceOn is newTestService over an engine of the caller's.
func newTestServiceOn(t *testing.T, e *booking.Engine, clk *kt.Clock, edit func(*Options)) *testService {
	t.Helper()
	opts := &Options{
		Account:         headerHook(accountHeader),
		Operator:        headerHook(operatorHeader),
		PaymentSecret:   paymentSecret,
		Now:             clk.Now,
		AccountRate:     roomy,
		AddressRate:     roomy,
		AddressHoldRate: roomy,
		AddressMissRate: roomy,
		Logger:          slog.New(slog.NewTextHandler(t.Output(), nil)),
	}
	if edit != nil {
		edit(opts)
	}
	h, err := New(e, opts)
	require.NoError(t, err)
	return &testService{t: t, engine: e, clock: clk, h: h}
}

// with returns s reporting to t, for use in a subtest: a failure must
// stop the subtest, not its parent.
func (s *testService) with(t *testing.T) *testService {
	c := *s
	c.t = t
	return &c
}

// client sends requests to one of the service's handlers as one account,
// operator or nobody, from one address.
type client struct {
	s        *testService
	h        http.Handler
	account  string
	operator string
	addr     string
	header   http.Header // more headers, or nil
}

// as returns a client of the public API signed in as account ("" for
// nobody); op one of the operator API signed in as "op-1".
func (s *testService) as(account string) *client {
	return &client{s: s, h: s.h, account: account, addr: testAddr}
}

func (s *testService) op() *client {
	return &client{s: s, h: s.h.Operator(), operator: "op-1", addr: testAddr}
}

// from returns c sending from addr ("host:port").
func (c *client) from(addr string) *client {
	d := *c
	d.addr = addr
	return &d
}

// do serves one request and returns the response, after checking that
// its body holds no NIK in full, and that a problem names no Go internals.
func (c *client) do(method, path, body string) *httptest.ResponseRecorder {
	return c.doContext(c.s.t.Context(), method, path, body)
}

func (c *client) doContext(ctx context.Context, method, path, body string) *httptest.ResponseRecorder {
	t := c.s.t
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(ctx, method, path, r)
	req.RemoteAddr = c.addr
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.account != "" {
		req.Header.Set(accountHeader, c.account)
	}
	if c.operator != "" {
		req.Header.Set(operatorHeader, c.operator)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	requireClean(t, rec, method+" "+path)
	return rec
}

// requireClean fails unless rec's body is free of personal data, and,
// for a problem, of Go internals.
func requireClean(t *testing.T, rec *httptest.ResponseRecorder, what string) {
	t.Helper()
	for _, id := range personalData {
		require.NotContains(t, rec.Body.String(), id, "%s leaks a NIK or family card", what)
	}
	if rec.Header().Get("Content-Type") == ProblemContentType {
		require.NotRegexp(t, goInternals, rec.Body.String(), "%s names Go internals", what)
	}
}

// getJSON serves a GET that must succeed and decodes its body into v.
func (c *client) getJSON(path string, v any) {
	c.s.t.Helper()
	rec := c.do(http.MethodGet, path, "")
	require.Equal(c.s.t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(c.s.t, "application/json", rec.Header().Get("Content-Type"))
	require.NoError(c.s.t, json.Unmarshal(rec.Body.Bytes(), v))
}

// post serves a POST that must answer status with a booking.
func (c *client) post(path, body string, status int) bookingJSON {
	c.s.t.Helper()
	rec := c.do(http.MethodPost, path, body)
	require.Equal(c.s.t, status, rec.Code, rec.Body.String())
	var b bookingJSON
	require.NoError(c.s.t, json.Unmarshal(rec.Body.Bytes(), &b))
	return b
}

// holdJSON returns the JSON body of a hold at the test office for the
// given NIKs, with no metadata and no idempotency key.
func holdJSON(date, slot, pool string, niks ...string) string {
	var applicants []map[string]any
	for _, n := range niks {
		applicants = append(applicants, map[string]any{"nik": n})
	}
	return mustJSON(map[string]any{"office": kt.Office, "date": date, "slot": slot, "pool": pool, "applicants": applicants})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the tests' own literals
	}
	return string(b)
}

// hold holds a slot for c's account and returns the booking; it must
// succeed.
func (c *client) hold(date, slot, pool string, niks ...string) bookingJSON {
	c.s.t.Helper()
	return c.post("/holds", holdJSON(date, slot, pool, niks...), http.StatusCreated)
}

// payRequest returns a payment callback for billingCode, signed at the
// service's clock.
func (s *testService) payRequest(billingCode, ref string) *http.Request {
	req, err := NewPaymentCallback(s.t.Context(), "/payments", paymentSecret, s.clock.Now(), billingCode, ref)
	require.NoError(s.t, err)
	req.RemoteAddr = "198.51.100.7:443" // the payment channel
	return req
}

// payRaw sends the payment callback for billingCode and returns the
// response.
func (s *testService) payRaw(billingCode, ref string) *httptest.ResponseRecorder {
	s.t.Helper()
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, s.payRequest(billingCode, ref))
	requireClean(s.t, rec, "POST /payments")
	return rec
}

// pay pays b through the payment channel and returns the booking as its
// holder reads it then; the payment must succeed.
func (s *testService) pay(b bookingJSON, ref string) bookingJSON {
	s.t.Helper()
	rec := s.payRaw(b.BillingCode, ref)
	require.Equal(s.t, http.StatusOK, rec.Code, rec.Body.String())
	return s.read(b.Code)
}

// read returns the booking with the code as its holder reads it, through
// the JSON a response carries.
func (s *testService) read(code string) bookingJSON {
	s.t.Helper()
	b, err := s.engine.Get(s.t.Context(), code)
	require.NoError(s.t, err)
	var out bookingJSON
	require.NoError(s.t, json.Unmarshal([]byte(mustJSON(newBookingJSON(&b))), &out))
	return out
}

// paid holds and pays a booking of account a1 for date and slot.
func (s *testService) paid(date, slot string) bookingJSON {
	s.t.Helper()
	return s.pay(s.as("a1").hold(date, slot, kt.Online, niks[0]), "GW-1")
}

// setDay sets the capacity of every slot of date in pool.
func (s *testService) setDay(date, pool string, seats int) {
	s.t.Helper()
	d, err := calendar.ParseDate(date)
	require.NoError(s.t, err)
	for _, slot := range []string{kt.Slot0, kt.Slot1} {
		require.NoError(s.t, s.engine.SetCapacity(s.t.Context(), kt.Office, d, slot, pool, seats))
	}
}

// fillWalkIn holds every walk-in seat of date, for accounts and NIKs of
// its own, so that the day is full in that pool and only in that pool.
func (s *testService) fillWalkIn(date string) {
	s.t.Helper()
	d, err := calendar.ParseDate(date)
	require.NoError(s.t, err)
	for i, slot := range []string{kt.Slot0, kt.Slot1} {
		_, err := s.engine.Hold(s.t.Context(), booking.HoldRequest{
			Account: fmt.Sprintf("filler-%s-%d", date, i), Office: kt.Office, Date: d, Slot: slot, Pool: kt.WalkIn,
			Applicants: kt.Applicants(s.t, 1000+100*d.Day()+2*i, 2),
		})
		require.NoError(s.t, err)
	}
}

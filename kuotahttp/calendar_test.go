package kuotahttp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// The tests' time line, in the demo offices' Jakarta time. The offices
// are registered with a horizon from 2026-11-02 and each day released
// thirty days ahead at 08:00, so at t0 days up to 2026-12-02 are green.
var (
	jakarta = calendar.Jakarta()
	// t0 is Monday 2026-11-02 09:00: today's 08:00 slot has started.
	t0 = time.Date(2026, 11, 2, 9, 0, 0, 0, jakarta)
	// t1 is the next morning, when a booking for 2026-11-03 can no longer
	// be rescheduled.
	t1 = time.Date(2026, 11, 3, 7, 0, 0, 0, jakarta)
	// t2 is 2026-11-03 10:00, after that day's 08:00 slot ended.
	t2 = time.Date(2026, 11, 3, 10, 0, 0, 0, jakarta)
	// t3 is 2026-11-11 10:30, within check-in of that day's 11:00 slot.
	t3 = time.Date(2026, 11, 11, 10, 30, 0, 0, jakarta)
)

// Dates of the tests, as the API writes them.
const (
	dayToday     = "2026-11-02" // t0's date
	dayTomorrow  = "2026-11-03" // cancel window closed at t0
	daySaturday  = "2026-11-07" // a weekly day off: grey
	dayOpen      = "2026-11-10" // released and bookable at t0
	dayOpen2     = "2026-11-11"
	dayOpen3     = "2026-11-12"
	dayOpen4     = "2026-11-13"
	dayNotOpened = "2026-12-10" // released on 2026-11-10: yellow at t0
	dayChristmas = "2026-12-25" // a national holiday: grey
	dayBeyond    = "2027-02-01" // past the 90-day horizon
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

// testService is the whole handler around an in-memory engine with the
// demo offices, on a fake clock at t0.
type testService struct {
	t       *testing.T
	engine  *booking.Engine
	clock   *kt.Clock
	handler http.Handler
}

// newTestService returns a service over an in-memory engine with opts;
// nil opts means the defaults. The clock and NoSweeper are always set:
// with a fake clock the tests expire holds by moving it.
func newTestService(t *testing.T, opts *booking.Options) *testService {
	t.Helper()
	c := kt.NewClock(t0)
	e := kt.NewEmptyEngine(t, c, opts)
	require.NoError(t, registerDemoOffices(t.Context(), e, calendar.DateOf(t0, jakarta)))
	return &testService{t: t, engine: e, clock: c, handler: newHandler(e, testLogger(t))}
}

// testLogger writes the service's log into the test's output.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// with returns s reporting to t, for use in a subtest: a failure must
// stop the subtest, not its parent.
func (s *testService) with(t *testing.T) *testService {
	c := *s
	c.t = t
	return &c
}

// do serves one request and returns the response, after checking that
// its body holds no NIK in full.
func (s *testService) do(method, path, body string) *httptest.ResponseRecorder {
	return s.doContext(s.t.Context(), method, path, body)
}

func (s *testService) doContext(ctx context.Context, method, path, body string) *httptest.ResponseRecorder {
	s.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(ctx, method, path, r)
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	for _, id := range personalData {
		require.NotContains(s.t, rec.Body.String(), id, "%s %s leaks a NIK or family card", method, path)
	}
	return rec
}

// getJSON serves a GET that must succeed and decodes its body into v.
func (s *testService) getJSON(path string, v any) {
	s.t.Helper()
	rec := s.do(http.MethodGet, path, "")
	require.Equal(s.t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(s.t, "application/json", rec.Header().Get("Content-Type"))
	require.NoError(s.t, json.Unmarshal(rec.Body.Bytes(), v))
}

// holdJSON returns the JSON body of a hold for the given NIKs, with no
// metadata and no idempotency key.
func holdJSON(account, date, slot, pool string, niks ...string) string {
	var applicants []map[string]any
	for _, n := range niks {
		applicants = append(applicants, map[string]any{"nik": n})
	}
	return mustJSON(map[string]any{"account": account, "office": "JKT-SEL", "date": date, "slot": slot, "pool": pool, "applicants": applicants})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the tests' own literals
	}
	return string(b)
}

// hold holds a slot and returns the booking; it must succeed.
func (s *testService) hold(account, date, slot, pool string, niks ...string) bookingJSON {
	s.t.Helper()
	return s.post("/api/holds", holdJSON(account, date, slot, pool, niks...), http.StatusCreated)
}

// pay pays b with the given reference; it must succeed.
func (s *testService) pay(b bookingJSON, ref string) bookingJSON {
	s.t.Helper()
	return s.post("/api/payments", mustJSON(map[string]string{"billing_code": b.BillingCode, "payment_ref": ref}), http.StatusOK)
}

// post serves a POST that must answer status with a booking.
func (s *testService) post(path, body string, status int) bookingJSON {
	s.t.Helper()
	rec := s.do(http.MethodPost, path, body)
	require.Equal(s.t, status, rec.Code, rec.Body.String())
	var b bookingJSON
	require.NoError(s.t, json.Unmarshal(rec.Body.Bytes(), &b))
	return b
}

// demoSlots are the starts of the demo offices' eight slots.
var demoSlots = []string{"08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00"}

// fillAcceleratedPool holds both accelerated seats of every slot of date,
// for accounts and NIKs of its own, so that the day is full in that pool
// and only in that pool.
func (s *testService) fillAcceleratedPool(date string) {
	s.t.Helper()
	d, err := calendar.ParseDate(date)
	require.NoError(s.t, err)
	for i, slot := range demoSlots {
		_, err := s.engine.Hold(s.t.Context(), booking.HoldRequest{
			Account:    fmt.Sprintf("filler-%s-%d", date, i),
			Office:     "JKT-SEL",
			Date:       d,
			Slot:       slot,
			Pool:       "accelerated",
			Applicants: kt.Applicants(s.t, 1000+100*d.Day()+2*i, demoSeats.Accelerated),
		})
		require.NoError(s.t, err)
	}
}

// zeroAcceleratedPool sets the accelerated pool of every slot of date to
// no seats, so that the day offers none in that pool: no quota, not full.
func (s *testService) zeroAcceleratedPool(date string) {
	s.t.Helper()
	d, err := calendar.ParseDate(date)
	require.NoError(s.t, err)
	for _, slot := range demoSlots {
		require.NoError(s.t, s.engine.SetCapacity(s.t.Context(), "JKT-SEL", d, slot, "accelerated", 0))
	}
}

func TestOffices(t *testing.T) {
	s := newTestService(t, nil)
	var got struct{ Offices []officeJSON }
	s.getJSON("/api/offices", &got)

	require.Len(t, got.Offices, 3)
	require.Equal(t, officeJSON{
		Code:  "JKT-SEL",
		Name:  "Kantor Imigrasi Jakarta Selatan",
		Zone:  "Asia/Jakarta",
		Pools: []string{"online", "walk-in", "accelerated", "collective"},
		Slots: []officeSlotJSON{
			{"08:00", "08:00–09:00"}, {"09:00", "09:00–10:00"}, {"10:00", "10:00–11:00"}, {"11:00", "11:00–12:00"},
			{"12:00", "12:00–13:00"}, {"13:00", "13:00–14:00"}, {"14:00", "14:00–15:00"}, {"15:00", "15:00–16:00"},
		},
	}, got.Offices[0])
	require.Equal(t, "Asia/Jayapura", got.Offices[1].Zone)
	require.Equal(t, "Asia/Makassar", got.Offices[2].Zone)
}

func TestMonth(t *testing.T) {
	s := newTestService(t, nil)
	s.fillAcceleratedPool(dayOpen2)
	s.zeroAcceleratedPool(dayOpen3)

	tests := []struct {
		name       string
		give       string // path
		wantMonth  string
		wantPool   string
		wantStates map[string]string // date → "state colour"
	}{{
		name:      "all pools",
		give:      "/api/offices/JKT-SEL/months/2026-11",
		wantMonth: "2026-11",
		wantStates: map[string]string{
			"2026-11-01": "past grey",
			dayToday:     "available green", // slots from 09:00 on are bookable
			daySaturday:  "day off grey",
			dayOpen:      "available green",
			dayOpen2:     "available green", // other pools have seats
			dayOpen3:     "available green",
		},
	}, {
		name:      "accelerated pool",
		give:      "/api/offices/JKT-SEL/months/2026-11?pool=accelerated",
		wantMonth: "2026-11",
		wantPool:  "accelerated",
		wantStates: map[string]string{
			dayOpen:  "available green",
			dayOpen2: "full red",        // every seat taken
			dayOpen3: "no quota yellow", // no seat offered
		},
	}, {
		name:      "online pool, December",
		give:      "/api/offices/JKT-SEL/months/2026-12?pool=online",
		wantMonth: "2026-12",
		wantPool:  "online",
		wantStates: map[string]string{
			"2026-12-02": "available green", // released at t0's 08:00
			"2026-12-03": "not opened yellow",
			dayNotOpened: "not opened yellow",
			"2026-12-24": "holiday grey", // collective leave, observed
			dayChristmas: "holiday grey",
			"2026-12-26": "day off grey",
		},
	}, {
		name:       "beyond the horizon",
		give:       "/api/offices/JKT-SEL/months/2027-02",
		wantMonth:  "2027-02",
		wantStates: map[string]string{dayBeyond: "outside horizon grey", "2027-02-06": "day off grey"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got monthJSON
			s.with(t).getJSON(tt.give, &got)
			require.Equal(t, "JKT-SEL", got.Office)
			require.Equal(t, tt.wantMonth, got.Month)
			require.Equal(t, tt.wantPool, got.Pool)
			states := map[string]string{}
			for _, d := range got.Days {
				states[d.Date.String()] = d.State + " " + d.Colour
			}
			for date, want := range tt.wantStates {
				require.Equal(t, want, states[date], date)
			}
			// A one-pool month counts that pool only, and names it.
			for _, d := range got.Days {
				if tt.wantPool == "" {
					require.Len(t, d.Pools, 4, d.Date.String())
				} else {
					require.Equal(t, []string{tt.wantPool}, slices.Collect(maps.Keys(d.Pools)), d.Date.String())
				}
			}
		})
	}
}

func TestMonthDay(t *testing.T) {
	s := newTestService(t, nil)
	var got monthJSON
	s.getJSON("/api/offices/JKT-SEL/months/2026-12", &got)
	require.Len(t, got.Days, 31)

	// A yellow day says when it opens, in the office's zone, and what it
	// will offer.
	d := got.Days[9]
	require.Equal(t, dayNotOpened, d.Date.String())
	require.Equal(t, "2026-11-10T08:00:00+07:00", d.Opens.Format(time.RFC3339))
	require.Equal(t, seatsJSON{Left: 80, Capacity: 80}, d.Pools["online"])
	require.Equal(t, seatsJSON{Left: 16, Capacity: 16}, d.Pools["accelerated"])

	// A grey day says why.
	require.Equal(t, "Hari Raya Natal", got.Days[24].Reason)
}

func TestDay(t *testing.T) {
	s := newTestService(t, nil)
	s.fillAcceleratedPool(dayOpen2)
	s.hold("a1", dayOpen2, "11:00", "online", niks[0], niks[1])

	var today dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayToday, &today)
	require.Equal(t, "available", today.State)
	require.Len(t, today.Slots, 8)
	// At 09:00 the 08:00 and 09:00 slots have started: a slot can be
	// booked until it starts.
	require.Equal(t, slotJSON{Slot: kt.Slot0, Time: "08:00–09:00", State: "past", Colour: "grey", Pools: today.Slots[0].Pools}, today.Slots[0])
	require.Equal(t, "past", today.Slots[1].State)
	require.Equal(t, "available", today.Slots[2].State)

	var got dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen2+"?pool=accelerated", &got)
	require.Equal(t, "JKT-SEL", got.Office)
	require.Equal(t, "accelerated", got.Pool)
	require.Equal(t, dayOpen2, got.Date.String())
	require.Equal(t, "full red", got.State+" "+got.Colour)
	slot := got.Slots[3]
	require.Equal(t, "11:00", slot.Slot)
	require.Equal(t, "11:00–12:00", slot.Time)
	require.Equal(t, "full red", slot.State+" "+slot.Colour)
	// A one-pool day counts and names that pool only.
	require.Equal(t, map[string]seatsJSON{"accelerated": {Left: 0, Capacity: 2}}, slot.Pools)
	require.Equal(t, map[string]seatsJSON{"accelerated": {Left: 0, Capacity: 16}}, got.Pools)

	// Every pool's seats are in the all-pools day.
	var all dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen2, &all)
	require.Empty(t, all.Pool)
	require.Equal(t, "available green", all.Slots[3].State+" "+all.Slots[3].Colour)
	require.Equal(t, seatsJSON{Left: 8, Capacity: 10}, all.Slots[3].Pools["online"])
	require.Equal(t, seatsJSON{Left: 0, Capacity: 2}, all.Slots[3].Pools["accelerated"])
	require.Equal(t, seatsJSON{Left: 78, Capacity: 80}, all.Pools["online"])

	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen2+"?pool=online", &got)
	require.Equal(t, "available green", got.Slots[3].State+" "+got.Slots[3].Colour)
}

// TestDayNoQuota checks the yellow "no quota" of a pool that offers no
// seats, told apart from the red "full" of one whose seats are taken.
func TestDayNoQuota(t *testing.T) {
	s := newTestService(t, nil)
	s.zeroAcceleratedPool(dayOpen3)

	var got dayPageJSON
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen3+"?pool=accelerated", &got)
	require.Equal(t, "accelerated", got.Pool)
	require.Equal(t, "no quota yellow", got.State+" "+got.Colour)
	require.Len(t, got.Slots, 8)
	for _, slot := range got.Slots {
		require.Equal(t, "no quota yellow", slot.State+" "+slot.Colour, slot.Slot)
		require.Equal(t, map[string]seatsJSON{"accelerated": {}}, slot.Pools, slot.Slot)
	}

	// Other pools are untouched, and so is the all-pools day.
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen3+"?pool=online", &got)
	require.Equal(t, "available green", got.State+" "+got.Colour)
	s.getJSON("/api/offices/JKT-SEL/days/"+dayOpen3, &got)
	require.Equal(t, "available green", got.State+" "+got.Colour)
	require.Equal(t, seatsJSON{}, got.Slots[0].Pools["accelerated"])

	// Holding there is refused as no quota, not as full.
	rec := s.do(http.MethodPost, "/api/holds", holdJSON("a1", dayOpen3, kt.Slot1, "accelerated", niks[0]))
	require.Equal(t, http.StatusConflict, rec.Code, rec.Body.String())
	require.Contains(t, rec.Body.String(), `"code":"no_quota"`)
}

// TestMonthDayAgree checks that a one-pool month shows each day as the
// same pool's day view does.
func TestMonthDayAgree(t *testing.T) {
	s := newTestService(t, nil)
	s.fillAcceleratedPool(dayOpen2)
	s.zeroAcceleratedPool(dayOpen3)
	var month monthJSON
	s.getJSON("/api/offices/JKT-SEL/months/2026-11?pool=accelerated", &month)
	for _, date := range []string{dayToday, daySaturday, dayOpen, dayOpen2, dayOpen3} {
		var day dayPageJSON
		s.getJSON("/api/offices/JKT-SEL/days/"+date+"?pool=accelerated", &day)
		i := slices.IndexFunc(month.Days, func(d dayJSON) bool { return d.Date.String() == date })
		require.NotEqual(t, -1, i, date)
		require.Equal(t, month.Days[i].State, day.State, date)
		require.Equal(t, month.Days[i].Pools, day.Pools, date)
	}
}

func TestPage(t *testing.T) {
	s := newTestService(t, nil)
	tests := []struct {
		give     string
		wantType string
		wantBody string
	}{
		{"/", "text/html; charset=utf-8", `<table id="calendar">`},
		{"/web/app.js", "text/javascript; charset=utf-8", `"/api/holds"`},
		{"/web/style.css", "text/css; charset=utf-8", ".yellow"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			rec := s.with(t).do(http.MethodGet, tt.give, "")
			require.Equal(t, http.StatusOK, rec.Code)
			require.Equal(t, tt.wantType, rec.Header().Get("Content-Type"))
			require.Contains(t, rec.Header().Get("Content-Security-Policy"), "default-src 'self'")
			require.Contains(t, rec.Body.String(), tt.wantBody)
		})
	}
	// The page knows both yellows, and holds a slot by its start, as the
	// day view names it.
	require.Contains(t, s.do(http.MethodGet, "/", "").Body.String(), "not opened yet, or no quota")
	app := s.do(http.MethodGet, "/web/app.js", "").Body.String()
	require.Contains(t, app, `d.state === "no quota"`)
	require.Contains(t, app, "slot: slot.slot")
	require.Contains(t, app, "slot: chosen.slot")
	require.Equal(t, http.StatusNotFound, s.do(http.MethodGet, "/nope", "").Code)
	require.Equal(t, http.StatusMethodNotAllowed, s.do(http.MethodDelete, "/api/holds", "").Code)
}

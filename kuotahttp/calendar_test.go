package kuotahttp

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata" // for TestZoneAbbr, whatever the host has

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

func TestOffices(t *testing.T) {
	s := newTestService(t, nil, nil)
	var got struct{ Offices []officeJSON }
	s.as("a1").getJSON("/offices", &got)
	require.Equal(t, []officeJSON{{
		Code:       kt.Office,
		Name:       "Kantor Imigrasi Jakarta Selatan",
		Zone:       "Asia/Jakarta",
		ZoneAbbr:   "WIB",
		ZoneOffset: 7 * 3600,
		Pools:      []string{kt.Online, kt.WalkIn},
		Slots:      []officeSlotJSON{{"08:00", "08:00–09:00"}, {"09:00", "09:00–10:00"}},
	}}, got.Offices)
}

// TestZoneAbbr checks the zone names the page labels times with: what
// Indonesians call their zones whatever the host's time zone database
// says, the database's abbreviation elsewhere, and the offset where the
// database has only a number or the zone is a fixed one.
func TestZoneAbbr(t *testing.T) {
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name) // time/tzdata is linked in
		require.NoError(t, err)
		return loc
	}
	winter := time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC)
	summer := time.Date(2026, time.July, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		give *time.Location
		at   time.Time
		want string
	}{
		{calendar.Jakarta(), winter, "WIB"},
		{calendar.Pontianak(), winter, "WIB"},
		{calendar.Makassar(), winter, "WITA"},
		{calendar.Jayapura(), winter, "WIT"},
		// A host without a time zone database: calendar's fixed zones.
		{time.FixedZone(calendar.ZoneMakassar, 8*3600), winter, "WITA"},
		{time.UTC, winter, "UTC"},
		{load("Europe/Berlin"), winter, "CET"},
		{load("Europe/Berlin"), summer, "CEST"},
		{load("Asia/Dubai"), winter, "UTC+04:00"}, // the database says "+04"
		{time.FixedZone("America/St_Johns", -(3*3600 + 30*60)), winter, "UTC-03:30"},
	}
	for _, tt := range tests {
		t.Run(tt.give.String()+" "+tt.at.Month().String(), func(t *testing.T) {
			require.Equal(t, tt.want, zoneAbbr(tt.at.In(tt.give)))
		})
	}
}

func TestMonth(t *testing.T) {
	s := newTestService(t, nil, nil)
	s.fillWalkIn(dayArrival2)
	s.setDay(dayArrival3, kt.WalkIn, 0)

	tests := []struct {
		name       string
		give       string // path
		wantMonth  string
		wantPool   string
		wantStates map[string]string // date → "state colour"
	}{{
		name:      "all pools",
		give:      "/offices/JKT/months/2026-12",
		wantMonth: "2026-12",
		wantStates: map[string]string{
			"2026-12-01": "available green",
			daySaturday:  "day-off grey",
			dayArrival:   "available green",
			dayArrival2:  "available green", // the online pool has seats
			dayArrival3:  "available green",
			dayChristmas: "holiday grey",
			"2026-12-31": "available green",
		},
	}, {
		name:      "walk-in pool",
		give:      "/offices/JKT/months/2026-12?pool=walk-in",
		wantMonth: "2026-12",
		wantPool:  kt.WalkIn,
		wantStates: map[string]string{
			dayArrival:  "available green",
			dayArrival2: "full red",        // every seat taken
			dayArrival3: "no-quota yellow", // no seat offered
		},
	}, {
		name:       "January, not released yet",
		give:       "/offices/JKT/months/2027-01?pool=online",
		wantMonth:  "2027-01",
		wantPool:   kt.Online,
		wantStates: map[string]string{dayNotOpened: "not-opened yellow", "2027-01-02": "day-off grey"},
	}, {
		name:       "before the first day",
		give:       "/offices/JKT/months/2026-11",
		wantMonth:  "2026-11",
		wantStates: map[string]string{dayBefore: "outside-horizon grey"},
	}, {
		name:       "beyond the horizon",
		give:       "/offices/JKT/months/2027-02",
		wantMonth:  "2027-02",
		wantStates: map[string]string{dayBeyond: "outside-horizon grey"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got monthJSON
			s.with(t).as("a1").getJSON(tt.give, &got)
			require.Equal(t, kt.Office, got.Office)
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
					require.Len(t, d.Pools, 2, d.Date.String())
				} else {
					require.Equal(t, []string{tt.wantPool}, slices.Collect(maps.Keys(d.Pools)), d.Date.String())
				}
			}
		})
	}
}

func TestMonthDay(t *testing.T) {
	s := newTestService(t, nil, nil)
	var got monthJSON
	s.as("a1").getJSON("/offices/JKT/months/2027-01", &got)
	require.Len(t, got.Days, 31)

	// A yellow day says when it opens, in the office's zone, and what it
	// will offer.
	d := got.Days[3]
	require.Equal(t, dayNotOpened, d.Date.String())
	require.Equal(t, "2026-12-01T08:00:00+07:00", d.Opens.Format(time.RFC3339))
	require.Equal(t, seatsJSON{Left: 10, Capacity: 10}, d.Pools[kt.Online])
	require.Equal(t, seatsJSON{Left: 4, Capacity: 4}, d.Pools[kt.WalkIn])

	// A grey day says why.
	s.as("a1").getJSON("/offices/JKT/months/2026-12", &got)
	require.Equal(t, "Hari Raya Natal", got.Days[24].Reason)
}

func TestDay(t *testing.T) {
	s := newTestService(t, nil, nil)
	s.fillWalkIn(dayArrival2)
	a1 := s.as("a1")
	a1.hold(dayArrival2, kt.Slot1, kt.Online, niks[0], niks[1])

	var got dayPageJSON
	a1.getJSON("/offices/JKT/days/"+dayArrival2+"?pool=walk-in", &got)
	require.Equal(t, kt.Office, got.Office)
	require.Equal(t, kt.WalkIn, got.Pool)
	require.Equal(t, dayArrival2, got.Date.String())
	require.Equal(t, "full red", got.State+" "+got.Colour)
	slot := got.Slots[1]
	require.Equal(t, kt.Slot1, slot.Slot)
	require.Equal(t, "09:00–10:00", slot.Time)
	require.Equal(t, "full red", slot.State+" "+slot.Colour)
	// A one-pool day counts and names that pool only.
	require.Equal(t, map[string]seatsJSON{kt.WalkIn: {Left: 0, Capacity: 2}}, slot.Pools)
	require.Equal(t, map[string]seatsJSON{kt.WalkIn: {Left: 0, Capacity: 4}}, got.Pools)

	// Every pool's seats are in the all-pools day.
	var all dayPageJSON
	a1.getJSON("/offices/JKT/days/"+dayArrival2, &all)
	require.Empty(t, all.Pool)
	require.Equal(t, "available green", all.Slots[1].State+" "+all.Slots[1].Colour)
	require.Equal(t, seatsJSON{Left: 3, Capacity: 5}, all.Slots[1].Pools[kt.Online])
	require.Equal(t, seatsJSON{Left: 0, Capacity: 2}, all.Slots[1].Pools[kt.WalkIn])
	require.Equal(t, seatsJSON{Left: 8, Capacity: 10}, all.Pools[kt.Online])

	// On the day, a slot that has begun is past: a slot can be booked
	// until it starts.
	s.clock.Set(time.Date(2026, 12, 10, 8, 30, 0, 0, kt.WIB))
	var today dayPageJSON
	a1.getJSON("/offices/JKT/days/"+dayArrival, &today)
	require.Equal(t, "available", today.State)
	require.Equal(t, slotJSON{Slot: kt.Slot0, Time: "08:00–09:00", State: "past", Colour: "grey", Pools: today.Slots[0].Pools}, today.Slots[0])
	require.Equal(t, "available", today.Slots[1].State)
}

// TestDayNoQuota checks the yellow "no-quota" of a pool that offers no
// seats, told apart from the red "full" of one whose seats are taken.
func TestDayNoQuota(t *testing.T) {
	s := newTestService(t, nil, nil)
	s.setDay(dayArrival3, kt.WalkIn, 0)
	a1 := s.as("a1")

	var got dayPageJSON
	a1.getJSON("/offices/JKT/days/"+dayArrival3+"?pool=walk-in", &got)
	require.Equal(t, "no-quota yellow", got.State+" "+got.Colour)
	for _, slot := range got.Slots {
		require.Equal(t, "no-quota yellow", slot.State+" "+slot.Colour, slot.Slot)
		require.Equal(t, map[string]seatsJSON{kt.WalkIn: {}}, slot.Pools, slot.Slot)
	}
	// The other pool is untouched, and so is the all-pools day.
	a1.getJSON("/offices/JKT/days/"+dayArrival3+"?pool=online", &got)
	require.Equal(t, "available green", got.State+" "+got.Colour)
	a1.getJSON("/offices/JKT/days/"+dayArrival3, &got)
	require.Equal(t, "available green", got.State+" "+got.Colour)

	// Holding there is refused as no quota, not as full.
	rec := a1.do(http.MethodPost, "/holds", holdJSON(dayArrival3, kt.Slot1, kt.WalkIn, niks[0]))
	requireProblem(t, rec, http.StatusConflict, "no-quota")
}

// TestMonthDayAgree checks that a one-pool month shows each day as the
// same pool's day view does.
func TestMonthDayAgree(t *testing.T) {
	s := newTestService(t, nil, nil)
	s.fillWalkIn(dayArrival2)
	s.setDay(dayArrival3, kt.WalkIn, 0)
	a1 := s.as("a1")
	var month monthJSON
	a1.getJSON("/offices/JKT/months/2026-12?pool=walk-in", &month)
	for _, date := range []string{daySaturday, dayArrival, dayArrival2, dayArrival3, dayChristmas} {
		var day dayPageJSON
		a1.getJSON("/offices/JKT/days/"+date+"?pool=walk-in", &day)
		i := slices.IndexFunc(month.Days, func(d dayJSON) bool { return d.Date.String() == date })
		require.NotEqual(t, -1, i, date)
		require.Equal(t, month.Days[i].State, day.State, date)
		require.Equal(t, month.Days[i].Pools, day.Pools, date)
	}
}

// TestCalendarAccess checks who may read the calendar: an account, or
// anyone once Options.PublicCalendar says so.
func TestCalendarAccess(t *testing.T) {
	paths := []string{"/offices", "/offices/JKT/months/2026-12", "/offices/JKT/days/" + dayArrival}
	s := newTestService(t, nil, nil)
	open := newTestService(t, nil, func(o *Options) { o.PublicCalendar = true })
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			requireProblem(t, s.with(t).as("").do(http.MethodGet, path, ""), http.StatusUnauthorized, "unauthenticated")
			require.Equal(t, http.StatusOK, s.with(t).as("a1").do(http.MethodGet, path, "").Code)
			require.Equal(t, http.StatusOK, open.with(t).as("").do(http.MethodGet, path, "").Code)
		})
	}
}

func TestPage(t *testing.T) {
	s := newTestService(t, nil, func(o *Options) { o.PageAccountHeader = "X-Demo-Account"; o.PagePayURL = "/demo/pay" })
	tests := []struct {
		give     string
		wantType string
		wantBody string
	}{
		{"/", "text/html; charset=utf-8", `<table id="calendar">`},
		{"/web/app.js", "text/javascript; charset=utf-8", `"holds"`},
		{"/web/strings.js", "text/javascript; charset=utf-8", `"Hari ini"`},
		{"/web/style.css", "text/css; charset=utf-8", ".yellow"},
		{"/web/config.json", "application/json", `{"account_header":"X-Demo-Account","pay_url":"/demo/pay","public_calendar":false,`},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			// The page's files need no account: they hold nothing, and
			// the page must load before anyone signs in.
			rec := s.with(t).as("").do(http.MethodGet, tt.give, "")
			require.Equal(t, http.StatusOK, rec.Code)
			require.Equal(t, tt.wantType, rec.Header().Get("Content-Type"))
			require.Contains(t, rec.Header().Get("Content-Security-Policy"), "default-src 'self'")
			require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			require.Contains(t, rec.Body.String(), tt.wantBody)
		})
	}
	// The page calls the API by relative paths, so it works under any
	// prefix; names both yellows by their wire names, in both languages;
	// knows the reason of a day without holiday data; holds a slot by its
	// start; and never pays by itself. (The browser tests in the module
	// browsertest show the rest.)
	page := s.as("").do(http.MethodGet, "/", "").Body.String()
	require.Contains(t, page, `src="web/app.js"`)
	require.Contains(t, page, `src="web/strings.js"`)
	words := s.as("").do(http.MethodGet, "/web/strings.js", "").Body.String()
	for _, state := range []string{`"not-opened": "Belum dibuka"`, `"no-quota": "Tanpa kuota"`, `"not-opened": "Not open yet"`, `"no-quota": "No quota"`} {
		require.Contains(t, words, state)
	}
	app := s.as("").do(http.MethodGet, "/web/app.js", "").Body.String()
	require.NotContains(t, app, `"/api`)
	require.Contains(t, app, strconv.Quote(calendar.NoHolidayDataReason))
	require.Contains(t, app, "slot: page.slot.slot")
	require.Contains(t, app, "config.account_header")
	require.NotContains(t, app, `"payments"`)

	// The page's clock is the handler's, in UTC.
	var cfg pageConfigJSON
	require.NoError(t, json.Unmarshal(s.as("").do(http.MethodGet, "/web/config.json", "").Body.Bytes(), &cfg))
	require.Equal(t, "X-Demo-Account", cfg.AccountHeader)
	require.Equal(t, kt.T1.UTC(), cfg.Now)
	require.Equal(t, 1, cfg.ReschedulesMax)
	requireProblem(t, s.as("").do(http.MethodGet, "/web/nope.js", ""), http.StatusNotFound, "no-route")
}

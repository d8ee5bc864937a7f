package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/config"
	"github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// roundTrip marshals offices and policy with the holiday sources, parses
// the result with holiday files from testdata, and checks that it reads
// back to the same values, and marshals back to the same bytes.
func roundTrip(t *testing.T, offices []booking.OfficeConfig, policy *config.Policy, holidays ...string) []byte {
	t.Helper()
	data, err := config.Marshal(offices, policy, holidays...)
	require.NoError(t, err)
	f, err := config.Parse("dump.json", data, "testdata")
	require.NoError(t, err, "%s", data)
	require.Equal(t, offices, f.Offices)
	want := config.DefaultPolicy()
	if policy != nil {
		want = *policy
	}
	require.Equal(t, want, f.Policy)
	again, err := config.Marshal(f.Offices, &f.Policy, holidays...)
	require.NoError(t, err)
	if policy != nil {
		require.Equal(t, string(data), string(again))
	}
	return data
}

func TestMarshalRoundTrip(t *testing.T) {
	f, err := config.Load("testdata/kuota.json")
	require.NoError(t, err)
	// Jakarta and Denpasar share the top-level holidays; Jayapura has
	// its own, and Marshal writes one list for all.
	roundTrip(t, f.Offices[:2], &f.Policy, "id", "holidays-2027.csv")
	roundTrip(t, f.Offices[2:], &f.Policy, "id")
	roundTrip(t, f.Offices[2:], nil, "id")
}

func TestMarshalEngineOffice(t *testing.T) {
	// A setup made in code, as an engine reports it, with no holidays.
	e, _ := kuotatest.NewEngine(t, nil)
	o, err := e.Office(t.Context(), kuotatest.Office)
	require.NoError(t, err)
	o.Quota.Schedule.Holidays = calendar.Holidays{}
	o.Quota.Schedule.Week = calendar.WeekdaysOf(time.Monday, time.Tuesday, time.Thursday, time.Friday, time.Saturday)
	o.Quota.Schedule.ObserveCollectiveLeave = true
	o.Quota.Schedule.Closures = []calendar.Closure{{Date: kuotatest.Dec11, Reason: "Jakarta & Bogor <rapat>"}}
	o.Quota.Layout.Slots = append(o.Quota.Layout.Slots, quota.Slot{Start: 23 * time.Hour, End: 24 * time.Hour, Seats: []int{0, 1}})
	o.OpeningWindow = 90 * time.Second
	p := config.Policy{HoldTTL: 90 * time.Minute, MaxHoldsPerAccount: 2, BookingsMax: 5000, Retention: 48 * time.Hour,
		ClockJumpHold: 30 * time.Second, CollectionServiceDays: 5, Windows: reschedule.Policy{RescheduleUntil: 3, CheckInEarly: 90 * time.Minute}}
	data := roundTrip(t, []booking.OfficeConfig{o}, &p, "none")
	require.Contains(t, string(data), `"week": ["mon-tue", "thu-sat"]`)
	require.Contains(t, string(data), `"Jakarta & Bogor <rapat>"`, "no HTML escapes")
	require.Contains(t, string(data), `{"time": "23:00-24:00", "seats": {"online": 0, "walk-in": 1}}`)
	require.Contains(t, string(data), `"hold_ttl": "1h30m"`)
	require.Contains(t, string(data), `"reschedule_until": "H-3"`)
	require.Contains(t, string(data), `"opening_window": "1m30s"`)
	require.Contains(t, string(data), `"collection_service_days": 5`)
}

func TestMarshalZeroEngineFields(t *testing.T) {
	// A zero engine field is booking's default, and the file leaves it out.
	f, err := config.Load("testdata/kuota.json")
	require.NoError(t, err)
	data, err := config.Marshal(f.Offices[2:], &config.Policy{}, "id")
	require.NoError(t, err)
	require.NotContains(t, string(data), "hold_ttl")
	g, err := config.Parse("dump.json", data, "")
	require.NoError(t, err)
	require.Equal(t, config.DefaultPolicy().HoldTTL, g.Policy.HoldTTL)
	require.Equal(t, reschedule.Policy{}, g.Policy.Windows)
}

func TestMarshalErrors(t *testing.T) {
	f, err := config.Load("testdata/kuota.json")
	require.NoError(t, err)
	jkt := f.Offices[0] // holidays: id and 2027
	tests := []struct {
		name     string
		change   func(o *booking.OfficeConfig)
		holidays []string
		want     string
	}{
		{"none for an office with holidays", nil, []string{"none"},
			`offices[0].holidays: config: bad value: the office's holidays are not those of "none"`},
		{"id for an office with more", nil, []string{"id"},
			`offices[0].holidays: config: bad value: the office's holidays are not those of "id"`},
		{"no source", nil, nil,
			`holidays: config: bad value: no holiday source (name "none", "id" or a CSV file)`},
		{"a zone without a name", func(o *booking.OfficeConfig) { o.Quota.Schedule.Location = time.FixedZone("WIB", 7*3600) },
			[]string{"id", "x.csv"}, `offices[0]: calendar: unknown time zone: "WIB"`},
		{"a release on the second", func(o *booking.OfficeConfig) { o.Quota.Release.At += time.Second },
			[]string{"id", "x.csv"}, `offices[0]: config: bad value: release at 8h0m1s: a file gives whole minutes`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := jkt
			if tt.change != nil {
				tt.change(&o)
			}
			_, err := config.Marshal([]booking.OfficeConfig{o}, nil, tt.holidays...)
			require.Error(t, err)
			require.Equal(t, tt.want, err.Error())
		})
	}
}

func TestMarshalLayout(t *testing.T) {
	f, err := config.Load("testdata/kuota.json")
	require.NoError(t, err)
	data, err := config.Marshal(f.Offices[:2], nil, "id", "holidays-2027.csv")
	require.NoError(t, err)
	for line := range strings.Lines(string(data)) {
		require.LessOrEqual(t, len(strings.TrimRight(line, "\n")), 100, "%q", line)
	}
	// Written as a person would: the testdata file is laid out so.
	want, err := config.Parse("kuota.json", data, "testdata")
	require.NoError(t, err)
	require.Equal(t, f.Offices[:2], want.Offices)
	require.Contains(t, string(data), `      "release": {"every": "monthly", "lead": 1, "day": 1, "at": "08:00"},`+"\n")
}

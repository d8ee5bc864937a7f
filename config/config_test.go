package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/config"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

func TestLoadTestdata(t *testing.T) {
	f, err := config.Load("testdata/kuota.json")
	require.NoError(t, err)
	require.Len(t, f.Offices, 3)

	jkt, dps, jap := f.Offices[0], f.Offices[1], f.Offices[2]
	require.Equal(t, "KANIM-JKT-SEL", jkt.Code)
	require.Equal(t, "Kantor Imigrasi Jakarta Selatan", jkt.Name)
	require.Equal(t, quota.Config{
		Schedule: calendar.Schedule{
			Location: calendar.Jakarta(),
			Week:     calendar.MondayToFriday,
			Holidays: jkt.Quota.Schedule.Holidays, // below
			Closures: []calendar.Closure{{Date: calendar.NewDate(2026, time.December, 24), Reason: "Penataan ruang layanan"}},
		},
		Layout: quota.Layout{
			Pools: []string{"online", "walk-in", "accelerated"},
			Slots: []quota.Slot{
				{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{40, 10, 5}},
				{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{40, 10, 5}},
				{Start: 10 * time.Hour, End: 11 * time.Hour, Seats: []int{40, 10, 0}},
				{Start: 13 * time.Hour, End: 14 * time.Hour, Seats: []int{30, 10, 0}},
			},
		},
		Release: quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
		First:   calendar.NewDate(2026, time.December, 1),
		Days:    90,
	}, jkt.Quota)
	require.Equal(t, time.Minute, jkt.OpeningWindow, `"opening_window": "60s"`)
	require.Zero(t, f.Offices[1].OpeningWindow, "none by default")
	require.Equal(t, 3, f.Policy.CollectionServiceDays)
	// ["id", "holidays-2027.csv"]: the shipped years and the operator's.
	require.Equal(t, []int{2024, 2025, 2026, 2027}, jkt.Quota.Schedule.Holidays.Years())
	newYear, ok := jkt.Quota.Schedule.Holidays.Lookup(calendar.NewDate(2027, time.January, 1))
	require.True(t, ok)
	require.Equal(t, "Tahun Baru 2027 Masehi", newYear.Name)

	require.Equal(t, "Asia/Makassar", dps.Quota.Schedule.Location.String())
	require.Equal(t, calendar.WeekdaysOf(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday), dps.Quota.Schedule.Week)
	require.True(t, dps.Quota.Schedule.ObserveCollectiveLeave)
	require.Equal(t, quota.ReleaseRule{Every: quota.Weekly, Lead: 1, Weekday: time.Friday, At: 16 * time.Hour}, dps.Quota.Release)

	require.Equal(t, "Asia/Jayapura", jap.Quota.Schedule.Location.String())
	require.Equal(t, calendar.MondayToFriday, jap.Quota.Schedule.Week, "the default week")
	require.Equal(t, quota.ReleaseRule{Every: quota.Daily, Lead: 30}, jap.Quota.Release)
	require.Equal(t, []int{2024, 2025, 2026}, jap.Quota.Schedule.Holidays.Years(), `its own "id" replaces the top-level list`)

	want := config.DefaultPolicy()
	require.Equal(t, want, f.Policy, "the file says the defaults")
	require.Equal(t, 2*time.Hour, f.Policy.HoldTTL)
	require.Equal(t, reschedule.Default(), f.Policy.Windows)

	require.Equal(t, &config.ServerConfig{
		Listen:        "127.0.0.1:8080",
		DB:            filepath.Join("testdata", "kuota.db"),
		OperatorToken: f.Server.OperatorToken,
		PaymentSecret: f.Server.PaymentSecret,
	}, f.Server)
	require.Equal(t, "file /run/secrets/kuota-operator", f.Server.OperatorToken.String())
	require.Equal(t, "env KUOTA_PAYMENT_SECRET", f.Server.PaymentSecret.String())
	require.True(t, f.Server.PostgresDSN.IsZero())
}

// office returns a file of one small office, with the fields of fields
// (a JSON fragment such as `"week": "sat"`) added.
func office(fields string) string {
	o := `{"code": "X", "name": "X", "zone": "Asia/Jakarta", "pools": ["online"],
	  "slots": [{"time": "08:00-09:00", "seats": {"online": 5}}],
	  "release": {"every": "immediately"}, "first": "2026-12-01", "days": 60`
	if fields != "" {
		o += ", " + fields
	}
	return `{"holidays": "none", "offices": [` + o + `}]}`
}

func parseOffice(t *testing.T, fields string) booking.OfficeConfig {
	t.Helper()
	f, err := config.Parse("kuota.json", []byte(office(fields)), "")
	require.NoError(t, err)
	return f.Offices[0]
}

func TestWeek(t *testing.T) {
	d := func(days ...time.Weekday) calendar.Weekdays { return calendar.WeekdaysOf(days...) }
	tests := []struct {
		give string
		want calendar.Weekdays
	}{
		{``, calendar.MondayToFriday},
		{`"mon-fri"`, calendar.MondayToFriday},
		{`["mon", "tue", "wed", "thu", "fri"]`, calendar.MondayToFriday},
		{`"sat"`, d(time.Saturday)},
		{`"mon-sun"`, d(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday)},
		{`["mon-tue", "thu-sat"]`, d(time.Monday, time.Tuesday, time.Thursday, time.Friday, time.Saturday)},
		{`["sun", "mon"]`, d(time.Sunday, time.Monday)},
		{`"sat-sun"`, d(time.Saturday, time.Sunday)},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			field := ""
			if tt.give != "" {
				field = `"week": ` + tt.give
			}
			require.Equal(t, tt.want, parseOffice(t, field).Quota.Schedule.Week)
		})
	}
}

func TestZones(t *testing.T) {
	tests := []struct {
		give       string
		offsetSecs int
	}{
		{calendar.ZoneJakarta, 7 * 3600},
		{calendar.ZonePontianak, 7 * 3600},
		{calendar.ZoneMakassar, 8 * 3600},
		{calendar.ZoneJayapura, 9 * 3600},
		{"UTC", 0},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			data := strings.Replace(office(""), `"Asia/Jakarta"`, `"`+tt.give+`"`, 1)
			f, err := config.Parse("kuota.json", []byte(data), "")
			require.NoError(t, err)
			loc := f.Offices[0].Quota.Schedule.Location
			require.Equal(t, tt.give, loc.String())
			_, off := time.Date(2026, time.December, 10, 8, 0, 0, 0, loc).Zone()
			require.Equal(t, tt.offsetSecs, off)
		})
	}
}

func TestSlots(t *testing.T) {
	tests := []struct {
		give       string
		start, end time.Duration
	}{
		{"08:00-09:00", 8 * time.Hour, 9 * time.Hour},
		{"08:00 - 09:30", 8 * time.Hour, 9*time.Hour + 30*time.Minute},
		{"08:00–09:00", 8 * time.Hour, 9 * time.Hour}, // the en dash quota.Slot.Span writes
		{"00:00-24:00", 0, 24 * time.Hour},
		{"23:45-24:00", 23*time.Hour + 45*time.Minute, 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			fields := `"slots": [{"time": "` + tt.give + `", "seats": {"online": 5}}]`
			// office() gives slots already; replace them.
			data := strings.Replace(office(""), `"slots": [{"time": "08:00-09:00", "seats": {"online": 5}}]`, fields, 1)
			f, err := config.Parse("kuota.json", []byte(data), "")
			require.NoError(t, err)
			s := f.Offices[0].Quota.Layout.Slots[0]
			require.Equal(t, tt.start, s.Start)
			require.Equal(t, tt.end, s.End)
		})
	}
}

func TestReleases(t *testing.T) {
	tests := []struct {
		give string
		want quota.ReleaseRule
	}{
		{`{"every": "immediately"}`, quota.ReleaseRule{}},
		{`{"every": "daily", "lead": 30, "at": "00:00"}`, quota.ReleaseRule{Every: quota.Daily, Lead: 30}},
		{`{"every": "weekly", "lead": 2, "weekday": "sun", "at": "23:59"}`,
			quota.ReleaseRule{Every: quota.Weekly, Lead: 2, Weekday: time.Sunday, At: 23*time.Hour + 59*time.Minute}},
		{`{"every": "monthly", "lead": 0, "day": 28, "at": "08:30"}`,
			quota.ReleaseRule{Every: quota.Monthly, Day: 28, At: 8*time.Hour + 30*time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			data := strings.Replace(office(""), `{"every": "immediately"}`, tt.give, 1)
			f, err := config.Parse("kuota.json", []byte(data), "")
			require.NoError(t, err)
			require.Equal(t, tt.want, f.Offices[0].Quota.Release)
		})
	}
}

func TestPolicyDurations(t *testing.T) {
	data := strings.Replace(office(""), `]}`, `], "policy": {
		"hold_ttl": "1h30m", "retention": "720h", "clock_jump_hold": "30s", "check_in_early": "45m",
		"max_holds_per_account": 3, "bookings_max": 1000, "collection_service_days": 5,
		"reschedules_max": 2, "reschedule_until": "H-3", "cancel_until": "H-0",
		"reapply_after_months": 6, "reapply_after_unreached": true}}`, 1)
	f, err := config.Parse("kuota.json", []byte(data), "")
	require.NoError(t, err)
	require.Equal(t, config.Policy{
		HoldTTL:               90 * time.Minute,
		MaxHoldsPerAccount:    3,
		BookingsMax:           1000,
		Retention:             30 * 24 * time.Hour,
		ClockJumpHold:         30 * time.Second,
		CollectionServiceDays: 5,
		Windows: reschedule.Policy{
			ReschedulesMax:        2,
			RescheduleUntil:       3,
			CancelUntil:           0,
			CheckInEarly:          45 * time.Minute,
			ReapplyAfterMonths:    6,
			ReapplyAfterUnreached: true,
		},
	}, f.Policy)

	o := f.Policy.Options()
	require.Equal(t, 90*time.Minute, o.HoldTTL)
	require.Equal(t, 3, o.MaxHoldsPerAccount)
	require.Equal(t, 1000, o.BookingsMax)
	require.Equal(t, 30*24*time.Hour, o.Retention)
	require.Equal(t, 30*time.Second, o.ClockJumpHold)
	require.Equal(t, 5, o.CollectionServiceDays)
	require.Equal(t, f.Policy.Windows, *o.Policy)
	o.Policy.ReschedulesMax = 9
	require.Equal(t, 2, f.Policy.Windows.ReschedulesMax, "Options hands out a copy")
}

func TestNoPolicyIsTheDefault(t *testing.T) {
	f, err := config.Parse("kuota.json", []byte(office("")), "")
	require.NoError(t, err)
	require.Equal(t, config.DefaultPolicy(), f.Policy)
	require.Nil(t, f.Server)
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := config.Load(filepath.Join(dir, "missing.json"))
	require.ErrorIs(t, err, os.ErrNotExist)
	require.Equal(t, filepath.Join(dir, "missing.json")+": no such file or directory", err.Error())

	_, err = config.Load(dir)
	require.Equal(t, dir+": is a directory", err.Error())

	big := filepath.Join(dir, "big.json")
	require.NoError(t, os.WriteFile(big, make([]byte, config.FileBytesMax+1), 0o600))
	_, err = config.Load(big)
	require.ErrorIs(t, err, config.ErrTooLarge)
	require.Equal(t, fmt.Sprintf("%s: config: file too large: more than %d bytes", big, config.FileBytesMax), err.Error())

	_, err = config.Parse("kuota.json", make([]byte, config.FileBytesMax+1), "")
	require.ErrorIs(t, err, config.ErrTooLarge)
}

func TestRelativePaths(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "data"), 0o700))
	csv := "date,kind,name\n2027-01-01,national,Tahun Baru 2027 Masehi\n2027-08-17,national,Hari Proklamasi Kemerdekaan\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data", "2027.csv"), []byte(csv), 0o600))
	data := strings.Replace(office(""), `"holidays": "none"`, `"holidays": ["id", "data/2027.csv"],
		"server": {"listen": ":8080", "db": "var/kuota.db", "payment_secret": {"file": "secrets/pay"}}`, 1)
	path := filepath.Join(dir, "kuota.json")
	require.NoError(t, os.WriteFile(path, []byte(data), 0o600))

	f, err := config.Load(path)
	require.NoError(t, err)
	require.True(t, f.Offices[0].Quota.Schedule.Holidays.Covers(2027))
	require.Equal(t, filepath.Join(dir, "var", "kuota.db"), f.Server.DB)
	require.Equal(t, filepath.Join(dir, "secrets", "pay"), f.Server.PaymentSecret.File)

	// An absolute path stays as it is.
	abs := filepath.Join(dir, "data", "2027.csv")
	data = strings.Replace(office(""), `"holidays": "none"`, `"holidays": ["id", "`+abs+`"]`, 1)
	f, err = config.Parse("kuota.json", []byte(data), "/nonexistent")
	require.NoError(t, err)
	require.True(t, f.Offices[0].Quota.Schedule.Holidays.Covers(2027))
}

func TestHolidaySources(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("date,kind,name\n"+data), 0o600))
	}
	write("2027.csv", "2027-01-01,national,Tahun Baru 2027 Masehi\n2027-08-17,national,Hari Proklamasi\n")
	// 2025 amended, written out in full: here, two days only, for the test.
	write("2025.csv", "2025-01-01,national,Tahun Baru 2025 Masehi\n2025-08-17,national,Hari Proklamasi\n")
	write("regional.csv", "2027-03-10,national,Hari Jadi Kota\n")
	tests := []struct {
		give    string
		years   []int
		entries int
	}{
		{`"none"`, nil, 0},
		{`["none"]`, nil, 0},
		{`"id"`, []int{2024, 2025, 2026}, 0},
		{`["id", "2027.csv"]`, []int{2024, 2025, 2026, 2027}, 0},
		{`["id", "2025.csv", "2027.csv"]`, []int{2024, 2025, 2026, 2027}, 0},
		{`["2027.csv", "id"]`, []int{2024, 2025, 2026, 2027}, 0},
		{`"regional.csv"`, []int{2027}, 1}, // not Indonesian data: taken as it is
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			data := strings.Replace(office(""), `"holidays": "none"`, `"holidays": `+tt.give, 1)
			f, err := config.Parse("kuota.json", []byte(data), dir)
			require.NoError(t, err)
			h := f.Offices[0].Quota.Schedule.Holidays
			require.Equal(t, tt.years, h.Years())
			if tt.entries > 0 {
				require.Equal(t, tt.entries, h.Len())
			}
		})
	}
	// A later source replaces the years it covers, whole.
	data := strings.Replace(office(""), `"holidays": "none"`, `"holidays": ["id", "2025.csv"]`, 1)
	f, err := config.Parse("kuota.json", []byte(data), dir)
	require.NoError(t, err)
	h := f.Offices[0].Quota.Schedule.Holidays
	_, ok := h.Lookup(calendar.NewDate(2025, time.March, 31)) // Idul Fitri, shipped
	require.False(t, ok, "the file's 2025 replaces the shipped one")
	_, ok = h.Lookup(calendar.NewDate(2026, time.January, 1))
	require.True(t, ok, "2026 stays shipped")
}

package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/calendar/idholiday"
	"github.com/kuota/kuota/config"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// base is a valid file, one office, laid out so that the lines the tests
// below name are easy to count:
//
//	line  5 code, 7 zone, 8 week, 9 pools, 11 and 12 the slots,
//	     14 release, 15 first, 16 days, 19 policy
const base = `{
  "holidays": "none",
  "offices": [
    {
      "code": "JKT",
      "name": "Kantor Imigrasi Jakarta Selatan",
      "zone": "Asia/Jakarta",
      "week": "mon-fri",
      "pools": ["online", "walk-in"],
      "slots": [
        {"time": "08:00-09:00", "seats": {"online": 5, "walk-in": 2}},
        {"time": "09:00-10:00", "seats": {"online": 5, "walk-in": 2}}
      ],
      "release": {"every": "monthly", "lead": 1, "day": 1, "at": "08:00"},
      "first": "2026-12-01",
      "days": 60
    }
  ],
  "policy": {"hold_ttl": "2h"}
}
`

// edit returns base with each pair of old and new strings replaced once,
// failing the test if old is not there.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := base
	for i := 0; i < len(pairs); i += 2 {
		require.Contains(t, s, pairs[i], "edit")
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

func TestBaseLoads(t *testing.T) {
	f, err := config.Parse("kuota.json", []byte(base), "")
	require.NoError(t, err)
	require.Len(t, f.Offices, 1)
}

// parseError parses data as kuota.json with holiday files from dir and
// returns its error, checking that it is an *Error.
func parseError(t *testing.T, data, dir string) error {
	t.Helper()
	_, err := config.Parse("kuota.json", []byte(data), dir)
	require.Error(t, err)
	var ce *config.Error
	require.True(t, errors.As(err, &ce), "%T is not a *config.Error", err)
	return err
}

func TestFormErrors(t *testing.T) {
	tests := []struct {
		name string
		give string
		want string
		is   error
	}{
		{"syntax", edit(t, `"days": 60`, `"days": 60,`),
			`kuota.json:17:5: offices[0]: config: JSON syntax error: invalid character '}' looking for beginning of object key string`, config.ErrSyntax},
		{"truncated", base[:100],
			`kuota.json:6:35: offices[0].name: config: JSON syntax error: unexpected end of file`, config.ErrSyntax},
		{"empty", "",
			`kuota.json:1:1: config: JSON syntax error: unexpected end of file`, config.ErrSyntax},
		{"after the end", base + "{}",
			`kuota.json:21:1: config: JSON syntax error: more after the end of the document`, config.ErrSyntax},
		{"unknown field", edit(t, `"days": 60`, `"dayz": 60`),
			`kuota.json:16:7: offices[0].dayz: config: unknown field (want one of code, name, zone, week, pools, slots, release, first, days, holidays, observe_collective_leave, closures, opening_window)`, config.ErrUnknownField},
		{"misspelt policy field", edit(t, `"hold_ttl"`, `"hold_tll"`),
			`kuota.json:19:14: policy.hold_tll: config: unknown field (want one of hold_ttl, max_holds_per_account, bookings_max, retention, clock_jump_hold, collection_service_days, reschedules_max, reschedule_until, cancel_until, check_in_early, reapply_after_months, reapply_after_unreached)`, config.ErrUnknownField},
		{"field in another case", edit(t, `"code"`, `"Code"`),
			`kuota.json:5:7: offices[0].Code: config: unknown field (want one of code, name, zone, week, pools, slots, release, first, days, holidays, observe_collective_leave, closures, opening_window)`, config.ErrUnknownField},
		{"field twice", edit(t, `"days": 60`, `"days": 60, "days": 61`),
			`kuota.json:16:19: offices[0].days: config: field given twice`, config.ErrDuplicateField},
		{"seats twice", edit(t, `"walk-in": 2}},`, `"walk-in": 2, "online": 3}},`),
			`kuota.json:11:70: offices[0].slots[0].seats.online: config: field given twice`, config.ErrDuplicateField},
		{"missing field", edit(t, `"zone": "Asia/Jakarta",`, ``),
			`kuota.json:4:5: offices[0].zone: config: missing field`, config.ErrMissingField},
		{"string for a number", edit(t, `"days": 60`, `"days": "60"`),
			`kuota.json:16:15: offices[0].days: config: wrong JSON type: want a whole number, got the string "60"`, config.ErrType},
		{"fraction", edit(t, `"days": 60`, `"days": 60.5`),
			`kuota.json:16:15: offices[0].days: config: wrong JSON type: want a whole number, got the number 60.5`, config.ErrType},
		{"huge number", edit(t, `"days": 60`, `"days": 1e400`),
			`kuota.json:16:15: offices[0].days: config: wrong JSON type: want a whole number, got the number 1e400`, config.ErrType},
		{"out of range", edit(t, `"days": 60`, `"days": 99999999999999999999`),
			`kuota.json:16:15: offices[0].days: config: bad value: "99999999999999999999" is out of range`, config.ErrBadValue},
		{"null", edit(t, `"week": "mon-fri"`, `"week": null`),
			`kuota.json:8:15: offices[0].week: config: wrong JSON type: want a string or an array of strings, got null`, config.ErrType},
		{"object for a list", edit(t, `"pools": ["online", "walk-in"]`, `"pools": {"online": 1}`),
			`kuota.json:9:16: offices[0].pools: config: wrong JSON type: want an array, got an object`, config.ErrType},
		{"number in a list", edit(t, `"pools": ["online", "walk-in"]`, `"pools": ["online", 2]`),
			`kuota.json:9:27: offices[0].pools[1]: config: wrong JSON type: want a string, got the number 2`, config.ErrType},
		{"secret inline", edit(t, `"policy"`, `"server": {"listen": ":8080", "db": "k.db", "payment_secret": "hunter2"}, "policy"`),
			`kuota.json:19:65: server.payment_secret: config: wrong JSON type: want an object {"file": PATH} or {"env": NAME} (a secret is never written in the file itself), got the string "hunter2"`, config.ErrType},
		{"offices not a list", `{"holidays": "none", "offices": {}}`,
			`kuota.json:1:33: offices: config: wrong JSON type: want an array, got an object`, config.ErrType},
		{"no offices", `{"holidays": "none", "offices": []}`,
			`kuota.json:1:33: offices: config: bad value: no office (a service needs at least one)`, config.ErrBadValue},
		{"no offices field", `{"holidays": "none"}`,
			`kuota.json:1:1: offices: config: missing field`, config.ErrMissingField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseError(t, tt.give, "")
			require.Equal(t, tt.want, err.Error())
			require.ErrorIs(t, err, tt.is)
		})
	}
}

func TestOfficeErrors(t *testing.T) {
	tests := []struct {
		name  string
		edits []string
		want  string
		is    error
	}{
		{"unknown zone", []string{`"Asia/Jakarta"`, `"Asia/Jakrta"`},
			`kuota.json:7:15: offices[0].zone: calendar: unknown time zone: "Asia/Jakrta"`, calendar.ErrUnknownZone},
		{"local zone", []string{`"Asia/Jakarta"`, `"Local"`},
			`kuota.json:7:15: offices[0].zone: calendar: unknown time zone: "Local" (name a zone explicitly)`, calendar.ErrUnknownZone},
		{"unknown weekday", []string{`"mon-fri"`, `"mon-fry"`},
			`kuota.json:8:15: offices[0].week: config: bad value: weekday "fry", want one of sun, mon, tue, wed, thu, fri, sat`, config.ErrBadValue},
		{"weekday in a list", []string{`"mon-fri"`, `["mon-fri", "Sat"]`},
			`kuota.json:8:27: offices[0].week[1]: config: bad value: weekday "Sat", want one of sun, mon, tue, wed, thu, fri, sat`, config.ErrBadValue},
		{"week backwards", []string{`"mon-fri"`, `"fri-mon"`},
			`kuota.json:8:15: offices[0].week: config: bad value: "fri-mon" runs backwards: a week runs from mon to sun`, config.ErrBadValue},
		{"day twice", []string{`"mon-fri"`, `["mon-fri", "wed"]`},
			`kuota.json:8:27: offices[0].week[1]: config: bad value: wed listed twice`, config.ErrBadValue},
		{"no service day", []string{`"mon-fri"`, `[]`},
			`kuota.json:8:15: offices[0].week: config: bad value: no service day`, config.ErrBadValue},
		{"pool twice", []string{`["online", "walk-in"]`, `["online", "online"]`},
			`kuota.json:9:27: offices[0].pools[1]: quota: bad office configuration: pool "online" listed twice`, quota.ErrBadConfig},
		{"no pool", []string{`["online", "walk-in"]`, `[]`},
			`kuota.json:9:16: offices[0].pools: quota: bad office configuration: 0 pools, want 1..8`, quota.ErrBadConfig},
		{"too many pools", []string{`["online", "walk-in"]`, `["a", "b", "c", "d", "e", "f", "g", "h", "i"]`},
			`kuota.json:9:57: offices[0].pools[8]: quota: bad office configuration: 9 pools, want 1..8`, quota.ErrBadConfig},
		{"slot hour 25", []string{`"08:00-09:00"`, `"25:00-26:00"`},
			`kuota.json:11:18: offices[0].slots[0].time: slot time "25:00-26:00": quota: bad clock time: "25:00", want HH:MM from 00:00 to 23:59`, quota.ErrBadClock},
		{"slot without a dash", []string{`"08:00-09:00"`, `"08:00"`},
			`kuota.json:11:18: offices[0].slots[0].time: config: bad value: slot time "08:00", want "HH:MM-HH:MM"`, config.ErrBadValue},
		{"slot backwards", []string{`"09:00-10:00"`, `"10:00-09:00"`},
			`kuota.json:12:18: offices[0].slots[1].time: quota: bad office configuration: slot 1 runs 10h0m0s–9h0m0s, want 0 <= start < end <= 24h`, quota.ErrBadConfig},
		{"slots start together", []string{`"09:00-10:00"`, `"08:00-08:30"`},
			`kuota.json:12:18: offices[0].slots[1].time: quota: bad office configuration: slots 0 and 1 both start at 08:00`, quota.ErrBadConfig},
		{"slots overlap", []string{`"09:00-10:00"`, `"08:30-09:30"`},
			`kuota.json:12:18: offices[0].slots[1].time: config: slots overlap: 08:30–09:30 overlaps slots[0] 08:00–09:00`, config.ErrOverlappingSlots},
		{"negative seats", []string{`{"online": 5, "walk-in": 2}}
      ]`, `{"online": -1, "walk-in": 2}}
      ]`},
			`kuota.json:12:53: offices[0].slots[1].seats.online: quota: bad office configuration: slot 1 pool "online" has -1 seats, want 0..1000000`, quota.ErrBadConfig},
		{"seats of an unknown pool", []string{`"walk-in": 2}},`, `"walkin": 2}},`},
			`kuota.json:11:66: offices[0].slots[0].seats.walkin: config: seats do not match the office's pools: no pool "walkin" (the office's pools are online, walk-in)`, config.ErrBadPools},
		{"seats of a pool left out", []string{`, "walk-in": 2}},`, `}},`},
			`kuota.json:11:42: offices[0].slots[0].seats: config: seats do not match the office's pools: no seats for pool "walk-in" (give 0 for none)`, config.ErrBadPools},
		{"no slot", []string{`[
        {"time": "08:00-09:00", "seats": {"online": 5, "walk-in": 2}},
        {"time": "09:00-10:00", "seats": {"online": 5, "walk-in": 2}}
      ]`, `[]`},
			`kuota.json:10:16: offices[0].slots: quota: bad office configuration: 0 slots, want 1..64`, quota.ErrBadConfig},
		{"release period", []string{`"every": "monthly"`, `"every": "monthy"`},
			`kuota.json:14:28: offices[0].release.every: config: bad value: release period "monthy", want immediately, daily, weekly or monthly`, config.ErrBadValue},
		{"release field not used", []string{`"day": 1`, `"weekday": "fri"`},
			`kuota.json:14:61: offices[0].release.weekday: config: bad value: not used with "every": "monthly"`, config.ErrBadValue},
		{"release field missing", []string{`"day": 1, `, ``},
			`kuota.json:14:18: offices[0].release.day: config: missing field: needed with "every": "monthly"`, config.ErrMissingField},
		{"release lead", []string{`"lead": 1`, `"lead": 20`},
			`kuota.json:14:47: offices[0].release.lead: quota: bad office configuration: release lead 20 monthly periods, want 0..12`, quota.ErrBadConfig},
		{"release day", []string{`"day": 1`, `"day": 31`},
			`kuota.json:14:57: offices[0].release.day: quota: bad office configuration: release on day 31 of the month, want 1..28`, quota.ErrBadConfig},
		{"release at", []string{`"at": "08:00"`, `"at": "8:00"`},
			`kuota.json:14:66: offices[0].release.at: quota: bad clock time: 4 bytes, want HH:MM from 00:00 to 23:59`, quota.ErrBadClock},
		{"first", []string{`"2026-12-01"`, `"2026-12-32"`},
			`kuota.json:15:16: offices[0].first: calendar: bad date: "2026-12-32" (want YYYY-MM-DD)`, calendar.ErrBadDate},
		{"days", []string{`"days": 60`, `"days": 401`},
			`kuota.json:16:15: offices[0].days: quota: bad office configuration: 401 days, want 1..400`, quota.ErrBadConfig},
		{"days beyond the window", []string{`"2026-12-01"`, `"2261-12-01"`},
			`kuota.json:16:15: offices[0].days: quota: bad office configuration: the days must lie in years 1970..2261`, quota.ErrBadConfig},
		{"first before the window", []string{`"2026-12-01"`, `"1969-12-01"`},
			`kuota.json:15:16: offices[0].first: quota: bad office configuration: the days must lie in years 1970..2261`, quota.ErrBadConfig},
		{"closure reason", []string{`"days": 60`, `"days": 60, "closures": [{"date": "2026-12-24", "reason": ""}]`},
			`kuota.json:16:65: offices[0].closures[0].reason: calendar: bad closure: reason on 2026-12-24: empty`, calendar.ErrBadClosure},
		{"closure twice", []string{`"days": 60`, `"days": 60, "closures": [{"date": "2026-12-24", "reason": "a"}, {"date": "2026-12-24", "reason": "b"}]`},
			`kuota.json:16:80: offices[0].closures[1].date: calendar: bad closure: 2026-12-24 listed twice`, calendar.ErrBadClosure},
		{"closure date", []string{`"days": 60`, `"days": 60, "closures": [{"date": "24-12-2026", "reason": "a"}]`},
			`kuota.json:16:41: offices[0].closures[0].date: calendar: bad date: "24-12-2026" (want YYYY-MM-DD)`, calendar.ErrBadDate},
		{"code", []string{`"JKT"`, `"JKT SEL"`},
			`kuota.json:5:15: offices[0].code: booking: bad office: code may hold only letters, digits, '-', '_' and '.'`, booking.ErrBadOffice},
		{"name", []string{`"Kantor Imigrasi Jakarta Selatan"`, `"Kantor\u0007"`},
			`kuota.json:6:15: offices[0].name: booking: bad office: name: not printable UTF-8`, booking.ErrBadOffice},
		{"opening window not a duration", []string{`"days": 60`, `"days": 60, "opening_window": "1 minute"`},
			`kuota.json:16:37: offices[0].opening_window: config: bad value: duration "1 minute", want a Go duration such as "2h" or "90m" (30 days is "720h")`, config.ErrBadValue},
		{"opening window too long", []string{`"days": 60`, `"days": 60, "opening_window": "11m"`},
			`kuota.json:16:37: offices[0].opening_window: booking: bad office: OpeningWindow 11m0s, want 0..10m0s`, booking.ErrBadOffice},
		{"opening window negative", []string{`"days": 60`, `"days": 60, "opening_window": "-1s"`},
			`kuota.json:16:37: offices[0].opening_window: booking: bad office: OpeningWindow -1s, want 0..10m0s`, booking.ErrBadOffice},
		{"code twice", []string{`"days": 60
    }`, `"days": 60
    },
    {"code": "JKT", "name": "n", "zone": "UTC", "pools": ["p"], "slots": [{"time": "00:00-24:00", "seats": {"p": 1}}], "release": {"every": "immediately"}, "first": "2026-12-01", "days": 1}`},
			`kuota.json:18:14: offices[1].code: config: office code listed twice: "JKT" is offices[0] too`, config.ErrDuplicateOffice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseError(t, edit(t, tt.edits...), "")
			require.Equal(t, tt.want, err.Error())
			require.ErrorIs(t, err, tt.is)
		})
	}
}

func TestPolicyErrors(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		want   string
		is     error
	}{
		{"duration", `"hold_ttl": "2 hours"`,
			`kuota.json:19:26: policy.hold_ttl: config: bad value: duration "2 hours", want a Go duration such as "2h" or "90m" (30 days is "720h")`, config.ErrBadValue},
		{"days in a duration", `"retention": "365d"`,
			`kuota.json:19:27: policy.retention: config: bad value: duration "365d", want a Go duration such as "2h" or "90m" (30 days is "720h")`, config.ErrBadValue},
		{"zero is the default", `"hold_ttl": "0s"`,
			`kuota.json:19:26: policy.hold_ttl: config: bad value: zero would mean the default; leave the field out for that`, config.ErrBadValue},
		{"zero holds", `"max_holds_per_account": 0`,
			`kuota.json:19:39: policy.max_holds_per_account: config: bad value: zero would mean the default; leave the field out for that`, config.ErrBadValue},
		{"hold too long", `"hold_ttl": "200h"`,
			`kuota.json:19:26: policy.hold_ttl: booking: bad options: HoldTTL 200h0m0s, want 1s..168h0m0s`, booking.ErrBadOptions},
		{"too many holds", `"max_holds_per_account": 101`,
			`kuota.json:19:39: policy.max_holds_per_account: booking: bad options: MaxHoldsPerAccount 101, want 1..100`, booking.ErrBadOptions},
		{"retention too short", `"hold_ttl": "2h", "retention": "1h"`,
			`kuota.json:19:45: policy.retention: booking: bad options: Retention 1h0m0s, want 24h0m0s..87840h0m0s`, booking.ErrBadOptions},
		{"H-n", `"cancel_until": "H+1"`,
			`kuota.json:19:30: policy.cancel_until: config: bad value: "H+1", want a day before arrival such as "H-1"`, config.ErrBadValue},
		{"H minus minus", `"cancel_until": "H--1"`,
			`kuota.json:19:30: policy.cancel_until: config: bad value: "H--1", want a day before arrival such as "H-1"`, config.ErrBadValue},
		{"H-n out of range", `"reschedule_until": "H-500"`,
			`kuota.json:19:34: policy.reschedule_until: reschedule: bad policy: RescheduleUntil 500, want 0..400`, reschedule.ErrBadPolicy},
		{"check-in too early", `"check_in_early": "13h"`,
			`kuota.json:19:32: policy.check_in_early: reschedule: bad policy: CheckInEarly 13h0m0s, want 0..12h0m0s`, reschedule.ErrBadPolicy},
		{"negative reschedules", `"reschedules_max": -1`,
			`kuota.json:19:33: policy.reschedules_max: reschedule: bad policy: ReschedulesMax -1, want 0..10`, reschedule.ErrBadPolicy},
		{"zero collection days", `"collection_service_days": 0`,
			`kuota.json:19:41: policy.collection_service_days: config: bad value: zero would mean the default; leave the field out for that`, config.ErrBadValue},
		{"too many collection days", `"collection_service_days": 61`,
			`kuota.json:19:41: policy.collection_service_days: booking: bad options: CollectionServiceDays 61, want 1..60`, booking.ErrBadOptions},
		{"bool", `"reapply_after_unreached": "yes"`,
			`kuota.json:19:41: policy.reapply_after_unreached: config: wrong JSON type: want true or false, got the string "yes"`, config.ErrType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseError(t, edit(t, `"hold_ttl": "2h"`, tt.policy), "")
			require.Equal(t, tt.want, err.Error())
			require.ErrorIs(t, err, tt.is)
		})
	}
}

func TestHolidayErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600))
	}
	write("new-days.csv", "date,kind,name\n2027-03-10,national,Isra Mikraj\n")
	write("bad-kind.csv", "date,kind,name\n2027-01-01,national,Tahun Baru\n2027-05-01,libur,Hari Buruh\n")
	require.NoError(t, os.Mkdir(filepath.Join(dir, "dir.csv"), 0o700))
	tests := []struct {
		name  string
		edits []string
		want  string
		is    error
	}{
		{"none named", []string{`"holidays": "none",`, ``},
			`kuota.json:4:5: offices[0].holidays: config: missing field: name the office's holiday data: "none", "id" or CSV files, here or once at the top level`, config.ErrMissingField},
		{"none with another", []string{`"none"`, `["id", "none"]`},
			`kuota.json:2:22: holidays[1]: config: bad value: "none" stands alone: it says the office keeps no holiday data`, config.ErrBadValue},
		{"unknown source", []string{`"none"`, `"ID"`},
			`kuota.json:2:15: holidays: config: bad value: holiday source "ID", want "none", "id" or the path of a .csv file`, config.ErrBadValue},
		{"source twice", []string{`"none"`, `["id", "id"]`},
			`kuota.json:2:22: holidays[1]: config: bad value: holiday source "id" listed twice`, config.ErrBadValue},
		{"no source", []string{`"none"`, `[]`},
			`kuota.json:2:15: holidays: config: bad value: no holiday source (name "none", "id" or a CSV file)`, config.ErrBadValue},
		{"missing file", []string{`"none"`, `["id", "holidays-2027.csv"]`},
			`kuota.json:2:22: holidays[1]: "holidays-2027.csv": no such file or directory`, os.ErrNotExist},
		{"a directory", []string{`"none"`, `"dir.csv"`},
			`kuota.json:2:15: holidays: "dir.csv": is a directory`, nil},
		{"bad line", []string{`"days": 60`, `"days": 60, "holidays": ["id", "bad-kind.csv"]`},
			`kuota.json:16:38: offices[0].holidays[1]: "bad-kind.csv": line 3: calendar: bad holiday kind: "libur" (want national or collective_leave)`, calendar.ErrBadHolidayKind},
		{"part of a year beside id", []string{`"none"`, `["id", "new-days.csv"]`},
			`kuota.json:2:22: holidays[1]: "new-days.csv": idholiday: holiday file does not hold a whole year: 2027 has no national holiday on 2027-01-01`, idholiday.ErrPartialYear},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseError(t, edit(t, tt.edits...), dir)
			require.Equal(t, tt.want, err.Error())
			if tt.is != nil {
				require.ErrorIs(t, err, tt.is)
			}
		})
	}
}

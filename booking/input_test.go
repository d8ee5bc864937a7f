package booking_test

// Adversarial input beyond the refusal tables: New and Open with bad
// options and bad files, NIKs and the small value types, the limits that
// need an engine of their own, aliasing of the caller's slices, and values
// at the far ends of their range.

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

func TestAdversarialOptions(t *testing.T) {
	policy := func(change func(p *reschedule.Policy)) *reschedule.Policy {
		p := reschedule.Default()
		change(&p)
		return &p
	}
	tests := []struct {
		name string
		give Options
		also error
	}{
		{name: "negative hold TTL", give: Options{HoldTTL: -1}},
		{name: "hold TTL of 1ns", give: Options{HoldTTL: 1}},
		{name: "hold TTL under a second", give: Options{HoldTTL: time.Second - 1}},
		{name: "hold TTL over the limit", give: Options{HoldTTL: HoldTTLMax + 1}},
		{name: "MaxInt64 hold TTL", give: Options{HoldTTL: math.MaxInt64}},
		{name: "MinInt64 hold TTL", give: Options{HoldTTL: math.MinInt64}},
		{name: "negative holds per account", give: Options{MaxHoldsPerAccount: -1}},
		{name: "holds per account over the limit", give: Options{MaxHoldsPerAccount: MaxHoldsPerAccountLimit + 1}},
		{name: "MaxInt holds per account", give: Options{MaxHoldsPerAccount: math.MaxInt}},
		{name: "MinInt holds per account", give: Options{MaxHoldsPerAccount: math.MinInt}},
		{name: "negative bookings", give: Options{BookingsMax: -1}},
		{name: "bookings over the limit", give: Options{BookingsMax: BookingsMaxLimit + 1}},
		{name: "MaxInt bookings", give: Options{BookingsMax: math.MaxInt}},
		{name: "MinInt bookings", give: Options{BookingsMax: math.MinInt}},
		{name: "durability 2", give: Options{Durability: 2}},
		{name: "durability 255", give: Options{Durability: 255}},
		{name: "negative lock timeout", give: Options{LockTimeout: -1}},
		{name: "MinInt64 lock timeout", give: Options{LockTimeout: math.MinInt64}},
		{name: "negative reschedules", give: Options{Policy: policy(func(p *reschedule.Policy) { p.ReschedulesMax = -1 })}, also: reschedule.ErrBadPolicy},
		{name: "MaxInt cancel days", give: Options{Policy: policy(func(p *reschedule.Policy) { p.CancelUntil = math.MaxInt })}, also: reschedule.ErrBadPolicy},
		{name: "MinInt64 check-in lead", give: Options{Policy: policy(func(p *reschedule.Policy) { p.CheckInEarly = math.MinInt64 })}, also: reschedule.ErrBadPolicy},
		{name: "MaxInt re-apply months", give: Options{Policy: policy(func(p *reschedule.Policy) { p.ReapplyAfterMonths = math.MaxInt })}, also: reschedule.ErrBadPolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(&tt.give)
			require.ErrorIs(t, err, ErrBadOptions)
			require.Nil(t, e)
			if tt.also != nil {
				require.ErrorIs(t, err, tt.also)
			}
			path := filepath.Join(t.TempDir(), "kuota.db")
			e, err = Open(path, &tt.give)
			require.ErrorIs(t, err, ErrBadOptions)
			require.Nil(t, e)
			_, err = os.Stat(path)
			require.ErrorIs(t, err, os.ErrNotExist, "refused options create no file")
		})
	}
	for _, opts := range []*Options{nil, {}, {NoSweeper: true}} {
		e, err := New(opts)
		require.NoError(t, err)
		require.NoError(t, e.Close())
	}
}

func TestAdversarialOpenPaths(t *testing.T) {
	dir := t.TempDir()
	opts := func() *Options { return &Options{NoSweeper: true, LockTimeout: 50 * time.Millisecond} }

	for name, path := range map[string]string{
		"empty path":        "",
		"a directory":       dir,
		"NUL in the path":   filepath.Join(dir, "kuota\x00.db"),
		"no such directory": filepath.Join(dir, "no", "such", "kuota.db"),
		"one MiB of path":   filepath.Join(dir, advMiB),
	} {
		e, err := Open(path, opts())
		require.Error(t, err, name)
		require.Nil(t, e, name)
	}

	loose := filepath.Join(dir, "loose.db")
	require.NoError(t, os.WriteFile(loose, nil, 0o600))
	require.NoError(t, os.Chmod(loose, 0o646))
	_, err := Open(loose, opts())
	require.ErrorIs(t, err, ErrFilePermissions, "writable by others")

	missing := filepath.Join(dir, "missing.db")
	_, err = Open(missing, &Options{ReadOnly: true})
	require.ErrorIs(t, err, os.ErrNotExist)
	_, err = os.Stat(missing)
	require.ErrorIs(t, err, os.ErrNotExist, "a reader creates no file")
}

// Backup reports a failing writer, and changes nothing. (bbolt formats the
// writer's error into its own with %s, so only the message survives.)
func TestAdversarialBackupToAFailingWriter(t *testing.T) {
	f := newAdvFixture(t, true)
	before := captureEngine(t, f.e, f.accounts)
	errFull := errors.New("disk full")
	_, err := f.e.Backup(bg, advFailingWriter{errFull})
	require.ErrorContains(t, err, errFull.Error())
	requireUnchanged(t, f.e, before, f.accounts)
	n, err := f.e.Backup(bg, io.Discard)
	require.NoError(t, err)
	require.Positive(t, n)
}

type advFailingWriter struct{ err error }

func (w advFailingWriter) Write([]byte) (int, error) { return 0, w.err }

// A file that is not a kuota file is refused with ErrCorrupt, and left as
// it was.
func TestAdversarialOpenForeignFile(t *testing.T) {
	dir := t.TempDir()
	t.Run("garbage", func(t *testing.T) {
		garbage := filepath.Join(dir, "garbage.db")
		data := []byte(strings.Repeat("this is not a kuota file. ", 1000))
		require.NoError(t, os.WriteFile(garbage, data, 0o600))
		_, err := Open(garbage, &Options{NoSweeper: true, LockTimeout: 50 * time.Millisecond})
		require.ErrorIs(t, err, ErrCorrupt)
		got, err := os.ReadFile(garbage)
		require.NoError(t, err)
		require.Equal(t, data, got, "a refused file is left alone")
	})
	t.Run("another program's bbolt file", func(t *testing.T) {
		foreign := filepath.Join(dir, "foreign.db")
		db, err := bolt.Open(foreign, 0o600, nil)
		require.NoError(t, err)
		require.NoError(t, db.Update(func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket([]byte("users"))
			if err != nil {
				return err
			}
			return b.Put([]byte("budi"), []byte("secret"))
		}))
		require.NoError(t, db.Close())
		e, err := Open(foreign, &Options{NoSweeper: true})
		if err == nil {
			e.Close()
		}
		require.ErrorIs(t, err, ErrCorrupt)
	})
}

// ParseNIK refuses every malformed NIK with ErrBadNIK, without quoting
// it back.
func TestAdversarialParseNIK(t *testing.T) {
	tests := map[string]string{
		"empty":                 "",
		"15 digits":             "317101010190001",
		"17 digits":             "31710101019000011",
		"16 spaces":             strings.Repeat(" ", 16),
		"leading space":         " 317101010190001", // spaces are ignored: 15 digits
		"trailing newline":      "317101010190001\n",
		"tab inside":            "3171010\t01900001",
		"Arabic-Indic digit":    "31710101019000٣",
		"fullwidth digit":       "3171010101900３",
		"Devanagari digit":      "31710101019000३",
		"province 00":           "0071010101900001",
		"province 10":           "1071010101900001",
		"province 20":           "2071010101900001",
		"province 40":           "4071010101900001",
		"province 97":           "9771010101900001",
		"province 99":           "9971010101900001",
		"regency 00":            "3100010101900001",
		"district 00":           "3171000101900001",
		"day 00":                "3171010001900001",
		"day 32":                "3171013201900001",
		"day 40":                "3171014001900001",
		"day 72":                "3171017201900001",
		"day 99":                "3171019901900001",
		"month 00":              "3171010100900001",
		"month 13":              "3171010113900001",
		"month 99":              "3171010199900001",
		"31 April":              "3171013104900001",
		"29 February, not leap": "3171012902010001",
		"serial 0000":           "3171010101900000",
		"plus sign":             "+171010101900001",
		"minus sign":            "-171010101900001", // a dash is ignored: 15 digits
		"hexadecimal":           "0x71010101900001",
		"invalid UTF-8":         strings.Repeat("\xff", 16),
		"NULs":                  strings.Repeat("\x00", 16),
		"one MiB of digits":     strings.Repeat("3", 1<<20),
		"masked":                "31**********0001",
	}
	for name, give := range tests {
		t.Run(name, func(t *testing.T) {
			n, err := ParseNIK(give)
			require.ErrorIs(t, err, ErrBadNIK)
			require.True(t, n.IsZero())
			msg := err.Error()
			require.Less(t, len(msg), 200)
			if len(give) >= 10 {
				require.NotContains(t, msg, give[len(give)-10:], "the message does not quote the number")
			}
			keep := kt.NIK(t, 7)
			require.ErrorIs(t, keep.UnmarshalText([]byte(give)), ErrBadNIK)
			require.Equal(t, kt.NIK(t, 7), keep, "a refused UnmarshalText leaves the NIK alone")
		})
	}
	for _, give := range []string{"3171014101900001", "3171017112850002", "3171012902000003", "1171010101900001", "9471010101009999",
		"9571010101900001", // province 95, Papua Pegunungan: refused while provinces were the range 11–94
		" 3171010101900001", "3171-0101-0190-0001", "3171 0101 0190 0001"} {
		_, err := ParseNIK(give)
		require.NoError(t, err, give)
	}
}

// Values that hold nothing still print, and print no personal data.
func TestAdversarialValueTypes(t *testing.T) {
	var zero NIK
	require.True(t, zero.IsZero())
	require.Empty(t, zero.Digits())
	require.Equal(t, "NIK(zero)", zero.String())
	require.Equal(t, "booking.NIK(NIK(zero))", zero.GoString())
	require.Equal(t, "[redacted]", zero.LogValue().String())
	for _, s := range []State{0, NoShow + 1, 255} {
		require.Equal(t, fmt.Sprintf("State(%d)", s), s.String())
	}
	require.NotPanics(t, func() {
		_ = (&StateError{}).Error()
		_ = (&ApplicantError{}).Error()
		_ = Violation{}.String()
	})
	require.NoError(t, (&ApplicantError{}).Unwrap())
	require.False(t, errors.Is(&StateError{State: Held}, ErrExpired))
	require.True(t, errors.Is(&StateError{State: Expired}, ErrExpired))
	require.True(t, errors.Is(&StateError{State: 255}, ErrWrongState))
}

// BookingsMax counts bookings of every state: a full engine refuses a
// hold and changes nothing, even after a cancellation.
func TestAdversarialBookingsMax(t *testing.T) {
	e, _ := kt.NewEngine(t, &Options{BookingsMax: 2})
	a, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = e.Hold(bg, kt.HoldRequest(t, 2))
	require.NoError(t, err)
	_, err = e.Cancel(bg, a.Code, Reason{})
	require.NoError(t, err)
	accounts := []string{"account-1", "account-2", "account-3"}
	before := captureEngine(t, e, accounts)
	for range 100 {
		_, err = e.Hold(bg, kt.HoldRequest(t, 3))
		require.ErrorIs(t, err, ErrTooManyBookings)
	}
	requireUnchanged(t, e, before, accounts)
}

// The engine keeps its own copies: changing a request, an office
// configuration or a returned booking afterwards changes nothing inside.
func TestAdversarialAliasing(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	req := kt.HoldRequest(t, 1)
	req.Applicants[0].Meta = []byte(`{"name":"Budi"}`)
	b, err := e.Hold(bg, req)
	require.NoError(t, err)
	req.Applicants[0].Meta[2] = 'X'
	req.Applicants[0].NIK = kt.NIK(t, 99)
	b.Applicants[0].Meta[2] = 'Y'
	b.History[0].Note = "forged"
	got, err := e.Get(bg, b.Code)
	require.NoError(t, err)
	require.Equal(t, `{"name":"Budi"}`, string(got.Applicants[0].Meta))
	require.Equal(t, kt.NIK(t, 1), got.Applicants[0].NIK)
	require.Empty(t, got.History[0].Note)

	cfg := kt.OfficeConfig(t)
	cfg.Code = "ALIAS"
	cfg.Quota.Schedule.Closures = []calendar.Closure{{Date: kt.Dec11, Reason: "renovasi"}}
	require.NoError(t, e.RegisterOffice(bg, cfg))
	cfg.Quota.Layout.Pools[0] = "changed"
	cfg.Quota.Layout.Slots[0].Seats[0] = 1000
	cfg.Quota.Schedule.Closures[0] = calendar.Closure{Date: kt.Dec10, Reason: "changed"}
	stored, err := e.Office(bg, "ALIAS")
	require.NoError(t, err)
	require.Equal(t, kt.Online, stored.Quota.Layout.Pools[0])
	require.Equal(t, 5, stored.Quota.Layout.Slots[0].Seats[0])
	require.Equal(t, kt.Dec11, stored.Quota.Schedule.Closures[0].Date)
	stored.Quota.Layout.Pools[0] = "changed again"
	stored.Quota.Schedule.Closures[0].Reason = "changed again"
	again, err := e.Office(bg, "ALIAS")
	require.NoError(t, err)
	require.Equal(t, kt.Online, again.Quota.Layout.Pools[0])
	require.Equal(t, "renovasi", again.Quota.Schedule.Closures[0].Reason)
	_, err = e.Hold(bg, HoldRequest{Account: "alias", Office: "ALIAS", Date: kt.Dec11, Slot: kt.Slot0, Pool: kt.Online, Applicants: kt.Applicants(t, 50, 1)})
	require.ErrorIs(t, err, quota.ErrClosed, "the closure registered, not the one changed afterwards")
	kt.RequireConsistent(t, e)
}

// Calls that accept any value of an argument answer sensibly at its ends.
func TestAdversarialAcceptedExtremes(t *testing.T) {
	f := newAdvFixture(t, false)
	e := f.e
	accounts := append(f.accounts, "\n", advMiB, "\xff")
	before := captureEngine(t, e, accounts)
	// The sweeps read the engine's clock, wherever it stands.
	for _, now := range []time.Time{{}, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Unix(math.MinInt64, 0), kt.T0} {
		f.clk.Set(now)
		n, err := e.ExpireDue(bg)
		require.NoError(t, err)
		require.Zero(t, n, "nothing is due at %v", now)
		n, err = e.MarkNoShows(bg)
		require.NoError(t, err)
		require.Zero(t, n)
	}
	f.clk.Set(kt.T1)
	for _, d := range []calendar.Date{calendar.NewDate(calendar.YearMin, 1, 1), calendar.NewDate(calendar.YearMax, 12, 31)} {
		list, err := e.DayBookings(bg, kt.Office, d)
		require.NoError(t, err)
		require.Empty(t, list)
		v, err := e.Day(bg, kt.Office, d)
		require.NoError(t, err)
		require.False(t, v.State.Bookable())
	}
	for _, ym := range []struct {
		year  int
		month time.Month
	}{{calendar.YearMin, time.January}, {calendar.YearMax, time.December}} {
		days, err := e.Month(bg, kt.Office, ym.year, ym.month)
		require.NoError(t, err)
		require.Len(t, days, 31)
	}
	for _, a := range []string{"", "\n", advMiB, "\xff", "HELD@EXAMPLE.COM"} {
		list, err := e.AccountBookings(bg, a)
		require.NoError(t, err)
		for _, b := range list {
			t.Fatalf("the bookings of %.10q include %s", a, b.Code)
		}
	}
	requireUnchanged(t, e, before, accounts)

	// A release instant centuries away keeps the day closed to holds; the
	// zero instant opens it at once.
	require.NoError(t, e.SetReleaseAt(bg, kt.Office, kt.Dec11, time.Unix(math.MaxInt64, 0)))
	_, err := e.Hold(bg, f.req(t))
	require.NoError(t, err, "the 10th is untouched")
	r := HoldRequest{Account: "other@example.com", Office: kt.Office, Date: kt.Dec11, Slot: kt.Slot0, Pool: kt.Online, Applicants: kt.Applicants(t, 101, 1)}
	_, err = e.Hold(bg, r)
	require.ErrorIs(t, err, quota.ErrNotOpened)
	require.NoError(t, e.SetReleaseAt(bg, kt.Office, kt.Jan04, time.Time{}))
	r.Date = kt.Jan04
	_, err = e.Hold(bg, r)
	require.NoError(t, err)
	kt.RequireConsistent(t, e)
}

// Instants stop fitting in int64 nanoseconds on 2262-04-11: an office
// whose days reach past 2261 is refused (quota.WindowYearMax). The
// deadline arithmetic near 2262 saturates rather than wrapping around to
// 1677; internal/unixns tests that.
func TestAdversarialOfficePast2261IsRefused(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	cfg := OfficeConfig{Code: "FAR", Name: "Far", Quota: quota.Config{
		Schedule: calendar.Schedule{Location: time.UTC, Week: calendar.WeekdaysOf(0, 1, 2, 3, 4, 5, 6)},
		Layout:   quota.Layout{Pools: []string{kt.Online}, Slots: []quota.Slot{{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{5}}}},
		First:    calendar.NewDate(2262, time.April, 1),
		Days:     10,
	}}
	require.ErrorIs(t, e.RegisterOffice(bg, cfg), quota.ErrBadConfig)
}

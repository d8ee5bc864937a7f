package booking_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// v1Golden is testdata/v1/golden.json: everything kuota showed of
// testdata/v1/kuota.db, a file of format 1, when it opened it.
type v1Golden struct {
	Now      time.Time
	Bookings map[string]v1Booking
	History  map[string][]string
	Months   map[string][]quota.DayView
	Days     map[string]quota.DayView
	Offices  map[string]string
	Stats    map[string]int
}

type v1Applicant struct {
	NIK  string
	Meta string
}

// v1Booking is a Booking as the golden file recorded it: its applicants'
// NIKs as digits, which a NIK does not marshal to, and its slot as its
// index in the layout, as Booking named slots then.
type v1Booking struct {
	Booking
	Slot       int
	Applicants []v1Applicant
	// FamilyCard hides Booking's, which has no JSON form (a FamilyCard
	// never marshals its digits): format 1 had no family cards, so this
	// is empty unless the conversion made one up.
	FamilyCard string `json:",omitempty"`
}

// v1Slots are the test offices' slots by start, as the golden file
// numbered them.
var v1Slots = map[string]int{kt.Slot0: 0, kt.Slot1: 1}

// toV1 returns b as the golden file recorded it: what Booking has gained
// since (its windows, a family card, reasons as data, the collection date, the queue number) is left out, and
// checked by the tests of those features.
func toV1(b Booking) v1Booking {
	v := v1Booking{Booking: b, Slot: v1Slots[b.Slot]}
	if !b.FamilyCard.IsZero() {
		v.FamilyCard = b.FamilyCard.Digits()
	}
	for _, a := range b.Applicants {
		v.Applicants = append(v.Applicants, v1Applicant{NIK: a.NIK.Digits(), Meta: string(a.Meta)})
	}
	v.Booking.Applicants, v.Booking.Slot = nil, ""
	v.RescheduleBy, v.CancelBy, v.CheckInOpens, v.CheckInCloses = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	v.ReadyOn, v.Queue = calendar.Date{}, QueueNumber{}
	v.History = slices.Clone(v.History)
	for i := range v.History {
		v.History[i].Reason = Reason{}
	}
	return v
}

// withPoolNames fills in the pool names views have gained since the golden
// file was written: both its offices have the test office's pools.
func withPoolNames(g *v1Golden) {
	name := func(pools []quota.PoolSeats) {
		for i := range pools {
			pools[i].Pool = []string{kt.Online, kt.WalkIn}[i]
		}
	}
	fill := func(v *quota.DayView) {
		name(v.Pools)
		for i := range v.Slots {
			name(v.Slots[i].Pools)
		}
	}
	for _, days := range g.Months {
		for i := range days {
			fill(&days[i])
		}
	}
	for k, v := range g.Days {
		fill(&v)
		g.Days[k] = v
	}
}

// withHolidayCoverage shows January 2027 as kuota shows it since holiday
// lists say which years they cover: both offices of the file list
// Christmas 2026 as their only holiday, so their data covers 2026 alone,
// and a service day of 2027 is not opened for want of holiday data, with
// no release instant and, like any day that cannot be booked, no seats
// counted. Days closed or outside the table are as they were.
func withHolidayCoverage(g *v1Golden) {
	for key, days := range g.Months {
		if !strings.HasSuffix(key, " 2027-01") {
			continue
		}
		for i := range days {
			v := &days[i]
			switch v.State {
			case calendar.Available, calendar.Full, calendar.NotOpened, calendar.NoQuota:
				v.State, v.Reason, v.Opens, v.Left = calendar.NotOpened, calendar.NoHolidayDataReason, time.Time{}, 0
				for p := range v.Pools {
					v.Pools[p].Left, v.Pools[p].Capacity = 0, 0
				}
			}
		}
	}
}

func officeText(c OfficeConfig) string {
	var b strings.Builder
	q := c.Quota
	fmt.Fprintf(&b, "%s|%s|%s|week %d|leave %v|", c.Code, c.Name, q.Schedule.Location, q.Schedule.Week, q.Schedule.ObserveCollectiveLeave)
	for h := range q.Schedule.Holidays.All() {
		fmt.Fprintf(&b, "holiday %s %d %s|", h.Date, h.Kind, h.Name)
	}
	for _, cl := range q.Schedule.Closures {
		fmt.Fprintf(&b, "closure %s %s|", cl.Date, cl.Reason)
	}
	fmt.Fprintf(&b, "pools %v|slots %v|release %+v|first %s|days %d", q.Layout.Pools, q.Layout.Slots, q.Release, q.First, q.Days)
	return b.String()
}

// capture reads from e everything the golden file records, for the
// bookings and accounts it names.
func capture(t *testing.T, e *Engine, want *v1Golden) v1Golden {
	t.Helper()
	g := v1Golden{Now: want.Now, Bookings: map[string]v1Booking{}, History: map[string][]string{},
		Months: map[string][]quota.DayView{}, Days: map[string]quota.DayView{}, Offices: map[string]string{}, Stats: map[string]int{}}
	for code := range want.Bookings {
		b, err := e.Get(bg, code)
		require.NoError(t, err)
		g.Bookings[code] = toV1(b)
	}
	for acc := range want.History {
		list, err := e.AccountBookings(bg, acc)
		require.NoError(t, err)
		for _, b := range list {
			g.History[acc] = append(g.History[acc], b.Code)
		}
	}
	for _, code := range e.Offices() {
		c, err := e.Office(bg, code)
		require.NoError(t, err)
		g.Offices[code] = officeText(c)
		for _, ym := range [][2]int{{2026, 11}, {2026, 12}, {2027, 1}} {
			m, err := e.Month(bg, code, ym[0], time.Month(ym[1]))
			require.NoError(t, err)
			g.Months[fmt.Sprintf("%s %d-%02d", code, ym[0], ym[1])] = m
		}
		for _, d := range []calendar.Date{kt.Dec10, kt.Dec11, calendar.NewDate(2026, 12, 14), calendar.NewDate(2026, 12, 15)} {
			v, err := e.Day(bg, code, d)
			require.NoError(t, err)
			g.Days[code+" "+d.String()] = v
		}
	}
	for s, n := range e.Stats().Bookings {
		g.Stats[s.String()] = n
	}
	return g
}

// roundTrip passes v through JSON, as the golden values were.
func roundTrip[T any](t *testing.T, v T) T {
	t.Helper()
	js, err := json.Marshal(v)
	require.NoError(t, err)
	var out T
	require.NoError(t, json.Unmarshal(js, &out))
	return out
}

// A file written by kuota before the journal (format 1) opens with
// everything it held, read-only in memory and writable converted in
// place, and the converted file reopens the same.
func TestUpgradeFromFormat1(t *testing.T) {
	js, err := os.ReadFile(filepath.Join("testdata", "v1", "golden.json"))
	require.NoError(t, err)
	var want v1Golden
	require.NoError(t, json.Unmarshal(js, &want))
	require.Len(t, want.Bookings, 13)
	withPoolNames(&want)
	withHolidayCoverage(&want)
	original, err := os.ReadFile(filepath.Join("testdata", "v1", "kuota.db"))
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "kuota.db")
	require.NoError(t, os.WriteFile(path, original, 0o600))
	clk := kt.NewClock(want.Now)
	opts := &Options{MaxHoldsPerAccount: 5}

	r := kt.OpenEngine(t, path, clk, &Options{MaxHoldsPerAccount: 5, ReadOnly: true})
	kt.RequireConsistent(t, r)
	require.Equal(t, want, roundTrip(t, capture(t, r, &want)), "read-only, converted in memory")
	require.NoError(t, r.Close())
	unchanged, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, original, unchanged, "a reader does not touch the file")

	for _, how := range []string{"converted", "reopened"} {
		e := kt.OpenEngine(t, path, clk, opts)
		kt.RequireConsistent(t, e)
		require.Equal(t, want, roundTrip(t, capture(t, e, &want)), how)
		// A rejection of format 1 kept only its words: it reads as a
		// reason of kind other.
		rejected, err := e.Get(bg, "5C9H80HYR1")
		require.NoError(t, err)
		require.Equal(t, Reason{Kind: ReasonOther, Text: "daftar cekal"}, rejected.History[2].Reason, how)
		// The rules still know what was stored: the idempotency key of a
		// paid family, the NIKs of live bookings, the codes.
		family := want.History["account-19"][0]
		req := kt.HoldRequest(t, 19)
		req.Date, req.Applicants, req.IdempotencyKey = kt.Dec11, kt.Applicants(t, 19, 5), "family"
		again, err := e.Hold(bg, req)
		require.NoError(t, err, how)
		require.Equal(t, family, again.Code)
		req = kt.HoldRequest(t, 50)
		req.Applicants = kt.Applicants(t, 10, 1)
		req.Date = kt.Dec11
		_, err = e.Hold(bg, req)
		require.ErrorIs(t, err, ErrNIKBooked, how)
		require.NoError(t, e.Close())
	}
}

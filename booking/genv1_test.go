package booking

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// Run once at commit 8c5a14f with KUOTA_WRITE_V1=1 to write testdata/v1.
func TestWriteV1(t *testing.T) {
	if os.Getenv("KUOTA_WRITE_V1") == "" {
		t.Skip()
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "kuota.db")
	clk := &clock{t: t1}
	opts := &Options{MaxHoldsPerAccount: 5}
	e := openTestEngine(t, path, clk, opts)

	cfg := officeConfig(t)
	cfg.Quota.Schedule.Closures = []calendar.Closure{{Date: calendar.NewDate(2026, 12, 17), Reason: "Renovasi"}}
	cfg.Quota.Schedule.ObserveCollectiveLeave = true
	require.NoError(t, e.RegisterOffice(bg, cfg))
	second := officeConfig(t)
	second.Code, second.Name = "MKS", "Kantor Imigrasi Makassar"
	second.Quota.Schedule.Location = calendar.Makassar()
	second.Quota.Release = quota.ReleaseRule{Every: quota.Weekly, Lead: 1, Weekday: time.Friday, At: 16 * time.Hour}
	second.Quota.First = calendar.NewDate(2026, 11, 2)
	require.NoError(t, e.RegisterOffice(bg, second))
	// Re-registered with a longer horizon.
	second.Quota.Days = 90
	require.NoError(t, e.RegisterOffice(bg, second))

	require.NoError(t, e.CloseDay(bg, jkt, calendar.NewDate(2026, 12, 14), "Banjir"))
	require.NoError(t, e.CloseSlot(bg, jkt, calendar.NewDate(2026, 12, 15), 1, "Rapat"))
	require.NoError(t, e.SetCapacity(bg, jkt, dec11, 0, online, 7))
	require.NoError(t, e.SetReleaseAt(bg, jkt, jan04, t0))
	require.NoError(t, e.CloseDay(bg, jkt, calendar.NewDate(2026, 12, 16), "x"))
	require.NoError(t, e.OpenDay(bg, jkt, calendar.NewDate(2026, 12, 16)))
	require.NoError(t, e.CloseSlot(bg, jkt, calendar.NewDate(2026, 12, 18), 0, "y"))
	require.NoError(t, e.OpenSlot(bg, jkt, calendar.NewDate(2026, 12, 18), 0))

	var codes []string
	add := func(b Booking, err error) Booking {
		t.Helper()
		require.NoError(t, err)
		codes = append(codes, b.Code)
		return b
	}
	on := func(acc int, d calendar.Date, slot int) HoldRequest {
		r := holdReq(t, acc)
		r.Date, r.Slot = d, slot
		return r
	}
	req := holdReq(t, 1)
	req.IdempotencyKey = "k-1"
	req.Applicants = applicants(t, 1, 3)
	add(e.Hold(bg, req)) // lapses unswept
	paid := add(e.Hold(bg, on(10, dec10, 1)))
	add(e.Pay(bg, paid.BillingCode, "ref-10"))
	moved := add(e.Hold(bg, on(11, dec10, 1)))
	add(e.Pay(bg, moved.BillingCode, "ref-11"))
	cancelled := add(e.Hold(bg, on(12, dec11, 0)))
	add(e.Cancel(bg, cancelled.Code))
	rejected := add(e.Hold(bg, on(13, dec11, 1)))
	add(e.Pay(bg, rejected.BillingCode, "ref-13"))
	add(e.Reject(bg, rejected.Code, "daftar cekal"))
	mks := holdReq(t, 14)
	mks.Office = "MKS"
	mks.Date = calendar.NewDate(2026, 11, 3)
	add(e.Hold(bg, mks))
	checkin := add(e.Hold(bg, on(15, dec10, 0)))
	add(e.Pay(bg, checkin.BillingCode, "ref-15"))
	noshow := add(e.Hold(bg, on(16, dec10, 0)))
	add(e.Pay(bg, noshow.BillingCode, "ref-16"))
	add(e.Hold(bg, on(17, dec11, 0))) // expires, swept
	paidCancelled := add(e.Hold(bg, on(18, dec11, 1)))
	add(e.Pay(bg, paidCancelled.BillingCode, "ref-18"))
	add(e.Cancel(bg, paidCancelled.Code))
	family := on(19, dec11, 0)
	family.Applicants = applicants(t, 19, 5)
	family.IdempotencyKey = "family"
	fam := add(e.Hold(bg, family))
	add(e.Pay(bg, fam.BillingCode, "ref-19"))
	second10 := on(10, jan04, 0) // account-10's second booking, other NIK
	second10.Applicants = applicants(t, 40, 1)
	add(e.Hold(bg, second10))

	clk.Set(t1.Add(2*time.Hour + time.Second))
	n, err := e.ExpireDue(bg, clk.Now())
	require.NoError(t, err)
	require.Equal(t, 4, n) // k-1, 14 (MKS), 17 and account-10's second
	clk.Set(t2)
	add(e.Reschedule(bg, moved.Code, dec11, 1))
	clk.Set(t5)
	add(e.CheckIn(bg, checkin.Code))
	late := on(30, dec11, 0) // held at 07:00, lapses at 09:00, unswept
	add(e.Hold(bg, late))
	clk.Set(t6.Add(time.Second))
	n, err = e.MarkNoShows(bg, clk.Now())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoError(t, e.Close())

	out := filepath.Join("testdata", "v1")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(out, "kuota.db"), data, 0o600))

	openAt := time.Date(2026, time.December, 10, 9, 30, 0, 0, wib)
	clk.Set(openAt)
	e2 := openTestEngine(t, path, clk, opts)
	requireConsistent(t, e2)
	g := v1Golden{Now: openAt, Bookings: map[string]v1Booking{}, History: map[string][]string{}, Months: map[string][]quota.DayView{}, Days: map[string]quota.DayView{}, Offices: map[string]string{}, Stats: map[string]int{}}
	for _, c := range codes {
		b, err := e2.Get(bg, c)
		require.NoError(t, err)
		g.Bookings[c] = toV1(b)
	}
	for i := range 41 {
		acc := fmt.Sprintf("account-%d", i)
		for b := range e2.History(acc) {
			g.History[acc] = append(g.History[acc], b.Code)
		}
	}
	for _, code := range e2.Offices() {
		c, err := e2.Office(code)
		require.NoError(t, err)
		g.Offices[code] = officeText(c)
		for _, ym := range [][2]int{{2026, 11}, {2026, 12}, {2027, 1}} {
			m, err := e2.Month(bg, code, ym[0], time.Month(ym[1]))
			require.NoError(t, err)
			g.Months[fmt.Sprintf("%s %d-%02d", code, ym[0], ym[1])] = m
		}
		for _, d := range []calendar.Date{dec10, dec11, calendar.NewDate(2026, 12, 14), calendar.NewDate(2026, 12, 15)} {
			v, err := e2.Day(bg, code, d)
			require.NoError(t, err)
			g.Days[code+" "+d.String()] = v
		}
	}
	for s, n := range e2.Stats().Bookings {
		g.Stats[s.String()] = n
	}
	js, err := json.MarshalIndent(g, "", "\t")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(out, "golden.json"), append(js, '\n'), 0o644))
}

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

type v1Booking struct {
	Booking
	Applicants []v1Applicant
}

func toV1(b Booking) v1Booking {
	v := v1Booking{Booking: b}
	for _, a := range b.Applicants {
		v.Applicants = append(v.Applicants, v1Applicant{NIK: a.NIK.Digits(), Meta: string(a.Meta)})
	}
	v.Booking.Applicants = nil
	return v
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

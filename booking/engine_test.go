package booking

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zone database

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// The test office, "JKT", is in Jakarta: Monday to Friday, Christmas off,
// two slots (08:00–09:00 and 09:00–10:00) with 5 online and 2 walk-in
// seats each, its December 2026 quota released on 1 November at 08:00.
var (
	wib = calendar.Jakarta()

	dec10 = calendar.NewDate(2026, time.December, 10) // Thursday: the usual arrival date
	dec11 = calendar.NewDate(2026, time.December, 11)
	dec25 = calendar.NewDate(2026, time.December, 25) // Christmas
	jan04 = calendar.NewDate(2027, time.January, 4)

	t0 = time.Date(2026, time.November, 1, 8, 0, 0, 0, wib)  // the release
	t1 = time.Date(2026, time.November, 1, 9, 0, 0, 0, wib)  // an hour later
	t2 = time.Date(2026, time.December, 8, 0, 0, 0, 0, wib)  // H-2 of the 10th begins
	t3 = time.Date(2026, time.December, 9, 0, 0, 0, 0, wib)  // H-2 ends: cancel closes
	t4 = time.Date(2026, time.December, 10, 0, 0, 0, 0, wib) // H-1 ends: reschedule closes
	t5 = time.Date(2026, time.December, 10, 7, 0, 0, 0, wib) // check-in opens for 08:00
	t6 = time.Date(2026, time.December, 10, 9, 0, 0, 0, wib) // slot 0 ends: no-show
)

const (
	jkt    = "JKT"
	online = "online"
)

// clock is a fake clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func officeConfig(t testing.TB) OfficeConfig {
	t.Helper()
	holidays, err := calendar.NewHolidays(calendar.HolidayEntry{Date: dec25, Kind: calendar.National, Name: "Hari Raya Natal"})
	require.NoError(t, err)
	return OfficeConfig{
		Code: jkt,
		Name: "Kantor Imigrasi Jakarta Selatan",
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: wib, Holidays: holidays},
			Layout: quota.Layout{
				Pools: []string{online, "walk-in"},
				Slots: []quota.Slot{
					{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{5, 2}},
					{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{5, 2}},
				},
			},
			Release: quota.ReleaseRule{Every: quota.Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
			First:   calendar.NewDate(2026, time.December, 1),
			Days:    60,
		},
	}
}

// newTestEngine returns an in-memory engine on a fake clock set to t1, with
// the test office registered and no background sweeper.
func newTestEngine(t testing.TB, opts *Options) (*Engine, *clock) {
	t.Helper()
	clk := &clock{t: t1}
	o := Options{}
	if opts != nil {
		o = *opts
	}
	o.Now, o.NoSweeper = clk.Now, true
	e, err := New(&o)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	require.NoError(t, e.RegisterOffice(context.Background(), officeConfig(t)))
	return e, clk
}

// nik returns the i-th of a supply of about a million valid NIKs: province
// 31, regency 71, district 01, born 1 January of year i/9999, serial
// i%9999+1.
func nik(t testing.TB, i int) NIK {
	t.Helper()
	n, err := ParseNIK(fmt.Sprintf("3171010101%02d%04d", (90+i/9999)%100, i%9999+1))
	require.NoError(t, err)
	return n
}

// applicants returns n applicants with NIKs first, first+1, …
func applicants(t testing.TB, first, n int) []Applicant {
	out := make([]Applicant, n)
	for i := range out {
		out[i] = Applicant{NIK: nik(t, first+i), Meta: []byte(fmt.Sprintf(`{"name":"applicant %d"}`, first+i))}
	}
	return out
}

// hold is the usual request: account acc, office JKT, the 10th, slot 0,
// online, one applicant numbered acc.
func holdReq(t testing.TB, acc int) HoldRequest {
	return HoldRequest{
		Account:    fmt.Sprintf("account-%d", acc),
		Office:     jkt,
		Date:       dec10,
		Slot:       0,
		Pool:       online,
		Applicants: applicants(t, acc, 1),
	}
}

// requireConsistent fails unless Check finds nothing.
func requireConsistent(t testing.TB, e *Engine) {
	t.Helper()
	v := e.Check()
	require.Empty(t, v, "violations: %v", v)
}

// seatsLeft returns the seats left in one cell of the test office.
func seatsLeft(t testing.TB, e *Engine, d calendar.Date, slot, pool int) int {
	t.Helper()
	o := e.lookupOffice(jkt)
	c, err := e.ledger.Cell(o.id, d, slot, pool)
	require.NoError(t, err)
	return c.Left
}

var bg = context.Background()

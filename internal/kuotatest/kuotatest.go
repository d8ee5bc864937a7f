// Package kuotatest holds what kuota's tests share: a clock moved by hand,
// valid NIKs by number, a test office in Jakarta with the instants of its
// booking life, and engines that close themselves when the test ends.
//
// It is for tests only (it imports testing and testify). Package booking's
// own tests are an external package, booking_test, so that they can use it
// too.
package kuotatest

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zone database

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/journal"
	"github.com/kuota/kuota/quota"
)

// Clock is a fake clock that tests move by hand. Its Now fits
// booking.Options.Now. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t, forwards or back.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// NIKsMax is the number of distinct NIKs NIK hands out.
const NIKsMax = 100 * 9999

// NIK returns the i-th of NIKsMax distinct valid NIKs (0 <= i < NIKsMax):
// province 31, regency 71, district 01, born 1 January of year (90 +
// i/9999) mod 100, serial i%9999 + 1.
func NIK(t testing.TB, i int) booking.NIK {
	t.Helper()
	require.True(t, i >= 0 && i < NIKsMax, "NIK %d of %d", i, NIKsMax)
	n, err := booking.ParseNIK(NIKDigits(i))
	require.NoError(t, err)
	return n
}

// NIKDigits returns the digits of NIK(i), for tests that send NIKs as
// text.
func NIKDigits(i int) string {
	return fmt.Sprintf("3171010101%02d%04d", (90+i/9999)%100, i%9999+1)
}

// Applicants returns n applicants with NIKs first, first+1, …, each with a
// little metadata naming it.
func Applicants(t testing.TB, first, n int) []booking.Applicant {
	t.Helper()
	out := make([]booking.Applicant, n)
	for i := range out {
		out[i] = booking.Applicant{NIK: NIK(t, first+i), Meta: fmt.Appendf(nil, `{"name":"applicant %d"}`, first+i)}
	}
	return out
}

// The test office, Office, is in Jakarta: Monday to Friday, Christmas off,
// two slots (08:00–09:00 and 09:00–10:00) with 5 Online and 2 WalkIn
// seats each, the 60 days from 1 December 2026, each month released on the
// 1st of the month before at 08:00. Its holiday data is Christmas 2026 and
// Christmas 2027: the second, far outside the table, makes the data cover
// 2027, so that January 2027 opens (a day of a year without holiday data
// never does; see calendar.Schedule.Holidays).
const (
	Office = "JKT"
	Online = "online"
	WalkIn = "walk-in"
)

// WIB is the test office's zone, Asia/Jakarta.
var WIB = calendar.Jakarta()

// Dates of the test office.
var (
	Dec10 = calendar.NewDate(2026, time.December, 10) // Thursday: the usual arrival date
	Dec11 = calendar.NewDate(2026, time.December, 11)
	Dec25 = calendar.NewDate(2026, time.December, 25) // Christmas
	// Dec25Next is Christmas 2027, in the holiday data so that it covers
	// 2027; it lies outside the test office's table.
	Dec25Next = calendar.NewDate(2027, time.December, 25)
	Jan04     = calendar.NewDate(2027, time.January, 4)
)

// The instants of a booking's life, for an arrival on Dec10 in Slot0.
var (
	T0 = time.Date(2026, time.November, 1, 8, 0, 0, 0, WIB)  // December's quota opens
	T1 = time.Date(2026, time.November, 1, 9, 0, 0, 0, WIB)  // an hour later: where engines start
	T2 = time.Date(2026, time.December, 8, 0, 0, 0, 0, WIB)  // H-2 of the 10th begins
	T3 = time.Date(2026, time.December, 9, 0, 0, 0, 0, WIB)  // H-2 ends: cancel closes
	T4 = time.Date(2026, time.December, 10, 0, 0, 0, 0, WIB) // H-1 ends: reschedule closes
	T5 = time.Date(2026, time.December, 10, 7, 0, 0, 0, WIB) // check-in opens for 08:00
	T6 = time.Date(2026, time.December, 10, 9, 0, 0, 0, WIB) // Slot0 ends: no-show
)

// OfficeConfig returns the test office's configuration, fresh each call.
func OfficeConfig(t testing.TB) booking.OfficeConfig {
	t.Helper()
	holidays, err := calendar.NewHolidays(
		calendar.HolidayEntry{Date: Dec25, Kind: calendar.National, Name: "Hari Raya Natal"},
		calendar.HolidayEntry{Date: Dec25Next, Kind: calendar.National, Name: "Hari Raya Natal"},
	)
	require.NoError(t, err)
	return booking.OfficeConfig{
		Code: Office,
		Name: "Kantor Imigrasi Jakarta Selatan",
		Quota: quota.Config{
			Schedule: calendar.Schedule{Location: WIB, Holidays: holidays},
			Layout: quota.Layout{
				Pools: []string{Online, WalkIn},
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

// The test office's slots, by their starts.
const (
	Slot0 = "08:00" // 08:00–09:00
	Slot1 = "09:00" // 09:00–10:00
)

// HoldRequest is the usual request: account "account-<acc>", the test
// office, Dec10, Slot0, Online, one applicant numbered acc.
func HoldRequest(t testing.TB, acc int) booking.HoldRequest {
	t.Helper()
	return booking.HoldRequest{
		Account:    fmt.Sprintf("account-%d", acc),
		Office:     Office,
		Date:       Dec10,
		Slot:       Slot0,
		Pool:       Online,
		Applicants: Applicants(t, acc, 1),
	}
}

// NewEngine returns an in-memory engine on a Clock standing at T1, with
// the test office registered and no background sweeper; it is closed when
// the test ends. opts may be nil; its Now and NoSweeper are overridden.
func NewEngine(t testing.TB, opts *booking.Options) (*booking.Engine, *Clock) {
	t.Helper()
	clk := NewClock(T1)
	e := NewEmptyEngine(t, clk, opts)
	require.NoError(t, e.RegisterOffice(context.Background(), OfficeConfig(t)))
	return e, clk
}

// NewEmptyEngine returns an in-memory engine on clk with no office and no
// background sweeper, for tests that register offices of their own; it
// is closed when the test ends. opts may be nil; its Now and NoSweeper
// are overridden.
func NewEmptyEngine(t testing.TB, clk *Clock, opts *booking.Options) *booking.Engine {
	t.Helper()
	o := options(opts, clk)
	e, err := booking.New(&o)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

// OpenEngine opens (or reopens) a durable engine at path on clk, with no
// background sweeper; it is closed when the test ends. It registers
// nothing. opts may be nil; its Now and NoSweeper are overridden.
func OpenEngine(t testing.TB, path string, clk *Clock, opts *booking.Options) *booking.Engine {
	t.Helper()
	o := options(opts, clk)
	e, err := booking.Open(path, &o)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

func options(opts *booking.Options, clk *Clock) booking.Options {
	var o booking.Options
	if opts != nil {
		o = *opts
	}
	o.Now, o.NoSweeper = clk.Now, true
	return o
}

// RequireConsistent fails the test unless Check finds nothing.
func RequireConsistent(t testing.TB, e *booking.Engine) {
	t.Helper()
	v, err := e.Check(context.Background())
	require.NoError(t, err)
	require.Empty(t, v, "violations: %v", v)
}

// holdOp is the byte that names a hold in a journal record, which begins
// version, op, booking sequence number (a uvarint): see booking/change.go.
const holdOp = 4

// DuplicateLastHold appends to the journal file at path copies of its last
// hold record, each under the next unused sequence number: the same
// applicants taking seats again in the same cell, a fault no engine makes,
// which only a damaged or hand-edited file has. The file must be closed.
func DuplicateLastHold(t testing.TB, path string, copies int) {
	t.Helper()
	log, err := journal.OpenBolt(path, nil)
	require.NoError(t, err)
	defer func() { require.NoError(t, log.Close()) }()
	var hold []byte
	var seqMax uint64
	require.NoError(t, log.Read(1, func(_ uint64, rec []byte) error {
		if len(rec) > 2 && rec[1] >= holdOp {
			seq, n := binary.Uvarint(rec[2:])
			require.Positive(t, n)
			seqMax = max(seqMax, seq)
			if rec[1] == holdOp {
				hold = bytes.Clone(rec)
			}
		}
		return nil
	}))
	require.NotNil(t, hold, "no hold in %s", path)
	_, n := binary.Uvarint(hold[2:])
	last, err := log.Last()
	require.NoError(t, err)
	batch := make([]journal.Entry, copies)
	for i := range batch {
		rec := binary.AppendUvarint(bytes.Clone(hold[:2]), seqMax+uint64(i)+1)
		batch[i] = journal.Entry{LSN: last + uint64(i) + 1, Data: append(rec, hold[2+n:]...)}
	}
	require.NoError(t, log.Append(batch))
}

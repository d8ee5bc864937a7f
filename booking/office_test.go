package booking

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

func TestRegisterOfficeRefusals(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	mutate := func(f func(*OfficeConfig)) OfficeConfig {
		c := officeConfig(t)
		c.Code = "NEW"
		f(&c)
		return c
	}
	tests := []struct {
		name string
		give OfficeConfig
		want error
	}{
		{name: "no code", give: mutate(func(c *OfficeConfig) { c.Code = "" }), want: ErrBadOffice},
		{name: "code with space", give: mutate(func(c *OfficeConfig) { c.Code = "A B" }), want: ErrBadOffice},
		{name: "code too long", give: mutate(func(c *OfficeConfig) { c.Code = strings.Repeat("A", OfficeCodeBytesMax+1) }), want: ErrBadOffice},
		{name: "no name", give: mutate(func(c *OfficeConfig) { c.Name = "" }), want: ErrBadOffice},
		{name: "name with newline", give: mutate(func(c *OfficeConfig) { c.Name = "a\nb" }), want: ErrBadOffice},
		{name: "bad quota", give: mutate(func(c *OfficeConfig) { c.Quota.Days = 0 }), want: quota.ErrBadConfig},
		{name: "no zone", give: mutate(func(c *OfficeConfig) { c.Quota.Schedule.Location = nil }), want: calendar.ErrNoLocation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, e.RegisterOffice(bg, tt.give), tt.want)
			require.Equal(t, []string{jkt}, e.Offices())
		})
	}
}

// Registering again changes the configuration and keeps every booking.
func TestReRegisterKeepsBookings(t *testing.T) {
	e, clk := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	b := paidBooking(t, e, 1)

	cfg := officeConfig(t)
	cfg.Name = "Kanim Jaksel"
	cfg.Quota.Layout.Pools = append(cfg.Quota.Layout.Pools, "accelerated")
	for i := range cfg.Quota.Layout.Slots {
		cfg.Quota.Layout.Slots[i].Seats = []int{8, 2, 1}
	}
	require.NoError(t, e.RegisterOffice(bg, cfg))
	require.Equal(t, 7, seatsLeft(t, e, dec10, 0, 0), "new capacity, old booking kept")
	got, err := e.Office(jkt)
	require.NoError(t, err)
	require.Equal(t, "Kanim Jaksel", got.Name)
	require.Equal(t, []string{online, "walk-in", "accelerated"}, got.Quota.Layout.Pools)

	req := holdReq(t, 2)
	req.Pool = "accelerated"
	_, err = e.Hold(bg, req)
	require.NoError(t, err)

	// Dropping the 10th while it has a paid booking is refused.
	cut := cfg
	cut.Quota.First = calendar.NewDate(2026, 12, 11)
	require.ErrorIs(t, e.RegisterOffice(bg, cut), ErrOfficeInUse)
	// Once the day has passed it may go.
	clk.Set(time.Date(2026, 12, 11, 0, 0, 0, 0, wib))
	require.NoError(t, e.RegisterOffice(bg, cut))
	require.Equal(t, Paid, mustGet(t, e, b.Code).State)
	requireConsistent(t, e)

	_, err = e.Office("nope")
	require.ErrorIs(t, err, ErrUnknownOffice)
}

func TestOperatorChanges(t *testing.T) {
	e, clk := newTestEngine(t, nil)
	require.NoError(t, e.CloseDay(bg, jkt, dec10, "Banjir"))
	_, err := e.Hold(bg, holdReq(t, 1))
	require.ErrorIs(t, err, ErrOfficeClosed)
	require.NoError(t, e.OpenDay(bg, jkt, dec10))
	require.NoError(t, e.CloseSlot(bg, jkt, dec10, 0, "Rapat"))
	_, err = e.Hold(bg, holdReq(t, 1))
	require.ErrorIs(t, err, ErrOfficeClosed)
	require.NoError(t, e.OpenSlot(bg, jkt, dec10, 0))
	require.NoError(t, e.SetCapacity(bg, jkt, dec10, 0, online, 1))
	_, err = e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)
	_, err = e.Hold(bg, holdReq(t, 2))
	require.ErrorIs(t, err, ErrFull)
	require.ErrorIs(t, e.SetCapacity(bg, jkt, dec10, 0, online, 0), quota.ErrBelowTaken)

	require.NoError(t, e.SetReleaseAt(bg, jkt, jan04, t0))
	req := holdReq(t, 3)
	req.Date = jan04
	_, err = e.Hold(bg, req)
	require.NoError(t, err, "January 4 released early by the operator")
	clk.Set(t1)

	for _, err := range []error{
		e.CloseDay(bg, "nope", dec10, "x"),
		e.SetCapacity(bg, "nope", dec10, 0, online, 1),
	} {
		require.ErrorIs(t, err, ErrUnknownOffice)
	}
	require.ErrorIs(t, e.SetCapacity(bg, jkt, dec10, 0, "vip", 1), ErrUnknownPool)
	require.ErrorIs(t, e.CloseDay(bg, jkt, dec10, ""), quota.ErrBadReason)
	requireConsistent(t, e)
}

func TestOptions(t *testing.T) {
	bad := []Options{
		{HoldTTL: -time.Second},
		{HoldTTL: time.Millisecond},
		{HoldTTL: HoldTTLMax + 1},
		{MaxHoldsPerAccount: -1},
		{MaxHoldsPerAccount: MaxHoldsPerAccountLimit + 1},
		{BookingsMax: -1},
		{Policy: &reschedule.Policy{ReschedulesMax: -1}},
		{Durability: 7},
		{LockTimeout: -1},
	}
	for _, o := range bad {
		_, err := New(&o)
		require.ErrorIs(t, err, ErrBadOptions, "%+v", o)
	}
	e, err := New(nil)
	require.NoError(t, err)
	require.Equal(t, DefaultHoldTTL, e.opts.HoldTTL)
	require.NoError(t, e.Close())
	require.NoError(t, e.Close(), "twice is fine")
	_, err = e.Hold(bg, HoldRequest{})
	require.ErrorIs(t, err, ErrEngineClosed)
	require.ErrorIs(t, e.RegisterOffice(bg, officeConfig(t)), ErrEngineClosed)

	// The engine keeps its own copy of the policy.
	p := reschedule.Default()
	e2, err := New(&Options{Policy: &p, NoSweeper: true})
	require.NoError(t, err)
	p.ReschedulesMax = 9
	require.Equal(t, 1, e2.policy.ReschedulesMax)
	e2.Close()
}

func TestBookingsMax(t *testing.T) {
	e, _ := newTestEngine(t, &Options{BookingsMax: 2, MaxHoldsPerAccount: 5})
	for i := range 2 {
		_, err := e.Hold(bg, holdReq(t, i))
		require.NoError(t, err)
	}
	_, err := e.Hold(bg, holdReq(t, 3))
	require.ErrorIs(t, err, ErrTooManyBookings)
}

// Instants come back in the office's time zone, whatever the host's.
func TestInstantsInOfficeZone(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	b, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)
	require.Equal(t, wib, b.PayBy.Location())
	require.Equal(t, wib, b.Created.Location())
	require.Equal(t, wib, b.History[0].At.Location())
	day, err := e.Day(bg, jkt, jan04)
	require.NoError(t, err)
	require.Equal(t, wib, day.Opens.Location())
	require.Equal(t, "2026-12-01 08:00 WIB", day.Opens.Format("2006-01-02 15:04 MST"))
}

func TestOfficeAfterClose(t *testing.T) {
	e, _ := newTestEngine(t, nil)
	require.NoError(t, e.Close())
	_, err := e.Office(jkt)
	require.ErrorIs(t, err, ErrEngineClosed)
	require.Empty(t, e.Offices())
}

// One sentinel for a bad date, from parsing or from an engine call.
func TestOneBadDateSentinel(t *testing.T) {
	_, err := calendar.ParseDate("2026-02-30")
	require.ErrorIs(t, err, ErrBadDate)
	e, _ := newTestEngine(t, nil)
	_, err = e.Day(bg, jkt, calendar.Date{})
	require.ErrorIs(t, err, calendar.ErrBadDate)
	require.ErrorIs(t, e.CloseDay(bg, jkt, dec10, ""), ErrBadReason)
	_, err = e.Reject(bg, "0000000000", "")
	require.ErrorIs(t, err, quota.ErrBadReason)
}

package booking_test

// Offices: registering one, registering it again with another
// configuration, the operator's changes to its days and slots, and the
// refusals of all of these.

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

func TestRegisterOfficeRefusals(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	mutate := func(f func(*OfficeConfig)) OfficeConfig {
		c := kt.OfficeConfig(t)
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
			require.Equal(t, []string{kt.Office}, e.Offices())
		})
	}
}

// Registering again changes the configuration and keeps every booking.
func TestReRegisterKeepsBookings(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	b, err = e.Pay(bg, b.BillingCode, "ref")
	require.NoError(t, err)

	cfg := kt.OfficeConfig(t)
	cfg.Name = "Kanim Jaksel"
	cfg.Quota.Layout.Pools = append(cfg.Quota.Layout.Pools, "accelerated")
	for i := range cfg.Quota.Layout.Slots {
		cfg.Quota.Layout.Slots[i].Seats = []int{8, 2, 1}
	}
	require.NoError(t, e.RegisterOffice(bg, cfg))
	c, err := e.Cell(kt.Office, kt.Dec10, 0, 0)
	require.NoError(t, err)
	require.Equal(t, 7, c.Left, "new capacity, old booking kept")
	got, err := e.Office(bg, kt.Office)
	require.NoError(t, err)
	require.Equal(t, "Kanim Jaksel", got.Name)
	require.Equal(t, []string{kt.Online, kt.WalkIn, "accelerated"}, got.Quota.Layout.Pools)

	req := kt.HoldRequest(t, 2)
	req.Pool = "accelerated"
	_, err = e.Hold(bg, req)
	require.NoError(t, err)

	// Dropping the 10th while it has a paid booking is refused.
	cut := cfg
	cut.Quota.First = calendar.NewDate(2026, 12, 11)
	require.ErrorIs(t, e.RegisterOffice(bg, cut), ErrOfficeInUse)
	// Once the day has passed it may go.
	clk.Set(time.Date(2026, 12, 11, 0, 0, 0, 0, kt.WIB))
	require.NoError(t, e.RegisterOffice(bg, cut))
	// The booking is kept: a paid booking whose slot has ended reads as a
	// no-show, whether or not the sweep has recorded it, and the sweep
	// records exactly that, though its day has left the table.
	kept, err := e.Get(bg, b.Code)
	require.NoError(t, err)
	require.Equal(t, NoShow, kept.State)
	n, err := e.MarkNoShows(bg)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	recorded, err := e.Get(bg, b.Code)
	require.NoError(t, err)
	require.Equal(t, kept, recorded)
	kt.RequireConsistent(t, e)

	_, err = e.Office(bg, "nope")
	require.ErrorIs(t, err, ErrUnknownOffice)
}

func TestOperatorChanges(t *testing.T) {
	e, clk := kt.NewEngine(t, nil)
	require.NoError(t, e.CloseDay(bg, kt.Office, kt.Dec10, "Banjir"))
	_, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.ErrorIs(t, err, quota.ErrClosed)
	require.NoError(t, e.OpenDay(bg, kt.Office, kt.Dec10))
	require.NoError(t, e.CloseSlot(bg, kt.Office, kt.Dec10, kt.Slot0, "Rapat"))
	_, err = e.Hold(bg, kt.HoldRequest(t, 1))
	require.ErrorIs(t, err, quota.ErrClosed)
	require.NoError(t, e.OpenSlot(bg, kt.Office, kt.Dec10, kt.Slot0))
	require.NoError(t, e.SetCapacity(bg, kt.Office, kt.Dec10, kt.Slot0, kt.Online, 1))
	_, err = e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = e.Hold(bg, kt.HoldRequest(t, 2))
	require.ErrorIs(t, err, quota.ErrFull)
	require.ErrorIs(t, e.SetCapacity(bg, kt.Office, kt.Dec10, kt.Slot0, kt.Online, 0), quota.ErrBelowTaken)

	require.NoError(t, e.SetReleaseAt(bg, kt.Office, kt.Jan04, kt.T0))
	req := kt.HoldRequest(t, 3)
	req.Date = kt.Jan04
	_, err = e.Hold(bg, req)
	require.NoError(t, err, "January 4 released early by the operator")
	clk.Set(kt.T1)

	for _, err := range []error{
		e.CloseDay(bg, "nope", kt.Dec10, "x"),
		e.SetCapacity(bg, "nope", kt.Dec10, kt.Slot0, kt.Online, 1),
	} {
		require.ErrorIs(t, err, ErrUnknownOffice)
	}
	require.ErrorIs(t, e.SetCapacity(bg, kt.Office, kt.Dec10, kt.Slot0, "vip", 1), ErrUnknownPool)
	require.ErrorIs(t, e.CloseDay(bg, kt.Office, kt.Dec10, ""), quota.ErrBadReason)
	kt.RequireConsistent(t, e)
}

func TestOfficeAfterClose(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	require.NoError(t, e.Close())
	_, err := e.Office(bg, kt.Office)
	require.ErrorIs(t, err, ErrEngineClosed)
	require.Empty(t, e.Offices())
}

// One sentinel for a bad date, from parsing or from an engine call; and
// one for each kind of bad reason: a closure's (a string, quota's) and a
// booking's (a Reason, booking's).
func TestOneBadDateSentinel(t *testing.T) {
	_, err := calendar.ParseDate("2026-02-30")
	require.ErrorIs(t, err, calendar.ErrBadDate)
	e, _ := kt.NewEngine(t, nil)
	_, err = e.Day(bg, kt.Office, calendar.Date{})
	require.ErrorIs(t, err, calendar.ErrBadDate)
	require.ErrorIs(t, e.CloseDay(bg, kt.Office, kt.Dec10, ""), quota.ErrBadReason)
	_, err = e.Reject(bg, "0000000000", Reason{})
	require.ErrorIs(t, err, ErrBadReason, "a rejection needs a kind")
}

func TestOfficeRefusals(t *testing.T) { runRefusals(t, advOfficeCalls(t)) }

// advOfficeCalls are refusals of RegisterOffice, Office, Backup and the
// operator changes.
func advOfficeCalls(t testing.TB) []advCall {
	var calls []advCall
	add := func(name string, want error, call func(ctx context.Context, f *advFixture) error) {
		calls = append(calls, advCall{name: name, want: want, index: -1, call: call})
	}
	register := func(name string, want error, change func(c *OfficeConfig)) {
		add("register "+name, want, func(ctx context.Context, f *advFixture) error {
			cfg := kt.OfficeConfig(t)
			cfg.Code = "NEW"
			change(&cfg)
			return f.e.RegisterOffice(ctx, cfg)
		})
	}
	add("register the zero OfficeConfig", ErrBadOffice, func(ctx context.Context, f *advFixture) error { return f.e.RegisterOffice(ctx, OfficeConfig{}) })
	for _, code := range []string{"", strings.Repeat("K", OfficeCodeBytesMax+1), "JKT SEL", "JKT\n", "ĴKT", "\xff", advMiB, "JKT/SEL", "../etc", "JKT\x00", "KANIM:JKT"} {
		register(fmt.Sprintf("code %.12q", code), ErrBadOffice, func(c *OfficeConfig) { c.Code = code })
	}
	for name, s := range advBadLabels {
		register("name "+name, ErrBadOffice, func(c *OfficeConfig) { c.Name = s })
	}
	register("zero quota", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota = quota.Config{} })
	register("nil zone", calendar.ErrNoLocation, func(c *OfficeConfig) { c.Quota.Schedule.Location = nil })
	register("time.Local", calendar.ErrNoLocation, func(c *OfficeConfig) { c.Quota.Schedule.Location = time.Local })
	register("pool name of one MiB", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Layout.Pools[1] = advMiB })
	register("pool name with a newline", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Layout.Pools[1] = "walk\nin" })
	register("closure reason of one MiB", calendar.ErrBadClosure, func(c *OfficeConfig) {
		c.Quota.Schedule.Closures = []calendar.Closure{{Date: kt.Dec10, Reason: advMiB}}
	})
	register("closure reason with an escape", calendar.ErrBadClosure, func(c *OfficeConfig) {
		c.Quota.Schedule.Closures = []calendar.Closure{{Date: kt.Dec10, Reason: "\x1b[2J"}}
	})
	register("MaxInt days", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Days = math.MaxInt })
	register("MinInt seats", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Layout.Slots[0].Seats[0] = math.MinInt })
	register("65 slots", quota.ErrBadConfig, func(c *OfficeConfig) {
		for i := range quota.SlotsPerDayMax + 1 {
			c.Quota.Layout.Slots = append(c.Quota.Layout.Slots, quota.Slot{Start: time.Duration(i) * time.Minute, End: time.Duration(i)*time.Minute + 1, Seats: []int{1, 1}})
		}
	})
	register("release lead MaxInt", quota.ErrBadConfig, func(c *OfficeConfig) { c.Quota.Release.Lead = math.MaxInt })
	// A durable engine stores a zone by name, so it must refuse one that
	// would not load again when the file is reopened.
	calls = append(calls, advCall{name: "register a zone that does not load by name", want: ErrBadOffice, index: -1, only: "durable",
		call: func(ctx context.Context, f *advFixture) error {
			cfg := kt.OfficeConfig(t)
			cfg.Code, cfg.Quota.Schedule.Location = "NEW", time.FixedZone("Asia/Nowhere", 7*3600)
			return f.e.RegisterOffice(ctx, cfg)
		}})
	reregister := func(name string, want error, change func(c *OfficeConfig)) {
		add("re-register "+name, want, func(ctx context.Context, f *advFixture) error {
			cfg := kt.OfficeConfig(t)
			change(&cfg)
			return f.e.RegisterOffice(ctx, cfg)
		})
	}
	reregister("with pools swapped", quota.ErrLayoutChange, func(c *OfficeConfig) {
		p := c.Quota.Layout.Pools
		p[0], p[1] = p[1], p[0]
	})
	reregister("with a slot dropped", quota.ErrLayoutChange, func(c *OfficeConfig) { c.Quota.Layout.Slots = c.Quota.Layout.Slots[:1] })
	reregister("with a slot moved", quota.ErrLayoutChange, func(c *OfficeConfig) { c.Quota.Layout.Slots[1].Start += time.Minute })
	reregister("dropping booked days", ErrOfficeInUse, func(c *OfficeConfig) { c.Quota.First = calendar.NewDate(2027, 1, 1) })
	reregister("below the seats taken", quota.ErrBelowTaken, func(c *OfficeConfig) { c.Quota.Layout.Slots[0].Seats[0] = 1 })
	reregister("with a bad name", ErrBadOffice, func(c *OfficeConfig) { c.Name = "\n" })

	for _, code := range []string{"", "NOPE", "jkt", advMiB, "JKT\n"} {
		name := fmt.Sprintf("%.8q", code)
		add("office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { _, err := f.e.Office(ctx, code); return err })
		add("close day, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { return f.e.CloseDay(ctx, code, kt.Dec10, "x") })
		add("open day, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { return f.e.OpenDay(ctx, code, f.closedDay) })
		add("close slot, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error {
			return f.e.CloseSlot(ctx, code, kt.Dec10, kt.Slot0, "x")
		})
		add("open slot, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error {
			return f.e.OpenSlot(ctx, code, f.closedSlotDay, kt.Slot1)
		})
		add("set capacity, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error {
			return f.e.SetCapacity(ctx, code, kt.Dec10, kt.Slot0, kt.Online, 9)
		})
		add("set release, office "+name, ErrUnknownOffice, func(ctx context.Context, f *advFixture) error { return f.e.SetReleaseAt(ctx, code, kt.Dec10, kt.T0) })
	}
	for name, d := range map[string]calendar.Date{"zero date": {}, "year 1": calendar.NewDate(1, 1, 1), "year 9999": calendar.NewDate(9999, 12, 31)} {
		want := quota.ErrOutsideHorizon
		if d.IsZero() {
			want = calendar.ErrBadDate
		}
		add("close day, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.CloseDay(ctx, kt.Office, d, "x") })
		add("open day, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.OpenDay(ctx, kt.Office, d) })
		add("close slot, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.CloseSlot(ctx, kt.Office, d, kt.Slot0, "x") })
		add("open slot, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.OpenSlot(ctx, kt.Office, d, kt.Slot0) })
		add("set capacity, "+name, want, func(ctx context.Context, f *advFixture) error {
			return f.e.SetCapacity(ctx, kt.Office, d, kt.Slot0, kt.Online, 9)
		})
		add("set release, "+name, want, func(ctx context.Context, f *advFixture) error { return f.e.SetReleaseAt(ctx, kt.Office, d, kt.T0) })
	}
	// Slots are named by their start: the empty string (a slot never
	// set), starts no slot has (10:00 ends the last one; 07:59 and 08:01
	// miss the first), and strings that are not HH:MM at all.
	for _, slot := range []string{"", "10:00", "07:59", "08:01", "8:00", "08:00:00", " 08:00", "24:00", "-1", "٠٨:٠٠", advMiB} {
		name := fmt.Sprintf("%.10q", slot)
		add("close slot "+name, ErrUnknownSlot, func(ctx context.Context, f *advFixture) error {
			return f.e.CloseSlot(ctx, kt.Office, kt.Dec10, slot, "x")
		})
		add("open slot "+name, ErrUnknownSlot, func(ctx context.Context, f *advFixture) error { return f.e.OpenSlot(ctx, kt.Office, kt.Dec10, slot) })
		add("set capacity, slot "+name, ErrUnknownSlot, func(ctx context.Context, f *advFixture) error {
			return f.e.SetCapacity(ctx, kt.Office, kt.Dec10, slot, kt.Online, 9)
		})
	}
	// A closure's reason is quota's, a plain string; booking.ErrBadReason
	// is about a Reason.
	for name, reason := range advBadLabels {
		add("close day, reason "+name, quota.ErrBadReason, func(ctx context.Context, f *advFixture) error { return f.e.CloseDay(ctx, kt.Office, kt.Dec10, reason) })
		add("close slot, reason "+name, quota.ErrBadReason, func(ctx context.Context, f *advFixture) error {
			return f.e.CloseSlot(ctx, kt.Office, kt.Dec10, kt.Slot0, reason)
		})
	}
	for _, pool := range []string{"", "ONLINE", "online\n", advMiB} {
		add(fmt.Sprintf("set capacity, pool %.8q", pool), ErrUnknownPool, func(ctx context.Context, f *advFixture) error {
			return f.e.SetCapacity(ctx, kt.Office, kt.Dec10, kt.Slot0, pool, 9)
		})
	}
	for _, seats := range []int{-1, quota.CellSeatsMax + 1, math.MaxInt, math.MinInt} {
		add(fmt.Sprint("set capacity ", seats), quota.ErrBadSeats, func(ctx context.Context, f *advFixture) error {
			return f.e.SetCapacity(ctx, kt.Office, kt.Dec10, kt.Slot0, kt.Online, seats)
		})
	}
	add("set capacity below the seats taken", quota.ErrBelowTaken, func(ctx context.Context, f *advFixture) error {
		return f.e.SetCapacity(ctx, kt.Office, kt.Dec10, kt.Slot0, kt.Online, 1)
	})
	add("set capacity 0 under a booking", quota.ErrBelowTaken, func(ctx context.Context, f *advFixture) error {
		return f.e.SetCapacity(ctx, kt.Office, kt.Dec11, kt.Slot1, kt.Online, 0)
	})
	calls = append(calls, advCall{name: "backup of an in-memory engine", want: ErrNoFile, index: -1, only: "memory",
		call: func(ctx context.Context, f *advFixture) error { _, err := f.e.Backup(ctx, &bytes.Buffer{}); return err }})
	return calls
}

package quota

// Adversarial input for every exported function and method of package
// quota. Each refusal must be the documented sentinel, must not panic, and
// must leave the Ledger exactly as it was: every office's configuration,
// every cell of its table and every day's view are compared before and
// after.
//
// Deliberately not covered:
//   - Methods on a nil *Ledger, *Layout, *Config, *DayView or *SlotView:
//     nil receivers are programmer errors.
//   - OfficesMax: filling a Ledger with ten thousand offices is
//     TestTooManyOffices's job.
//   - Changes that are allowed at any value (SetReleaseAt's instant, a
//     SetWindow that forgets days) are exercised for panics and effect in
//     TestAdversarialAcceptedExtremes rather than as refusals.

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

var advMiB = strings.Repeat("x", 1<<20)

// advBadLabels are strings no pool name or reason may be.
var advBadLabels = map[string]string{
	"empty":           "",
	"newline":         "renovasi\ngedung",
	"carriage return": "renovasi\r",
	"NUL":             "renovasi\x00",
	"escape sequence": "\x1b[31mrenovasi",
	"C1 control":      "renovasi\u0085",
	"invalid UTF-8":   "renovasi \xff",
	"201 bytes":       strings.Repeat("r", ReasonBytesMax+1),
	"one MiB":         advMiB,
}

// advBadConfigs are configurations every entry point must refuse with
// ErrBadConfig; also, where one applies, the more specific sentinel.
func advBadConfigs(t *testing.T) map[string]struct {
	cfg  Config
	also error
} {
	out := map[string]struct {
		cfg  Config
		also error
	}{}
	add := func(name string, also error, change func(c *Config)) {
		c := testConfig(t)
		change(&c)
		out[name] = struct {
			cfg  Config
			also error
		}{c, also}
	}
	out["zero Config"] = struct {
		cfg  Config
		also error
	}{Config{}, calendar.ErrNoLocation}
	add("nil zone", calendar.ErrNoLocation, func(c *Config) { c.Schedule.Location = nil })
	add("time.Local", calendar.ErrNoLocation, func(c *Config) { c.Schedule.Location = time.Local })
	add("week bit 7", calendar.ErrNoServiceDays, func(c *Config) { c.Schedule.Week = 1 << 7 })
	add("closure without date", calendar.ErrBadClosure, func(c *Config) { c.Schedule.Closures = []calendar.Closure{{Reason: "x"}} })
	add("closure without reason", calendar.ErrBadClosure, func(c *Config) { c.Schedule.Closures = []calendar.Closure{{Date: dec10}} })
	add("closure reason of one MiB", calendar.ErrBadClosure, func(c *Config) { c.Schedule.Closures = []calendar.Closure{{Date: dec10, Reason: advMiB}} })
	add("too many closures", calendar.ErrTooManyClosures, func(c *Config) { c.Schedule.Closures = make([]calendar.Closure, calendar.ClosuresMax+1) })
	add("nil pools", nil, func(c *Config) { c.Layout.Pools = nil })
	add("nine pools", nil, func(c *Config) {
		c.Layout.Pools = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
		for i := range c.Layout.Slots {
			c.Layout.Slots[i].Seats = make([]int, 9)
		}
	})
	for name, label := range advBadLabels {
		add("pool name "+name, nil, func(c *Config) { c.Layout.Pools[1] = label })
	}
	add("pool name of 33 bytes", nil, func(c *Config) { c.Layout.Pools[1] = strings.Repeat("p", PoolNameBytesMax+1) })
	add("pool twice", nil, func(c *Config) { c.Layout.Pools[1] = c.Layout.Pools[0] })
	add("nil slots", nil, func(c *Config) { c.Layout.Slots = nil })
	add("65 slots", nil, func(c *Config) {
		c.Layout.Slots = make([]Slot, SlotsPerDayMax+1)
		for i := range c.Layout.Slots {
			c.Layout.Slots[i] = Slot{Start: time.Duration(i) * time.Minute, End: time.Duration(i+1) * time.Minute, Seats: []int{1, 1}}
		}
	})
	for name, s := range map[string]Slot{
		"negative start":   {Start: -time.Nanosecond, End: time.Hour},
		"end after 24h":    {Start: 23 * time.Hour, End: 24*time.Hour + 1},
		"empty slot":       {Start: time.Hour, End: time.Hour},
		"reversed slot":    {Start: 2 * time.Hour, End: time.Hour},
		"MinInt64 start":   {Start: math.MinInt64, End: time.Hour},
		"MaxInt64 end":     {Start: 0, End: math.MaxInt64},
		"MinInt64 to zero": {Start: math.MinInt64, End: 0},
	} {
		add("slot "+name, nil, func(c *Config) { c.Layout.Slots[1].Start, c.Layout.Slots[1].End = s.Start, s.End })
	}
	add("slot twice", nil, func(c *Config) {
		c.Layout.Slots[1].Start, c.Layout.Slots[1].End = c.Layout.Slots[0].Start, c.Layout.Slots[0].End
	})
	add("nil seats", nil, func(c *Config) { c.Layout.Slots[1].Seats = nil })
	add("three seat counts", nil, func(c *Config) { c.Layout.Slots[1].Seats = []int{1, 1, 1} })
	for name, n := range map[string]int{"-1": -1, "CellSeatsMax+1": CellSeatsMax + 1, "MaxInt": math.MaxInt, "MinInt": math.MinInt} {
		add("seats "+name, nil, func(c *Config) { c.Layout.Slots[1].Seats[1] = n })
	}
	for name, r := range map[string]ReleaseRule{
		"immediately with a lead": {Lead: 1},
		"immediately with a time": {At: time.Hour},
		"negative time of day":    {Every: Daily, At: -1},
		"24:00":                   {Every: Daily, At: 24 * time.Hour},
		"MaxInt64 time of day":    {Every: Daily, At: math.MaxInt64},
		"weekday 7":               {Every: Weekly, Weekday: 7},
		"weekday -1":              {Every: Weekly, Weekday: -1},
		"day 0 of the month":      {Every: Monthly, Day: 0},
		"day 29 of the month":     {Every: Monthly, Day: 29},
		"MaxInt day of the month": {Every: Monthly, Day: math.MaxInt},
		"negative lead":           {Every: Daily, Lead: -1},
		"lead beyond the horizon": {Every: Daily, Lead: HorizonDaysMax + 1},
		"MaxInt lead":             {Every: Weekly, Lead: math.MaxInt},
		"MinInt lead":             {Every: Monthly, Day: 1, Lead: math.MinInt},
		"period 4":                {Every: 4},
		"period 255":              {Every: 255},
	} {
		add("release "+name, nil, func(c *Config) { c.Release = r })
	}
	add("zero first day", nil, func(c *Config) { c.First = calendar.Date{} })
	for name, n := range map[string]int{"0": 0, "-1": -1, "401": HorizonDaysMax + 1, "MaxInt": math.MaxInt, "MinInt": math.MinInt} {
		add("days "+name, nil, func(c *Config) { c.Days = n })
	}
	add("horizon past year 9999", nil, func(c *Config) { c.First, c.Days = calendar.NewDate(calendar.YearMax, 12, 31), 2 })
	return out
}

func TestAdversarialConfigRefusals(t *testing.T) {
	for name, tt := range advBadConfigs(t) {
		t.Run(name, func(t *testing.T) {
			err := tt.cfg.Validate()
			require.ErrorIs(t, err, ErrBadConfig)
			if tt.also != nil {
				require.ErrorIs(t, err, tt.also)
			}

			l := advLedger(t)
			before := captureLedger(t, l)
			_, err = l.AddOffice(tt.cfg)
			require.ErrorIs(t, err, ErrBadConfig)
			require.ErrorIs(t, l.Reconfigure(0, tt.cfg, nil), ErrBadConfig)
			require.Equal(t, before, captureLedger(t, l), "a refused configuration changes nothing")
		})
	}
}

func TestAdversarialLedgerRefusals(t *testing.T) {
	var (
		past   = calendar.NewDate(calendar.YearMin, 1, 1)
		far    = calendar.NewDate(calendar.YearMax, 12, 31)
		closed = calendar.NewDate(2026, 12, 14)
		zero   = calendar.Date{}
	)
	type test struct {
		name string
		call func(l *Ledger) error
		want error
	}
	tests := []test{
		// Reserve, in its documented order of checks.
		{"reserve 0 seats", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, 0, t1) }, ErrBadSeats},
		{"reserve -1 seats", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, -1, t1) }, ErrBadSeats},
		{"reserve MinInt seats", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, math.MinInt, t1) }, ErrBadSeats},
		{"reserve MaxInt seats", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, math.MaxInt, t1) }, ErrBadSeats},
		{"reserve CellSeatsMax+1", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, CellSeatsMax+1, t1) }, ErrBadSeats},
		{"reserve bad seats at an unknown office", func(l *Ledger) error { return l.Reserve(99, zero, -1, -1, 0, t1) }, ErrBadSeats},
		{"reserve office 2", func(l *Ledger) error { return l.Reserve(2, dec10, 0, 0, 1, t1) }, ErrUnknownOffice},
		{"reserve office OfficesMax", func(l *Ledger) error { return l.Reserve(OfficesMax, dec10, 0, 0, 1, t1) }, ErrUnknownOffice},
		{"reserve office MaxUint32", func(l *Ledger) error { return l.Reserve(math.MaxUint32, dec10, 0, 0, 1, t1) }, ErrUnknownOffice},
		{"reserve unknown office, zero date", func(l *Ledger) error { return l.Reserve(2, zero, 0, 0, 1, t1) }, ErrUnknownOffice},
		{"reserve zero date", func(l *Ledger) error { return l.Reserve(0, zero, 0, 0, 1, t1) }, calendar.ErrBadDate},
		{"reserve zero date, bad slot", func(l *Ledger) error { return l.Reserve(0, zero, 9, 9, 1, t1) }, calendar.ErrBadDate},
		{"reserve slot -1", func(l *Ledger) error { return l.Reserve(0, dec10, -1, 0, 1, t1) }, ErrUnknownSlot},
		{"reserve slot 2", func(l *Ledger) error { return l.Reserve(0, dec10, 2, 0, 1, t1) }, ErrUnknownSlot},
		{"reserve slot MaxInt", func(l *Ledger) error { return l.Reserve(0, dec10, math.MaxInt, 0, 1, t1) }, ErrUnknownSlot},
		{"reserve slot MinInt", func(l *Ledger) error { return l.Reserve(0, dec10, math.MinInt, 0, 1, t1) }, ErrUnknownSlot},
		{"reserve bad slot and pool", func(l *Ledger) error { return l.Reserve(0, dec10, -1, -1, 1, t1) }, ErrUnknownSlot},
		{"reserve pool -1", func(l *Ledger) error { return l.Reserve(0, dec10, 0, -1, 1, t1) }, ErrUnknownPool},
		{"reserve pool 2", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 2, 1, t1) }, ErrUnknownPool},
		{"reserve pool MaxInt", func(l *Ledger) error { return l.Reserve(0, dec10, 0, math.MaxInt, 1, t1) }, ErrUnknownPool},
		{"reserve pool MinInt", func(l *Ledger) error { return l.Reserve(0, dec10, 0, math.MinInt, 1, t1) }, ErrUnknownPool},
		{"reserve year 1", func(l *Ledger) error { return l.Reserve(0, past, 0, 0, 1, t1) }, ErrPast},
		{"reserve a closed day of the past", func(l *Ledger) error { return l.Reserve(0, dec25, 0, 0, 1, t4.AddDate(0, 0, 16)) }, ErrPast},
		{"reserve at year 9999", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, 1, time.Date(9999, 1, 1, 0, 0, 0, 0, wib)) }, ErrPast},
		{"reserve at MaxInt64 seconds", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, 1, time.Unix(math.MaxInt64, 0)) }, ErrPast},
		{"reserve 9999-12-31", func(l *Ledger) error { return l.Reserve(0, far, 0, 0, 1, t1) }, ErrOutsideHorizon},
		{"reserve the day before the table", func(l *Ledger) error { return l.Reserve(0, nov30, 0, 0, 1, t1.AddDate(0, 0, -1)) }, ErrOutsideHorizon},
		{"reserve a Saturday", func(l *Ledger) error { return l.Reserve(0, dec12, 0, 0, 1, t1) }, ErrClosed},
		{"reserve Christmas", func(l *Ledger) error { return l.Reserve(0, dec25, 0, 0, 1, t1) }, ErrClosed},
		{"reserve a closed day", func(l *Ledger) error { return l.Reserve(0, closed, 0, 0, 1, t1) }, ErrClosed},
		{"reserve too much on a closed day", func(l *Ledger) error { return l.Reserve(0, closed, 0, 0, 4, t1) }, ErrClosed},
		{"reserve a closed slot", func(l *Ledger) error { return l.Reserve(0, dec11, 0, 0, 1, t1) }, ErrClosed},
		{"reserve before the release", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, 1, t0) }, ErrNotOpened},
		{"reserve at the zero instant", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, 1, time.Time{}) }, ErrNotOpened},
		{"reserve at MinInt64 seconds", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, 1, time.Unix(math.MinInt64, 0)) }, ErrNotOpened},
		{"reserve more than left", func(l *Ledger) error { return l.Reserve(0, dec10, 0, 0, 2, t1) }, ErrFull},
		{"reserve more than the capacity", func(l *Ledger) error { return l.Reserve(0, dec11, 1, 0, CellSeatsMax, t1) }, ErrFull},

		// Release and Restore.
		{"release 0 seats", func(l *Ledger) error { return l.Release(0, dec10, 0, 0, 0) }, ErrBadSeats},
		{"release MinInt seats", func(l *Ledger) error { return l.Release(0, dec10, 0, 0, math.MinInt) }, ErrBadSeats},
		{"release MaxInt seats", func(l *Ledger) error { return l.Release(0, dec10, 0, 0, math.MaxInt) }, ErrBadSeats},
		{"release unknown office", func(l *Ledger) error { return l.Release(2, dec10, 0, 0, 1) }, ErrUnknownOffice},
		{"release zero date", func(l *Ledger) error { return l.Release(0, zero, 0, 0, 1) }, calendar.ErrBadDate},
		{"release slot MaxInt", func(l *Ledger) error { return l.Release(0, dec10, math.MaxInt, 0, 1) }, ErrUnknownSlot},
		{"release pool MinInt", func(l *Ledger) error { return l.Release(0, dec10, 0, math.MinInt, 1) }, ErrUnknownPool},
		{"release year 9999", func(l *Ledger) error { return l.Release(0, far, 0, 0, 1) }, ErrOutsideHorizon},
		{"release more than taken", func(l *Ledger) error { return l.Release(0, dec10, 0, 0, 3) }, ErrOverRelease},
		{"release what was never taken", func(l *Ledger) error { return l.Release(0, dec10, 1, 1, 1) }, ErrOverRelease},
		{"release CellSeatsMax", func(l *Ledger) error { return l.Release(0, dec10, 0, 0, CellSeatsMax) }, ErrOverRelease},
		{"restore -1 seats", func(l *Ledger) error { return l.Restore(0, dec10, 0, 0, -1) }, ErrBadSeats},
		{"restore unknown office", func(l *Ledger) error { return l.Restore(math.MaxUint32, dec10, 0, 0, 1) }, ErrUnknownOffice},
		{"restore zero date", func(l *Ledger) error { return l.Restore(0, zero, 0, 0, 1) }, calendar.ErrBadDate},
		{"restore slot -1", func(l *Ledger) error { return l.Restore(0, dec10, -1, 0, 1) }, ErrUnknownSlot},
		{"restore pool 2", func(l *Ledger) error { return l.Restore(0, dec10, 0, 2, 1) }, ErrUnknownPool},
		{"restore year 1", func(l *Ledger) error { return l.Restore(0, past, 0, 0, 1) }, ErrOutsideHorizon},
		{"restore more than left", func(l *Ledger) error { return l.Restore(0, dec10, 0, 0, 2) }, ErrFull},

		// Reads.
		{"cell unknown office", func(l *Ledger) error { _, err := l.Cell(2, dec10, 0, 0); return err }, ErrUnknownOffice},
		{"cell zero date", func(l *Ledger) error { _, err := l.Cell(0, zero, 0, 0); return err }, calendar.ErrBadDate},
		{"cell slot MinInt", func(l *Ledger) error { _, err := l.Cell(0, dec10, math.MinInt, 0); return err }, ErrUnknownSlot},
		{"cell pool MaxInt", func(l *Ledger) error { _, err := l.Cell(0, dec10, 0, math.MaxInt); return err }, ErrUnknownPool},
		{"cell year 9999", func(l *Ledger) error { _, err := l.Cell(0, far, 0, 0); return err }, ErrOutsideHorizon},
		{"config unknown office", func(l *Ledger) error { _, err := l.Config(2); return err }, ErrUnknownOffice},
		{"config office MaxUint32", func(l *Ledger) error { _, err := l.Config(math.MaxUint32); return err }, ErrUnknownOffice},
		{"day unknown office", func(l *Ledger) error { _, err := l.Day(2, dec10, t1); return err }, ErrUnknownOffice},
		{"day zero date", func(l *Ledger) error { _, err := l.Day(0, zero, t1); return err }, calendar.ErrBadDate},
		{"month unknown office", func(l *Ledger) error { _, err := l.Month(OfficesMax, 2026, 12, t1); return err }, ErrUnknownOffice},

		// Operator changes.
		{"close day zero date", func(l *Ledger) error { return l.CloseDay(0, zero, "x") }, calendar.ErrBadDate},
		{"close day unknown office", func(l *Ledger) error { return l.CloseDay(2, dec10, "x") }, ErrUnknownOffice},
		{"close day year 1", func(l *Ledger) error { return l.CloseDay(0, past, "x") }, ErrOutsideHorizon},
		{"close day year 9999", func(l *Ledger) error { return l.CloseDay(0, far, "x") }, ErrOutsideHorizon},
		{"open day zero date", func(l *Ledger) error { return l.OpenDay(0, zero) }, calendar.ErrBadDate},
		{"open day unknown office", func(l *Ledger) error { return l.OpenDay(math.MaxUint32, closed) }, ErrUnknownOffice},
		{"open day year 9999", func(l *Ledger) error { return l.OpenDay(0, far) }, ErrOutsideHorizon},
		{"close slot -1", func(l *Ledger) error { return l.CloseSlot(0, dec10, -1, "x") }, ErrUnknownSlot},
		{"close slot MaxInt", func(l *Ledger) error { return l.CloseSlot(0, dec10, math.MaxInt, "x") }, ErrUnknownSlot},
		{"close slot MinInt", func(l *Ledger) error { return l.CloseSlot(0, dec10, math.MinInt, "x") }, ErrUnknownSlot},
		{"close slot zero date", func(l *Ledger) error { return l.CloseSlot(0, zero, 0, "x") }, calendar.ErrBadDate},
		{"close slot unknown office", func(l *Ledger) error { return l.CloseSlot(2, dec10, 0, "x") }, ErrUnknownOffice},
		{"close slot year 1", func(l *Ledger) error { return l.CloseSlot(0, past, 0, "x") }, ErrOutsideHorizon},
		{"open slot 2", func(l *Ledger) error { return l.OpenSlot(0, dec11, 2) }, ErrUnknownSlot},
		{"open slot MinInt", func(l *Ledger) error { return l.OpenSlot(0, dec11, math.MinInt) }, ErrUnknownSlot},
		{"open slot zero date", func(l *Ledger) error { return l.OpenSlot(0, zero, 0) }, calendar.ErrBadDate},
		{"open slot unknown office", func(l *Ledger) error { return l.OpenSlot(2, dec11, 0) }, ErrUnknownOffice},
		{"set capacity -1", func(l *Ledger) error { return l.SetCapacity(0, dec10, 0, 0, -1) }, ErrBadSeats},
		{"set capacity MinInt", func(l *Ledger) error { return l.SetCapacity(0, dec10, 0, 0, math.MinInt) }, ErrBadSeats},
		{"set capacity MaxInt", func(l *Ledger) error { return l.SetCapacity(0, dec10, 0, 0, math.MaxInt) }, ErrBadSeats},
		{"set capacity CellSeatsMax+1", func(l *Ledger) error { return l.SetCapacity(0, dec10, 0, 0, CellSeatsMax+1) }, ErrBadSeats},
		{"set capacity below taken", func(l *Ledger) error { return l.SetCapacity(0, dec10, 0, 0, 1) }, ErrBelowTaken},
		{"set capacity 0 under a booking", func(l *Ledger) error { return l.SetCapacity(0, dec11, 1, 1, 0) }, ErrBelowTaken},
		{"set capacity slot MaxInt", func(l *Ledger) error { return l.SetCapacity(0, dec10, math.MaxInt, 0, 1) }, ErrUnknownSlot},
		{"set capacity pool -1", func(l *Ledger) error { return l.SetCapacity(0, dec10, 0, -1, 1) }, ErrUnknownPool},
		{"set capacity zero date", func(l *Ledger) error { return l.SetCapacity(0, zero, 0, 0, 1) }, calendar.ErrBadDate},
		{"set capacity unknown office", func(l *Ledger) error { return l.SetCapacity(2, dec10, 0, 0, 1) }, ErrUnknownOffice},
		{"set capacity year 9999", func(l *Ledger) error { return l.SetCapacity(0, far, 0, 0, 1) }, ErrOutsideHorizon},
		{"set release zero date", func(l *Ledger) error { return l.SetReleaseAt(0, zero, t1) }, calendar.ErrBadDate},
		{"set release unknown office", func(l *Ledger) error { return l.SetReleaseAt(2, dec10, t1) }, ErrUnknownOffice},
		{"set release year 1", func(l *Ledger) error { return l.SetReleaseAt(0, past, time.Time{}) }, ErrOutsideHorizon},
		{"set window unknown office", func(l *Ledger) error { return l.SetWindow(2, dec10, 10) }, ErrUnknownOffice},
		{"set window zero first day", func(l *Ledger) error { return l.SetWindow(0, zero, 10) }, ErrBadConfig},
		{"set window 0 days", func(l *Ledger) error { return l.SetWindow(0, dec10, 0) }, ErrBadConfig},
		{"set window -1 days", func(l *Ledger) error { return l.SetWindow(0, dec10, -1) }, ErrBadConfig},
		{"set window MaxInt days", func(l *Ledger) error { return l.SetWindow(0, dec10, math.MaxInt) }, ErrBadConfig},
		{"set window MinInt days", func(l *Ledger) error { return l.SetWindow(0, dec10, math.MinInt) }, ErrBadConfig},
		{"set window 401 days", func(l *Ledger) error { return l.SetWindow(0, dec10, HorizonDaysMax+1) }, ErrBadConfig},
		{"set window past year 9999", func(l *Ledger) error { return l.SetWindow(0, far, 2) }, ErrBadConfig},
		{"reconfigure unknown office", func(l *Ledger) error { return l.Reconfigure(2, testConfig(t), nil) }, ErrUnknownOffice},
		{"reconfigure with pools swapped", func(l *Ledger) error {
			c := testConfig(t)
			c.Layout.Pools[0], c.Layout.Pools[1] = c.Layout.Pools[1], c.Layout.Pools[0]
			return l.Reconfigure(0, c, nil)
		}, ErrLayoutChange},
		{"reconfigure dropping a slot", func(l *Ledger) error {
			c := testConfig(t)
			c.Layout.Slots = c.Layout.Slots[:1]
			return l.Reconfigure(0, c, nil)
		}, ErrLayoutChange},
		{"reconfigure moving a slot", func(l *Ledger) error {
			c := testConfig(t)
			c.Layout.Slots[1].End += time.Minute
			return l.Reconfigure(0, c, nil)
		}, ErrLayoutChange},
		{"reconfigure below taken", func(l *Ledger) error {
			c := testConfig(t)
			c.Layout.Slots[0].Seats[online] = 1
			return l.Reconfigure(0, c, nil)
		}, ErrBelowTaken},
	}
	for name, reason := range advBadLabels {
		tests = append(tests,
			test{"close day, reason " + name, func(l *Ledger) error { return l.CloseDay(0, dec10, reason) }, ErrBadReason},
			test{"close slot, reason " + name, func(l *Ledger) error { return l.CloseSlot(0, dec10, 1, reason) }, ErrBadReason})
	}
	for _, ym := range [][2]int{{0, 12}, {-1, 1}, {10000, 1}, {math.MaxInt, 1}, {math.MinInt, 1}, {2026, 0}, {2026, 13},
		{2026, -1}, {2026, math.MaxInt}, {2026, math.MinInt}, {calendar.YearMax, 13}, {calendar.YearMin, 0}} {
		tests = append(tests, test{fmt.Sprintf("month %d-%d", ym[0], ym[1]),
			func(l *Ledger) error { _, err := l.Month(0, ym[0], time.Month(ym[1]), t1); return err }, calendar.ErrBadDate})
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := advLedger(t)
			before := captureLedger(t, l)
			var err error
			require.NotPanics(t, func() { err = tt.call(l) })
			require.ErrorIs(t, err, tt.want)
			if errors.Is(err, ErrBelowTaken) {
				var ce *CellError
				require.ErrorAs(t, err, &ce, "ErrBelowTaken comes as a *CellError")
				require.Greater(t, ce.Taken, ce.Capacity)
			}
			require.Equal(t, before, captureLedger(t, l), "a refusal changes nothing")
		})
	}
}

// Calls that accept any value of an argument still answer sensibly at its
// extremes.
func TestAdversarialAcceptedExtremes(t *testing.T) {
	l := advLedger(t)

	// A release instant centuries away keeps the day yellow; one before
	// the epoch, or the zero instant, opens it at once.
	require.NoError(t, l.SetReleaseAt(0, dec10, time.Unix(math.MaxInt64, 0)))
	require.ErrorIs(t, l.Reserve(0, dec10, 1, 0, 1, t1), ErrNotOpened)
	v, err := l.Day(0, dec10, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.NotOpened, v.State)
	for _, at := range []time.Time{{}, time.Date(calendar.YearMin, 1, 1, 0, 0, 0, 0, wib), time.Unix(math.MinInt64, 0)} {
		require.NoError(t, l.SetReleaseAt(0, dec10, at))
		require.NoError(t, l.Reserve(0, dec10, 1, 0, 1, t0), "released at %v", at)
		require.NoError(t, l.Release(0, dec10, 1, 0, 1))
	}

	// Views of the first and last months a Date can hold are grey.
	for _, ym := range []struct {
		year  int
		month time.Month
		want  []calendar.State
	}{
		{calendar.YearMin, time.January, []calendar.State{calendar.Past}},
		{calendar.YearMax, time.December, []calendar.State{calendar.OutsideHorizon, calendar.DayOff}},
	} {
		for _, now := range []time.Time{t1, time.Unix(0, math.MaxInt64)} {
			days, err := l.Month(0, ym.year, ym.month, now)
			require.NoError(t, err)
			require.Len(t, days, 31)
			for _, d := range days {
				require.Contains(t, ym.want, d.State, "%s", d.Date)
				require.Equal(t, []PoolSeats{{Pool: "online"}, {Pool: "walk-in"}}, d.Pools, "one empty entry per pool outside the table")
				require.Equal(t, d.State, d.StateIn("online"))
			}
		}
	}
	for _, d := range []calendar.Date{calendar.NewDate(calendar.YearMin, 1, 1), calendar.NewDate(calendar.YearMax, 12, 31)} {
		v, err := l.Day(0, d, t1)
		require.NoError(t, err)
		require.False(t, v.State.Bookable())
		require.Empty(t, v.Slots)
	}

	// Pool names the office does not have fall back to the state over
	// all pools; an index written as a name is no name.
	v, err = l.Day(0, dec11, t1)
	require.NoError(t, err)
	for _, p := range []string{"", "0", "1", "-1", "ONLINE", " online", "online\x00", "vip", advMiB} {
		require.Equal(t, v.State, v.StateIn(p))
		for i := range v.Slots {
			require.Equal(t, v.Slots[i].State, v.Slots[i].StateIn(p))
		}
	}
	var zeroDay DayView
	require.Equal(t, calendar.State(0), zeroDay.StateIn("online"))
	var zeroSlot SlotView
	require.Equal(t, calendar.State(0), zeroSlot.StateIn("online"))
	require.NotEmpty(t, zeroSlot.Span())
	for _, s := range []Slot{{}, {Start: math.MinInt64, End: math.MaxInt64}, {Start: -time.Hour, End: 48 * time.Hour}} {
		require.NotEmpty(t, s.Span())
	}

	// Lookups of pools by hostile names find nothing.
	cfg, err := l.Config(0)
	require.NoError(t, err)
	for _, name := range []string{"", "ONLINE", "online\n", "online\x00", " online", advMiB} {
		i, ok := cfg.Layout.Pool(name)
		require.False(t, ok, "%.20q", name)
		require.Equal(t, -1, i)
	}
	_, ok := (&Layout{}).Pool("online")
	require.False(t, ok)
	require.ErrorIs(t, (&Layout{}).Validate(), ErrBadConfig)

	// Release rules answer for any date: the zero Date, and the first and
	// last, with a nil zone meaning UTC.
	for _, r := range []ReleaseRule{{}, {Every: Daily, Lead: HorizonDaysMax}, {Every: Weekly, Lead: HorizonDaysMax / 7, Weekday: time.Saturday},
		{Every: Monthly, Lead: HorizonDaysMax / 31, Day: 28, At: 24*time.Hour - 1}} {
		require.NoError(t, r.Validate())
		require.True(t, r.ReleaseAt(calendar.Date{}, wib).IsZero(), "%v: the zero Date has no release", r.Every)
		require.True(t, r.ReleaseAt(calendar.NewDate(calendar.YearMin, 1, 1), nil).IsZero(), "%v: a release before year 1 is no release", r.Every)
		at := r.ReleaseAt(calendar.NewDate(calendar.YearMax, 12, 31), nil)
		require.False(t, at.After(time.Date(calendar.YearMax, 12, 31, 0, 0, 0, 0, time.UTC)), "%v: released no later than the day", r.Every)
	}
	require.Equal(t, "Period(255)", Period(255).String())

	// Error values with nothing in them still print.
	var ce CellError
	require.NotPanics(t, func() { _ = ce.Error() })
	require.NoError(t, ce.Unwrap())
	require.Zero(t, CellState{}.Taken())
}

// Instants are int64 nanoseconds, which end on 2262-04-11, so a quota
// table must lie in years WindowYearMin..WindowYearMax: an office in 2262
// or 9999 is refused with a clear error rather than accepted and never
// bookable, and one in the last allowed year books normally.
func TestAdversarialFarFutureOffice(t *testing.T) {
	for _, year := range []int{1969, 2262, 2263, calendar.YearMax} {
		cfg := testConfig(t)
		cfg.First = calendar.NewDate(year, time.December, 1)
		_, err := NewLedger().AddOffice(cfg)
		require.ErrorIs(t, err, ErrBadConfig, "year %d", year)
	}
	cfg := testConfig(t)
	cfg.Release = ReleaseRule{}
	cfg.Schedule.Holidays = calendar.Holidays{} // no holiday data so far ahead, and none enforced
	cfg.First, cfg.Days = calendar.NewDate(WindowYearMax, time.December, 1), 31
	l := NewLedger()
	id, err := l.AddOffice(cfg)
	require.NoError(t, err)
	d := calendar.NewDate(WindowYearMax, time.December, 10)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDays(1)
	}
	require.NoError(t, l.Reserve(id, d, 0, 0, 1, t1), "booked in 2026")
	v, err := l.Day(id, d, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, v.State)
}

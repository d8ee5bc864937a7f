package quota

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

func TestConfigValidate(t *testing.T) {
	mutate := func(f func(*Config)) Config {
		c := testConfig(t)
		f(&c)
		return c
	}
	tooManySlots := make([]Slot, SlotsPerDayMax+1)
	for i := range tooManySlots {
		tooManySlots[i] = Slot{Start: time.Duration(i) * time.Minute, End: time.Duration(i+1) * time.Minute, Seats: []int{1, 1}}
	}
	tests := []struct {
		name string
		give Config
		want error
	}{
		{name: "no zone", give: mutate(func(c *Config) { c.Schedule.Location = nil }), want: calendar.ErrNoLocation},
		{name: "no pools", give: mutate(func(c *Config) { c.Layout.Pools = nil }), want: ErrBadConfig},
		{name: "too many pools", give: mutate(func(c *Config) { c.Layout.Pools = strings.Split("a,b,c,d,e,f,g,h,i", ",") }), want: ErrBadConfig},
		{name: "empty pool name", give: mutate(func(c *Config) { c.Layout.Pools[1] = "" }), want: ErrBadConfig},
		{name: "pool twice", give: mutate(func(c *Config) { c.Layout.Pools[1] = "online" }), want: ErrBadConfig},
		{name: "no slots", give: mutate(func(c *Config) { c.Layout.Slots = nil }), want: ErrBadConfig},
		{name: "too many slots", give: mutate(func(c *Config) { c.Layout.Slots = tooManySlots }), want: ErrBadConfig},
		{name: "slot ends before start", give: mutate(func(c *Config) { c.Layout.Slots[0].End = 7 * time.Hour }), want: ErrBadConfig},
		{name: "slot past midnight", give: mutate(func(c *Config) { c.Layout.Slots[0].End = 25 * time.Hour }), want: ErrBadConfig},
		{name: "slot negative", give: mutate(func(c *Config) { c.Layout.Slots[0].Start = -time.Hour }), want: ErrBadConfig},
		{name: "slot twice", give: mutate(func(c *Config) { c.Layout.Slots[1].Start, c.Layout.Slots[1].End = 8*time.Hour, 9*time.Hour }), want: ErrBadConfig},
		{name: "seats per pool missing", give: mutate(func(c *Config) { c.Layout.Slots[0].Seats = []int{1} }), want: ErrBadConfig},
		{name: "negative seats", give: mutate(func(c *Config) { c.Layout.Slots[0].Seats[0] = -1 }), want: ErrBadConfig},
		{name: "too many seats", give: mutate(func(c *Config) { c.Layout.Slots[0].Seats[0] = CellSeatsMax + 1 }), want: ErrBadConfig},
		{name: "no first day", give: mutate(func(c *Config) { c.First = calendar.Date{} }), want: ErrBadConfig},
		{name: "zero days", give: mutate(func(c *Config) { c.Days = 0 }), want: ErrBadConfig},
		{name: "too many days", give: mutate(func(c *Config) { c.Days = HorizonDaysMax + 1 }), want: ErrBadConfig},
		{name: "past year 9999", give: mutate(func(c *Config) { c.First = calendar.NewDate(9999, 12, 15) }), want: ErrBadConfig},
		{name: "bad release", give: mutate(func(c *Config) { c.Release.Day = 31 }), want: ErrBadConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.give.Validate(), tt.want)
			_, err := NewLedger().AddOffice(tt.give)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

func TestAddOfficeCopiesConfig(t *testing.T) {
	cfg := testConfig(t)
	l := NewLedger()
	id, err := l.AddOffice(cfg)
	require.NoError(t, err)
	cfg.Layout.Slots[0].Seats[0] = 99 // the caller's slice, changed afterwards
	cfg.Layout.Pools[0] = "changed"
	requireCell(t, l, id, dec10, 0, online, 3, 3)
	got, err := l.Config(id)
	require.NoError(t, err)
	require.Equal(t, "online", got.Layout.Pools[0])
	_, err = l.Config(id + 1)
	require.ErrorIs(t, err, ErrUnknownOffice)
}

func TestTooManyOffices(t *testing.T) {
	l := NewLedger()
	cfg := testConfig(t)
	cfg.Days = 1
	for range OfficesMax {
		_, err := l.AddOffice(cfg)
		require.NoError(t, err)
	}
	_, err := l.AddOffice(cfg)
	require.ErrorIs(t, err, ErrTooManyOffices)
	require.Equal(t, OfficesMax, l.Offices())
}

// Moving the window keeps seats taken and operator changes on the days that
// stay, and forgets the ones that leave.
func TestSetWindowKeepsSeats(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 2, t1))
	require.NoError(t, l.SetCapacity(id, dec11, 0, online, 7))
	require.NoError(t, l.CloseSlot(id, dec11, 1, "Rapat"))
	require.NoError(t, l.CloseDay(id, calendar.NewDate(2026, 12, 2), "Banjir"))

	require.NoError(t, l.SetWindow(id, calendar.NewDate(2026, 12, 5), 60))
	requireCell(t, l, id, dec10, 0, online, 3, 1)
	requireCell(t, l, id, dec11, 0, online, 7, 7)
	c, err := l.Cell(id, dec11, 1, online)
	require.NoError(t, err)
	require.True(t, c.Closed)
	require.ErrorIs(t, l.Reserve(id, jan01.AddDays(3), 0, online, 1, t1), ErrNotOpened, "January opens on 2026-12-01")
	require.NoError(t, l.Reserve(id, jan01.AddDays(3), 0, online, 1, t2), "new days follow the release rule")
	_, err = l.Cell(id, calendar.NewDate(2026, 12, 2), 0, online)
	require.ErrorIs(t, err, ErrOutsideHorizon)

	// Growing back does not resurrect the forgotten closure.
	require.NoError(t, l.SetWindow(id, calendar.NewDate(2026, 12, 1), 60))
	v, err := l.Day(id, calendar.NewDate(2026, 12, 2), t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, v.State)
}

func TestReconfigureLayout(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 2, t1))
	require.NoError(t, l.SetCapacity(id, dec11, 0, walkIn, 5))

	cfg := testConfig(t)
	cfg.Layout.Pools = append(cfg.Layout.Pools, "accelerated")
	cfg.Layout.Slots[0].Seats = []int{4, 2, 1}
	cfg.Layout.Slots[1].Seats = []int{3, 2, 1}
	cfg.Layout.Slots = append(cfg.Layout.Slots, Slot{Start: 13 * time.Hour, End: 14 * time.Hour, Seats: []int{6, 0, 1}})
	require.NoError(t, l.Reconfigure(id, cfg, nil))

	requireCell(t, l, id, dec10, 0, online, 4, 2) // new capacity, seats taken kept
	requireCell(t, l, id, dec11, 0, walkIn, 5, 5) // operator's capacity kept
	requireCell(t, l, id, dec10, 0, 2, 1, 1)
	requireCell(t, l, id, dec10, 2, online, 6, 6)

	// Lowering a capacity below the seats taken is refused and changes
	// nothing.
	lower := cfg
	lower.Layout = cfg.Layout.clone()
	lower.Layout.Slots[0].Seats[0] = 1
	err := l.Reconfigure(id, lower, nil)
	require.ErrorIs(t, err, ErrBelowTaken)
	var ce *CellError
	require.True(t, errors.As(err, &ce))
	require.Equal(t, dec10, ce.Date)
	requireCell(t, l, id, dec10, 0, online, 4, 2)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 1, t1), "cells unfrozen after a refused change")

	// Dropping or reordering slots and pools is refused.
	for name, change := range map[string]func(*Config){
		"drop pool":   func(c *Config) { c.Layout.Pools = c.Layout.Pools[:2]; trimSeats(c, 2) },
		"rename pool": func(c *Config) { c.Layout.Pools[0] = "daring" },
		"drop slot":   func(c *Config) { c.Layout.Slots = c.Layout.Slots[1:] },
		"move slot":   func(c *Config) { c.Layout.Slots[0].Start = 7 * time.Hour },
		"swap slots":  func(c *Config) { c.Layout.Slots[0], c.Layout.Slots[1] = c.Layout.Slots[1], c.Layout.Slots[0] },
	} {
		bad := cfg
		bad.Layout = cfg.Layout.clone()
		change(&bad)
		require.ErrorIs(t, l.Reconfigure(id, bad, nil), ErrLayoutChange, name)
	}
	require.ErrorIs(t, l.Reconfigure(id+1, cfg, nil), ErrUnknownOffice)
	bad := cfg
	bad.Days = 0
	require.ErrorIs(t, l.Reconfigure(id, bad, nil), ErrBadConfig)
}

func trimSeats(c *Config, pools int) {
	for i := range c.Layout.Slots {
		c.Layout.Slots[i].Seats = c.Layout.Slots[i].Seats[:pools]
	}
}

// A new holiday list takes effect without touching the counters.
func TestReconfigureSchedule(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 1, t1))
	cfg := testConfig(t)
	h, err := calendar.NewHolidays(calendar.HolidayEntry{Date: dec11, Kind: calendar.National, Name: "Hari baru"})
	require.NoError(t, err)
	cfg.Schedule.Holidays = h
	require.NoError(t, l.Reconfigure(id, cfg, nil))
	require.ErrorIs(t, l.Reserve(id, dec11, 0, online, 1, t1), ErrClosed)
	require.NoError(t, l.Reserve(id, dec25, 0, online, 1, t1), "Christmas is no longer in the list")
	requireCell(t, l, id, dec10, 0, online, 3, 2)
}

// Reservations racing a layout change lose no seat: every seat a goroutine
// took is still taken afterwards.
func TestReconfigureUnderLoad(t *testing.T) {
	l, id := hotCellLedger(t, 100_000)
	var taken atomic.Int64
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for !stop.Load() {
				err := l.Reserve(id, dec10, 0, 0, 1, t1)
				if err == nil {
					taken.Add(1)
				} else {
					assert.ErrorIs(t, err, ErrFull)
				}
			}
		})
	}
	cfg, err := l.Config(id)
	require.NoError(t, err)
	for i := range 20 {
		cfg.Layout = cfg.Layout.clone()
		cfg.Layout.Slots[0].Seats[0] = 100_000 + i + 1 // a capacity change moves the counters
		cfg.Days = 31 + i%2                            // and a window change shares them
		require.NoError(t, l.Reconfigure(id, cfg, nil))
	}
	stop.Store(true)
	wg.Wait()
	c, err := l.Cell(id, dec10, 0, 0)
	require.NoError(t, err)
	require.EqualValues(t, taken.Load(), c.Taken())
	require.Equal(t, 100_020, c.Capacity)
	require.NoError(t, counterDrift(l))
}

// Reconfigure calls commit once the new table is built and checked and
// before it is published; with a layout change the old table's cells are
// frozen meanwhile, and with none no cell is. A commit that fails or panics
// changes nothing and leaves no cell frozen.
func TestReconfigureCommit(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Config)
		moving bool // the layout changes, so the old table freezes
	}{
		{name: "window", change: func(c *Config) { c.Days = 45 }},
		{name: "schedule", change: func(c *Config) { c.Schedule.Closures = []calendar.Closure{{Date: dec11, Reason: "Cuti bersama"}} }},
		{name: "zone", change: func(c *Config) { c.Schedule.Location = calendar.Jayapura() }},
		{name: "capacity", change: func(c *Config) { c.Layout.Slots[0].Seats[online] = 5 }, moving: true},
		{name: "new slot", change: func(c *Config) {
			c.Layout.Slots = append(c.Layout.Slots, Slot{Start: 13 * time.Hour, End: 14 * time.Hour, Seats: []int{1, 1}})
		}, moving: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			tt.change(&cfg)

			l := advLedger(t)
			before := captureLedger(t, l)
			commits := 0
			err := l.Reconfigure(0, cfg, func() error { commits++; return errJournal })
			require.ErrorIs(t, err, errJournal)
			require.Equal(t, 1, commits)
			require.Equal(t, before, captureLedger(t, l), "a failed commit changes nothing")
			require.NoError(t, l.Reserve(0, dec10, 0, online, 1, t1), "cells unfrozen after a failed commit")

			l = advLedger(t)
			before = captureLedger(t, l)
			require.PanicsWithValue(t, "journal gone", func() {
				_ = l.Reconfigure(0, cfg, func() error { panic("journal gone") })
			})
			require.Equal(t, before, captureLedger(t, l), "a panicking commit changes nothing")

			cells := 31 * 2 * 2 // the old table: days × slots × pools
			commits = 0
			require.NoError(t, l.Reconfigure(0, cfg, func() error {
				commits++
				// Lock-free reads only: commit runs under the mutex.
				if tt.moving {
					require.Equal(t, cells, frozenCells(l, 0))
				} else {
					require.Zero(t, frozenCells(l, 0))
					require.NoError(t, l.Reserve(0, dec10, 1, walkIn, 1, t1), "reservations go on")
				}
				require.Zero(t, frozenCells(l, 1), "other offices are not touched")
				zone, err := l.Zone(0)
				require.NoError(t, err)
				require.Equal(t, wib, zone, "not published during commit")
				n, err := l.Slots(0)
				require.NoError(t, err)
				require.Equal(t, 2, n, "not published during commit")
				return nil
			}))
			require.Equal(t, 1, commits)
			requireNoFrozen(t, l)
			got, err := l.Config(0)
			require.NoError(t, err)
			require.Equal(t, cfg, got)
			requireCell(t, l, 0, dec10, 0, online, cfg.Layout.Slots[0].Seats[online], cfg.Layout.Slots[0].Seats[online]-2)
		})
	}
}

// A refused Reconfigure never commits, whichever check refuses it.
func TestReconfigureRefusalNeverCommits(t *testing.T) {
	tests := []struct {
		name string
		id   OfficeID
		give func(c *Config)
		want error
	}{
		{name: "bad config", give: func(c *Config) { c.Days = 0 }, want: ErrBadConfig},
		{name: "unknown office", id: 2, give: func(*Config) {}, want: ErrUnknownOffice},
		{name: "layout change", give: func(c *Config) { c.Layout.Slots = c.Layout.Slots[:1] }, want: ErrLayoutChange},
		{name: "below taken", give: func(c *Config) { c.Layout.Slots[0].Seats[online] = 1 }, want: ErrBelowTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := advLedger(t)
			before := captureLedger(t, l)
			cfg := testConfig(t)
			tt.give(&cfg)
			commits := 0
			require.ErrorIs(t, l.Reconfigure(tt.id, cfg, func() error { commits++; return nil }), tt.want)
			require.Zero(t, commits)
			require.Equal(t, before, captureLedger(t, l))
		})
	}
}

package quota

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// A day whose every cell offers no seat is NoQuota (yellow), never Full
// (red): red means a quota was used up. A day gets there two ways, and both
// must read the same to Reserve, Month, MonthIn, Day, DayIn and the slots:
// the layout gives it zeros, or an operator sets every cell of it to 0.
func TestNoQuota(t *testing.T) {
	tests := []struct {
		name string
		give func(t *testing.T) (*Ledger, OfficeID)
		// wantMonth is December at t1, one letter a day (see letters).
		wantMonth string
	}{
		{
			name: "layout zeros",
			give: func(t *testing.T) (*Ledger, OfficeID) {
				cfg := testConfig(t)
				for s := range cfg.Layout.Slots {
					cfg.Layout.Slots[s].Seats = []int{0, 0}
				}
				l := NewLedger()
				id, err := l.AddOffice(cfg)
				require.NoError(t, err)
				return l, id
			},
			//          1234567890123456789012345678901
			wantMonth: "ZZZZWWZZZZZWWZZZZZWWZZZZHWWZZZZ",
		},
		{
			name: "operator zeros",
			give: func(t *testing.T) (*Ledger, OfficeID) {
				l, id := newTestLedger(t)
				for s := range 2 {
					for p := range 2 {
						require.NoError(t, l.SetCapacity(id, dec10, s, p, 0))
					}
				}
				return l, id
			},
			wantMonth: "AAAAWWAAAZAWWAAAAAWWAAAAHWWAAAA",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, id := tt.give(t)

			for s := range 2 {
				for p := range 2 {
					for _, seats := range []int{1, 5} {
						require.ErrorIs(t, l.Reserve(id, dec10, s, p, seats, t1), ErrNoQuota, "slot %d pool %d, %d seats", s, p, seats)
					}
					requireCell(t, l, id, dec10, s, p, 0, 0)
				}
			}

			days, err := l.Month(id, 2026, time.December, t1)
			require.NoError(t, err)
			require.Equal(t, tt.wantMonth, letters(days))
			d := days[9]
			require.Equal(t, calendar.NoQuota, d.State)
			require.Equal(t, calendar.Yellow, d.State.Color(), "nothing was used up: not red")
			require.Zero(t, d.Left)
			require.Equal(t, []PoolSeats{{Pool: "online"}, {Pool: "walk-in"}}, d.Pools)
			require.Equal(t, calendar.NoQuota, d.StateIn("online"))
			require.Equal(t, calendar.NoQuota, d.StateIn("walk-in"))

			v, err := l.Day(id, dec10, t1)
			require.NoError(t, err)
			require.Equal(t, calendar.NoQuota, v.State)
			for _, sv := range v.Slots {
				require.Equal(t, calendar.NoQuota, sv.State, sv.Span())
				require.Equal(t, calendar.NoQuota, sv.StateIn("walk-in"), sv.Span())
			}

			for p, name := range []string{"online", "walk-in"} {
				in, err := l.MonthIn(id, p, 2026, time.December, t1)
				require.NoError(t, err)
				require.Equal(t, tt.wantMonth, letters(in), name)
				require.Equal(t, []PoolSeats{{Pool: name}}, in[9].Pools)
				dv, err := l.DayIn(id, p, dec10, t1)
				require.NoError(t, err)
				require.Equal(t, calendar.NoQuota, dv.State, name)
				for _, sv := range dv.Slots {
					require.Equal(t, calendar.NoQuota, sv.State, "%s %s", name, sv.Span())
				}
			}

			// The order still holds around it: not released yet says so,
			// and a started slot is past whatever it offered.
			v, err = l.Day(id, dec10, t0)
			require.NoError(t, err)
			require.Equal(t, calendar.NotOpened, v.State)
			require.ErrorIs(t, l.Reserve(id, dec10, 0, online, 1, t0), ErrNotOpened)
			v, err = l.Day(id, dec10, t3)
			require.NoError(t, err)
			require.Equal(t, []calendar.State{calendar.Past, calendar.NoQuota}, []calendar.State{v.Slots[0].State, v.Slots[1].State})
			require.Equal(t, calendar.NoQuota, v.State, "the slot still to come offers nothing")
			require.ErrorIs(t, l.Reserve(id, dec10, 0, online, 1, t3), ErrPast)

			// Seats provided in one pool of one slot: the day turns green,
			// the other pool stays without quota, and once those seats are
			// taken the day is red: seats were offered and none is left.
			require.NoError(t, l.SetCapacity(id, dec10, 1, online, 2))
			v, err = l.Day(id, dec10, t1)
			require.NoError(t, err)
			require.Equal(t, calendar.Available, v.State)
			require.Equal(t, calendar.Available, v.StateIn("online"))
			require.Equal(t, calendar.NoQuota, v.StateIn("walk-in"))
			require.Equal(t, []calendar.State{calendar.NoQuota, calendar.Available}, []calendar.State{v.Slots[0].State, v.Slots[1].State})
			require.NoError(t, l.Reserve(id, dec10, 1, online, 2, t1))
			require.ErrorIs(t, l.Reserve(id, dec10, 1, online, 1, t1), ErrFull)
			require.ErrorIs(t, l.Reserve(id, dec10, 1, walkIn, 1, t1), ErrNoQuota)
			v, err = l.Day(id, dec10, t1)
			require.NoError(t, err)
			require.Equal(t, calendar.Full, v.State)
			require.Equal(t, calendar.Full, v.StateIn("online"))
			require.Equal(t, calendar.NoQuota, v.StateIn("walk-in"))
			require.Equal(t, calendar.Full, v.Slots[1].State)
			require.Equal(t, calendar.NoQuota, v.Slots[1].StateIn("walk-in"))
		})
	}
}

// Where no quota meets the other conditions of a day: which slots count
// (only those that can still be booked), which pools count (all of them
// for a day, one for a pool), and Full beside it.
func TestNoQuotaBoundaries(t *testing.T) {
	type cells [2][2]int // [slot][pool] capacities of the layout
	tests := []struct {
		name      string
		give      cells
		setup     func(t *testing.T, l *Ledger, id OfficeID)
		now       time.Time
		wantDay   calendar.State
		wantColor calendar.Color       // the day's
		wantIn    [2]calendar.State    // the day, pool by pool
		wantLeft  [2]int               // the day's seats left, pool by pool
		wantCap   [2]int               // the day's capacity, pool by pool
		wantSlots [2]calendar.State    // each slot, over both pools
		wantSlotP [2][2]calendar.State // each slot, [slot][pool]
		wantErr   [2][2]error          // Reserve of one seat, [slot][pool]
	}{
		{
			name: "one pool without quota",
			give: cells{{3, 0}, {3, 0}}, now: t1,
			wantDay: calendar.Available, wantIn: [2]calendar.State{calendar.Available, calendar.NoQuota},
			wantSlots: [2]calendar.State{calendar.Available, calendar.Available},
			wantSlotP: [2][2]calendar.State{{calendar.Available, calendar.NoQuota}, {calendar.Available, calendar.NoQuota}},
			wantErr:   [2][2]error{{nil, ErrNoQuota}, {nil, ErrNoQuota}},
			wantLeft:  [2]int{6, 0}, wantCap: [2]int{6, 0}, wantColor: calendar.Green,
		},
		{
			name: "one slot without quota, the other full",
			give: cells{{0, 0}, {3, 2}}, now: t1,
			setup: func(t *testing.T, l *Ledger, id OfficeID) {
				require.NoError(t, l.Restore(id, dec10, 1, online, 3))
				require.NoError(t, l.Restore(id, dec10, 1, walkIn, 2))
			},
			wantDay: calendar.Full, wantIn: [2]calendar.State{calendar.Full, calendar.Full},
			wantSlots: [2]calendar.State{calendar.NoQuota, calendar.Full},
			wantSlotP: [2][2]calendar.State{{calendar.NoQuota, calendar.NoQuota}, {calendar.Full, calendar.Full}},
			wantErr:   [2][2]error{{ErrNoQuota, ErrNoQuota}, {ErrFull, ErrFull}},
			wantLeft:  [2]int{0, 0}, wantCap: [2]int{3, 2}, wantColor: calendar.Red,
		},
		{
			name: "the slot with quota has not started",
			give: cells{{3, 2}, {0, 0}}, now: t2,
			wantDay: calendar.Available, wantIn: [2]calendar.State{calendar.Available, calendar.Available},
			wantSlots: [2]calendar.State{calendar.Available, calendar.NoQuota},
			wantSlotP: [2][2]calendar.State{{calendar.Available, calendar.Available}, {calendar.NoQuota, calendar.NoQuota}},
			wantErr:   [2][2]error{{nil, nil}, {ErrNoQuota, ErrNoQuota}},
			wantLeft:  [2]int{3, 2}, wantCap: [2]int{3, 2}, wantColor: calendar.Green,
		},
		{
			name: "the slot with quota has started",
			give: cells{{3, 2}, {0, 0}}, now: t3,
			wantDay: calendar.NoQuota, wantIn: [2]calendar.State{calendar.NoQuota, calendar.NoQuota},
			wantSlots: [2]calendar.State{calendar.Past, calendar.NoQuota},
			wantSlotP: [2][2]calendar.State{{calendar.Past, calendar.Past}, {calendar.NoQuota, calendar.NoQuota}},
			wantErr:   [2][2]error{{ErrPast, ErrPast}, {ErrNoQuota, ErrNoQuota}},
			wantColor: calendar.Yellow,
		},
		{
			name: "the slot with quota is closed",
			give: cells{{3, 2}, {0, 0}}, now: t1,
			setup: func(t *testing.T, l *Ledger, id OfficeID) {
				require.NoError(t, l.CloseSlot(id, dec10, 0, "Rapat"))
			},
			wantDay: calendar.NoQuota, wantIn: [2]calendar.State{calendar.NoQuota, calendar.NoQuota},
			wantSlots: [2]calendar.State{calendar.Holiday, calendar.NoQuota},
			wantSlotP: [2][2]calendar.State{{calendar.Holiday, calendar.Holiday}, {calendar.NoQuota, calendar.NoQuota}},
			wantErr:   [2][2]error{{ErrClosed, ErrClosed}, {ErrNoQuota, ErrNoQuota}},
			wantColor: calendar.Yellow,
		},
		{
			name: "no quota, not released yet",
			give: cells{{0, 0}, {0, 0}}, now: t0,
			wantDay: calendar.NotOpened, wantIn: [2]calendar.State{calendar.NotOpened, calendar.NotOpened},
			wantSlots: [2]calendar.State{calendar.NotOpened, calendar.NotOpened},
			wantSlotP: [2][2]calendar.State{{calendar.NotOpened, calendar.NotOpened}, {calendar.NotOpened, calendar.NotOpened}},
			wantErr:   [2][2]error{{ErrNotOpened, ErrNotOpened}, {ErrNotOpened, ErrNotOpened}},
			wantColor: calendar.Yellow,
		},
		{
			name: "no quota, day closed",
			give: cells{{0, 0}, {0, 0}}, now: t1,
			setup: func(t *testing.T, l *Ledger, id OfficeID) {
				require.NoError(t, l.CloseDay(id, dec10, "Banjir"))
			},
			wantDay: calendar.Holiday, wantIn: [2]calendar.State{calendar.Holiday, calendar.Holiday},
			wantSlots: [2]calendar.State{calendar.Holiday, calendar.Holiday},
			wantSlotP: [2][2]calendar.State{{calendar.Holiday, calendar.Holiday}, {calendar.Holiday, calendar.Holiday}},
			wantErr:   [2][2]error{{ErrClosed, ErrClosed}, {ErrClosed, ErrClosed}},
			wantColor: calendar.Grey,
		},
		{
			name: "one seat, taken: full, not no quota",
			give: cells{{1, 0}, {0, 0}}, now: t1,
			setup: func(t *testing.T, l *Ledger, id OfficeID) {
				require.NoError(t, l.Reserve(id, dec10, 0, online, 1, t1))
			},
			wantDay: calendar.Full, wantIn: [2]calendar.State{calendar.Full, calendar.NoQuota},
			wantSlots: [2]calendar.State{calendar.Full, calendar.NoQuota},
			wantSlotP: [2][2]calendar.State{{calendar.Full, calendar.NoQuota}, {calendar.NoQuota, calendar.NoQuota}},
			wantErr:   [2][2]error{{ErrFull, ErrNoQuota}, {ErrNoQuota, ErrNoQuota}},
			wantLeft:  [2]int{0, 0}, wantCap: [2]int{1, 0}, wantColor: calendar.Red,
		},
	}
	names := [2]string{"online", "walk-in"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			for s := range 2 {
				cfg.Layout.Slots[s].Seats = tt.give[s][:]
			}
			l := NewLedger()
			id, err := l.AddOffice(cfg)
			require.NoError(t, err)
			if tt.setup != nil {
				tt.setup(t, l, id)
			}

			v, err := l.Day(id, dec10, tt.now)
			require.NoError(t, err)
			require.Equal(t, tt.wantDay, v.State, "day")
			require.Equal(t, tt.wantColor, v.State.Color(), "day")
			month, err := l.Month(id, 2026, time.December, tt.now)
			require.NoError(t, err)
			require.Equal(t, tt.wantDay, month[9].State, "month")
			for p, name := range names {
				require.Equal(t, tt.wantIn[p], v.StateIn(name), "day in %s", name)
				require.Equal(t, tt.wantIn[p], month[9].StateIn(name), "month in %s", name)
				require.Equal(t, PoolSeats{Pool: name, Left: tt.wantLeft[p], Capacity: tt.wantCap[p]}, v.Pools[p])
				in, err := l.MonthIn(id, p, 2026, time.December, tt.now)
				require.NoError(t, err)
				require.Equal(t, tt.wantIn[p], in[9].State, "MonthIn %s", name)
				dv, err := l.DayIn(id, p, dec10, tt.now)
				require.NoError(t, err)
				require.Equal(t, tt.wantIn[p], dv.State, "DayIn %s", name)
				for s := range 2 {
					require.Equal(t, tt.wantSlotP[s][p], v.Slots[s].StateIn(name), "slot %d in %s", s, name)
					require.Equal(t, tt.wantSlotP[s][p], dv.Slots[s].State, "DayIn slot %d in %s", s, name)
				}
			}
			for s := range 2 {
				require.Equal(t, tt.wantSlots[s], v.Slots[s].State, "slot %d", s)
				for p := range 2 {
					err := l.Reserve(id, dec10, s, p, 1, tt.now)
					if tt.wantErr[s][p] == nil {
						require.NoError(t, err, "reserve slot %d pool %d", s, p)
					} else {
						require.ErrorIs(t, err, tt.wantErr[s][p], "reserve slot %d pool %d", s, p)
					}
				}
			}
		})
	}
}

// A cell of capacity 0 refuses Reserve without allocating, as a full one
// does: both answers come from the one word Reserve has loaded.
func TestNoQuotaRefusalDoesNotAllocate(t *testing.T) {
	l, id := hotCellLedger(t, 0)
	full, fid := hotCellLedger(t, 1)
	require.NoError(t, full.Restore(fid, dec10, 0, 0, 1))
	allocs := testing.AllocsPerRun(100, func() {
		if l.Reserve(id, dec10, 0, 0, 1, t1) != ErrNoQuota {
			panic("want ErrNoQuota")
		}
		if full.Reserve(fid, dec10, 0, 0, 1, t1) != ErrFull {
			panic("want ErrFull")
		}
	})
	require.Zero(t, allocs)
}

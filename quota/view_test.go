package quota

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// letters renders a month as one letter per day, so a whole calendar fits
// in one readable assertion: A available, F full, N not opened, Z no quota
// (zero seats), H holiday, W weekly day off, P past, O outside horizon.
func letters(days []DayView) string {
	var b strings.Builder
	for _, d := range days {
		b.WriteByte(map[calendar.State]byte{
			calendar.Available: 'A', calendar.Full: 'F', calendar.NotOpened: 'N', calendar.Holiday: 'H',
			calendar.DayOff: 'W', calendar.Past: 'P', calendar.OutsideHorizon: 'O', calendar.NoQuota: 'Z',
		}[d.State])
	}
	return b.String()
}

func TestMonthColours(t *testing.T) {
	l, id := newTestLedger(t)
	month := func(now time.Time) []DayView {
		t.Helper()
		days, err := l.Month(id, 2026, time.December, now)
		require.NoError(t, err)
		require.Len(t, days, 31)
		return days
	}
	// December 2026 starts on a Tuesday; the 25th is Christmas.
	//                    1234567890123456789012345678901
	require.Equal(t, "NNNNWWNNNNNWWNNNNNWWNNNNHWWNNNN", letters(month(t0)))
	require.Equal(t, "AAAAWWAAAAAWWAAAAAWWAAAAHWWAAAA", letters(month(t1)))

	// Fill the 10th: red.
	for slot := range 2 {
		require.NoError(t, l.Reserve(id, dec10, slot, online, 3, t1))
		require.NoError(t, l.Reserve(id, dec10, slot, walkIn, 2, t1))
	}
	days := month(t1)
	require.Equal(t, calendar.Full, days[9].State)
	require.Equal(t, calendar.Red, days[9].State.Color())

	// At 08:00 on the 11th, earlier days are past; the 11th itself still
	// has its 09:00 slot.
	at := time.Date(2026, time.December, 11, 8, 0, 0, 0, wib)
	days = month(at)
	require.Equal(t, "PPPPPPPPPPAWWAAAAAWWAAAAHWWAAAA", letters(days))
	require.Equal(t, 5, days[10].Left, "only the 09:00 slot is still offered")
	require.Equal(t, []PoolSeats{{Pool: "online", Left: 3, Capacity: 3}, {Pool: "walk-in", Left: 2, Capacity: 2}}, days[10].Pools)

	days = month(t1)
	require.Equal(t, "Hari Raya Natal", days[24].Reason)
	require.Equal(t, "weekly day off", days[4].Reason)
	require.True(t, days[0].Opens.Equal(t1))
}

func TestMonthOutsideTable(t *testing.T) {
	l, id := newTestLedger(t)
	nov, err := l.Month(id, 2026, time.November, t1)
	require.NoError(t, err)
	// At 08:00 on the 1st of November nothing in November is past yet.
	require.Equal(t, "WOOOOOWWOOOOOWWOOOOOWWOOOOOWWO", letters(nov)) // the 1st is a Sunday
	require.Equal(t, []PoolSeats{{Pool: "online"}, {Pool: "walk-in"}}, nov[2].Pools, "zeros outside the table")

	nov, err = l.Month(id, 2026, time.November, time.Date(2026, 11, 20, 12, 0, 0, 0, wib))
	require.NoError(t, err)
	require.Equal(t, "PPPPPPPPPPPPPPPPPPPOWWOOOOOWWO", letters(nov))
}

func TestMonthPerPool(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec11, 0, online, 3, t1))
	require.NoError(t, l.Reserve(id, dec11, 1, online, 3, t1))
	days, err := l.Month(id, 2026, time.December, t1)
	require.NoError(t, err)
	d := days[10]
	require.Equal(t, calendar.Available, d.State, "walk-in seats remain")
	require.Equal(t, calendar.Full, d.StateIn("online"))
	require.Equal(t, calendar.Available, d.StateIn("walk-in"))
	require.Equal(t, calendar.Available, d.StateIn("vip"), "unknown pool: the day's own state")
	require.Equal(t, calendar.DayOff, days[11].StateIn("online"))
}

func TestDaySlots(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec10, 1, online, 3, t1))
	v, err := l.Day(id, dec10, t3)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, v.State)
	require.Len(t, v.Slots, 2)
	s0, s1 := v.Slots[0], v.Slots[1]
	require.Equal(t, calendar.Past, s0.State)
	require.Equal(t, 8*time.Hour, s0.Start)
	require.Equal(t, 9*time.Hour, s0.End)
	require.Equal(t, calendar.Available, s1.State)
	require.Equal(t, calendar.Full, s1.StateIn("online"))
	require.Equal(t, calendar.Available, s1.StateIn("walk-in"))
	require.Equal(t, []PoolSeats{{Pool: "online", Left: 0, Capacity: 3}, {Pool: "walk-in", Left: 2, Capacity: 2}}, s1.Pools)

	v, err = l.Day(id, dec10, t4)
	require.NoError(t, err)
	require.Equal(t, calendar.Past, v.State)

	v, err = l.Day(id, dec10, t0)
	require.NoError(t, err)
	require.Equal(t, calendar.NotOpened, v.State)
	require.Equal(t, calendar.NotOpened, v.Slots[0].State)

	v, err = l.Day(id, dec25, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Holiday, v.Slots[0].State)
	require.Equal(t, "Hari Raya Natal", v.Slots[0].Reason)
}

func TestViewErrors(t *testing.T) {
	l, id := newTestLedger(t)
	for _, tt := range []struct {
		year  int
		month time.Month
	}{{2026, 0}, {2026, 13}, {0, 1}, {10000, 1}, {-5, 1}} {
		_, err := l.Month(id, tt.year, tt.month, t1)
		require.ErrorIs(t, err, calendar.ErrBadDate, "%d-%d", tt.year, tt.month)
	}
	_, err := l.Month(id+1, 2026, 12, t1)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = l.Day(id+1, dec10, t1)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = l.Day(id, calendar.Date{}, t1)
	require.ErrorIs(t, err, calendar.ErrBadDate)
}

// TestMonthSumsEveryPoolCount checks the month view's per-pool sums against
// cell-by-cell reads, for every pool count: the summing loop takes pools
// four at a time and the rest one by one.
func TestMonthSumsEveryPoolCount(t *testing.T) {
	for pools := 1; pools <= PoolsPerSlotMax; pools++ {
		cfg := testConfig(t)
		cfg.Layout.Pools = nil
		for p := range pools {
			cfg.Layout.Pools = append(cfg.Layout.Pools, string(rune('a'+p)))
		}
		cfg.Layout.Slots = nil
		for s := range 5 {
			seats := make([]int, pools)
			for p := range seats {
				seats[p] = 10*s + p + 1
			}
			start := time.Duration(8+s) * time.Hour
			cfg.Layout.Slots = append(cfg.Layout.Slots, Slot{Start: start, End: start + time.Hour, Seats: seats})
		}
		l := NewLedger()
		id, err := l.AddOffice(cfg)
		require.NoError(t, err)
		require.NoError(t, l.Reserve(id, dec10, 1, pools-1, 2, t1))
		require.NoError(t, l.CloseSlot(id, dec10, 3, "closed"))

		days, err := l.Month(id, 2026, time.December, t1)
		require.NoError(t, err)
		got := days[9]
		require.Len(t, got.Pools, pools)
		total := 0
		for p := range pools {
			want := PoolSeats{Pool: cfg.Layout.Pools[p]}
			for s := range 5 {
				c, err := l.Cell(id, dec10, s, p)
				require.NoError(t, err)
				if !c.Closed {
					want.Left += c.Left
					want.Capacity += c.Capacity
				}
			}
			require.Equal(t, want, got.Pools[p], "%d pools, pool %d", pools, p)
			in, err := l.MonthIn(id, p, 2026, time.December, t1)
			require.NoError(t, err)
			require.Equal(t, []PoolSeats{want}, in[9].Pools, "MonthIn, %d pools, pool %d", pools, p)
			total += want.Left
		}
		require.Equal(t, total, got.Left)
	}
}

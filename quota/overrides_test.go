package quota

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/kuota/kuota/calendar"
)

// Overrides lists the standing changes by date, kind, slot and pool, the
// latest of each; undos and days that left the window are not listed.
func TestOverridesOrder(t *testing.T) {
	l, id := newTestLedger(t)
	dec14 := calendar.NewDate(2026, 12, 14)
	for _, ov := range []Override{
		{Kind: SetRelease, Date: dec11, At: t0},
		{Kind: SetCapacity, Date: dec10, Slot: 1, Pool: walkIn, Seats: 4},
		{Kind: CloseSlot, Date: dec10, Slot: 1, Reason: "Rapat"},
		{Kind: SetCapacity, Date: dec10, Slot: 0, Pool: walkIn, Seats: 5},
		{Kind: SetCapacity, Date: dec10, Slot: 0, Pool: online, Seats: 6},
		{Kind: CloseDay, Date: dec11, Reason: "Banjir"},
		{Kind: CloseSlot, Date: dec10, Slot: 0, Reason: "Listrik"},
		{Kind: CloseDay, Date: dec10, Reason: "Renovasi"},
		{Kind: CloseDay, Date: dec14, Reason: "Sementara"},
		{Kind: OpenDay, Date: dec14},
		{Kind: CloseSlot, Date: dec11, Slot: 1, Reason: "Sementara"},
		{Kind: OpenSlot, Date: dec11, Slot: 1},
		{Kind: SetCapacity, Date: dec10, Slot: 0, Pool: online, Seats: 7}, // replaces 6
		{Kind: SetRelease, Date: dec10, At: t1.Add(time.Hour)},
		{Kind: SetRelease, Date: calendar.NewDate(2026, 12, 1)},
	} {
		require.NoError(t, l.Apply(id, ov, nil), "%v", ov.Kind)
	}
	want := []Override{
		{Kind: SetRelease, Date: calendar.NewDate(2026, 12, 1)},
		{Kind: CloseDay, Date: dec10, Reason: "Renovasi"},
		{Kind: CloseSlot, Date: dec10, Slot: 0, Reason: "Listrik"},
		{Kind: CloseSlot, Date: dec10, Slot: 1, Reason: "Rapat"},
		{Kind: SetCapacity, Date: dec10, Slot: 0, Pool: online, Seats: 7},
		{Kind: SetCapacity, Date: dec10, Slot: 0, Pool: walkIn, Seats: 5},
		{Kind: SetCapacity, Date: dec10, Slot: 1, Pool: walkIn, Seats: 4},
		{Kind: SetRelease, Date: dec10, At: t1.Add(time.Hour)},
		{Kind: CloseDay, Date: dec11, Reason: "Banjir"},
		{Kind: SetRelease, Date: dec11, At: t0},
	}
	require.Equal(t, want, slices.Collect(l.Overrides(id)))

	require.NoError(t, l.SetWindow(id, dec11, 20))
	require.Equal(t, want[8:], slices.Collect(l.Overrides(id)), "days that leave the window are forgotten")
	require.Empty(t, slices.Collect(l.Overrides(id+1)), "an unknown office has none")
	var zero Ledger
	require.Empty(t, slices.Collect(zero.Overrides(0)))
}

// The loop body of a range over Overrides may call the Ledger, and may stop
// early.
func TestOverridesWhileRanging(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.CloseDay(id, dec10, "Banjir"))
	require.NoError(t, l.CloseDay(id, dec11, "Banjir"))
	n := 0
	for ov := range l.Overrides(id) {
		n++
		require.NoError(t, l.Apply(id, Override{Kind: OpenDay, Date: ov.Date}, nil))
		break
	}
	require.Equal(t, 1, n)
	require.Equal(t, []Override{{Kind: CloseDay, Date: dec11, Reason: "Banjir"}}, slices.Collect(l.Overrides(id)))
}

// Applying an office's Overrides, in order, to a fresh office with the same
// Config — and restoring the seats taken, as package booking does when it
// replays its journal — rebuilds the same table: the same cells, the same
// Month and Day views at any instant, the same Overrides.
func TestOverridesRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := NewLedger()
		id, err := l.AddOffice(testConfig(t))
		require.NoError(t, err)
		applied := 0
		t.Repeat(map[string]func(*rapid.T){
			"apply": func(t *rapid.T) {
				cfg, err := l.Config(id)
				require.NoError(t, err)
				err = l.Apply(id, drawOverride(t, &cfg), nil)
				switch {
				case err == nil:
					applied++
				case errors.Is(err, ErrOutsideHorizon), errors.Is(err, ErrUnknownSlot), errors.Is(err, ErrUnknownPool),
					errors.Is(err, ErrBelowTaken), errors.Is(err, ErrBadOverride):
				default:
					t.Fatalf("apply: %v", err)
				}
			},
			"restore": func(t *rapid.T) {
				cfg, err := l.Config(id)
				require.NoError(t, err)
				d := cfg.First.AddDays(rapid.IntRange(0, cfg.Days-1).Draw(t, "day"))
				s := rapid.IntRange(0, len(cfg.Layout.Slots)-1).Draw(t, "slot")
				p := rapid.IntRange(0, len(cfg.Layout.Pools)-1).Draw(t, "pool")
				if err := l.Restore(id, d, s, p, rapid.IntRange(1, 3).Draw(t, "seats")); err != nil {
					require.ErrorIs(t, err, ErrFull)
				}
			},
			"reconfigure": func(t *rapid.T) {
				cfg, err := l.Config(id)
				require.NoError(t, err)
				drawReconfigure(t, &cfg)
				if err := l.Reconfigure(id, cfg, nil); err != nil {
					require.ErrorIs(t, err, ErrBelowTaken)
				}
			},
			"replay": func(t *rapid.T) { requireReplayed(t, l, id) },
		})
		requireReplayed(t, l, id)
		t.Logf("%d overrides applied", applied)
	})
}

var roundTripReasons = []string{"Banjir", "Rapat", "Listrik padam"}

// drawOverride draws a change for an office with configuration cfg: mostly
// valid ones, with some outside the window or the layout.
func drawOverride(t *rapid.T, cfg *Config) Override {
	ov := Override{
		Kind: rapid.SampledFrom([]OverrideKind{CloseDay, OpenDay, CloseSlot, OpenSlot, SetCapacity, SetRelease}).Draw(t, "kind"),
		Date: cfg.First.AddDays(rapid.IntRange(-1, cfg.Days).Draw(t, "day")),
	}
	if ov.Kind == CloseSlot || ov.Kind == OpenSlot || ov.Kind == SetCapacity {
		ov.Slot = rapid.IntRange(0, len(cfg.Layout.Slots)).Draw(t, "slot")
	}
	switch ov.Kind {
	case CloseDay, CloseSlot:
		ov.Reason = rapid.SampledFrom(roundTripReasons).Draw(t, "reason")
	case SetCapacity:
		ov.Pool = rapid.IntRange(0, len(cfg.Layout.Pools)).Draw(t, "pool")
		ov.Seats = rapid.IntRange(0, 6).Draw(t, "seats")
	case SetRelease:
		ov.At = rapid.SampledFrom([]time.Time{{}, t0, t1, t1.AddDate(0, 0, 20), time.Date(2026, 12, 3, 9, 30, 0, 0, wib)}).Draw(t, "at")
	}
	return ov
}

// drawReconfigure changes cfg as an operator would: the window moves, the
// layout grows, or a default capacity changes.
func drawReconfigure(t *rapid.T, cfg *Config) {
	cfg.Layout = cfg.Layout.clone()
	switch rapid.IntRange(0, 3).Draw(t, "change") {
	case 0:
		cfg.First = cfg.First.AddDays(rapid.IntRange(-5, 5).Draw(t, "shift"))
		cfg.Days = rapid.IntRange(20, 45).Draw(t, "days")
	case 1:
		if n := len(cfg.Layout.Slots); n < 4 {
			start := time.Duration(8+n) * time.Hour
			seats := make([]int, len(cfg.Layout.Pools))
			for p := range seats {
				seats[p] = rapid.IntRange(0, 4).Draw(t, "seats")
			}
			cfg.Layout.Slots = append(cfg.Layout.Slots, Slot{Start: start, End: start + time.Hour, Seats: seats})
		}
	case 2:
		if n := len(cfg.Layout.Pools); n < 3 {
			cfg.Layout.Pools = append(cfg.Layout.Pools, string(rune('a'+n)))
			for s := range cfg.Layout.Slots {
				cfg.Layout.Slots[s].Seats = append(cfg.Layout.Slots[s].Seats, rapid.IntRange(0, 4).Draw(t, "seats"))
			}
		}
	case 3:
		s := rapid.IntRange(0, len(cfg.Layout.Slots)-1).Draw(t, "slot")
		p := rapid.IntRange(0, len(cfg.Layout.Pools)-1).Draw(t, "pool")
		cfg.Layout.Slots[s].Seats[p] = rapid.IntRange(0, 6).Draw(t, "seats")
	}
}

// requireReplayed rebuilds office id of l in a fresh Ledger from its Config,
// its Overrides and its seats taken, and requires the two to look the same.
func requireReplayed(t *rapid.T, l *Ledger, id OfficeID) {
	cfg, err := l.Config(id)
	require.NoError(t, err)
	fresh := NewLedger()
	fid, err := fresh.AddOffice(cfg)
	require.NoError(t, err)
	for ov := range l.Overrides(id) {
		require.NoError(t, fresh.Apply(fid, ov, nil), "replaying %+v", ov)
	}
	for i := range cfg.Days {
		d := cfg.First.AddDays(i)
		for s := range cfg.Layout.Slots {
			for p := range cfg.Layout.Pools {
				c, err := l.Cell(id, d, s, p)
				require.NoError(t, err)
				if c.Taken() > 0 {
					require.NoError(t, fresh.Restore(fid, d, s, p, c.Taken()))
				}
				got, err := fresh.Cell(fid, d, s, p)
				require.NoError(t, err)
				require.Equal(t, c, got, "%s slot %d pool %d", d, s, p)
			}
		}
	}
	require.Equal(t, slices.Collect(l.Overrides(id)), slices.Collect(fresh.Overrides(fid)))
	last := cfg.First.AddDays(cfg.Days - 1)
	for _, now := range []time.Time{t0, t1, time.Date(2026, 12, 9, 8, 30, 0, 0, wib)} {
		for m := calendar.NewDate(cfg.First.Year(), cfg.First.Month(), 1); !m.After(last); m = m.AddMonths(1) {
			want, err := l.Month(id, m.Year(), m.Month(), now)
			require.NoError(t, err)
			got, err := fresh.Month(fid, m.Year(), m.Month(), now)
			require.NoError(t, err)
			require.Equal(t, want, got, "month %s at %v", m, now)
		}
		for i := range cfg.Days {
			d := cfg.First.AddDays(i)
			want, err := l.Day(id, d, now)
			require.NoError(t, err)
			got, err := fresh.Day(fid, d, now)
			require.NoError(t, err)
			require.Equal(t, want, got, "day %s at %v", d, now)
		}
	}
}

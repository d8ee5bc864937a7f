package quota

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

func TestSpan(t *testing.T) {
	require.Equal(t, "08:00–09:30", Slot{Start: 8 * time.Hour, End: 9*time.Hour + 30*time.Minute}.Span())
	require.Equal(t, "00:00–24:00", Slot{End: 24 * time.Hour}.Span())
	v := SlotView{Start: 13 * time.Hour, End: 14 * time.Hour}
	require.Equal(t, "13:00–14:00", v.Span())
}

func TestLayoutPool(t *testing.T) {
	l := Layout{Pools: []string{"online", "walk-in"}}
	i, ok := l.Pool("walk-in")
	require.True(t, ok)
	require.Equal(t, 1, i)
	_, ok = l.Pool("vip")
	require.False(t, ok)
}

func TestLedgerReaders(t *testing.T) {
	l, id := newTestLedger(t)
	zone, err := l.Zone(id)
	require.NoError(t, err)
	require.Equal(t, wib, zone)
	n, err := l.Slots(id)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	s, err := l.Slot(id, 1)
	require.NoError(t, err)
	require.Equal(t, Slot{Start: 9 * time.Hour, End: 10 * time.Hour}, s, "Seats is nil")
	name, err := l.PoolName(id, walkIn)
	require.NoError(t, err)
	require.Equal(t, "walk-in", name)
	i, err := l.PoolIndex(id, "walk-in")
	require.NoError(t, err)
	require.Equal(t, walkIn, i)

	var zero Ledger
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{name: "zone, unknown office", call: func() error { _, err := l.Zone(id + 1); return err }, want: ErrUnknownOffice},
		{name: "zone, zero Ledger", call: func() error { _, err := zero.Zone(0); return err }, want: ErrUnknownOffice},
		{name: "slots, office OfficesMax", call: func() error { _, err := l.Slots(OfficesMax); return err }, want: ErrUnknownOffice},
		{name: "slot, office MaxUint32", call: func() error { _, err := l.Slot(math.MaxUint32, 0); return err }, want: ErrUnknownOffice},
		{name: "slot -1", call: func() error { _, err := l.Slot(id, -1); return err }, want: ErrUnknownSlot},
		{name: "slot 2", call: func() error { _, err := l.Slot(id, 2); return err }, want: ErrUnknownSlot},
		{name: "slot MinInt", call: func() error { _, err := l.Slot(id, math.MinInt); return err }, want: ErrUnknownSlot},
		{name: "pool name, unknown office", call: func() error { _, err := l.PoolName(id+1, 0); return err }, want: ErrUnknownOffice},
		{name: "pool name -1", call: func() error { _, err := l.PoolName(id, -1); return err }, want: ErrUnknownPool},
		{name: "pool name 2", call: func() error { _, err := l.PoolName(id, 2); return err }, want: ErrUnknownPool},
		{name: "pool index, unknown office", call: func() error { _, err := l.PoolIndex(id+1, "online"); return err }, want: ErrUnknownOffice},
		{name: "pool index, no such pool", call: func() error { _, err := l.PoolIndex(id, "vip"); return err }, want: ErrUnknownPool},
		{name: "pool index, empty name", call: func() error { _, err := l.PoolIndex(id, ""); return err }, want: ErrUnknownPool},
		{name: "pool index, other case", call: func() error { _, err := l.PoolIndex(id, "ONLINE"); return err }, want: ErrUnknownPool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.call(), tt.want)
		})
	}
	i, err = l.PoolIndex(id, "vip")
	require.ErrorIs(t, err, ErrUnknownPool)
	require.Equal(t, -1, i, "no index to misuse")
}

// The readers answer from the current table, so they follow Reconfigure.
func TestLedgerReadersFollowReconfigure(t *testing.T) {
	l, id := newTestLedger(t)
	cfg := testConfig(t)
	cfg.Schedule.Location = calendar.Jayapura()
	cfg.Layout.Pools = append(cfg.Layout.Pools, "accelerated")
	for i := range cfg.Layout.Slots {
		cfg.Layout.Slots[i].Seats = append(cfg.Layout.Slots[i].Seats, 1)
	}
	cfg.Layout.Slots = append(cfg.Layout.Slots, Slot{Start: 13 * time.Hour, End: 14*time.Hour + 30*time.Minute, Seats: []int{1, 1, 1}})
	require.NoError(t, l.Reconfigure(id, cfg, nil))

	zone, err := l.Zone(id)
	require.NoError(t, err)
	require.Equal(t, calendar.Jayapura(), zone)
	n, err := l.Slots(id)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	s, err := l.Slot(id, 2)
	require.NoError(t, err)
	require.Equal(t, "13:00–14:30", s.Span())
	name, err := l.PoolName(id, 2)
	require.NoError(t, err)
	require.Equal(t, "accelerated", name)
	i, err := l.PoolIndex(id, "accelerated")
	require.NoError(t, err)
	require.Equal(t, 2, i)
}

func TestLedgerReadersDoNotAllocate(t *testing.T) {
	l, id := newTestLedger(t)
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = l.Zone(id)
		_, _ = l.Slots(id)
		_, _ = l.Slot(id, 1)
		_, _ = l.PoolName(id, walkIn)
		_, _ = l.PoolIndex(id, "walk-in")
		_, _ = l.PoolIndex(id, "vip")
		_, _ = l.Slot(id, 9)
		_, _ = l.PoolName(id+1, 0)
	})
	require.Zero(t, allocs)
}

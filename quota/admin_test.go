package quota

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

func TestCloseAndOpenDay(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.CloseDay(id, dec10, "Banjir"))
	require.ErrorIs(t, l.Reserve(id, dec10, 0, online, 1, t1), ErrClosed)
	v, err := l.Day(id, dec10, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Holiday, v.State)
	require.Equal(t, "Banjir", v.Reason)

	require.NoError(t, l.OpenDay(id, dec10))
	require.NoError(t, l.Reserve(id, dec10, 0, online, 1, t1))
	// Opening a holiday the schedule closes is not the operator's to do.
	require.NoError(t, l.OpenDay(id, dec25))
	require.ErrorIs(t, l.Reserve(id, dec25, 0, online, 1, t1), ErrClosed)
}

func TestCloseAndOpenSlot(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.CloseSlot(id, dec10, 1, "Petugas rapat"))
	require.ErrorIs(t, l.Reserve(id, dec10, 1, online, 1, t1), ErrClosed)
	require.ErrorIs(t, l.Reserve(id, dec10, 1, walkIn, 1, t1), ErrClosed)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 1, t1), "other slots stay open")

	v, err := l.Day(id, dec10, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, v.State)
	require.Equal(t, calendar.Holiday, v.Slots[1].State)
	require.Equal(t, "Petugas rapat", v.Slots[1].Reason)
	require.Equal(t, 4, v.Left, "closed slot's seats are not offered")

	require.NoError(t, l.OpenSlot(id, dec10, 1))
	require.NoError(t, l.Reserve(id, dec10, 1, online, 1, t1))
	v, err = l.Day(id, dec10, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, v.Slots[1].State)
	require.Empty(t, v.Slots[1].Reason)
}

// Closing every slot of a day turns the day grey with the reason.
func TestAllSlotsClosed(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.CloseSlot(id, dec10, 0, "Libur lokal"))
	require.NoError(t, l.CloseSlot(id, dec10, 1, "Libur lokal"))
	v, err := l.Day(id, dec10, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Holiday, v.State)
	require.Equal(t, "Libur lokal", v.Reason)
}

func TestSetCapacity(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 2, t1))

	require.NoError(t, l.SetCapacity(id, dec10, 0, online, 10))
	requireCell(t, l, id, dec10, 0, online, 10, 8)
	require.NoError(t, l.SetCapacity(id, dec10, 0, online, 2))
	requireCell(t, l, id, dec10, 0, online, 2, 0)
	require.ErrorIs(t, l.Reserve(id, dec10, 0, online, 1, t1), ErrFull)

	err := l.SetCapacity(id, dec10, 0, online, 1)
	require.ErrorIs(t, err, ErrBelowTaken)
	var ce *CellError
	require.True(t, errors.As(err, &ce))
	require.Equal(t, CellError{Err: ErrBelowTaken, Date: dec10, Slot: 0, Pool: online, Taken: 2, Capacity: 1}, *ce)
	require.Contains(t, err.Error(), "2 seats taken")
	requireCell(t, l, id, dec10, 0, online, 2, 0)

	tests := []struct {
		name       string
		id         OfficeID
		date       calendar.Date
		slot, pool int
		seats      int
		want       error
	}{
		{name: "negative", date: dec10, seats: -1, want: ErrBadSeats},
		{name: "too many", date: dec10, seats: CellSeatsMax + 1, want: ErrBadSeats},
		{name: "unknown office", id: 9, date: dec10, seats: 1, want: ErrUnknownOffice},
		{name: "zero date", seats: 1, want: calendar.ErrBadDate},
		{name: "outside", date: jan01, seats: 1, want: ErrOutsideHorizon},
		{name: "unknown slot", date: dec10, slot: 2, seats: 1, want: ErrUnknownSlot},
		{name: "unknown pool", date: dec10, pool: 2, seats: 1, want: ErrUnknownPool},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, l.SetCapacity(tt.id, tt.date, tt.slot, tt.pool, tt.seats), tt.want)
		})
	}
}

func TestSetReleaseAt(t *testing.T) {
	l, id := newTestLedger(t)
	early := t0.Add(-time.Hour)
	require.NoError(t, l.SetReleaseAt(id, dec10, early))
	require.NoError(t, l.Reserve(id, dec10, 0, online, 1, t0), "moved earlier")
	require.ErrorIs(t, l.Reserve(id, dec11, 0, online, 1, t0), ErrNotOpened, "other days keep the rule")

	later := t1.Add(24 * time.Hour)
	require.NoError(t, l.SetReleaseAt(id, dec11, later))
	require.ErrorIs(t, l.Reserve(id, dec11, 0, online, 1, later.Add(-time.Nanosecond)), ErrNotOpened)
	require.NoError(t, l.Reserve(id, dec11, 0, online, 1, later))

	v, err := l.Day(id, dec11, t1)
	require.NoError(t, err)
	require.True(t, v.Opens.Equal(later))

	require.NoError(t, l.SetReleaseAt(id, dec11, time.Time{}), "the zero time opens at once")
	require.NoError(t, l.Reserve(id, dec11, 1, online, 1, t0.Add(-1000*time.Hour)))
}

func TestAdminRefusals(t *testing.T) {
	l, id := newTestLedger(t)
	tests := []struct {
		name string
		err  error
		want error
	}{
		{name: "close day no reason", err: l.CloseDay(id, dec10, ""), want: ErrBadReason},
		{name: "close day newline", err: l.CloseDay(id, dec10, "a\nb"), want: ErrBadReason},
		{name: "close day long", err: l.CloseDay(id, dec10, strings.Repeat("x", ReasonBytesMax+1)), want: ErrBadReason},
		{name: "close day outside", err: l.CloseDay(id, jan01, "x"), want: ErrOutsideHorizon},
		{name: "close day unknown office", err: l.CloseDay(id+1, dec10, "x"), want: ErrUnknownOffice},
		{name: "close day zero date", err: l.CloseDay(id, calendar.Date{}, "x"), want: calendar.ErrBadDate},
		{name: "close slot unknown", err: l.CloseSlot(id, dec10, 2, "x"), want: ErrUnknownSlot},
		{name: "close slot negative", err: l.CloseSlot(id, dec10, -1, "x"), want: ErrUnknownSlot},
		{name: "close slot no reason", err: l.CloseSlot(id, dec10, 0, ""), want: ErrBadReason},
		{name: "open slot unknown", err: l.OpenSlot(id, dec10, 2), want: ErrUnknownSlot},
		{name: "open day outside", err: l.OpenDay(id, jan01), want: ErrOutsideHorizon},
		{name: "release outside", err: l.SetReleaseAt(id, jan01, t1), want: ErrOutsideHorizon},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.err, tt.want)
		})
	}
	// None of the refusals changed anything.
	v, err := l.Day(id, dec10, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, v.State)
	require.Equal(t, 10, v.Left)
}

package quota

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// Reserve refuses in its documented order, and changes nothing when it
// does; Fits gives the same answer, without taking a seat.
func TestReserveRefusals(t *testing.T) {
	tests := []struct {
		name  string
		id    OfficeID
		date  calendar.Date
		slot  int
		pool  int
		seats int
		now   time.Time
		want  error
	}{
		{name: "ok", date: dec10, seats: 3, now: t1, want: nil},
		{name: "ok at the last nanosecond", date: dec10, seats: 1, now: t2, want: nil},
		{name: "zero seats", date: dec10, seats: 0, now: t1, want: ErrBadSeats},
		{name: "negative seats", date: dec10, seats: -1, now: t1, want: ErrBadSeats},
		{name: "huge seats", date: dec10, seats: CellSeatsMax + 1, now: t1, want: ErrBadSeats},
		{name: "unknown office", id: 7, date: dec10, seats: 1, now: t1, want: ErrUnknownOffice},
		{name: "zero date", seats: 1, now: t1, want: calendar.ErrBadDate},
		{name: "slot -1", date: dec10, slot: -1, seats: 1, now: t1, want: ErrUnknownSlot},
		{name: "slot 2", date: dec10, slot: 2, seats: 1, now: t1, want: ErrUnknownSlot},
		{name: "pool -1", date: dec10, pool: -1, seats: 1, now: t1, want: ErrUnknownPool},
		{name: "pool 2", date: dec10, pool: 2, seats: 1, now: t1, want: ErrUnknownPool},
		{name: "slot started", date: dec10, seats: 1, now: t3, want: ErrPast},
		{name: "day before table, in the past", date: nov30, seats: 1, now: t3, want: ErrPast},
		{name: "day before table, in the future", date: nov30, seats: 1, now: t1.AddDate(0, 0, -7), want: ErrOutsideHorizon},
		{name: "beyond horizon", date: jan01, seats: 1, now: t1, want: ErrOutsideHorizon},
		{name: "far future", date: calendar.NewDate(9999, 12, 31), seats: 1, now: t1, want: ErrOutsideHorizon},
		{name: "holiday", date: dec25, seats: 1, now: t1, want: ErrClosed},
		{name: "saturday", date: dec12, seats: 1, now: t1, want: ErrClosed},
		{name: "before release", date: dec10, seats: 1, now: t0, want: ErrNotOpened},
		{name: "zero now is before release", date: dec10, seats: 1, now: time.Time{}, want: ErrNotOpened},
		{name: "more than capacity", date: dec10, seats: 4, now: t1, want: ErrFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _ := newTestLedger(t)
			fits := l.Fits(tt.id, tt.date, tt.slot, tt.pool, tt.seats, tt.now)
			requireCell(t, l, 0, dec10, 0, 0, 3, 3) // Fits takes nothing
			err := l.Reserve(tt.id, tt.date, tt.slot, tt.pool, tt.seats, tt.now)
			require.Equal(t, err, fits, "Fits answers as Reserve")
			if tt.want == nil {
				require.NoError(t, err)
				requireCell(t, l, 0, tt.date, tt.slot, tt.pool, 3, 3-tt.seats)
				return
			}
			require.ErrorIs(t, err, tt.want)
			if tt.date == dec10 && tt.slot == 0 && tt.pool == 0 {
				requireCell(t, l, 0, dec10, 0, 0, 3, 3) // a refusal changes nothing
			}
		})
	}
}

func TestReserveAllOrNothing(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 2, t1))
	require.ErrorIs(t, l.Reserve(id, dec10, 0, online, 2, t1), ErrFull)
	requireCell(t, l, id, dec10, 0, online, 3, 1)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 1, t1))
	require.ErrorIs(t, l.Reserve(id, dec10, 0, online, 1, t1), ErrFull)
	requireCell(t, l, id, dec10, 0, online, 3, 0)
	// The other pool and slot are separate cells.
	require.NoError(t, l.Reserve(id, dec10, 0, walkIn, 2, t1))
	require.NoError(t, l.Reserve(id, dec10, 1, online, 3, t1))
}

func TestRelease(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 2, t1))

	require.ErrorIs(t, l.Release(id, dec10, 0, online, 3), ErrOverRelease)
	requireCell(t, l, id, dec10, 0, online, 3, 1)
	require.NoError(t, l.Release(id, dec10, 0, online, 2))
	requireCell(t, l, id, dec10, 0, online, 3, 3)
	require.ErrorIs(t, l.Release(id, dec10, 0, online, 1), ErrOverRelease)

	tests := []struct {
		name  string
		id    OfficeID
		date  calendar.Date
		slot  int
		pool  int
		seats int
		want  error
	}{
		{name: "zero seats", date: dec10, want: ErrBadSeats},
		{name: "unknown office", id: 3, date: dec10, seats: 1, want: ErrUnknownOffice},
		{name: "zero date", seats: 1, want: calendar.ErrBadDate},
		{name: "unknown slot", date: dec10, slot: 9, seats: 1, want: ErrUnknownSlot},
		{name: "unknown pool", date: dec10, pool: 9, seats: 1, want: ErrUnknownPool},
		{name: "outside horizon", date: jan01, seats: 1, want: ErrOutsideHorizon},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, l.Release(tt.id, tt.date, tt.slot, tt.pool, tt.seats), tt.want)
		})
	}
}

// Seats go back even when the slot or day was closed after they were
// taken, and even after the slot has started.
func TestReleaseIntoClosedAndPast(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 2, t1))
	require.NoError(t, l.CloseSlot(id, dec10, 0, "Server maintenance"))
	require.NoError(t, l.CloseDay(id, dec10, "Banjir"))
	require.NoError(t, l.Release(id, dec10, 0, online, 1))
	requireCell(t, l, id, dec10, 0, online, 3, 2)
	require.NoError(t, l.Release(id, dec10, 0, online, 1))
	requireCell(t, l, id, dec10, 0, online, 3, 3)
}

func TestCellErrors(t *testing.T) {
	l, id := newTestLedger(t)
	_, err := l.Cell(id+1, dec10, 0, 0)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = l.Cell(id, dec10, 5, 0)
	require.ErrorIs(t, err, ErrUnknownSlot)
	_, err = l.Cell(id, jan01, 0, 0)
	require.ErrorIs(t, err, ErrOutsideHorizon)
	var zero Ledger
	_, err = zero.Cell(0, dec10, 0, 0)
	require.ErrorIs(t, err, ErrUnknownOffice)
	require.ErrorIs(t, zero.Reserve(0, dec10, 0, 0, 1, t1), ErrUnknownOffice)
	require.Equal(t, 0, zero.Offices())
}

func TestRestoreIgnoresCalendar(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.CloseSlot(id, dec10, 0, "closed"))
	require.NoError(t, l.Restore(id, dec10, 0, online, 2)) // closed, and not released at any instant
	require.NoError(t, l.Restore(id, dec25, 0, online, 1)) // a holiday
	requireCell(t, l, id, dec10, 0, online, 3, 1)
	require.ErrorIs(t, l.Restore(id, dec10, 0, online, 2), ErrFull)
	requireCell(t, l, id, dec10, 0, online, 3, 1)
	require.ErrorIs(t, l.Restore(id, dec10, 0, online, 0), ErrBadSeats)
	require.ErrorIs(t, l.Restore(id, jan01, 0, online, 1), ErrOutsideHorizon)
	require.ErrorIs(t, l.Restore(id+1, dec10, 0, online, 1), ErrUnknownOffice)
}

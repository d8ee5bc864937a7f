package quota

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// A day's slots in one pool, as the slot picker shows them: seats left,
// a full slot, a slot the operator closed with its reason, and a slot
// already started, each as DayIn shows it.
func TestAppendDayInSlots(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.Reserve(id, dec10, 0, online, 3, t1))
	require.NoError(t, l.Reserve(id, dec10, 1, online, 1, t1))
	got, err := l.AppendDayIn(nil, id, online, dec10, t1)
	require.NoError(t, err)
	require.Equal(t, []SlotState{
		{Slot: 0, Start: 8 * time.Hour, End: 9 * time.Hour, State: calendar.Full, Left: 0},
		{Slot: 1, Start: 9 * time.Hour, End: 10 * time.Hour, State: calendar.Available, Left: 2},
	}, got)

	// The walk-in pool is another count: its seats are all there.
	got, err = l.AppendDayIn(got[:0], id, walkIn, dec10, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, got[0].State)
	require.Equal(t, 2, got[0].Left)

	require.NoError(t, l.CloseSlot(id, dec10, 1, "listrik padam"))
	got, err = l.AppendDayIn(got[:0], id, online, dec10, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Holiday, got[1].State)
	require.Equal(t, "listrik padam", got[1].Reason)

	require.NoError(t, l.OpenSlot(id, dec10, 1))
	got, err = l.AppendDayIn(got[:0], id, online, dec10, t3)
	require.NoError(t, err)
	require.Equal(t, calendar.Past, got[0].State, "slot 0 starts at t3")
	require.Equal(t, calendar.Available, got[1].State)
	for _, now := range []time.Time{t0, t1, t2, t3, t4} {
		for _, d := range []calendar.Date{dec10, dec12, dec25, nov30, jan01} {
			for _, p := range []int{online, walkIn} {
				require.NoError(t, slotsMismatch(l, id, p, d, now))
			}
		}
	}
}

// AppendDayIn appends, reuses the caller's array, appends nothing for a
// day outside the table, and on error hands dst back as it was; its
// refusals come in DayIn's order.
func TestAppendDayInAppends(t *testing.T) {
	l, id := newTestLedger(t)
	mark := SlotState{Slot: 7, State: calendar.Past}
	buf := make([]SlotState, 1, 8)
	buf[0] = mark
	got, err := l.AppendDayIn(buf, id, online, dec10, t1)
	require.NoError(t, err)
	require.Len(t, got, 3)
	require.Equal(t, mark, got[0])
	require.Equal(t, &buf[:2][1], &got[1], "appended in place")

	got, err = l.AppendDayIn(got[:1], id, online, jan01, t1)
	require.NoError(t, err)
	require.Equal(t, []SlotState{mark}, got, "January is outside the table: no slots")

	tests := []struct {
		name string
		id   OfficeID
		pool int
		d    calendar.Date
		want error
	}{
		{"unknown office", id + 1, online, dec10, ErrUnknownOffice},
		{"office OfficesMax", OfficesMax, online, dec10, ErrUnknownOffice},
		{"unknown office before a bad pool and date", id + 1, -1, calendar.Date{}, ErrUnknownOffice},
		{"pool -1", id, -1, dec10, ErrUnknownPool},
		{"pool 2 before a zero date", id, 2, calendar.Date{}, ErrUnknownPool},
		{"zero date", id, walkIn, calendar.Date{}, calendar.ErrBadDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []SlotState{mark}
			got, err := l.AppendDayIn(dst, tt.id, tt.pool, tt.d, t1)
			require.ErrorIs(t, err, tt.want)
			require.Equal(t, dst, got)
			_, err = l.DayIn(tt.id, tt.pool, tt.d, t1)
			require.ErrorIs(t, err, tt.want, "DayIn refuses the same")
		})
	}
	var zero Ledger
	_, err = zero.AppendDayIn(nil, 0, online, dec10, t1)
	require.ErrorIs(t, err, ErrUnknownOffice)
}

// Into a slice kept from call to call, AppendDayIn does not allocate: a
// day open, closed by the operator, under way, outside the table.
func TestAppendDayInAllocations(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.CloseSlot(id, dec11, 0, "rapat"))
	buf := make([]SlotState, 0, 2)
	for _, tt := range []struct {
		name string
		d    calendar.Date
		now  time.Time
	}{{"open", dec10, t1}, {"a slot closed", dec11, t1}, {"under way", dec10, t3}, {"outside the table", jan01, t1}} {
		t.Run(tt.name, func(t *testing.T) {
			require.Zero(t, testing.AllocsPerRun(100, func() { buf, _ = l.AppendDayIn(buf[:0], id, online, tt.d, tt.now) }))
		})
	}
}

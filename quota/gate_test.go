package quota

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// Reserve, the slot of a Day view and the day of a Month view follow one
// day-state order: past, closed (schedule, then the operator's day, then
// slot closure), not opened, no quota, full, available. Every combination
// of those conditions is set up on an office of one slot and one pool,
// where the day and its slot must agree, and the first condition in the
// order must decide every answer: Reserve's, Day's and its slot's,
// Month's, and those of DayIn and MonthIn for the one pool.
//
// No quota is the operator's SetCapacity 0 on the one cell; with full also
// set, no seat is taken first (a cell of capacity 0 has none to take), and
// no quota must still win.
func TestDayStateOrder(t *testing.T) {
	type cond uint8
	const (
		past cond = 1 << iota
		holiday
		dayClosed
		slotClosed
		notOpened
		noQuota
		full
		conds = 7
	)
	order := []struct {
		cond   cond
		want   error
		state  calendar.State
		reason string
	}{
		{past, ErrPast, calendar.Past, ""},
		{holiday, ErrClosed, calendar.Holiday, "Hari Raya Natal"},
		{dayClosed, ErrClosed, calendar.Holiday, "Banjir"},
		{slotClosed, ErrClosed, calendar.Holiday, "Rapat"},
		{notOpened, ErrNotOpened, calendar.NotOpened, ""},
		{noQuota, ErrNoQuota, calendar.NoQuota, ""},
		{full, ErrFull, calendar.Full, ""},
	}
	for set := range cond(1 << conds) {
		t.Run(fmt.Sprintf("%07b", set), func(t *testing.T) {
			l, id := hotCellLedger(t, 1)
			date := dec10
			if set&holiday != 0 {
				date = dec25
			}
			now := date.Start(wib).Add(-12 * time.Hour)
			if set&past != 0 {
				now = date.Start(wib).Add(8 * time.Hour)
			}
			release := time.Time{}
			if set&notOpened != 0 {
				release = now.Add(time.Hour)
			}
			require.NoError(t, l.SetReleaseAt(id, date, release))
			if set&dayClosed != 0 {
				require.NoError(t, l.CloseDay(id, date, "Banjir"))
			}
			if set&slotClosed != 0 {
				require.NoError(t, l.CloseSlot(id, date, 0, "Rapat"))
			}
			switch {
			case set&noQuota != 0:
				require.NoError(t, l.SetCapacity(id, date, 0, 0, 0))
			case set&full != 0:
				require.NoError(t, l.Restore(id, date, 0, 0, 1))
			}

			want, state, reason := error(nil), calendar.Available, ""
			for _, o := range order {
				if set&o.cond != 0 {
					want, state, reason = o.want, o.state, o.reason
					break
				}
			}
			day, err := l.Day(id, date, now)
			require.NoError(t, err)
			require.Equal(t, state, day.Slots[0].State, "slot")
			require.Equal(t, reason, day.Slots[0].Reason, "slot")
			require.Equal(t, state, day.State, "day")
			require.Equal(t, reason, day.Reason, "day")
			month, err := l.Month(id, date.Year(), date.Month(), now)
			require.NoError(t, err)
			require.Equal(t, day.State, month[date.Day()-1].State, "month")
			require.Equal(t, day.Reason, month[date.Day()-1].Reason, "month")
			dayIn, err := l.DayIn(id, 0, date, now)
			require.NoError(t, err)
			require.Equal(t, state, dayIn.State, "day in pool")
			require.Equal(t, state, dayIn.Slots[0].State, "slot in pool")
			monthIn, err := l.MonthIn(id, 0, date.Year(), date.Month(), now)
			require.NoError(t, err)
			require.Equal(t, state, monthIn[date.Day()-1].State, "month in pool")
			err = l.Reserve(id, date, 0, 0, 1, now)
			if want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, want)
			}
		})
	}
}

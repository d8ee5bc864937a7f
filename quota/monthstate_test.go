package quota

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// stateLetters is letters for the days AppendMonth gives.
func stateLetters(days []DayState) string {
	var b strings.Builder
	for _, d := range days {
		b.WriteString(letters([]DayView{{State: d.State}}))
	}
	return b.String()
}

// The colours of TestMonthColours, from the counters.
func TestAppendMonthColours(t *testing.T) {
	l, id := newTestLedger(t)
	month := func(now time.Time) []DayState {
		t.Helper()
		days, err := l.AppendMonth(nil, id, 2026, time.December, now)
		require.NoError(t, err)
		require.Len(t, days, 31)
		require.NoError(t, statesMismatch(l, id, 2026, time.December, now))
		return days
	}
	//                    1234567890123456789012345678901
	require.Equal(t, "NNNNWWNNNNNWWNNNNNWWNNNNHWWNNNN", stateLetters(month(t0)))
	require.Equal(t, "AAAAWWAAAAAWWAAAAAWWAAAAHWWAAAA", stateLetters(month(t1)))
	for slot := range 2 {
		require.NoError(t, l.Reserve(id, dec10, slot, online, 3, t1))
		require.NoError(t, l.Reserve(id, dec10, slot, walkIn, 2, t1))
	}
	require.Equal(t, calendar.Full, month(t1)[9].State)
	// At 08:00 on the 11th the 11th is under way: its 09:00 slot counts.
	at := time.Date(2026, time.December, 11, 8, 0, 0, 0, wib)
	require.Equal(t, "PPPPPPPPPPAWWAAAAAWWAAAAHWWAAAA", stateLetters(month(at)))
	require.NoError(t, l.Reserve(id, dec11, 1, online, 3, t1))
	require.NoError(t, l.Reserve(id, dec11, 0, walkIn, 2, t1))
	in, err := l.AppendMonthIn(nil, id, online, 2026, time.December, at)
	require.NoError(t, err)
	require.Equal(t, calendar.Full, in[10].State, "the slot still to come has no online seat; the started one's do not count")

	days := month(t1)
	require.Equal(t, "Hari Raya Natal", days[24].Reason)
	require.Equal(t, "weekly day off", days[4].Reason)
	require.True(t, days[0].Opens.Equal(t1))

	nov, err := l.AppendMonth(nil, id, 2026, time.November, time.Date(2026, 11, 20, 12, 0, 0, 0, wib))
	require.NoError(t, err)
	require.Equal(t, "PPPPPPPPPPPPPPPPPPPOWWOOOOOWWO", stateLetters(nov))
}

// Every slot closed reads as Month reads it: grey with the first reason,
// before the release too; a slot reopened brings the seats back.
func TestAppendMonthClosedSlots(t *testing.T) {
	l, id := newTestLedger(t)
	require.NoError(t, l.CloseSlot(id, dec10, 1, "listrik padam"))
	require.NoError(t, l.CloseSlot(id, dec10, 0, "rapat"))
	for _, now := range []time.Time{t0, t1, t2, t3} {
		require.NoError(t, statesMismatch(l, id, 2026, time.December, now))
	}
	days, err := l.AppendMonthIn(nil, id, walkIn, 2026, time.December, t1)
	require.NoError(t, err)
	require.Equal(t, DayState{Date: dec10, State: calendar.Holiday, Reason: "rapat", Opens: days[9].Opens}, days[9])
	require.NoError(t, l.OpenSlot(id, dec10, 0))
	days, err = l.AppendMonthIn(nil, id, walkIn, 2026, time.December, t1)
	require.NoError(t, err)
	require.Equal(t, calendar.Available, days[9].State)
}

// AppendMonth appends, reuses the caller's array, and on error hands dst
// back as it was; its refusals come in MonthIn's order.
func TestAppendMonthAppends(t *testing.T) {
	l, id := newTestLedger(t)
	mark := DayState{Date: jan01, State: calendar.Past}
	buf := make([]DayState, 1, 64)
	buf[0] = mark
	got, err := l.AppendMonthIn(buf, id, walkIn, 2026, time.December, t1)
	require.NoError(t, err)
	require.Len(t, got, 32)
	require.Equal(t, mark, got[0])
	require.Equal(t, &buf[:2][1], &got[1], "appended in place")
	require.Equal(t, calendar.NewDate(2026, 12, 1), got[1].Date)

	// A reused slice is overwritten whole: nothing of the last call
	// shows through, an Opens of the table included.
	got, err = l.AppendMonth(got[:0], id, 2027, time.January, t1)
	require.NoError(t, err)
	for _, d := range got {
		require.True(t, d.Opens.IsZero(), "%s outside the table opens at no instant", d.Date)
	}

	tests := []struct {
		name string
		call func(dst []DayState) ([]DayState, error)
		want error
	}{
		{"unknown office", func(dst []DayState) ([]DayState, error) { return l.AppendMonth(dst, id+1, 2026, 12, t1) }, ErrUnknownOffice},
		{"office OfficesMax", func(dst []DayState) ([]DayState, error) { return l.AppendMonthIn(dst, OfficesMax, 0, 2026, 12, t1) }, ErrUnknownOffice},
		{"unknown office before a bad pool", func(dst []DayState) ([]DayState, error) { return l.AppendMonthIn(dst, id+1, -1, 2026, 13, t1) }, ErrUnknownOffice},
		{"pool -1", func(dst []DayState) ([]DayState, error) { return l.AppendMonthIn(dst, id, -1, 2026, 12, t1) }, ErrUnknownPool},
		{"pool 2 before a bad month", func(dst []DayState) ([]DayState, error) { return l.AppendMonthIn(dst, id, 2, 2026, 13, t1) }, ErrUnknownPool},
		{"month 0", func(dst []DayState) ([]DayState, error) { return l.AppendMonth(dst, id, 2026, 0, t1) }, calendar.ErrBadDate},
		{"month 13", func(dst []DayState) ([]DayState, error) { return l.AppendMonthIn(dst, id, 1, 2026, 13, t1) }, calendar.ErrBadDate},
		{"year 0", func(dst []DayState) ([]DayState, error) { return l.AppendMonth(dst, id, 0, 1, t1) }, calendar.ErrBadDate},
		{"year 10000", func(dst []DayState) ([]DayState, error) { return l.AppendMonth(dst, id, 10000, 1, t1) }, calendar.ErrBadDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []DayState{mark}
			got, err := tt.call(dst)
			require.ErrorIs(t, err, tt.want)
			require.Equal(t, dst, got)
		})
	}
	var zero Ledger
	_, err = zero.AppendMonth(nil, 0, 2026, 12, t1)
	require.ErrorIs(t, err, ErrUnknownOffice)
}

// Into a slice kept from call to call, AppendMonth and AppendMonthIn do
// not allocate: in the table, outside it, on a day under way.
func TestAppendMonthAllocations(t *testing.T) {
	l, id := newTestLedger(t)
	buf := make([]DayState, 0, 31)
	tests := []struct {
		name string
		call func()
	}{
		{"AppendMonth", func() { buf, _ = l.AppendMonth(buf[:0], id, 2026, time.December, t1) }},
		{"AppendMonthIn", func() { buf, _ = l.AppendMonthIn(buf[:0], id, walkIn, 2026, time.December, t1) }},
		{"outside the table", func() { buf, _ = l.AppendMonthIn(buf[:0], id, walkIn, 2026, time.November, t1) }},
		{"a day under way", func() { buf, _ = l.AppendMonth(buf[:0], id, 2026, time.December, t3) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Zero(t, testing.AllocsPerRun(100, tt.call))
		})
	}
}

// In a zone with daylight saving time a day is 23 or 25 hours long, and a
// slot at 23:30 of the day the clocks go forward starts at 00:30 of the
// next: the counters answer only while no slot of a day has started, by
// the instant, not the date. Every half hour around both changes of 2027,
// AppendMonth agrees with Month.
func TestAppendMonthDaylightSaving(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	cfg := Config{
		Schedule: calendar.Schedule{Location: ny, Week: calendar.WeekdaysOf(0, 1, 2, 3, 4, 5, 6)},
		Layout: Layout{Pools: []string{"online"}, Slots: []Slot{
			{Start: 30 * time.Minute, End: time.Hour, Seats: []int{1}},
			{Start: 23*time.Hour + 30*time.Minute, End: 24 * time.Hour, Seats: []int{1}},
		}},
		First: calendar.NewDate(2027, time.March, 1),
		Days:  300,
	}
	l := NewLedger()
	id, err := l.AddOffice(cfg)
	require.NoError(t, err)
	for _, d := range []calendar.Date{calendar.NewDate(2027, 3, 14), calendar.NewDate(2027, 11, 7)} {
		require.NoError(t, l.Reserve(id, d, 0, 0, 1, d.Start(ny).Add(-48*time.Hour)))
		from := d.AddDays(-1).Start(ny)
		for at := from; at.Before(from.Add(72 * time.Hour)); at = at.Add(30 * time.Minute) {
			require.NoError(t, statesMismatch(l, id, d.Year(), d.Month(), at))
		}
	}
}

// A month view shows each day's own release instant, in the office's
// zone: a view keeps the last instant it converted for the days that
// share it, and must let go of it wherever a day opens at another
// instant — each week of a weekly release, a day moved by an operator,
// a day opened at once — and take it up again after. Each day is checked
// against a view of that day alone.
func TestMonthShowsEachDaysReleaseInstant(t *testing.T) {
	cfg := testConfig(t)
	cfg.Release = ReleaseRule{Every: Weekly, Lead: 2, Weekday: time.Friday, At: 16 * time.Hour}
	l := NewLedger()
	id, err := l.AddOffice(cfg)
	require.NoError(t, err)
	moved := time.Date(2026, time.November, 20, 9, 30, 0, 0, wib)
	require.NoError(t, l.SetReleaseAt(id, dec10, moved))
	require.NoError(t, l.SetReleaseAt(id, dec11, time.Time{}), "dec11 opens at once")

	now := time.Date(2026, time.November, 2, 12, 0, 0, 0, wib)
	states, err := l.AppendMonth(nil, id, 2026, time.December, now)
	require.NoError(t, err)
	statesIn, err := l.AppendMonthIn(nil, id, online, 2026, time.December, now)
	require.NoError(t, err)
	views, err := l.Month(id, 2026, time.December, now)
	require.NoError(t, err)
	viewsIn, err := l.MonthIn(id, walkIn, 2026, time.December, now)
	require.NoError(t, err)
	instants := map[int64]bool{}
	for i := range states {
		day, err := l.Day(id, states[i].Date, now)
		require.NoError(t, err)
		want := day.Opens
		for name, got := range map[string]time.Time{
			"AppendMonth": states[i].Opens, "AppendMonthIn": statesIn[i].Opens,
			"Month": views[i].Opens, "MonthIn": viewsIn[i].Opens,
		} {
			require.True(t, want.Equal(got), "%s %s: opens %v, want %v", name, states[i].Date, got, want)
			require.Equal(t, want.Location(), got.Location(), "%s %s", name, states[i].Date)
		}
		if !want.IsZero() {
			instants[want.UnixNano()] = true
		}
	}
	require.True(t, states[9].Opens.Equal(moved), "the operator's instant")
	require.True(t, states[10].Opens.IsZero(), "opened at once")
	require.Equal(t, "Asia/Jakarta", states[11].Opens.Location().String())
	require.Len(t, instants, 6, "the five weeks' instants, and the moved one")
}

package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestScheduleValidate(t *testing.T) {
	ok := Schedule{Location: wib}
	require.NoError(t, ok.Validate())

	tests := []struct {
		name string
		give Schedule
		want error
	}{
		{name: "no location", give: Schedule{}, want: ErrNoLocation},
		{name: "local", give: Schedule{Location: time.Local}, want: ErrNoLocation},
		{name: "week bit 7", give: Schedule{Location: wib, Week: 0x80}, want: ErrNoServiceDays},
		{name: "closure without date", give: Schedule{Location: wib, Closures: []Closure{{Reason: "x"}}}, want: ErrBadClosure},
		{name: "closure without reason", give: Schedule{Location: wib, Closures: []Closure{{Date: d(2026, 12, 1)}}}, want: ErrBadClosure},
		{name: "closure reason with newline", give: Schedule{Location: wib, Closures: []Closure{{Date: d(2026, 12, 1), Reason: "a\nb"}}}, want: ErrBadClosure},
		{name: "closure reason too long", give: Schedule{Location: wib, Closures: []Closure{{Date: d(2026, 12, 1), Reason: strings.Repeat("x", ClosureReasonBytesMax+1)}}}, want: ErrBadClosure},
		{name: "closure twice", give: Schedule{Location: wib, Closures: []Closure{{Date: d(2026, 12, 1), Reason: "a"}, {Date: d(2026, 12, 1), Reason: "b"}}}, want: ErrBadClosure},
		{name: "too many closures", give: Schedule{Location: wib, Closures: make([]Closure, ClosuresMax+1)}, want: ErrTooManyClosures},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.give.Validate(), tt.want)
		})
	}
}

func TestScheduleStatus(t *testing.T) {
	hol, err := NewHolidays(
		HolidayEntry{Date: d(2026, 12, 24), Kind: CollectiveLeave, Name: "Cuti Bersama Natal"},
		HolidayEntry{Date: d(2026, 12, 25), Kind: National, Name: "Hari Raya Natal"},
		HolidayEntry{Date: d(2026, 12, 27), Kind: National, Name: "Sunday holiday"},
	)
	require.NoError(t, err)
	s := Schedule{
		Location: wib,
		Holidays: hol,
		Closures: []Closure{{Date: d(2026, 12, 21), Reason: "Renovasi"}, {Date: d(2026, 12, 25), Reason: "Own reason"}},
	}
	tests := []struct {
		give       Date
		observe    bool
		week       Weekdays
		wantState  State
		wantReason string
	}{
		{give: d(2026, 12, 22), wantState: Available},                                                // Tuesday
		{give: d(2026, 12, 21), wantState: Holiday, wantReason: "Renovasi"},                          // Monday, closed
		{give: d(2026, 12, 25), wantState: Holiday, wantReason: "Own reason"},                        // closure beats holiday
		{give: d(2026, 12, 24), wantState: Available},                                                // collective leave, not observed
		{give: d(2026, 12, 24), observe: true, wantState: Holiday, wantReason: "Cuti Bersama Natal"}, // observed
		{give: d(2026, 12, 26), wantState: DayOff, wantReason: "weekly day off"},                     // Saturday
		{give: d(2026, 12, 27), wantState: Holiday, wantReason: "Sunday holiday"},                    // holiday beats day off
		{give: d(2026, 12, 26), week: WeekdaysOf(time.Saturday), wantState: Available},               // Saturday service
		{give: d(2026, 12, 22), week: WeekdaysOf(time.Saturday), wantState: DayOff, wantReason: "weekly day off"},
	}
	for _, tt := range tests {
		t.Run(tt.give.String(), func(t *testing.T) {
			s := s
			s.ObserveCollectiveLeave = tt.observe
			s.Week = tt.week
			st, reason := s.Status(tt.give)
			require.Equal(t, tt.wantState, st)
			require.Equal(t, tt.wantReason, reason)
		})
	}
}

func TestWeekdays(t *testing.T) {
	require.Equal(t, "Mon,Tue,Wed,Thu,Fri", MondayToFriday.String())
	require.Equal(t, "Sat,Sun", WeekdaysOf(time.Sunday, time.Saturday).String())
	require.Equal(t, "none", Weekdays(0).String())
	require.Equal(t, Weekdays(0), WeekdaysOf(7, -1))
	require.False(t, MondayToFriday.Has(7))
	require.False(t, MondayToFriday.Has(time.Sunday))
	require.True(t, MondayToFriday.Has(time.Friday))
	require.Equal(t, MondayToFriday, (&Schedule{}).ServiceWeek())
}

func TestStateColors(t *testing.T) {
	tests := []struct {
		give      State
		wantName  string
		wantColor Color
	}{
		{give: Available, wantName: "available", wantColor: Green},
		{give: Full, wantName: "full", wantColor: Red},
		{give: NotOpened, wantName: "not opened", wantColor: Yellow},
		{give: Holiday, wantName: "holiday", wantColor: Grey},
		{give: DayOff, wantName: "day off", wantColor: Grey},
		{give: Past, wantName: "past", wantColor: Grey},
		{give: OutsideHorizon, wantName: "outside horizon", wantColor: Grey},
		{give: NoQuota, wantName: "no quota", wantColor: Yellow},
		{give: 0, wantName: "State(0)", wantColor: Grey},
		{give: NoQuota + 1, wantName: "State(9)", wantColor: Grey},
	}
	for _, tt := range tests {
		require.Equal(t, tt.wantName, tt.give.String())
		require.Equal(t, tt.wantColor, tt.give.Color())
		require.Equal(t, tt.give == Available, tt.give.Bookable())
	}
	require.Equal(t, "green", Green.String())
	require.Equal(t, "grey", Grey.String())
	require.Equal(t, "Color(9)", Color(9).String())
}

// The values of State are stable: a state stored or sent as a number keeps
// its meaning, so new states are appended and none is renumbered.
func TestStateValuesAreStable(t *testing.T) {
	tests := []struct {
		give State
		want uint8
	}{
		{give: Available, want: 1},
		{give: Full, want: 2},
		{give: NotOpened, want: 3},
		{give: Holiday, want: 4},
		{give: DayOff, want: 5},
		{give: Past, want: 6},
		{give: OutsideHorizon, want: 7},
		{give: NoQuota, want: 8},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, uint8(tt.give), tt.give.String())
	}
}

// Red means the quota was used up; a day with no quota provided is never
// red, and shares yellow with a day not yet released: in both nothing was
// taken.
func TestNoQuotaIsNotFull(t *testing.T) {
	require.NotEqual(t, Full.Color(), NoQuota.Color())
	require.Equal(t, NotOpened.Color(), NoQuota.Color())
	require.NotEqual(t, NotOpened.String(), NoQuota.String())
	require.False(t, NoQuota.Bookable())
}

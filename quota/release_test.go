package quota

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

func TestReleaseRule(t *testing.T) {
	wita := calendar.Makassar()
	tests := []struct {
		name string
		rule ReleaseRule
		day  calendar.Date
		loc  *time.Location
		want time.Time
	}{
		{
			name: "monthly: the 1st at 08:00 for next month",
			rule: ReleaseRule{Every: Monthly, Lead: 1, Day: 1, At: 8 * time.Hour},
			day:  dec10, loc: wib,
			want: time.Date(2026, 11, 1, 8, 0, 0, 0, wib),
		},
		{
			name: "monthly across a year",
			rule: ReleaseRule{Every: Monthly, Lead: 2, Day: 15, At: 9 * time.Hour},
			day:  calendar.NewDate(2027, 1, 31), loc: wib,
			want: time.Date(2026, 11, 15, 9, 0, 0, 0, wib),
		},
		{
			name: "weekly: Fridays 16:00 WITA for next week",
			rule: ReleaseRule{Every: Weekly, Lead: 1, Weekday: time.Friday, At: 16 * time.Hour},
			day:  dec10, loc: wita, // Thursday of the week of Monday 2026-12-07
			want: time.Date(2026, 12, 4, 16, 0, 0, 0, wita),
		},
		{
			name: "weekly: Sunday belongs to the week before it",
			rule: ReleaseRule{Every: Weekly, Lead: 1, Weekday: time.Friday, At: 16 * time.Hour},
			day:  calendar.NewDate(2026, 12, 13), loc: wita,
			want: time.Date(2026, 12, 4, 16, 0, 0, 0, wita),
		},
		{
			name: "weekly: Monday starts a week",
			rule: ReleaseRule{Every: Weekly, Lead: 1, Weekday: time.Friday, At: 16 * time.Hour},
			day:  calendar.NewDate(2026, 12, 14), loc: wita,
			want: time.Date(2026, 12, 11, 16, 0, 0, 0, wita),
		},
		{
			name: "daily rolling window of 30 days",
			rule: ReleaseRule{Every: Daily, Lead: 30, At: 0},
			day:  dec10, loc: wib,
			want: time.Date(2026, 11, 10, 0, 0, 0, 0, wib),
		},
		{
			name: "immediately",
			rule: ReleaseRule{},
			day:  dec10, loc: wib,
			want: time.Time{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.rule.Validate())
			got := tt.rule.ReleaseAt(tt.day, tt.loc)
			require.True(t, tt.want.Equal(got), "got %v, want %v", got, tt.want)
		})
	}
}

func TestReleaseRuleValidate(t *testing.T) {
	tests := []struct {
		name string
		give ReleaseRule
	}{
		{name: "immediate with fields", give: ReleaseRule{Lead: 1}},
		{name: "negative time", give: ReleaseRule{Every: Daily, At: -time.Minute}},
		{name: "24:00", give: ReleaseRule{Every: Daily, At: 24 * time.Hour}},
		{name: "negative lead", give: ReleaseRule{Every: Daily, Lead: -1}},
		{name: "daily lead beyond horizon", give: ReleaseRule{Every: Daily, Lead: HorizonDaysMax + 1}},
		{name: "weekly bad weekday", give: ReleaseRule{Every: Weekly, Weekday: 7}},
		{name: "weekly lead beyond horizon", give: ReleaseRule{Every: Weekly, Lead: 60}},
		{name: "monthly day 0", give: ReleaseRule{Every: Monthly, Day: 0}},
		{name: "monthly day 29", give: ReleaseRule{Every: Monthly, Day: 29}},
		{name: "monthly lead 13", give: ReleaseRule{Every: Monthly, Day: 1, Lead: 13}},
		{name: "unknown period", give: ReleaseRule{Every: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.give.Validate(), ErrBadConfig)
		})
	}
	require.Equal(t, "monthly", Monthly.String())
	require.Equal(t, "Period(9)", Period(9).String())
}

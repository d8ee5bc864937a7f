package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

func TestCount(t *testing.T) {
	tests := []struct {
		give int64
		want string
	}{{0, "0 races"}, {1, "1 race"}, {2, "2 races"}, {48, "48 races"}}
	for _, tt := range tests {
		require.Equal(t, tt.want, count(tt.give, "race", "races"))
	}
}

func TestSpan(t *testing.T) {
	tests := []struct {
		give time.Duration
		want string
	}{
		{0, "less than a minute"},
		{29 * time.Second, "less than a minute"},
		{5 * time.Minute, "5 minutes"},
		{time.Minute, "1 minute"},
		{time.Hour + 5*time.Minute, "1 hour 5 minutes"},
		{2 * time.Hour, "2 hours"},
		{30*time.Hour + 90*time.Second, "1 day 6 hours 2 minutes"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, span(tt.give), tt.give)
	}
}

func TestInWIB(t *testing.T) {
	require.Equal(t, "Sun 1 Nov 2026 08:00 WIB", inWIB(time.Date(2026, time.November, 1, 8, 0, 0, 0, calendar.Jakarta())))
	require.Equal(t, "Sun 1 Nov 2026 08:00 WITA (07:00 WIB)", inWIB(time.Date(2026, time.November, 1, 8, 0, 0, 0, calendar.Makassar())))
	require.Equal(t, "Sun 1 Nov 2026 08:00 WIT (06:00 WIB)", inWIB(time.Date(2026, time.November, 1, 8, 0, 0, 0, calendar.Jayapura())))
}

package grid

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// december returns December 2026 (which starts on a Tuesday) with the
// given states, one letter per day: A available, F full, N not opened,
// Q no quota, anything else grey.
func december(states string) []quota.DayView {
	m := map[byte]calendar.State{
		'A': calendar.Available, 'F': calendar.Full, 'N': calendar.NotOpened, 'Q': calendar.NoQuota, 'H': calendar.Holiday,
	}
	days := make([]quota.DayView, 31)
	for i := range days {
		days[i] = quota.DayView{Date: calendar.NewDate(2026, time.December, i+1), State: m[states[i]]}
	}
	return days
}

func TestMonthLetters(t *testing.T) {
	var b strings.Builder
	// The 11th is not opened and the 16th has no quota: both yellow.
	require.NoError(t, Month(&b, Title(2026, time.December, "JKT"), december("AAAAHHAAFANHHAAQAAHHAAAAHHHAAAA"), "", Letters))
	want := `December 2026 — JKT
 Mon  Tue  Wed  Thu  Fri  Sat  Sun
       1G   2G   3G   4G   5.   6.
  7G   8G   9R  10G  11Y  12.  13.
 14G  15G  16Y  17G  18G  19.  20.
 21G  22G  23G  24G  25.  26.  27.
 28G  29G  30G  31G
`
	require.Equal(t, want, b.String())
}

func TestMonthColorsAndPool(t *testing.T) {
	days := december(strings.Repeat("A", 31))
	days[9].Pools = []quota.PoolSeats{{Pool: "online", Left: 0, Capacity: 5}, {Pool: "walk-in", Left: 2, Capacity: 2}}
	// The 11th offers no online seat at all: yellow online, not red.
	days[10].Pools = []quota.PoolSeats{{Pool: "online", Left: 0, Capacity: 0}, {Pool: "walk-in", Left: 2, Capacity: 2}}
	var b strings.Builder
	require.NoError(t, Month(&b, "t", days, "online", Colors))
	require.Contains(t, b.String(), "\x1b[30;41m 10 \x1b[0m", "full online")
	require.Contains(t, b.String(), "\x1b[30;43m 11 \x1b[0m", "no quota online")
	require.Contains(t, b.String(), "\x1b[30;42m 12 \x1b[0m")
	b.Reset()
	require.NoError(t, Month(&b, "t", days, "walk-in", Colors))
	require.Contains(t, b.String(), "\x1b[30;42m 10 \x1b[0m", "available walk-in")
	require.Contains(t, b.String(), "\x1b[30;42m 11 \x1b[0m", "available walk-in")
	b.Reset()
	require.NoError(t, Month(&b, "t", days, "", Colors))
	require.Contains(t, b.String(), "\x1b[30;42m 10 \x1b[0m", "the day's own state: available")

	require.Error(t, Month(&b, "t", nil, "online", Letters))
}

func TestLegend(t *testing.T) {
	var b strings.Builder
	require.NoError(t, Legend(&b, Letters))
	require.Equal(t, "G available  R full  Y quota not opened yet, or none offered  . holiday, day off, closed or past\n", b.String())
	b.Reset()
	require.NoError(t, Legend(&b, Colors))
	require.Contains(t, b.String(), "\x1b[30;43m")
}

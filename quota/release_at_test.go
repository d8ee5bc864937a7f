package quota

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
)

// ReleaseAt tells a day's release instant, ReleasesAt whether some day is
// released at an instant; an operator's SetReleaseAt moves one day's.
func TestReleaseAt(t *testing.T) {
	l := NewLedger()
	id, err := l.AddOffice(testConfig(t))
	require.NoError(t, err)
	wib := calendar.Jakarta()
	november1 := time.Date(2026, time.November, 1, 8, 0, 0, 0, wib) // December's release
	dec10 := calendar.NewDate(2026, time.December, 10)

	at, ok := l.ReleaseAt(id, dec10)
	require.True(t, ok)
	require.True(t, november1.Equal(at))
	require.True(t, l.ReleasesAt(id, november1))
	require.False(t, l.ReleasesAt(id, november1.Add(time.Minute)))
	_, ok = l.ReleaseAt(id, calendar.NewDate(2027, time.March, 1))
	require.False(t, ok, "outside the table")
	require.False(t, l.ReleasesAt(OfficeID(99), november1), "no such office")

	moved := november1.Add(time.Hour)
	require.NoError(t, l.SetReleaseAt(id, dec10, moved))
	at, ok = l.ReleaseAt(id, dec10)
	require.True(t, ok)
	require.True(t, moved.Equal(at))
	require.True(t, l.ReleasesAt(id, moved))
	require.True(t, l.ReleasesAt(id, november1), "the other days still open then")
}

package booking

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// TestQueueKeysPackEveryCell checks that a queue counter's key keeps its
// date, from the first Date to the last, and that no two cells share one:
// offices up to quota.OfficesMax, every slot byte.
func TestQueueKeysPackEveryCell(t *testing.T) {
	dates := []calendar.Date{calendar.NewDate(calendar.YearMin, 1, 1), calendar.NewDate(1969, 12, 31),
		calendar.NewDate(1970, 1, 1), calendar.NewDate(2026, time.December, 10), calendar.NewDate(calendar.YearMax, 12, 31)}
	seen := map[queueKey]string{}
	for _, office := range []quota.OfficeID{0, 1, quota.OfficesMax - 1} {
		for _, d := range dates {
			for _, slot := range []uint8{0, 1, quota.SlotsPerDayMax - 1, 255} {
				k := newQueueKey(office, d, slot)
				require.Equal(t, d, k.date())
				name := fmt.Sprint("office ", office, ", ", d, ", slot ", slot)
				_, dup := seen[k]
				require.False(t, dup, "%s and %s share a key", name, seen[k])
				seen[k] = name
			}
		}
	}
}

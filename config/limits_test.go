package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/config"
	"github.com/kuota/kuota/quota"
)

// offices returns a file of n small offices, one a line (office i on line
// i+2), each with the fields of fields(i) added.
func offices(n int, fields func(i int) string) string {
	var b strings.Builder
	b.WriteString(`{"holidays": "none", "offices": [` + "\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"code": "K%d", "name": "Kantor %d", "zone": "Asia/Jakarta", "pools": ["online"], `+
			`"release": {"every": "immediately"}, "first": "2026-12-01", "days": 30%s}`, i, i, fields(i))
	}
	b.WriteString("\n]}\n")
	return b.String()
}

// oneSlot gives an office one slot.
func oneSlot(int) string { return `, "slots": [{"time": "08:00-09:00", "seats": {"online": 5}}]` }

func TestLimits(t *testing.T) {
	dir := t.TempDir()
	for i := range config.HolidayFilesMax + 1 {
		data := fmt.Sprintf("date,kind,name\n%d-01-01,national,Tahun Baru\n", 2030+i)
		require.NoError(t, os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.csv", i)), []byte(data), 0o600))
	}
	slots := func(n int) string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprintf(`{"time": "%s-%s", "seats": {"online": 1}}`, quota.FormatClock(time.Duration(i)*15*time.Minute), quota.FormatClock(time.Duration(i+1)*15*time.Minute))
		}
		return `, "slots": [` + strings.Join(s, ", ") + `]`
	}
	tests := []struct {
		name string
		give string
		last string // the text of the element at fault, the last of its kind
		want string // the message after the line and column
	}{
		{"offices", offices(config.OfficesMax+1, oneSlot), `{"code"`,
			fmt.Sprintf(`offices[%d]: config: too many entries: %d offices, limit %d`, config.OfficesMax, config.OfficesMax+1, config.OfficesMax)},
		{"slots", offices(1, func(int) string { return slots(quota.SlotsPerDayMax + 1) }), `{"time"`,
			`offices[0].slots[64]: quota: bad office configuration: 65 slots, want 1..64`},
		{"closures", offices(1, func(int) string {
			c := make([]string, calendar.ClosuresMax+1)
			for i := range c {
				c[i] = fmt.Sprintf(`{"date": "%s", "reason": "r"}`, calendar.NewDate(2026, 1, 1).AddDays(i))
			}
			return oneSlot(0) + `, "closures": [` + strings.Join(c, ", ") + `]`
		}), `{"date"`,
			`offices[0].closures[4096]: calendar: too many closures: 4097, limit 4096`},
		{"holiday sources", offices(1, func(int) string {
			s := make([]string, config.HolidaySourcesMax+1)
			for i := range s {
				s[i] = fmt.Sprintf(`"%d.csv"`, i)
			}
			return oneSlot(0) + `, "holidays": [` + strings.Join(s, ", ") + `]`
		}), `"16.csv"`,
			`offices[0].holidays[16]: config: too many entries: 17 holiday sources, limit 16`},
		{"holiday files", offices(config.HolidayFilesMax+1, func(i int) string {
			return oneSlot(i) + fmt.Sprintf(`, "holidays": "%d.csv"`, i)
		}), `"64.csv"`,
			fmt.Sprintf(`offices[%d].holidays: "64.csv": config: too many entries: more than %d holiday files`, config.HolidayFilesMax, config.HolidayFilesMax)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := parseError(t, tt.give, dir)
			off := strings.LastIndex(tt.give, tt.last)
			line := strings.Count(tt.give[:off], "\n") + 1
			col := off - strings.LastIndex(tt.give[:off], "\n")
			require.Equal(t, fmt.Sprintf("kuota.json:%d:%d: %s", line, col, tt.want), err.Error())
		})
	}
}

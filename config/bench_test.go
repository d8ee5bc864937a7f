package config_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kuota/kuota/config"
	"github.com/kuota/kuota/quota"
)

// BenchmarkParse reads files of 1, 125 (Indonesia's immigration offices)
// and OfficesMax offices, each with sixteen slots of four pools.
func BenchmarkParse(b *testing.B) {
	slots := make([]string, 16)
	for i := range slots {
		slots[i] = fmt.Sprintf(`{"time": "%s-%s", "seats": {"online": 40, "walk-in": 10, "accelerated": 5, "collective": 0}}`,
			quota.FormatClock(time.Duration(8*60+30*i)*time.Minute), quota.FormatClock(time.Duration(8*60+30*i+30)*time.Minute))
	}
	fields := func(int) string {
		return `, "pools": ["online", "walk-in", "accelerated", "collective"], "slots": [` + strings.Join(slots, ", ") + `]`
	}
	for _, n := range []int{1, 125, config.OfficesMax} {
		data := []byte(strings.Replace(offices(n, fields), `"pools": ["online"], `, "", -1))
		b.Run(fmt.Sprintf("offices=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := config.Parse("kuota.json", data, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

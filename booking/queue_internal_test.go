package booking

import (
	"fmt"
	"maps"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

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

// TestCounterTableModel protects the queue counters' table: random sets,
// updates and prunes leave it answering as a map from key to last number,
// with every entry reachable from its start without an empty slot, its
// load bounded, and nothing kept that a prune dropped. The keys are few
// and of few offices, days and slots, so that probes collide and wrap.
func TestCounterTableModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var keys []queueKey
		for office := range quota.OfficeID(3) {
			for day := range 6 {
				for slot := range uint8(4) {
					keys = append(keys, newQueueKey(office, calendar.NewDate(2026, time.December, 1+day), slot))
				}
			}
		}
		var tbl counterTable
		model := map[queueKey]uint32{}
		rt.Repeat(map[string]func(*rapid.T){
			"set": func(t *rapid.T) {
				k, v := rapid.SampledFrom(keys).Draw(t, "key"), rapid.Uint32Min(1).Draw(t, "last")
				tbl.set(k, v)
				model[k] = v
			},
			"retain": func(t *rapid.T) {
				before := calendar.NewDate(2026, time.December, 1+rapid.IntRange(0, 6).Draw(t, "day"))
				keep := func(k queueKey) bool { return !k.date().Before(before) }
				tbl.retain(keep)
				maps.DeleteFunc(model, func(k queueKey, _ uint32) bool { return !keep(k) })
			},
			"": func(t *rapid.T) {
				if f := counterTableFault(&tbl); f != "" {
					t.Fatal(f)
				}
				for _, k := range keys {
					if got := tbl.get(k); got != model[k] {
						t.Fatalf("get %#x: %d, model %d", k, got, model[k])
					}
				}
			},
		})
	})
}

// counterTableFault returns what breaks t's invariants, or "".
func counterTableFault(t *counterTable) string {
	if t.slots == nil {
		if base, _ := t.pub.load(); t.n != 0 || base != 0 {
			return fmt.Sprintf("no slots but n=%d, base %#x", t.n, base)
		}
		return ""
	}
	// What prefetch reads without the lock names the slot get starts at.
	for _, k := range []queueKey{1, 0x1234_5678_9abc, 1<<63 | 77} {
		if got, want := t.startAddr(k), uintptr(unsafe.Pointer(&t.slots[t.start(k)])); got != want {
			return fmt.Sprintf("key %#x: prefetch at %#x, its probe starts at %#x", k, got, want)
		}
	}
	if len(t.slots)&(len(t.slots)-1) != 0 || len(t.slots) < 1<<counterTableMinBits {
		return fmt.Sprintf("%d slots", len(t.slots))
	}
	last, filed := len(t.slots)-1, 0
	for i, s := range t.slots {
		if s.key == 0 {
			continue
		}
		filed++
		for j := t.start(s.key); j != i; j = (j + 1) & last {
			if t.slots[j].key == 0 {
				return fmt.Sprintf("key %#x at slot %d is past empty slot %d from its start %d", s.key, i, j, t.start(s.key))
			}
		}
	}
	if filed != t.n || t.n*8 > len(t.slots)*counterTableLoad {
		return fmt.Sprintf("%d entries filed, n=%d, %d slots", filed, t.n, len(t.slots))
	}
	return ""
}

package booking

import (
	"sync"
	"testing"

	"pgregory.net/rapid"
)

// A deadline tail is a queue: what it gives back, and how many it says it
// holds, are what a slice would, across its blocks' edges — pushes and
// takes of up to three blocks at a time, emptied and filled again.
func TestDeadlineTailModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var tail deadlineTail
		var model []deadlineItem
		next := uint64(0)
		rt.Repeat(map[string]func(*rapid.T){
			"push": func(t *rapid.T) {
				for range rapid.IntRange(1, 3*deadlineBlockItems).Draw(t, "pushes") {
					next++
					it := deadlineItem{at: int64(next) * 10, seq: next}
					tail.push(it)
					model = append(model, it)
				}
			},
			"take": func(t *rapid.T) {
				k := rapid.IntRange(0, len(model)).Draw(t, "takes")
				for range k {
					if got := tail.first(); got != model[0] {
						t.Fatalf("first %v, model %v", got, model[0])
					}
					tail.take()
					model = model[1:]
				}
			},
			"": func(t *rapid.T) {
				if tail.len() != len(model) || tail.empty() != (len(model) == 0) {
					t.Fatalf("len %d, empty %v; model %d", tail.len(), tail.empty(), len(model))
				}
				if len(model) == 0 {
					return
				}
				if tail.first() != model[0] || tail.last() != model[len(model)-1] {
					t.Fatalf("first %v last %v, model %v %v", tail.first(), tail.last(), model[0], model[len(model)-1])
				}
				// Blocks go once taken: at most one beyond what the live
				// entries fill, at each end.
				if max := len(model)/deadlineBlockItems + 2; len(tail.blocks) > max {
					t.Fatalf("%d blocks for %d entries", len(tail.blocks), len(model))
				}
			},
		})
	})
}

// BenchmarkDeadlineAdd files a million holds' deadlines, as the holds of
// two cores file them: each core's in order, in its own shard.
func BenchmarkDeadlineAdd(b *testing.B) {
	const entries, filers = 1_000_000, 2
	for b.Loop() {
		x := newDeadlineIndex()
		var wg sync.WaitGroup
		for k := range filers {
			wg.Go(func() {
				for i := k; i < entries; i += filers {
					x.add(int64(i), uint64(i+1))
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*entries), "ns/entry")
}

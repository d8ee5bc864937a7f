package booking

// The deadline index is internal: these tests build it and its bookings
// directly.

import (
	"math"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The index pops exactly the due entries, whatever the order they came
// in: in order (the tail), out of order (the tree), or mixed.
func TestDeadlineIndex(t *testing.T) {
	for _, order := range []string{"ascending", "descending", "random", "nearly"} {
		t.Run(order, func(t *testing.T) {
			x := newDeadlineIndex()
			rng := rand.New(rand.NewPCG(1, 2))
			var ats []int64
			for i := range 5000 {
				at := int64(i) * 10
				switch order {
				case "descending":
					at = int64(5000-i) * 10
				case "random":
					at = rng.Int64N(50_000)
				case "nearly":
					at += rng.Int64N(30) - 15
				}
				ats = append(ats, at)
				x.addIn(uint32(i%deadlineShards), at, uint64(i+1)) // every shard, each in the given order
			}
			slices.Sort(ats)
			require.Equal(t, ats[0], x.nextAt())
			require.Equal(t, 5000, x.len())
			popped := 0
			for _, now := range []int64{-1, 100, 12_345, 25_000, 49_999, 60_000} {
				if popped < len(ats) {
					require.Equal(t, ats[popped] <= now, x.due(now), "now %d", now)
				} else {
					require.False(t, x.due(now))
				}
				f := x.pop(now, math.MaxInt)
				var got []deadlineItem
				if f != nil {
					got = f.items
				}
				want := 0
				for popped+want < len(ats) && ats[popped+want] <= now {
					want++
				}
				require.Len(t, got, want, "now %d", now)
				for _, it := range got {
					require.LessOrEqual(t, it.at, now, "popped with its instant")
				}
				// What was popped is still due until its sweep lands it.
				require.Equal(t, want > 0, x.due(now), "now %d, before landing", now)
				x.land(f)
				popped += want
				if popped < len(ats) {
					require.Equal(t, ats[popped], x.nextAt())
				} else {
					require.Equal(t, int64(math.MaxInt64), x.nextAt())
				}
			}
			require.Zero(t, x.len())
		})
	}
}

// Entries filed at once from many goroutines, each in its core's shard,
// are each popped once, with their instants, by a pop at the last.
func TestDeadlineIndexFromManyCores(t *testing.T) {
	x := newDeadlineIndex()
	const goroutines, each = 8, 2000
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				seq := uint64(g*each + i + 1)
				x.add(int64(seq)*7, seq)
			}
		})
	}
	wg.Wait()
	require.Equal(t, goroutines*each, x.len())
	f := x.pop(math.MaxInt64-1, math.MaxInt)
	require.NotNil(t, f)
	seen := make(map[uint64]bool, goroutines*each)
	for _, it := range f.items {
		require.False(t, seen[it.seq], "seq %d popped twice", it.seq)
		require.Equal(t, int64(it.seq)*7, it.at)
		seen[it.seq] = true
	}
	require.Len(t, seen, goroutines*each)
	x.land(f)
	require.Zero(t, x.len())
}

// With one P, and no collection to empty the pool, coreHint keeps
// returning the P's number: every time, but under the race detector,
// whose sync.Pool drops a quarter of what is put back, so that about
// three calls in four still return the number of the call before.
func TestCoreHintStaysWithItsP(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const calls = 1000
	same, last := 0, coreHint()
	for range calls {
		n := coreHint()
		if n == last {
			same++
		}
		last = n
	}
	require.Greater(t, same, calls/2, "%d of %d calls kept the number of the call before", same, calls)
}

// every is await's pending for a caller that waits for every entry.
func every(uint64) bool { return true }

// A flight is due until it lands, and await waits for the flights of
// others with an entry due at its instant — not for later ones, and not
// for entries the caller does not wait for.
func TestDeadlineFlights(t *testing.T) {
	x := newDeadlineIndex()
	x.add(10, 1)
	x.add(20, 2)
	a := x.pop(10, sweepChunk)
	require.Equal(t, []deadlineItem{{at: 10, seq: 1}}, a.items)
	require.True(t, x.due(10), "popped, not landed")
	require.False(t, x.due(9))
	require.True(t, x.await(9, every), "nothing in flight is due at 9")
	b := x.pop(20, sweepChunk)
	require.Equal(t, []deadlineItem{{at: 20, seq: 2}}, b.items)

	landed := make(chan bool)
	go func() { landed <- x.await(15, every) }()
	select {
	case <-landed:
		t.Fatal("await returned while a flight due at 15 was in the air")
	case <-time.After(20 * time.Millisecond):
	}
	require.True(t, x.await(15, func(seq uint64) bool { return seq != 1 }), "a holds only seq 1, which this caller does not wait for")
	x.land(a)
	require.True(t, <-landed, "a landed; b's entry is due only at 20")
	require.False(t, x.due(19))
	require.True(t, x.due(20), "b is still in flight")
	x.land(b)
	require.False(t, x.due(math.MaxInt64-1))
	require.Nil(t, x.pop(100, sweepChunk), "nothing due: no flight")
	x.land(nil)
}

// pop takes at most its limit, from the tail and from the middle of a
// bucket of the tree alike, and leaves the rest due.
func TestDeadlinePopInChunks(t *testing.T) {
	x := newDeadlineIndex()
	for i := range 5 {
		x.add(100, uint64(i+1)) // in order: the tail
	}
	for i := range 5 {
		x.add(50, uint64(i+11)) // out of order: one bucket of the tree
	}
	var got []deadlineItem
	for range 4 {
		f := x.pop(100, 3)
		require.NotNil(t, f)
		require.LessOrEqual(t, len(f.items), 3)
		got = append(got, f.items...)
		x.land(f)
	}
	require.Len(t, got, 10)
	require.Nil(t, x.pop(100, 3))
	require.Zero(t, x.len())
	seqs := map[uint64]bool{}
	for _, it := range got {
		require.False(t, seqs[it.seq], "seq %d popped twice", it.seq)
		seqs[it.seq] = true
	}
}

// await gives up after flightWaitMax on a flight that never lands.
func TestDeadlineAwaitIsBounded(t *testing.T) {
	x := newDeadlineIndex()
	x.add(10, 1)
	f := x.pop(10, sweepChunk)
	start := time.Now()
	require.False(t, x.await(10, every))
	require.GreaterOrEqual(t, time.Since(start), flightWaitMax)
	x.land(f)
	require.True(t, x.await(10, every))
}

// BenchmarkDeadlinePop pops 100,000 due holds, a chunk (sweepChunk) at a
// time, as a sweep does when an opening's holds lapse at once: filed as
// holds file them, by four goroutines at once, each under the instant it
// read from a clock they share.
func BenchmarkDeadlinePop(b *testing.B) {
	const entries, filers = 100_000, 4
	for b.Loop() {
		b.StopTimer()
		x := newDeadlineIndex()
		var clock, seq atomic.Int64
		var wg sync.WaitGroup
		for range filers {
			wg.Go(func() {
				for range entries / filers {
					x.add(clock.Add(1), uint64(seq.Add(1)))
				}
			})
		}
		wg.Wait()
		b.StartTimer()
		popped := 0
		for f := x.pop(entries, sweepChunk); f != nil; f = x.pop(entries, sweepChunk) {
			popped += len(f.items)
			x.land(f)
		}
		if popped != entries {
			b.Fatalf("popped %d of %d", popped, entries)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*entries), "ns/entry")
}

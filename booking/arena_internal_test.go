package booking

import (
	"bytes"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestArenaAllocationsNeverOverlap allocates from one arena on several
// goroutines at once, sizes from 1 byte to arenaBytesMax, so that many
// allocations meet a segment's end, two goroutines in each lane, so that
// lanes are raced for as a goroutine moving between cores would; each
// fills its bytes with a pattern of its own, and every pattern is intact
// at the end: no two allocations share a byte, none straddles two
// segments, and no ref is the zero one.
func TestArenaAllocationsNeverOverlap(t *testing.T) {
	var a arena
	type alloc struct {
		r    ref
		n    int
		fill byte
	}
	const workers, each = 4, 2000
	got := make([][]alloc, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				n := 1 + (i*7919+w*104729)%arenaBytesMax
				if i%3 == 0 {
					n = 1 + i%40 // many small ones too
				}
				r, raw := a.allocIn(uint32(w/2), n)
				require.Len(t, raw, n)
				fill := byte(w*each + i)
				for k := range raw {
					raw[k] = fill
				}
				got[w] = append(got[w], alloc{r, n, fill})
			}
		})
	}
	wg.Wait()
	for _, list := range got {
		for _, al := range list {
			require.NotZero(t, al.r)
			require.LessOrEqual(t, int(al.r&(1<<16-1))+al.n, segmentBytes, "within its segment")
			require.Equal(t, bytes.Repeat([]byte{al.fill}, al.n), a.bytes(al.r, al.n))
		}
	}
	require.Panics(t, func() { a.allocIn(0, arenaBytesMax+1) }, "beyond the named limit")
}

// TestArenaFreshRace starts eight goroutines at once on a fresh arena, many
// times over: the first allocations meet the first segment being added,
// which once handed the first bytes out twice (the segment was published
// before next was pointed at it, so next's reset came after an
// allocation). Every ref must be handed out once.
func TestArenaFreshRace(t *testing.T) {
	const rounds, workers, each = 20000, 8, 3
	for round := range rounds {
		var a arena
		var start, done sync.WaitGroup
		start.Add(1)
		refs := make([][]ref, workers)
		for w := range workers {
			done.Go(func() {
				start.Wait()
				for range each {
					r, _ := a.allocIn(uint32(w%3), 40)
					refs[w] = append(refs[w], r)
				}
			})
		}
		start.Done()
		done.Wait()
		seen := map[ref]bool{}
		for _, list := range refs {
			for _, r := range list {
				require.False(t, seen[r], "round %d: ref %#x handed out twice", round, r)
				seen[r] = true
			}
		}
	}
}

// Two cores' allocations — two lanes' — never share a cache line, nor
// with an allocation too large for a chunk, cut from the shared offset.
func TestArenaLanesKeepApart(t *testing.T) {
	require.Equal(t, uintptr(128), unsafe.Sizeof(arenaLane{}), "two lines a lane")
	var a arena
	line := func(r ref) uintptr { return uintptr(unsafe.Pointer(&a.bytes(r, 1)[0])) / 64 }
	owner := map[uintptr]int{} // line → lane, or 2 for the shared offset's
	for i := range 3000 {
		lane := uint32(i % 2)
		n, who := 8+i%200, int(lane)
		if i%101 == 0 {
			n, who = arenaChunkBytes/4+8, 2
		}
		r, _ := a.allocIn(lane, n)
		for l := line(r); l <= line(r+ref(n-1)); l++ {
			if was, ok := owner[l]; ok && was != who && (was < 2 || who < 2) {
				t.Fatalf("allocation %d (lane %d, %d bytes) shares line %#x with %d's", i, who, n, l, was)
			}
			owner[l] = who
		}
	}
}

// TestSlabPages files bookings across pages and checks what the slab
// promises: a record finds its page from its own address, get finds a
// booking only between put and remove, a reserved record keeps its page,
// and a page whose bookings have all gone goes (but the last one, where
// numbers are handed out).
func TestSlabPages(t *testing.T) {
	var sl slab
	seqs := []uint64{1, 2, pageSize - 1, pageSize, pageSize + 1, 3*pageSize + 5}
	for _, seq := range seqs {
		b := sl.reserve(seq)
		require.Same(t, &b.page().slots[slotOf(seq)], b, "booking %d finds its page", seq)
		require.Nil(t, sl.get(seq), "reserved, not filed")
		sl.put(b)
		require.Same(t, b, sl.get(seq))
	}
	require.Nil(t, sl.get(5), "never filed")
	require.Nil(t, sl.get(1<<40), "beyond every page")

	// Page 0 holds 1, 2 and pageSize-1; a reservation keeps it too.
	pending := sl.reserve(7)
	sl.remove(1)
	sl.remove(2)
	sl.remove(pageSize - 1)
	require.Nil(t, sl.get(1))
	require.NotNil(t, (*sl.dir.Load())[0], "a booking being made keeps its page")
	sl.unreserve(pending)
	require.Nil(t, (*sl.dir.Load())[0], "the page goes with its last booking")
	sl.remove(3*pageSize + 5)
	require.NotNil(t, (*sl.dir.Load())[3], "the last page stays")
	sl.remove(3*pageSize + 5)
	require.Same(t, sl.get(pageSize), &(*sl.dir.Load())[1].slots[0], "the others stay")
}

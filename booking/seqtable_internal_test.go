package booking

import (
	"fmt"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// seqHashes are the hashes the model test files its keys under. They are
// few, so that keys share them, and chosen to collide: tags that are equal
// or differ only below the tag, one start under different tags, and starts
// at the last slot of every table size, so that runs wrap to slot 0.
var seqHashes = []uint64{
	0, 1, 1 << 35, 1 << valBits, // start 0: one tag, then another
	1 << 63, 1<<63 | 1, 1<<63 | 1<<valBits, ^uint64(0) >> 1, // mid-table
	^uint64(0), ^uint64(0) - 1, ^uint64(0) >> valBits << valBits, 0xF << 60, // last slot
}

// seqTableFault returns what breaks t's invariants, or "": its shape, its
// count, its load, and that each entry lies in the run from its start, so
// that a probe reaches it without meeting an empty slot.
func seqTableFault(t *seqTable) string {
	if t.slots == nil {
		if base, k := t.pub.load(); t.n != 0 || t.shift != 0 || base != 0 || k != 0 {
			return fmt.Sprintf("no slots but n=%d shift=%d base=%#x k=%d", t.n, t.shift, base, k)
		}
		return ""
	}
	if len(t.slots) != 1<<(64-t.shift) {
		return fmt.Sprintf("%d slots under shift %d", len(t.slots), t.shift)
	}
	if base, k := t.pub.load(); base != uintptr(unsafe.Pointer(&t.slots[0])) || 1<<k != len(t.slots) {
		return fmt.Sprintf("published base %#x and k %d for %d slots at %p", base, k, len(t.slots), &t.slots[0])
	}
	last, filed := len(t.slots)-1, 0
	for i, e := range t.slots {
		if e == 0 {
			continue
		}
		filed++
		for j := t.start(e); j != i; j = (j + 1) & last {
			if t.slots[j] == 0 {
				return fmt.Sprintf("entry %#x at slot %d is past empty slot %d from its start %d", e, i, j, t.start(e))
			}
		}
	}
	if filed != t.n || t.n*8 > len(t.slots)*seqTableLoad {
		return fmt.Sprintf("%d entries filed, n=%d, %d slots", filed, t.n, len(t.slots))
	}
	return ""
}

// TestSeqTableModel protects the table's whole contract: random sets,
// replacements, removals and reservations, under hashes that collide often,
// leave it answering as a map from key to booking number, with its
// invariants whole and match asked only about entries of the hash's tag.
func TestSeqTableModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		const keys = 48 // enough for a table of 64 slots
		hashOf := rapid.SliceOfN(rapid.SampledFrom(seqHashes), keys, keys).Draw(rt, "hashes")
		var tbl seqTable
		seqOf, keyOf := map[int]uint64{}, map[uint64]int{}
		match := func(t *rapid.T, key int) func(uint64) bool {
			return func(s uint64) bool {
				k, ok := keyOf[s]
				if !ok || hashOf[k]>>valBits != hashOf[key]>>valBits {
					t.Fatalf("match for key %d asked about seq %d (key %d, filed %v)", key, s, k, ok)
				}
				return k == key
			}
		}
		seqs := rapid.OneOf(rapid.Uint64Range(1, 100), rapid.Uint64Range(valMask-100, valMask))
		rt.Repeat(map[string]func(*rapid.T){
			"set": func(t *rapid.T) {
				key, seq := rapid.IntRange(0, keys-1).Draw(t, "key"), seqs.Draw(t, "seq")
				if _, used := keyOf[seq]; used {
					t.Skip("seq in use")
				}
				before := len(tbl.slots)
				if was := tbl.set(hashOf[key], seq, match(t, key)); was != seqOf[key] {
					t.Fatalf("set key %d replaced %d, model %d", key, was, seqOf[key])
				}
				delete(keyOf, seqOf[key])
				seqOf[key], keyOf[seq] = seq, key
				if after := len(tbl.slots); after != before && (after != max(2*before, 16) || tbl.n*8 <= before*seqTableLoad) {
					t.Fatalf("%d entries grew %d slots to %d", tbl.n, before, after)
				}
			},
			"remove": func(t *rapid.T) {
				key := rapid.IntRange(0, keys-1).Draw(t, "key")
				tbl.remove(hashOf[key], match(t, key))
				if seq, ok := seqOf[key]; ok {
					delete(seqOf, key)
					delete(keyOf, seq)
					if len(seqOf) == 0 && tbl.slots != nil {
						t.Fatalf("emptied table keeps %d slots", len(tbl.slots))
					}
				}
			},
			"reserve": func(t *rapid.T) {
				n := rapid.IntRange(0, keys).Draw(t, "n")
				tbl.reserve(n)
				if n*8 > len(tbl.slots)*seqTableLoad {
					t.Fatalf("reserved %d entries in %d slots", n, len(tbl.slots))
				}
			},
			"": func(t *rapid.T) {
				if f := seqTableFault(&tbl); f != "" {
					t.Fatal(f)
				}
				if tbl.len() != len(seqOf) {
					t.Fatalf("len %d, model %d", tbl.len(), len(seqOf))
				}
				for key := range keys {
					got, i := tbl.get(hashOf[key], match(t, key))
					want, filed := seqOf[key]
					if got != want || filed != (i >= 0) || (filed && tbl.slots[i]&valMask != want) {
						t.Fatalf("get key %d (hash %#x): %d at slot %d, model %d", key, hashOf[key], got, i, want)
					}
				}
			},
		})
	})
}

// spread returns distinct hashes whose starts scatter over the table.
func spread(i int) uint64 { return uint64(i) * 0x9E3779B97F4A7C15 }

// TestSeqTableGrowth protects growing: filing 1000 entries into the zero
// table doubles it from 16 slots whenever the load would pass
// seqTableLoad/8, and each doubling keeps every entry findable.
func TestSeqTableGrowth(t *testing.T) {
	var tbl seqTable
	wantSlots := 16
	for n := 1; n <= 1000; n++ {
		tbl.set(spread(n), uint64(n), func(s uint64) bool { return s == uint64(n) })
		if n*8 > wantSlots*seqTableLoad {
			wantSlots *= 2
			for m := 1; m <= n; m++ {
				got, _ := tbl.get(spread(m), func(s uint64) bool { return s == uint64(m) })
				require.Equal(t, uint64(m), got, "entry %d after growing to %d slots", m, wantSlots)
			}
		}
		require.Len(t, tbl.slots, wantSlots, "after %d entries", n)
		require.Empty(t, seqTableFault(&tbl))
	}
	require.Equal(t, 1000, tbl.len())
}

// TestSeqTableEmptied protects archiving's giving back: removing every entry,
// in an order unlike filing's, leaves the zero table, which finds nothing
// and files again.
func TestSeqTableEmptied(t *testing.T) {
	const n = 100
	var tbl seqTable
	for i := 1; i <= n; i++ {
		tbl.set(spread(i), uint64(i), func(s uint64) bool { return s == uint64(i) })
	}
	for k := range n {
		i := 1 + k*37%n // 37 is prime to n: each entry once
		tbl.remove(spread(i), func(s uint64) bool { return s == uint64(i) })
		got, slot := tbl.get(spread(i), func(uint64) bool { return true })
		require.Equal(t, []any{uint64(0), -1}, []any{got, slot}, "entry %d removed", i)
		require.Empty(t, seqTableFault(&tbl))
	}
	requireZeroTable(t, &tbl)
	tbl.set(spread(1), 1, func(uint64) bool { return false })
	require.Equal(t, 1, tbl.len())
}

// TestSeqTableZero protects the zero table: get finds nothing and remove
// does nothing, both without asking match or touching the missing slots.
func TestSeqTableZero(t *testing.T) {
	var tbl seqTable
	never := func(uint64) bool { t.Fatal("match asked on the zero table"); return true }
	for _, h := range []uint64{0, 1 << 63, ^uint64(0)} {
		got, slot := tbl.get(h, never)
		require.Equal(t, []any{uint64(0), -1}, []any{got, slot})
		tbl.remove(h, never)
	}
	requireZeroTable(t, &tbl)
}

// requireZeroTable fails unless tbl is as the zero table is: no slots,
// nothing filed, nothing published for prefetch.
func requireZeroTable(t *testing.T, tbl *seqTable) {
	t.Helper()
	require.Nil(t, tbl.slots)
	base, k := tbl.pub.load()
	require.Equal(t, []any{0, uint8(0), uintptr(0), uint32(0)}, []any{tbl.n, tbl.shift, base, k})
}

// TestSeqTableWrap protects the table's end: in a table of 16 slots, an
// entry whose start is slot 15 spills to slot 0 and is found there, and a
// removal before the wrapped run shifts back across the end exactly the
// entries whose start allows it.
func TestSeqTableWrap(t *testing.T) {
	tests := []struct {
		name   string
		starts []int          // the start of seq i+1, filed in order
		placed map[int]uint64 // slot to seq, after filing
		remove uint64
		want   map[int]uint64 // slot to seq, after removing
	}{
		{"run shifts back over the end", []int{14, 14, 14, 15, 0},
			map[int]uint64{14: 1, 15: 2, 0: 3, 1: 4, 2: 5}, 2, map[int]uint64{14: 1, 15: 3, 0: 4, 1: 5}},
		{"run head removed", []int{14, 14, 14, 15, 0},
			map[int]uint64{14: 1, 15: 2, 0: 3, 1: 4, 2: 5}, 1, map[int]uint64{14: 2, 15: 3, 0: 4, 1: 5}},
		{"entries at home stay", []int{14, 15, 0},
			map[int]uint64{14: 1, 15: 2, 0: 3}, 1, map[int]uint64{15: 2, 0: 3}},
		{"later entry shifts past one at home", []int{15, 0, 15},
			map[int]uint64{15: 1, 0: 2, 1: 3}, 1, map[int]uint64{15: 3, 0: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tbl seqTable
			hash := func(seq uint64) uint64 { return uint64(tt.starts[seq-1])<<60 | seq<<valBits }
			is := func(seq uint64) func(uint64) bool { return func(s uint64) bool { return s == seq } }
			layout := func() map[int]uint64 {
				m := map[int]uint64{}
				for i, e := range tbl.slots {
					if e != 0 {
						m[i] = e & valMask
						require.Equal(t, hash(e&valMask)>>valBits, e>>valBits, "tag of slot %d", i)
					}
				}
				return m
			}
			for i := range tt.starts {
				tbl.set(hash(uint64(i+1)), uint64(i+1), is(uint64(i+1)))
			}
			require.Len(t, tbl.slots, 16)
			require.Equal(t, tt.placed, layout())
			for slot, seq := range tt.placed {
				got, i := tbl.get(hash(seq), is(seq))
				require.Equal(t, []any{seq, slot}, []any{got, i})
			}
			tbl.remove(hash(tt.remove), is(tt.remove))
			require.Equal(t, tt.want, layout())
			require.Empty(t, seqTableFault(&tbl))
		})
	}
}

// TestSeqIndexSplits protects the split: an index filed past
// seqIndexSplitAt moves its entries into parts chosen by the hash's top
// bits, each table starting below them, and every key is found before and
// after, through removals and replacements, with each part's invariants
// whole and its entries spread over its slots (not crowded into the
// sixty-fourth that shares the part's bits); one reserved beyond the split
// is split from the start.
func TestSeqIndexSplits(t *testing.T) {
	const n = 3 * seqIndexSplitAt
	hashes := make([]uint64, n+1) // by value; 0 unused
	h := uint64(0x9E3779B97F4A7C15)
	for v := 1; v <= n; v++ {
		h = h*6364136223846793005 + 1442695040888963407
		hashes[v] = h
	}
	is := func(want uint64) func(uint64) bool { return func(v uint64) bool { return v == want } }
	var x seqIndex
	check := func(step string, filed func(v int) bool) {
		t.Helper()
		count := 0
		for v := 1; v <= n; v++ {
			want := uint64(0)
			if filed(v) {
				want, count = uint64(v), count+1
			}
			require.Equal(t, want, x.get(hashes[v], is(uint64(v))), "%s: value %d", step, v)
		}
		require.Equal(t, count, x.len(), step)
		tables := []*seqTable{&x.whole}
		if parts := x.parts.Load(); parts != nil {
			for i := range parts {
				tables = append(tables, &parts[i])
			}
		}
		for i, tb := range tables {
			require.Empty(t, seqTableFault(tb), "%s: table %d", step, i)
		}
	}
	for v := 1; v <= n; v++ {
		require.Zero(t, x.set(hashes[v], uint64(v), is(uint64(v))))
		if v == seqIndexSplitAt {
			require.Nil(t, x.parts.Load(), "not split at %d entries", v)
			check("whole", func(w int) bool { return w <= v })
		}
	}
	parts := x.parts.Load()
	require.NotNil(t, parts)
	check("split", func(int) bool { return true })
	for i := range parts {
		p := &parts[i]
		require.Equal(t, uint8(seqIndexPartBits), p.skip)
		// Random hashes fill a part's slots evenly: its upper half holds
		// about half of its entries.
		upper := 0
		for _, e := range p.slots[len(p.slots)/2:] {
			if e != 0 {
				upper++
			}
		}
		require.InDelta(t, p.n/2, upper, float64(p.n)/4+4, "part %d: %d of %d entries in the upper half", i, upper, p.n)
	}
	for v := 1; v <= n; v += 2 {
		x.remove(hashes[v], is(uint64(v)))
	}
	check("odd values removed", func(v int) bool { return v%2 == 0 })

	var r seqIndex
	r.reserve(2 * seqIndexSplitAt)
	rparts := r.parts.Load()
	require.NotNil(t, rparts, "reserved beyond the split")
	for i := range rparts {
		require.GreaterOrEqual(t, len(rparts[i].slots)*seqTableLoad, 8*(2*seqIndexSplitAt/seqIndexParts+1))
	}
}

// TestSeqIndexPrefetch protects prefetch's address: for hashes spread
// over an index, whole and then split, it is the slot where get's probe
// starts. And prefetching without the lock while another goroutine files
// entries under it, growing and splitting the tables, is no race (run
// with -race, as .ci/run does).
func TestSeqIndexPrefetch(t *testing.T) {
	var x seqIndex
	var mu sync.Mutex
	checkAt := func(step string) {
		mu.Lock()
		defer mu.Unlock()
		for i := range 500 {
			h := spread(i) ^ uint64(i)<<60
			tb := x.part(h)
			if tb.slots == nil {
				require.Zero(t, tb.startAddr(h), "%s: hash %#x of a table without slots", step, h)
				continue
			}
			require.Equal(t, uintptr(unsafe.Pointer(&tb.slots[tb.start(h)])), tb.startAddr(h), "%s: hash %#x", step, h)
		}
	}
	checkAt("empty")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 3 * seqIndexSplitAt {
			mu.Lock()
			x.set(spread(i+1), uint64(i+1), func(v uint64) bool { return v == uint64(i+1) })
			mu.Unlock()
		}
	}()
	for i := 0; ; i++ {
		select {
		case <-done:
			checkAt("split")
			require.NotNil(t, x.parts.Load())
			return
		default:
			x.prefetch(spread(i))
		}
	}
}

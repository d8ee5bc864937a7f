package booking

import (
	"math/bits"
	"unsafe"

	"github.com/kuota/kuota/internal/prefetch"
)

// counterTable is one queue shard's counters: each slot of a day's last
// number, under its queueKey, in an open-addressed, linearly probed table
// of 2^k (key, number) pairs. A payment finds its counter in one probe of
// one array, where a Go map of the same took a chain of dependent loads —
// its directory, its table, its group's control word and slot — each a
// cache miss at a rush whose bookings fill the caches: the map's lookup
// was 5.5% of the CPU of a hold and its payment (bench/README.md).
//
// A key is never 0 (queueDayBias sets one of its bits), so 0 marks a free
// slot. Entries are only added and updated; prune keeps some and rebuilds
// the table (retain), once an hour at most, so no deletion is needed.
type counterTable struct {
	slots []counterSlot
	n     int            // entries filed
	pub   publishedSlots // slots, for prefetch; written with them (setSlots)
}

type counterSlot struct {
	key  queueKey // 0 when free
	last uint32
}

const (
	counterTableMinBits = 4 // 16 slots, a table's first size
	// counterTableLoad bounds the share of slots in use, in eighths.
	counterTableLoad = 6
)

// start returns the slot a probe for k begins at: the bits of k's mix
// below the top queueShardBits, which chose the shard.
func (t *counterTable) start(k queueKey) int {
	return int(queueMix(k)<<queueShardBits>>32) & (len(t.slots) - 1)
}

// get returns k's last number, 0 when it has none.
func (t *counterTable) get(k queueKey) uint32 {
	if t.n == 0 {
		return 0
	}
	last := len(t.slots) - 1
	for i := t.start(k); ; i = (i + 1) & last {
		switch t.slots[i].key {
		case k:
			return t.slots[i].last
		case 0:
			return 0
		}
	}
}

// set makes v k's last number.
func (t *counterTable) set(k queueKey, v uint32) {
	if (t.n+1)*8 > len(t.slots)*counterTableLoad {
		t.rehash(max(counterTableMinBits, bits.Len(uint(len(t.slots))))) // double
	}
	last := len(t.slots) - 1
	i := t.start(k)
	for t.slots[i].key != 0 && t.slots[i].key != k {
		i = (i + 1) & last
	}
	if t.slots[i].key == 0 {
		t.n++
	}
	t.slots[i] = counterSlot{key: k, last: v}
}

// retain keeps the entries whose keys keep accepts, in a table sized for
// them.
func (t *counterTable) retain(keep func(queueKey) bool) {
	old := t.slots
	kept := 0
	for _, s := range old {
		if s.key != 0 && keep(s.key) {
			kept++
		}
	}
	t.setSlots(nil)
	t.n = 0
	if kept == 0 {
		return
	}
	k := counterTableMinBits
	for kept*8 > (1<<k)*counterTableLoad {
		k++
	}
	t.setSlots(make([]counterSlot, 1<<k))
	for _, s := range old {
		if s.key != 0 && keep(s.key) {
			t.place(s)
		}
	}
	t.n = kept
}

// rehash makes the table 2^k slots and files every entry again.
func (t *counterTable) rehash(k int) {
	old := t.slots
	t.setSlots(make([]counterSlot, 1<<k))
	clear(t.slots) // written before read: see seqTable.rehash
	for _, s := range old {
		if s.key != 0 {
			t.place(s)
		}
	}
}

// place puts s, whose key is not in the table, in the first free slot of
// its probe; there is one.
func (t *counterTable) place(s counterSlot) {
	last := len(t.slots) - 1
	i := t.start(s.key)
	for t.slots[i].key != 0 {
		i = (i + 1) & last
	}
	t.slots[i] = s
}

// setSlots makes slots the table's (nil for none) and publishes them for
// prefetch. It leaves n to the caller.
func (t *counterTable) setSlots(slots []counterSlot) {
	t.slots = slots
	t.pub.publish(unsafe.Pointer(unsafe.SliceData(slots)), len(slots))
}

// prefetch asks the CPU for the slot a probe for k starts at, without the
// shard's lock, as seqTable.prefetch does for the indexes (see
// publishedSlots).
func (t *counterTable) prefetch(k queueKey) {
	if addr := t.startAddr(k); addr != 0 {
		prefetch.Line(addr)
	}
}

// startAddr returns the address of the slot a probe for k starts at, as
// the table publishes its slots (without the lock: see prefetch); 0 when
// it has none.
func (t *counterTable) startAddr(k queueKey) uintptr {
	base, bits := t.pub.load()
	if base == 0 {
		return 0
	}
	i := int(queueMix(k)<<queueShardBits>>32) & (1<<bits - 1) // start, from bits rather than len
	return base + uintptr(i)*unsafe.Sizeof(counterSlot{})
}

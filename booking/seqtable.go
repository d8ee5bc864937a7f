package booking

import (
	"math/bits"
	"sync/atomic"
	"unsafe"

	"github.com/kuota/kuota/internal/prefetch"
)

// seqTable files booking numbers under 64-bit hashes, eight bytes an
// entry: the engine's indexes of accounts, idempotency keys and NIKs, which
// at a rush hold millions of entries each. A Go map of the same (a 16-byte
// key and value) cost about 37 bytes an entry; this table costs 8 over its
// load, 11 to 21.
//
// An entry keeps a value of valBits — a booking number, or one with the
// place of a NIK among its booking's applicants (nikIndex) — and the top
// tagBits of the hash, not the key: the caller tells its own entry from
// others with the same tag by what the value names (match), as it would
// check any hash's answer. So the value must name one key only, and keys
// whose hashes are equal need no spill of their own: they are entries
// with the same tag, each found by its value.
//
// The table is open-addressed, linearly probed, with 2^k slots, and a hash
// starts at its top k bits after the top skip (which chose the table, in
// a seqIndex): an entry's start is the same bits of its tag, so growing
// and deleting (a backward shift, with no tombstones) need only the
// entries. Its limits: a value below 2^valBits and not 0 (an empty slot),
// and 2^(tagBits − skip) slots.
//
// Growing rehashes the whole table under the caller's lock, about 2 ms for
// 50,000 entries: the engine's indexes are seqIndexes, which keep each of
// their tables small.
type seqTable struct {
	slots []uint64 // 0 when free; else tag<<valBits | value
	n     int      // entries filed
	shift uint8    // 64 − k, where len(slots) = 2^k
	// skip is the top bits of the hash that chose the table (seqIndex):
	// set before the table is shared, never changed, as prefetch reads
	// it without the lock.
	skip uint8
	pub  publishedSlots // slots, for prefetch; written with them (setSlots)
}

const (
	valBits = 39 // a booking number, with a NIK's place beside it in the NIK index (nikPlaceBits)
	tagBits = 64 - valBits
	valMask = 1<<valBits - 1

	seqTableMinBits = 4 // 16 slots, the first table's
	// seqTableLoad bounds the share of slots in use, in eighths: beyond
	// three quarters, a linear probe's run grows long.
	seqTableLoad = 6
)

// Every booking number fits a value with a NIK's place beside it.
var _ = [1]struct{}{}[bookingNumbersMax<<nikPlaceBits>>valBits]

// start returns the slot a probe for x (a hash, or an entry) begins at.
func (t *seqTable) start(x uint64) int { return int(x << t.skip >> t.shift) }

// get returns the value filed under h that match accepts (match is asked
// about each entry with h's tag, in probe order) and its slot; 0 and -1
// when none is.
func (t *seqTable) get(h uint64, match func(v uint64) bool) (uint64, int) {
	if t.n == 0 {
		return 0, -1
	}
	tag, last := h>>valBits, len(t.slots)-1
	for i := t.start(h); ; i = (i + 1) & last {
		e := t.slots[i]
		if e == 0 {
			return 0, -1
		}
		if e>>valBits == tag && match(e&valMask) {
			return e & valMask, i
		}
	}
}

// set files v under h, in place of the entry match accepts, or as a new
// one, and returns the value it replaced (0 for none).
func (t *seqTable) set(h, v uint64, match func(v uint64) bool) (was uint64) {
	if was, i := t.get(h, match); i >= 0 {
		t.slots[i] = h>>valBits<<valBits | v
		return was
	}
	t.add(h>>valBits<<valBits | v)
	return 0
}

// add files entry e, which is not in the table, growing it first when its
// load would pass seqTableLoad.
func (t *seqTable) add(e uint64) {
	if (t.n+1)*8 > len(t.slots)*seqTableLoad {
		t.grow()
	}
	t.place(e)
	t.n++
}

// remove takes out the entry match accepts under h, if any.
func (t *seqTable) remove(h uint64, match func(v uint64) bool) {
	_, i := t.get(h, match)
	if i < 0 {
		return
	}
	// Shift back each entry of the run after i that may sit in i: one
	// whose start is not cyclically within (i, j].
	last := len(t.slots) - 1
	for j := (i + 1) & last; t.slots[j] != 0; j = (j + 1) & last {
		s := t.start(t.slots[j])
		if (j-s)&last >= (j-i)&last {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i] = 0
	t.n--
	if t.n == 0 {
		t.setSlots(nil) // a shard emptied by archiving gives its slots back
	}
}

// setSlots makes slots the table's, empty and of 2^k slots (or nil), and
// publishes them for prefetch. It leaves n to the caller.
func (t *seqTable) setSlots(slots []uint64) {
	t.slots, t.shift = slots, 0
	if len(slots) > 0 {
		t.shift = uint8(64 - bits.TrailingZeros(uint(len(slots))))
	}
	t.pub.publish(unsafe.Pointer(unsafe.SliceData(slots)), len(slots))
}

// prefetch asks the CPU for the slot a probe for h starts at, without the
// caller's lock: a hold asks for its account's and its NIKs' slots before
// it looks at the seats, so that the three cache misses overlap rather
// than follow each other (bench/README.md; see publishedSlots).
func (t *seqTable) prefetch(h uint64) {
	if addr := t.startAddr(h); addr != 0 {
		prefetch.Line(addr)
	}
}

// startAddr returns the address of the slot a probe for h starts at, as
// the table publishes its slots (without the lock: see prefetch); 0 when
// it has none.
func (t *seqTable) startAddr(h uint64) uintptr {
	base, k := t.pub.load()
	if base == 0 || k == 0 {
		return 0
	}
	i := h << t.skip >> (64 - k) // start, from k rather than shift
	return base + uintptr(i)*8
}

// publishedSlots publishes a table's slots — their address, and log2 of
// their number, a power of two — for prefetches made without the lock
// that guards the table (seqTable, counterTable), in one word: the
// address of slots of 128 bytes or more, a power of two, is a multiple of
// 64 (the allocator's size classes), so its low six bits hold the log.
// One word is never torn; it may be stale, naming slots a rehash has
// since replaced, which costs a wasted prefetch and never faults
// (package prefetch). Slots at another address are not published, and
// their table is not prefetched (TestSeqIndexPrefetch would fail).
type publishedSlots struct {
	w atomic.Uintptr
}

// publish makes the n slots at first (nil and 0: none) the published ones.
func (p *publishedSlots) publish(first unsafe.Pointer, n int) {
	base := uintptr(first)
	if n == 0 || base&63 != 0 {
		p.w.Store(0)
		return
	}
	p.w.Store(base | uintptr(bits.TrailingZeros(uint(n))))
}

// load returns the published slots' address, 0 for none, and log2 of
// their number.
func (p *publishedSlots) load() (base uintptr, k uint32) {
	w := p.w.Load()
	return w &^ 63, uint32(w & 63)
}

// place puts entry e in the first free slot of its probe; there is one.
func (t *seqTable) place(e uint64) {
	last := len(t.slots) - 1
	i := t.start(e)
	for t.slots[i] != 0 {
		i = (i + 1) & last
	}
	t.slots[i] = e
}

// reserve gives the table room for n entries, so that filing them does
// not grow it step by step.
func (t *seqTable) reserve(n int) {
	k := seqTableMinBits
	for n*8 > (1<<k)*seqTableLoad {
		k++
	}
	if 1<<k > len(t.slots) {
		t.rehash(k)
	}
}

// grow doubles the table, or makes its first.
func (t *seqTable) grow() {
	k := seqTableMinBits
	if len(t.slots) > 0 {
		k = bits.Len(uint(len(t.slots))) // one more than log2
	}
	t.rehash(k)
}

// rehash makes the table 2^k slots, and files every entry again.
func (t *seqTable) rehash(k int) {
	if k > tagBits-int(t.skip) {
		// Unreachable: the largest index, the NIKs', holds at most
		// ApplicantsMax × BookingsMaxLimit entries, 500 million, over
		// shardCount shards by a seeded hash, about 8 million a shard;
		// a shard's seqIndex holds 25 million (its parts' 2^(tagBits −
		// seqIndexPartBits) slots each, at the load).
		panic("booking: seqTable beyond 2^tagBits slots")
	}
	old := t.slots
	t.setSlots(make([]uint64, 1<<k))
	// Write every slot before place reads any. A new table's pages may be
	// new to the process too, and a read of such a page maps the kernel's
	// zero page, which the first write then copies, flushing every CPU's
	// TLB: in a new engine's rush, 9% of the CPU to the sell-out went
	// there (bench/README.md). Written first, a page is only allocated.
	// The make has zeroed the slots already; this writes them.
	clear(t.slots)
	for _, e := range old {
		if e != 0 {
			t.place(e)
		}
	}
}

// len returns the number of entries.
func (t *seqTable) len() int { return t.n }

// seqIndex is a seqTable that splits seqIndexParts ways by the hash's
// top bits once it holds seqIndexSplitAt entries, so that growing
// rehashes one part: a shard's tables grow while its callers wait on its
// lock, and one table of 50,000 entries took 2 ms to rehash, which put the
// national rush's p99 hold at 2 ms. Split, a rush of a million applicants
// rehashes a few thousand entries at most. Unsplit until then, because
// the engine has 64 shards of each index and an engine of a few thousand
// bookings would otherwise pay for 4,096 small tables in each.
type seqIndex struct {
	whole seqTable // every entry, until parts is made
	// parts are the tables by the hash's top seqIndexPartBits, from
	// seqIndexSplitAt entries on: written once, under the caller's lock,
	// and read by prefetch without it.
	parts atomic.Pointer[[seqIndexParts]seqTable]
}

const (
	seqIndexPartBits = 6
	seqIndexParts    = 1 << seqIndexPartBits
	// seqIndexSplitAt is the entries at which an index splits: its
	// table then takes about 20 µs to rehash.
	seqIndexSplitAt = 1024
)

// part returns the table of hash h.
func (x *seqIndex) part(h uint64) *seqTable {
	parts := x.parts.Load()
	if parts == nil {
		return &x.whole
	}
	return &parts[h>>(64-seqIndexPartBits)]
}

// get returns the value filed under h that match accepts; see seqTable.get.
func (x *seqIndex) get(h uint64, match func(v uint64) bool) uint64 {
	v, _ := x.part(h).get(h, match)
	return v
}

// set files v under h; see seqTable.set.
func (x *seqIndex) set(h, v uint64, match func(v uint64) bool) (was uint64) {
	if x.whole.n >= seqIndexSplitAt && x.parts.Load() == nil {
		x.split()
	}
	return x.part(h).set(h, v, match)
}

// remove takes out the entry match accepts under h, if any.
func (x *seqIndex) remove(h uint64, match func(v uint64) bool) { x.part(h).remove(h, match) }

// prefetch asks the CPU for the slot a probe for h starts at, without the
// caller's lock (see seqTable.prefetch), once the index has split: before,
// it holds under seqIndexSplitAt entries, and the engine's 64 such
// indexes together less than a megabyte, which the caches keep.
func (x *seqIndex) prefetch(h uint64) {
	if parts := x.parts.Load(); parts != nil {
		parts[h>>(64-seqIndexPartBits)].prefetch(h)
	}
}

// split files the whole table's entries in parts, each starting below the
// top bits that chose it.
func (x *seqIndex) split() {
	parts := new([seqIndexParts]seqTable)
	for i := range parts {
		parts[i].skip = seqIndexPartBits
	}
	for _, e := range x.whole.slots {
		if e != 0 {
			parts[e>>(64-seqIndexPartBits)].add(e) // an entry's tag is its hash's top bits
		}
	}
	x.parts.Store(parts)
	x.whole.setSlots(nil)
	x.whole.n = 0
}

// reserve gives the index room for n entries spread by their hashes.
func (x *seqIndex) reserve(n int) {
	if x.parts.Load() == nil && n < seqIndexSplitAt {
		x.whole.reserve(n)
		return
	}
	if x.parts.Load() == nil {
		x.split()
	}
	parts := x.parts.Load()
	for i := range parts {
		parts[i].reserve(n/seqIndexParts + 1)
	}
}

// len returns the number of entries.
func (x *seqIndex) len() int {
	parts := x.parts.Load()
	if parts == nil {
		return x.whole.len()
	}
	n := 0
	for i := range parts {
		n += parts[i].len()
	}
	return n
}

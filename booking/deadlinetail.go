package booking

import "unsafe"

// deadlineTail is a queue of deadline entries in pop's order, the
// in-order part of a deadline shard (deadlineShard): appended at the
// back, taken from the front. It keeps its entries in blocks of a fixed
// size rather than one slice, so that it never copies what it holds: a
// slice grown by append copied the whole tail at each doubling, under the
// shard's lock — a hold that happened to double 500,000 entries waited
// for 8 MiB to be copied, and the copies, with the page faults of the
// fresh arrays, were 2% of Hold+Pay (bench/README.md). A block taken to
// its end is let go at once, so the tail's memory follows its live
// entries.
type deadlineTail struct {
	blocks []*deadlineBlock // blocks[0][head:] … the last block's [:n] are live
	head   int32            // the first live entry of blocks[0]
	n      int32            // the entries written in the last block
}

// deadlineBlockItems sizes a block at 16 KiB (1,024 entries): large
// enough that a block is allocated once every thousand holds of a core,
// small enough that what an emptied shard keeps — its last block — is
// little (768 KiB at most for an engine's three indexes of 16 shards).
const deadlineBlockItems = 1024

type deadlineBlock [deadlineBlockItems]deadlineItem

// len returns the number of live entries.
func (t *deadlineTail) len() int {
	if len(t.blocks) == 0 {
		return 0
	}
	return (len(t.blocks)-1)*deadlineBlockItems + int(t.n) - int(t.head)
}

// empty reports whether the tail has no live entry: take empties a last
// block to 0 and 0.
func (t *deadlineTail) empty() bool {
	return len(t.blocks) == 0 || len(t.blocks) == 1 && t.head == t.n
}

// first returns the front entry; the tail may not be empty.
func (t *deadlineTail) first() deadlineItem { return t.blocks[0][t.head] }

// last returns the back entry; the tail may not be empty.
func (t *deadlineTail) last() deadlineItem { return t.blocks[len(t.blocks)-1][t.n-1] }

// push appends it at the back.
func (t *deadlineTail) push(it deadlineItem) {
	if len(t.blocks) == 0 || t.n == deadlineBlockItems {
		blk := new(deadlineBlock)
		writeFirst(unsafe.Pointer(blk))
		t.blocks, t.n = append(t.blocks, blk), 0
	}
	t.blocks[len(t.blocks)-1][t.n] = it
	t.n++
}

// take removes the front entry; the tail may not be empty. The front
// block goes once its last entry is taken; the last block stays, emptied,
// for the next push.
func (t *deadlineTail) take() {
	t.head++
	switch {
	case len(t.blocks) == 1 && t.head == t.n:
		t.head, t.n = 0, 0
	case t.head == deadlineBlockItems:
		t.blocks[0] = nil // for the collector
		t.blocks, t.head = t.blocks[1:], 0
	}
}

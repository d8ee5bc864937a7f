package booking

import (
	"sync"
	"sync/atomic"
)

// coreHints hands each P — each core running Go code — a number it keeps
// while the collector lets it: a sync.Pool keeps an object for each P,
// and a Get on a P returns the one last Put back there. A structure whose
// writes are spread by this number rather than by what is written is
// written on each part by one core, mostly, so its cache lines stay in
// that core's cache instead of crossing to the other's at every write.
// The deadline index took 10% of two cores' time at Hold+Pay with its
// shards chosen by instant, mostly in moving its locks' lines between
// them (bench/README.md).
//
// A hint is only a hint: after a collection, or when a goroutine moves
// to another P between Get and Put, two cores may share a number for a
// while, which costs speed, never correctness.
var coreHints = sync.Pool{New: func() any {
	return &coreHintNumbers[coreHintNext.Add(1)%uint32(len(coreHintNumbers))]
}}

// coreHintNext numbers the hints coreHints makes.
var coreHintNext atomic.Uint32

// coreHintNumbers are the numbers coreHints hands out, by pointer, so that
// making a hint allocates nothing: a pool may drop what is put back (the
// race detector's drops a quarter of it), and Hold would then allocate.
var coreHintNumbers = func() (n [256]uint32) {
	for i := range n {
		n[i] = uint32(i)
	}
	return n
}()

// coreHint returns the calling P's number (see coreHints).
func coreHint() uint32 {
	h := coreHints.Get().(*uint32)
	n := *h
	coreHints.Put(h)
	return n
}

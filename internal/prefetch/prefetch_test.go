package prefetch

import (
	"runtime"
	"testing"
	"unsafe"
)

// TestLineNeverFaults prefetches addresses a caller reading without a
// lock may compute — a live slot, nil, an unmapped page, one far past an
// allocation, a non-canonical one, an array the collector has freed —
// and checks that each returns and changes nothing.
func TestLineNeverFaults(t *testing.T) {
	slots := make([]uint64, 16)
	slots[3] = 42
	base := uintptr(unsafe.Pointer(&slots[0]))
	freed := uintptr(unsafe.Pointer(&make([]uint64, 1<<20)[0]))
	runtime.GC()
	for _, addr := range []uintptr{
		base + 3*8, 0, 4096, base + 1<<40, ^uintptr(0), 1 << 63, freed, freed + 1<<23,
	} {
		Line(addr)
	}
	if slots[3] != 42 {
		t.Fatalf("slot 3 is %d after the prefetches, want 42", slots[3])
	}
}

package prefetch

// Line asks for the cache line holding addr, into every level of cache.
// A uintptr, not a pointer: the address may lie outside any allocation.
//
//go:noescape
func Line(addr uintptr)

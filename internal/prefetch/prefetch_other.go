//go:build !amd64

package prefetch

// Line asks for the cache line holding addr: nothing, on this
// architecture.
func Line(addr uintptr) {}

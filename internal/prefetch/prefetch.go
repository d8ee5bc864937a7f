// Package prefetch asks the CPU to bring a cache line into its caches
// ahead of the load that needs it, so that the wait for memory overlaps
// other work, or other waits.
//
// A prefetch is a hint: it never faults, whatever the address — nil, one
// past an allocation, one freed — and changes nothing a program can see
// but its speed. So a caller may compute the address from values read
// without a lock, which a concurrent writer may be changing: a wrong
// address costs a wasted prefetch. Line is PREFETCHT0 on amd64 and does
// nothing elsewhere.
package prefetch

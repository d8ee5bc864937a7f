//go:build !unix

package bench

import "time"

// processCPU reports false: this system has no getrusage, and the
// results no CPUShare.
func processCPU() (time.Duration, bool) { return 0, false }

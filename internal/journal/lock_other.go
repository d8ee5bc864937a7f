//go:build !unix

package journal

import (
	"os"
	"time"
)

// lockFile does nothing where flock does not exist: bbolt takes its lock
// itself when it opens the file, so OpenBolt's own check of the file runs
// before the lock there, and a writer that holds the file can change it
// under the check (which then fails, and bbolt's lock says why).
func lockFile(f *os.File, exclusive bool, timeout time.Duration) error { return nil }

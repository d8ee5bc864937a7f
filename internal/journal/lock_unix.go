//go:build unix

package journal

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockRetryInterval is how often lockFile tries a lock another process
// holds: bbolt's own interval, so a wait lasts as it did before OpenBolt
// took the lock itself.
const lockRetryInterval = 50 * time.Millisecond

// lockFile takes an flock on f, exclusive or shared, trying every
// lockRetryInterval until timeout has passed; ErrLocked when it could not.
// bbolt, given the same open file afterwards, takes the same lock again,
// which flock grants at once: the lock is the open file's.
func lockFile(f *os.File, exclusive bool, timeout time.Duration) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for waited := time.Duration(0); ; waited += lockRetryInterval {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, syscall.EWOULDBLOCK):
			return err
		case waited >= timeout:
			return ErrLocked
		}
		time.Sleep(lockRetryInterval)
	}
}

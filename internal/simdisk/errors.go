package simdisk

import "errors"

// ErrCrashed is returned by every method of a Log, and so of the Journal
// over it, once its process has died: by a Crash fault, a TornWrite, or
// the simulator's Crash and PowerLoss. The disk answers only a process
// started by OpenLog after that.
var ErrCrashed = errors.New("simdisk: the process crashed")

package linearizability

import (
	"sync"
	"time"

	"github.com/anishathalye/porcupine"
)

// Recorder collects the operations of one history as concurrent clients
// make them, each with the instants it was called and returned on one
// monotonic clock.
//
// A Recorder is safe for concurrent use. It keeps at most the number of
// operations it was made for: a workload that records more has a bug, and
// Add says so rather than growing without bound.
type Recorder struct {
	start  time.Time // carries a monotonic reading: Now never goes back
	opsMax int

	mu  sync.Mutex // guards ops
	ops []porcupine.Operation
}

// NewRecorder returns a recorder for up to opsMax operations.
func NewRecorder(opsMax int) *Recorder {
	return &Recorder{start: time.Now(), opsMax: opsMax, ops: make([]porcupine.Operation, 0, opsMax)}
}

// Now returns the recorder's clock: nanoseconds since it was made, read
// from the monotonic clock. A client reads it just before a call and just
// after the call returns, so that the recorded interval holds the call's
// real one.
func (r *Recorder) Now() int64 { return time.Since(r.start).Nanoseconds() }

// Add records an operation of client, called at call and returned at ret.
// It reports false, recording nothing, once the recorder is full.
func (r *Recorder) Add(client int, in Input, call int64, out Output, ret int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ops) >= r.opsMax {
		return false
	}
	r.ops = append(r.ops, porcupine.Operation{ClientId: client, Input: in, Call: call, Output: out, Return: ret})
	return true
}

// Operations returns the operations recorded so far, in the order they
// were added.
func (r *Recorder) Operations() []porcupine.Operation {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]porcupine.Operation(nil), r.ops...)
}

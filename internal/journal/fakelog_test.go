package journal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// fakeLog is a Log in memory for the Group's tests. It checks the
// numbering of every batch, records the batch sizes, can fail on demand,
// and can hold the writer inside Append until the test releases it.
type fakeLog struct {
	mu       sync.Mutex  // guards every field below
	recs     [][]byte    // the record of LSN i+1 at i
	batches  []int       // the size of every batch written
	failWith error       // the next Append returns it and writes nothing
	failAll  error       // every Append returns it and writes nothing, until failEvery(nil)
	failN    int         // with failAll: only the next failN Appends, if positive
	tries    []time.Time // when each Append was tried, as time.Now says
	lastErr  error       // Last returns it
	gate     chan struct{}
	entered  chan struct{} // gets a value when Append reaches the gate
	closes   int
}

var _ Log = (*fakeLog)(nil)

// newFakeLog returns a fakeLog holding n records.
func newFakeLog(n int) *fakeLog {
	f := &fakeLog{}
	for i := range n {
		f.recs = append(f.recs, fmt.Appendf(nil, "old %d", i+1))
	}
	return f
}

// hold makes the next Appends stop at a gate, and returns the function
// that opens it. Wait on f.entered to know the writer has arrived.
func (f *fakeLog) hold() (release func()) {
	gate := make(chan struct{})
	f.mu.Lock()
	f.gate, f.entered = gate, make(chan struct{}, 1)
	f.mu.Unlock()
	return func() {
		f.mu.Lock()
		f.gate = nil
		f.mu.Unlock()
		close(gate)
	}
}

// failEvery makes every Append fail with err, or the next n if n > 0;
// nil ends it.
func (f *fakeLog) failEvery(err error, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failAll, f.failN = err, n
}

// tried returns when each Append was tried.
func (f *fakeLog) tried() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.tries...)
}

// failNext makes the next Append fail with err.
func (f *fakeLog) failNext(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failWith = err
}

func (f *fakeLog) Last() (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return uint64(len(f.recs)), f.lastErr
}

func (f *fakeLog) Append(batch []Entry) error {
	f.mu.Lock()
	gate, entered := f.gate, f.entered
	f.mu.Unlock()
	if gate != nil {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tries = append(f.tries, time.Now())
	if f.closes > 0 {
		return errors.New("fake log: closed")
	}
	if err := f.failWith; err != nil {
		f.failWith = nil
		return err
	}
	if err := f.failAll; err != nil {
		if f.failN > 0 {
			if f.failN--; f.failN == 0 {
				f.failAll = nil
			}
		}
		return err
	}
	for i, e := range batch {
		if want := uint64(len(f.recs) + 1 + i); e.LSN != want {
			return fmt.Errorf("fake log: LSN %d where %d belongs", e.LSN, want)
		}
	}
	for _, e := range batch {
		f.recs = append(f.recs, e.Data) // Data is the journal's: kept, never changed
	}
	f.batches = append(f.batches, len(batch))
	return nil
}

func (f *fakeLog) Read(from uint64, fn func(uint64, []byte) error) error {
	f.mu.Lock()
	recs := f.recs
	f.mu.Unlock()
	for i := max(from, 1); i <= uint64(len(recs)); i++ {
		if err := fn(i, recs[i-1]); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeLog) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closes++
	return nil
}

// written returns the records written, as strings, and the batch sizes.
func (f *fakeLog) written() (recs []string, batches []int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	recs = make([]string, 0, len(f.recs))
	for _, r := range f.recs {
		recs = append(recs, string(r))
	}
	return recs, append([]int(nil), f.batches...)
}

// richLog is a fakeLog that can also make backups and report its sync
// time, as Bolt does.
type richLog struct {
	*fakeLog
}

const richSyncTime = 3 * time.Millisecond

func (r richLog) SyncTime() time.Duration { return richSyncTime }

func (r richLog) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	recs, _ := r.written()
	var n int64
	for _, rec := range recs {
		m, err := io.WriteString(w, rec+"\n")
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

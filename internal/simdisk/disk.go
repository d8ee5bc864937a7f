package simdisk

import (
	"fmt"
	"sync"
	"time"
)

// FaultKind names what goes wrong at a step of a write; see the package
// documentation for the step each may come at.
type FaultKind uint8

const (
	// NoFault: the step goes as it should.
	NoFault FaultKind = iota
	// WriteError: the write fails with EIO and nothing of the batch is
	// kept.
	WriteError
	// NoSpace: the write fails with ENOSPC and nothing of the batch is
	// kept.
	NoSpace
	// ReadOnlyFS: the write fails with EROFS, as on a file system
	// remounted read-only after an error, and nothing of the batch is
	// kept. Unlike EIO and ENOSPC, a journal does not retry it.
	ReadOnlyFS
	// TornWrite: the process dies in the middle of the write, with the
	// first Fault.Keep bytes of the batch's frame in the page cache.
	TornWrite
	// SyncError: fsync fails with EIO. The batch stays in the page cache,
	// not durable: a crash keeps it, power loss drops it.
	SyncError
	// Slow: the step completes after Fault.Delay of simulated time.
	Slow
	// Crash: the process dies at this step.
	Crash

	faultKinds = iota // the number of kinds, NoFault included
)

var faultNames = [faultKinds]string{
	NoFault: "none", WriteError: "write error", NoSpace: "no space", ReadOnlyFS: "read-only fs", TornWrite: "torn write",
	SyncError: "sync error", Slow: "slow", Crash: "crash",
}

func (k FaultKind) String() string {
	if int(k) < len(faultNames) {
		return faultNames[k]
	}
	return fmt.Sprintf("FaultKind(%d)", uint8(k))
}

// Step is a point in the write of one batch where the disk asks its Plan
// what goes wrong.
type Step uint8

const (
	// BeforeWrite: the batch is about to go to the page cache. WriteError,
	// NoSpace, ReadOnlyFS, TornWrite, Slow and Crash may come here.
	BeforeWrite Step = iota
	// BeforeSync: the batch is in the page cache, about to be synced.
	// SyncError, Slow and Crash may come here.
	BeforeSync
	// AfterSync: the batch is durable, and the write about to return.
	// Crash may come here.
	AfterSync
)

// allowed lists the kinds each step may bring.
var allowed = [...][]FaultKind{
	BeforeWrite: {NoFault, WriteError, NoSpace, ReadOnlyFS, TornWrite, Slow, Crash},
	BeforeSync:  {NoFault, SyncError, Slow, Crash},
	AfterSync:   {NoFault, Crash},
}

// Fault is what a Plan says goes wrong at one step.
type Fault struct {
	Kind FaultKind
	// Delay is how long a Slow step takes, in simulated time.
	Delay time.Duration
	// Keep is how many bytes of the frame a TornWrite leaves in the page
	// cache: 0 up to the frame's length less one (larger is taken as
	// that).
	Keep int
}

// Plan decides the fault at step of the write of a frame of frameBytes
// bytes. It is the simulator's, drawn from its seed; it is called without
// any lock of the disk held, so it may look at the disk. A kind the step
// cannot bring (a SyncError before the write) is a bug in the plan, and
// the write panics.
type Plan func(step Step, frameBytes int) Fault

// Options configure a Disk. The zero value, or nil, injects no fault and
// syncs.
type Options struct {
	// Plan decides the faults; nil means none.
	Plan Plan
	// NoSync turns fsync off: a sync reports success and makes nothing
	// durable. Power loss then drops every write since the disk was made.
	NoSync bool
	// NoSyncAtOpen stops OpenLog from syncing what it reads back, so that
	// a journal counting the records it finds as durable is wrong to (see
	// the package documentation). journal.OpenBolt syncs at a writable
	// open, as OpenLog does by default; the option shows what goes wrong
	// without it.
	NoSyncAtOpen bool
}

// Stats count what a disk did and what was done to it.
type Stats struct {
	Faults      [faultKinds]int // faults the plan injected, by kind (NoFault not counted)
	Writes      int             // frames written to the page cache in whole
	Syncs       int             // successful syncs
	Crashes     int             // processes that died keeping the page cache (Disk.Crash)
	PowerLosses int             // processes that died with the power (Disk.PowerLoss)
	TornByPower int             // power losses that kept a torn prefix of the unsynced bytes
	TornTails   int             // torn frames OpenLog dropped
	LostBytes   int             // unsynced bytes power loss dropped
}

// Disk is one simulated journal file: bytes in the page cache, of which a
// prefix is durable. See the package documentation.
//
// A Disk is safe for concurrent use; see the package documentation for
// why a simulation uses it from one goroutine.
type Disk struct {
	clock        *Clock // moved by Slow steps; nil: Slow steps take no time
	plan         Plan
	noSync       bool
	noSyncAtOpen bool

	mu     sync.Mutex // guards every field below
	file   []byte     // what a process reads: the page cache over the platter
	synced int        // file[:synced] is durable
	gen    uint64     // the process that may use the disk; a new one each OpenLog, Crash and PowerLoss
	down   bool       // a fault killed the process gen
	stats  Stats
}

// New returns an empty disk whose Slow steps move clock (nil: they take no
// time). A nil opts means the defaults.
func New(clock *Clock, opts *Options) *Disk {
	d := &Disk{clock: clock}
	if opts != nil {
		d.plan, d.noSync, d.noSyncAtOpen = opts.Plan, opts.NoSync, opts.NoSyncAtOpen
	}
	return d
}

// Crash kills the process using the disk, if any is alive: the page cache
// survives, so everything written is read back by the next process,
// synced or not.
func (d *Disk) Crash() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	d.down = false
	d.stats.Crashes++
}

// PowerLoss kills the process using the disk and drops every byte not
// yet synced, except the first keep of them (clamped to what there is):
// a write the kernel had flushed in part on its own, torn at any byte.
// It returns how many bytes it dropped.
func (d *Disk) PowerLoss(keep int) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.gen++
	d.down = false
	d.stats.PowerLosses++
	unsynced := len(d.file) - d.synced
	keep = min(max(keep, 0), unsynced)
	if keep > 0 && keep < unsynced {
		d.stats.TornByPower++
	}
	d.file = d.file[:d.synced+keep]
	d.synced = len(d.file) // what is on the platter after a reboot
	d.stats.LostBytes += unsynced - keep
	return unsynced - keep
}

// Down reports whether a fault (Crash, TornWrite) killed the process:
// the simulator then calls Crash or PowerLoss, and OpenLog.
func (d *Disk) Down() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.down
}

// Unsynced returns how many bytes are in the page cache only.
func (d *Disk) Unsynced() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.file) - d.synced
}

// Size returns the file's length as a process reads it.
func (d *Disk) Size() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.file)
}

// Stats returns the disk's counters.
func (d *Disk) Stats() Stats {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stats
}

// Bytes returns a copy of the file as a process reads it.
func (d *Disk) Bytes() []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]byte(nil), d.file...)
}

// fault asks the plan about step; it panics on a kind the step cannot
// bring, and counts what it injects.
func (d *Disk) fault(step Step, frameBytes int) Fault {
	if d.plan == nil {
		return Fault{}
	}
	f := d.plan(step, frameBytes)
	ok := false
	for _, k := range allowed[step] {
		ok = ok || k == f.Kind
	}
	if !ok {
		panic(fmt.Sprintf("simdisk: the plan asked for %v at step %d", f.Kind, step))
	}
	if f.Kind != NoFault {
		d.mu.Lock()
		d.stats.Faults[f.Kind]++
		d.mu.Unlock()
	}
	if f.Kind == Slow && d.clock != nil {
		d.clock.Advance(f.Delay)
	}
	return f
}

// alive reports whether process gen may still use the disk.
func (d *Disk) alive(gen uint64) bool { return gen == d.gen && !d.down }

// step asks the plan about one step of a write by process gen and, for a
// Crash, kills the process. It returns ErrCrashed when the process is
// dead, by this fault or before it.
func (d *Disk) step(gen uint64, step Step, frameBytes int) (Fault, error) {
	f := d.fault(step, frameBytes)
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.alive(gen) {
		return f, ErrCrashed
	}
	if f.Kind == Crash {
		d.down = true
		return f, ErrCrashed
	}
	return f, nil
}

// Durable returns the LSN of the last record that a power loss now would
// keep: the last of the whole frames synced.
func (d *Disk) Durable() uint64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, last, _ := scan(d.file[:d.synced], 1, nil)
	return last
}

// Package simdisk is a simulated disk under a journal, for deterministic
// simulations of an engine that keeps its changes in a [journal.Journal]:
// the disk keeps what a real one keeps, loses what a real one loses, and
// fails where a plan says, all in simulated time and without a goroutine,
// so that one seed replays the same run every time.
//
// # Concepts
//
// A [Disk] holds one journal file as bytes. A write puts bytes in the page
// cache; a sync makes every byte written so far durable. Two events end a
// process, and the simulator calls them:
//
//   - [Disk.Crash]: the process dies. The page cache survives it, as the
//     operating system's does: everything written is read back, synced or
//     not.
//   - [Disk.PowerLoss]: the machine loses power. Every byte not yet synced
//     is lost, except, if the simulator asks, a prefix of them that the
//     kernel had flushed on its own: a write torn at any byte.
//
// [OpenLog] starts a process on the disk: it reads the file back, drops
// a torn tail, and returns a [Log], the storage a journal writes to (a
// [journal.Log]). [Journal] is a deterministic, synchronous stand-in for
// [journal.Group] over any journal.Log: the same contract (LSNs, the
// watermark, retries, sticky failure), but the batch is written by the
// goroutine that waits for it, since a goroutine of its own is something a
// deterministic simulation cannot schedule. [Clock] is simulated time;
// [Clock.WithTimeout] gives callers a deadline in it.
//
// # Faults
//
// A [Plan] decides, at each step of each write, what goes wrong: the
// simulator writes it, from its seed. The steps and the faults each may
// bring:
//
//   - [BeforeWrite]: [WriteError] (EIO: nothing of the batch is kept),
//     [NoSpace] (ENOSPC: nothing kept), [ReadOnlyFS] (EROFS: nothing
//     kept), [TornWrite] (the process dies with part of the batch in the
//     page cache), [Slow] (the write takes simulated time), [Crash] (the
//     process dies before writing);
//   - [BeforeSync], the batch in the page cache: [SyncError] (EIO from
//     fsync: the bytes stay in the page cache, not durable, and a later
//     sync may still make them so), [Slow], [Crash];
//   - [AfterSync], the batch durable: [Crash] (the process dies before
//     anyone hears of it).
//
// Every error reaches the journal above. [Journal] does what
// journal.Group does: it tries a batch again after EIO and ENOSPC, and
// refuses everything after any other error; after a crash the disk
// refuses the dead process everything until [OpenLog] starts a new one.
// [Options].NoSync turns fsync off: a sync reports success and makes
// nothing durable, so power loss shows what a missing fsync costs.
//
// A SyncError leaves the pages dirty, as BSD kernels do, so that a later
// sync can still make them durable. Linux may mark them clean after a
// failed fsync and report the next one clean, losing them without a word;
// the simulation does not model that kernel, which a journal that retries
// after EIO could not tell from a healthy one (journal.Group says so).
//
// # File format and torn writes
//
// The file is a sequence of frames, one per batch: a 24-byte header
// (payload length, first LSN, record count, a CRC-32C of those, a CRC-32C
// of the payload) and the payload, each record as a 4-byte length and its
// bytes. A torn write leaves a prefix of a frame at the end of the file,
// cut at any byte. Reading back, a frame that the file ends inside — in
// its header or in its payload — is a torn tail: it is dropped, whole, and
// OpenLog truncates the file before it. A whole header or payload whose
// checksum fails is corruption, refused with journal.ErrCorrupt, and so is
// a gap in the LSNs: no cut or flip is ever read as a different change,
// and no flip passes for a torn tail.
//
// Dropping the torn batch whole is what the bbolt journal does: a bbolt
// commit writes its pages, syncs them, and only then writes and syncs the
// meta page that makes them reachable. A commit torn in its pages leaves
// the old meta page in force; one torn in its meta page fails that page's
// checksum, and bbolt opens at the other, older one. Either way the
// batch is gone, all of it, and the file opens as it was before it.
//
// # What a new process reads
//
// OpenLog reads the file through the page cache and syncs it before
// anyone relies on what it read, as journal.OpenBolt's writable open does
// (its commit fdatasyncs the file). Without that sync
// (Options.NoSyncAtOpen), after a crash that left a batch written but not
// synced (a SyncError, a Crash before the sync), the new process reads
// that batch, and a journal over it — journal.Group, or Journal — counts
// it as durable from the start, though power loss can still take it until
// the next sync: an engine that acknowledges a change without writing (an
// idempotent retry finding it done) then acknowledges what a power loss
// can take back.
//
// # Concurrency
//
// Every type is safe for concurrent use, but a deterministic simulation
// drives a disk, its log, its journal and its clock from one goroutine:
// only then are the runs repeatable.
package simdisk

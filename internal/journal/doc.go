// Package journal keeps the changes a state machine applies, in order, and
// tells callers when theirs are durable. It knows bytes only: what a
// record means is the caller's business.
//
// # Concepts
//
// A record is one change, as bytes. The journal numbers records with log
// sequence numbers (LSNs) 1, 2, 3, … in the order it receives them, with no
// gaps: [Journal.Append] hands a record over and returns its LSN at once,
// and [Journal.Wait] returns when that record, and every record before it,
// is durable. An engine applies a change in memory and appends it in one
// step, under whatever lock orders its changes (so that replaying the
// records in LSN order repeats the changes in the order they were made;
// Append does not wait for the disk, so that is cheap), and answers its
// caller after Wait, outside that lock.
//
// Group commit shares one write and one sync among many records. A
// [Group] has one writer goroutine: it takes every record queued since
// its last write, writes them as one batch, and then publishes the
// watermark, the LSN up to which everything is durable
// ([Group.Committed]). Every Wait at or below the watermark returns.
// There is no timer: while one batch is being written the next one
// gathers, so batches grow with the load: BenchmarkGroupBolt shows about
// 150 records a commit with 256 callers on two cores.
//
// A full disk is survived. When a write fails with an error the storage
// may recover from (ENOSPC, EDQUOT, EIO), a Group keeps the batch and
// tries it again with a bounded backoff (50 ms doubling to 5 s, until
// Close), refuses new Appends meanwhile ([ErrFailed] wrapping the
// storage's error), keeps every Wait waiting, and takes Appends again
// once a retry succeeds; [Stats] says it is Failing, and why. Any other
// failure is sticky: the journal does not guess which records reached the
// disk; it refuses every later Append, fails every Wait for a record it
// did not confirm, and returns the error from Close. Close it, reopen the
// storage and replay it to learn what is durable.
//
// After a restart, [Journal.Replay] yields every record kept, in LSN
// order, before the first Append; the next Append continues the
// numbering.
//
// # Two levels
//
// [Journal] is what an engine writes to. There are two:
//
//   - [Memory], an in-memory journal. Its zero value keeps nothing and
//     costs a mutex per Append: the journal of an engine that lives in
//     memory. With Memory.Keep it keeps every record, for tests and
//     simulations.
//   - [Group], group commit over a [Log].
//
// [Log] is the storage under a Group: it writes a batch of [Entry] values
// all or nothing and reads records back. [Bolt] is a Log in a bbolt file;
// another storage (a database table, a log that injects faults in a test)
// implements the same four methods, and gets group commit, the
// watermark, the retries and sticky failure from Group.
//
// # Concurrency
//
// Memory, Group and Bolt are safe for concurrent use. LSNs are handed out
// in the order the journal serialises Appends; a caller that needs two of
// its records in a given order appends them from one goroutine. Replay is
// for recovery, before the first Append. Close may race Append: a record
// whose Append returned an LSN is written before Close returns, and an
// Append after Close began returns [ErrClosed].
//
// # Limits
//
// A record is at most [RecordBytesMax] bytes ([ErrTooLarge]). A Group's
// queue holds at most [QueueMax] records and [QueueBytesMax] bytes that
// its writer has not taken; an Append beyond that waits for the writer,
// so a slow disk slows appenders down instead of filling memory. One
// batch is at most the queue. A retry waits at most [RetryDelayMax]. A
// backup copies at most 4,096 records or 4 MiB per read transaction.
// OpenBolt and Salvage accept page sizes from 1 to 64 KiB, a page with
// its overflow of at most 16 MiB, and trees at most 64 pages deep; a
// [SalvageReport] lists at most [SalvageProblemsMax] problems.
//
// # File layout
//
// A [Bolt] file is a bbolt file with two buckets:
//
//	journal   "format" → []byte{3}
//	          "last"   → the LSN of the last record (8 bytes, big-endian)
//	log       LSN (8 bytes, big-endian) → CRC-32C of the record (4 bytes,
//	          big-endian), then the record
//
// Keys of the log only grow, so its pages are filled to the brim rather
// than split half full. [Bolt.Read] checks every record's checksum, and
// that the LSNs follow one another from 1; [OpenBolt] checks that the log
// ends at the recorded last LSN, so that damage to the file is found
// wherever it falls: a changed byte in a record, a lost page at the end.
// A file of format 2 (records without checksums) is converted by a
// writable open, in one transaction; kuota's format-1 file (one record per
// booking) with [BoltOptions].Upgrade.
//
// # Damaged files
//
// bbolt trusts its file: it maps it and follows what its pages say, so a
// damaged page makes it panic (also in a goroutine of its own), fault, or
// loop. A damaged file is an error here, never a crash. [OpenBolt] reads
// the file itself first, with pread, before bbolt maps it: both meta pages
// (magic, version, page size, checksum), the file's length against their
// high-water mark, and every page of the tree bbolt will follow (ids,
// types, sizes, offsets, key order, no page reached twice); it refuses
// what fails with [ErrCorrupt], naming the page. Every call into bbolt
// that reads the file then runs with debug.SetPanicOnFault and a recover,
// which turn what damage still reaches bbolt (a file cut short while
// open) into ErrCorrupt. [Salvage] copies the intact records of a damaged
// file, up to the first damage, into a new one, and lists what was lost.
//
// [OpenBolt] also refuses a file that group or others may read or write
// (unless [BoltOptions].AllowSharedRead allows reading), one another
// process holds locked, and one that is not kuota's: other buckets, or
// none. [Bolt.Backup] copies the records, in short read transactions,
// into a file beside the journal, then streams that file: a slow reader of
// a backup costs disk space, never a writer's time.
//
// # Errors
//
// The package's own errors are the sentinels of errors.go, wrapped with
// context (the file, the page, the LSN) and matched with [errors.Is].
// After a failure, and while a Group retries one, Append, Wait and Close
// match both [ErrFailed] and the storage's error. Wait returns ctx.Err() as it is, Replay and Read the
// error of the caller's function as it is, and OpenBolt the file
// system's error for a file it cannot stat or open.
package journal

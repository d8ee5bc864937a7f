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
// Failure is sticky. When a write fails (a full disk, an I/O error) the
// journal does not retry and does not guess which records reached the
// disk: it refuses every later Append, fails every Wait for a record it
// did not confirm, and returns the error ([ErrFailed], wrapping the
// storage's) from Close. Close it, reopen the storage and replay it to
// learn what is durable.
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
// watermark and sticky failure from Group.
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
// batch is at most the queue.
//
// # File layout
//
// A [Bolt] file is a bbolt file with two buckets:
//
//	journal   "format" → []byte{2}
//	log       LSN (8 bytes, big-endian) → record
//
// Keys of the log only grow, so its pages are filled to the brim rather
// than split half full. [OpenBolt] refuses a file that group or others may
// write, one another process holds locked, and one that is damaged or not
// kuota's; it converts kuota's format-1 file (one record per booking)
// with [BoltOptions].Upgrade, in one transaction. [Bolt.Backup] copies a
// consistent file while appends go on.
//
// # Errors
//
// The package's own errors are the sentinels of errors.go, wrapped with
// context (the file, the LSN) and matched with [errors.Is]. After a
// failure, Append, Wait and Close match both [ErrFailed] and the
// storage's error. Wait returns ctx.Err() as it is, Replay and Read the
// error of the caller's function as it is, and OpenBolt the file
// system's error for a file it cannot stat or open.
package journal

package booking

import (
	"fmt"

	"github.com/kuota/kuota/internal/journal"
)

// Open opens the durable engine in the bbolt file at path, creating the
// file (mode 0600) if it does not exist. A nil opts means the defaults.
//
// The file is the engine's journal: every change it ever applied, in
// order — offices, operator changes, and each booking's hold, payment,
// reschedule and end. Open replays it through the same code that applied
// the changes (see the package documentation), so everything is as it was
// and nothing needs registering again. Replay checks each change as it
// applies it: a record that does not decode, or records a change the
// engine never makes, is refused with [ErrCorrupt]; one that breaks an
// invariant (seats that do not fit, a second live booking of a NIK) with
// [ErrInconsistent], naming the record — except with Options.ReadOnly,
// where the problems are kept for [Engine.Check] to list. Open then
// expires the holds whose deadline passed while the file was closed.
// (Check itself, a sweep of every booking and cell, is not run: the
// replay has made every change through the checks that Check repeats.) A
// file written by an earlier version of kuota (file format 1) is converted
// on the first writable Open, in one transaction; read-only, it is
// converted in memory only.
//
// Open refuses an existing file that group or others may write, or read
// unless Options.AllowSharedRead ([ErrFilePermissions]); a file that is
// not kuota's, even an empty bbolt file, or one damaged anywhere — every
// record carries a checksum, and the file's pages are checked before they
// are mapped — with [ErrCorrupt] naming the damage, never a panic (the
// kuota command's salvage copies what is intact into a new file). One
// exception is bbolt's own design: of its two meta pages, written in turn,
// it opens from the valid one, so damage to the newer loses the last
// commit without an error — the file cannot tell it from a commit a crash
// cut short, which was never acknowledged, nor damage to the older page,
// which loses nothing. Open logs a warning (Options.Logger) whenever it
// opens from one meta page. It gives up with
// [ErrLocked] when another process holds the file for longer than
// Options.LockTimeout.
//
// With Options.Durability Sync (the default) every change is on disk before
// the call that made it returns; see the package documentation for what a
// caller whose context ends while waiting can rely on.
func Open(path string, opts *Options) (*Engine, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	log, err := journal.OpenBolt(path, &journal.BoltOptions{
		ReadOnly:        o.ReadOnly,
		NoSync:          o.Durability == NoSync,
		LockTimeout:     o.LockTimeout,
		AllowSharedRead: o.AllowSharedRead,
		Upgrade:         upgradeV1(o),
	})
	if err != nil {
		return nil, journalError(err)
	}
	if err := log.OneMetaPage(); err != nil {
		o.Logger.Warn("one of the file's two meta pages is not valid, and it opened from the other: if the invalid one was the newer, its commit is gone — cut short by a crash (never acknowledged), or lost to damage (a backup taken since holds it)",
			"file", path, "err", err)
	}
	if o.ReadOnly {
		return openReader(log, o)
	}
	g, err := journal.NewGroup(log)
	if err != nil {
		log.Close()
		return nil, journalError(err)
	}
	e := newEngine(o, g)
	if last, err := log.Last(); err == nil {
		e.m.presize(last)
	}
	return e.launch()
}

// settleOpen records the expiry of the holds that lapsed while the file
// was closed. It does not wait for the disk: every read shows them expired
// already, a change that depends on one comes after it in the journal, and
// an expiry the journal refuses (a full disk) stays due for the sweeper.
func (e *Engine) settleOpen() {
	e.m.expireDue(e.nowNs(), nil)
}

// openReader builds a read-only engine from log and closes the file at
// once, releasing its lock. A reader inspects rather than serves: its
// journal keeps nothing, the expiries and no-shows due are made in memory
// only, and a broken invariant is listed by Check instead of refusing the
// file, so that the kuota command can show every violation.
func openReader(log *journal.Bolt, o Options) (*Engine, error) {
	e := newEngine(o, &journal.Memory{})
	e.m.lenient = true
	if last, err := log.Last(); err == nil {
		e.m.presize(last)
	}
	err := e.m.recover(func(fn func(uint64, []byte) error) error { return log.Read(1, fn) })
	if cerr := log.Close(); err == nil {
		err = journalError(cerr)
	}
	if err == nil && !e.m.hasCodes() {
		err = fmt.Errorf("%w: no code keys", ErrCorrupt) // not even the first record
	}
	if err != nil {
		return nil, err
	}
	nowNs := e.nowNs()
	e.m.expireDue(nowNs, nil) // in memory: nothing to refuse them
	e.m.markNoShows(nowNs)
	return e, nil // no sweeper: the reader shows the file as of Open
}

package booking

import (
	"errors"
	"fmt"

	"github.com/kuota/kuota/internal/journal"
)

// Log is durable storage for an engine's journal, in batches numbered by
// LSN: the seam a storage other than a bbolt file plugs into (package
// github.com/kuota/kuota/postgres keeps it in PostgreSQL). Append writes
// a batch all or nothing and returns once it is durable; the engine gives
// it group commit, the durable watermark and the retries of a full disk
// on top. See [Engine.Promote].
type Log = journal.Log

// LogEntry is one record of a batch given to [Log].Append.
type LogEntry = journal.Entry

// ErrStandby is returned for a change asked of a standby engine: one that
// follows another engine's journal and serves reads only. The error is a
// *StandbyError naming the active engine, when the standby knows it.
var ErrStandby = errors.New("booking: a standby takes no changes")

// StandbyError is the error a standby engine returns for a change: Active
// is the address the active engine advertises (see
// [Engine.SetActiveAddress]), "" while none is known, so that a server in
// front of the standby can forward the request there.
type StandbyError struct {
	Active string
}

func (e *StandbyError) Error() string {
	if e.Active == "" {
		return ErrStandby.Error() + " (no active engine known)"
	}
	return ErrStandby.Error() + "; the active engine is at " + e.Active
}

// Unwrap makes errors.Is(err, ErrStandby) true.
func (e *StandbyError) Unwrap() error { return ErrStandby }

// NewStandby returns a standby engine: it starts empty, applies the
// records of another engine's journal as [Engine.Follow] hands them over,
// and serves every read meanwhile — Get, the calendar views, the arrival
// lists, Stats. Every change is refused with a *StandbyError until
// [Engine.Promote] makes it active. A nil opts means the defaults;
// Options.ReadOnly does not apply, and no sweeper runs before Promote.
//
// Reads on a standby are as of the last record it followed: a booking's
// state is exact at read time as on the active engine (a hold past its
// deadline reads Expired), but the calendar views count a lapsed hold's
// seats until the active engine's record of its expiry arrives, since a
// standby records nothing itself.
func NewStandby(opts *Options) (*Engine, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if o.ReadOnly {
		return nil, fmt.Errorf("%w: a standby is read-only already; ReadOnly is for Open", ErrBadOptions)
	}
	e := newEngine(o, &journal.Memory{})
	e.standby.Store(true)
	return e, nil
}

// SetActiveAddress tells a standby where the active engine is, for the
// *StandbyError of the changes it refuses.
func (e *Engine) SetActiveAddress(addr string) { e.active.Store(&addr) }

// ActiveAddress returns, on a standby, the active engine's address as
// SetActiveAddress last gave it ("" while none is known), and ok true; on
// an active engine "" and false. A server in front of the engine asks it
// before a change, to forward the request rather than be refused.
func (e *Engine) ActiveAddress() (addr string, ok bool) {
	if !e.standby.Load() {
		return "", false
	}
	if p := e.active.Load(); p != nil {
		addr = *p
	}
	return addr, true
}

// standbyError is the refusal of a change on a standby.
func (e *Engine) standbyError() error {
	addr, _ := e.ActiveAddress()
	return &StandbyError{Active: addr}
}

// Follow applies, on a standby, the records read yields: read calls its
// function for each record in LSN order, starting with the one after
// [Engine.Followed] (see Log.Read). Each record goes through the same
// path as a replay at Open: checked against the transition table and the
// invariants, never against the clock, since the active engine admitted
// it. Readers see each change once it is applied.
//
// Follow returns read's error as it is, with every record before the
// failing one applied (Followed says how far): call it again to go on. A
// record that does not decode, skips an LSN, or breaks an invariant
// returns ErrCorrupt or ErrInconsistent, naming it; the standby then
// refuses to follow further (its state may hold part of the record), and
// must be rebuilt from the start. Follow on an engine that is not a
// standby returns an error.
func (e *Engine) Follow(read func(yield func(lsn uint64, rec []byte) error) error) error {
	e.followMu.Lock()
	defer e.followMu.Unlock()
	if err := e.stillStandby("Follow"); err != nil {
		return err
	}
	next := e.m.applied + 1
	err := e.m.recover(func(fn func(uint64, []byte) error) error {
		return read(func(lsn uint64, rec []byte) error {
			if lsn != next {
				return fmt.Errorf("%w: record %d where %d was due", ErrCorrupt, lsn, next)
			}
			next++
			return fn(lsn, rec)
		})
	})
	e.followed.Store(e.m.applied)
	if errors.Is(err, ErrCorrupt) || errors.Is(err, ErrInconsistent) {
		e.followErr = fmt.Errorf("booking: the standby stopped following: %w", err)
	}
	return err
}

// stillStandby returns why call (Follow, Promote) cannot go on: a closed
// engine, one that is not a standby, or one that stopped following.
// followMu is held.
func (e *Engine) stillStandby(call string) error {
	switch {
	case e.closed.Load():
		return ErrEngineClosed
	case !e.standby.Load():
		return fmt.Errorf("booking: %s on an engine that is not a standby", call)
	}
	return e.followErr
}

// Followed returns the LSN of the last record the engine applied: on a
// standby, how far it has followed; after Promote, where its own records
// began.
func (e *Engine) Followed() uint64 { return e.followed.Load() }

// Standby reports whether the engine is a standby (NewStandby, not yet
// promoted).
func (e *Engine) Standby() bool { return e.standby.Load() }

// Promote makes a standby the active engine, writing its journal to log.
// The caller has made sure no other engine writes to log any more (a
// lease with a fencing epoch, as package postgres does) and has followed
// every record log holds: Promote refuses a log whose last LSN is not
// [Engine.Followed]. Then, as Open does after a replay, the engine draws
// its code keys if the log is empty, records the expiry of the holds
// whose deadline has passed, starts its sweeper (unless
// Options.NoSweeper) and takes changes. The engine owns log from then on:
// Close closes it. On error the engine stays a standby; log stays the
// caller's unless the first record of an empty log could not be queued
// (then it is closed).
func (e *Engine) Promote(log Log) error {
	e.followMu.Lock()
	defer e.followMu.Unlock()
	if err := e.stillStandby("Promote"); err != nil {
		return err
	}
	var keys codeKeys
	var err error
	if !e.m.hasCodes() {
		if keys, err = newCodeKeys(e.opts.Rand); err != nil {
			return err
		}
	}
	last, err := log.Last()
	if err != nil {
		return journalError(err)
	}
	if last != e.m.applied {
		return fmt.Errorf("booking: promote: the log holds %d records, the standby followed %d", last, e.m.applied)
	}
	g, err := journal.NewGroup(log)
	if err != nil {
		return journalError(err)
	}
	if err := e.promote(g, keys); err != nil {
		g.Close()
		return err
	}
	return nil
}

// promote makes the standby active over journal j, which continues the
// records it followed; keys are the code keys to record first if it has
// none. followMu is held.
func (e *Engine) promote(j journal.Journal, keys codeKeys) error {
	// Readers look at the journal only once standby reads false (Stats):
	// the store below publishes it.
	e.m.journal, e.m.encode = j, true
	if !e.m.hasCodes() {
		// A journal just started takes its first record.
		if _, err := e.m.apply(&change{op: opKeys, keys: keys}); err != nil {
			e.m.journal, e.m.encode = &journal.Memory{}, false
			return err
		}
	}
	e.standby.Store(false)
	e.settleOpen()
	e.start()
	return nil
}

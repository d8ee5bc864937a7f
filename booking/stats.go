package booking

import (
	"context"
	"time"
)

// Stats is a snapshot of an engine's counters, for metrics and operators.
type Stats struct {
	// Bookings counts bookings by state as recorded, and Total all of
	// them: a hold past its deadline counts as Held until the sweeper (or
	// ExpireDue) records its expiry, though every read shows it expired.
	Bookings map[State]int
	Total    int
	// Durable reports whether the engine writes to a file (Open) or not
	// (New); the fields below are zero when it does not.
	Durable bool
	// PendingWrites is the number of changes waiting for their commit.
	PendingWrites int
	// Commits is the number of transactions committed since Open, and
	// Changes the changes they carried; AvgBatch is Changes / Commits,
	// the number of changes one fsync served on average.
	Commits  uint64
	Changes  uint64
	AvgBatch float64
	// LastCommit is how long the latest commit took, from taking its batch
	// to its fsync; LastSync the part of it bbolt spent writing pages to
	// the file and syncing them (two fdatasyncs a commit): the disk's
	// latency, which bounds commits per second.
	LastCommit time.Duration
	LastSync   time.Duration
	// Failing reports that the journal cannot write (a full disk, a
	// failing one), StorageErr why, and Retries how often it has tried
	// again since Open. While it fails, every change is refused with
	// ErrStorage and reads go on; a disk that is full (ENOSPC, EDQUOT) or
	// reports an I/O error (EIO) while a commit writes its pages is
	// retried, with waits growing to five seconds, and the engine resumes
	// by itself once a write succeeds, nothing acknowledged lost. (bbolt
	// reports a failure to grow the file as text only, which cannot be
	// told from other failures: that one is for good. Growing a file
	// rarely meets a full disk on Linux; writing its pages does.) Meanwhile a hold whose deadline passes
	// reads Expired, but its seats stay counted in the calendar views
	// until its expiry is recorded, once the disk writes again: giving
	// them back first would let a hold recorded before the expiry take
	// them, and the journal would no longer replay. Other failures (a
	// read-only file system, a damaged file) are for good: Close, fix the
	// cause, Open again.
	Failing    bool
	StorageErr error
	Retries    uint64
	// Standby reports a standby engine (NewStandby), and Followed the LSN
	// of the last record it applied; the fields above it about writing
	// are zero.
	Standby  bool
	Followed uint64
}

// Stats returns the engine's counters. It takes no lock the hold path
// takes, and is cheap enough to scrape every second.
func (e *Engine) Stats() Stats {
	st := Stats{Bookings: make(map[State]int, NoShow)}
	for s := Held; s <= NoShow; s++ {
		st.Bookings[s] = int(e.m.states[s].Load())
		st.Total += st.Bookings[s]
	}
	if e.standby.Load() {
		st.Standby, st.Followed = true, e.followed.Load()
		return st // its journal is not its own yet
	}
	js := e.m.journal.Stats()
	if !js.Durable {
		return st
	}
	st.Durable = true
	st.PendingWrites = js.Pending
	st.Commits = js.Commits
	st.Changes = js.Records
	if st.Commits > 0 {
		st.AvgBatch = float64(st.Changes) / float64(st.Commits)
	}
	st.LastCommit = js.LastCommit
	st.LastSync = js.LastSync
	st.Failing, st.StorageErr, st.Retries = js.Failing, journalError(js.Err), js.Retries
	return st
}

// HolidayGap names an office whose booking window reaches into years its
// holiday data does not cover (see calendar.Schedule.Status): their
// service days show NotOpened, with calendar.NoHolidayDataReason, and
// refuse holds until the office is registered again with that year's
// data (package calendar/idholiday loads a newer or amended year).
type HolidayGap struct {
	Office string
	Years  []int
}

// HolidayGaps returns the offices whose holiday data leaves a gap in
// their booking window, by office code. It looks at every office's
// configuration: for an operator's report or a metric scraped every few
// seconds, not for a request path. An ended context stops the scan
// between offices, with its error.
func (e *Engine) HolidayGaps(ctx context.Context) ([]HolidayGap, error) {
	if err := e.begin(ctx); err != nil {
		return nil, err
	}
	var gaps []HolidayGap
	for _, code := range e.Offices() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		o := e.m.lookupOffice(code)
		if o == nil {
			continue
		}
		cfg, err := e.m.ledger.Config(o.id)
		if err != nil {
			continue // registered offices always have one
		}
		if years := cfg.UncoveredYears(); len(years) > 0 {
			gaps = append(gaps, HolidayGap{Office: code, Years: years})
		}
	}
	return gaps, nil
}

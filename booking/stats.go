package booking

import "time"

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
}

// Stats returns the engine's counters. It takes no lock the hold path
// takes, and is cheap enough to scrape every second.
func (e *Engine) Stats() Stats {
	st := Stats{Bookings: make(map[State]int, NoShow)}
	for s := Held; s <= NoShow; s++ {
		st.Bookings[s] = int(e.m.states[s].Load())
		st.Total += st.Bookings[s]
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
	return st
}

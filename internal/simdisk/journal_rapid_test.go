package simdisk

import (
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestJournalKeepsAPrefixHoldingEveryAck drives a journal over a disk with
// every kind of fault, crashes and power losses: after each reopen the log
// holds a prefix of the records appended, in order and byte for byte, and
// that prefix holds every record a successful write made durable.
//
// A Wait for a record the journal found at open returns nil without a
// sync, as journal.Group's does: such a record may be in the page cache
// only (see the package documentation), so the test counts as promised
// only what a write of this journal synced.
func TestJournalKeepsAPrefixHoldingEveryAck(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		kinds := [...][]FaultKind{
			BeforeWrite: {WriteError, NoSpace, ReadOnlyFS, TornWrite, Slow, Crash},
			BeforeSync:  {SyncError, Slow, Crash},
			AfterSync:   {Crash},
		}
		clk := NewClock(t0)
		d := New(clk, &Options{Plan: func(s Step, n int) Fault {
			if !rapid.Bool().Draw(rt, "fault") {
				return Fault{}
			}
			k := rapid.SampledFrom(kinds[s]).Draw(rt, "kind")
			return Fault{Kind: k, Delay: second, Keep: rapid.IntRange(0, n).Draw(rt, "keep")}
		}})
		var appended []string // every record handed out, by LSN-1, in this life of the log
		acked := 0            // records up to this many are promised
		open := func() *Journal {
			l, err := OpenLog(d)
			if err != nil {
				rt.Fatalf("open: %v", err)
			}
			var kept []string
			if err := l.Read(1, func(_ uint64, rec []byte) error { kept = append(kept, string(rec)); return nil }); err != nil {
				rt.Fatalf("read: %v", err)
			}
			if len(kept) < acked || len(kept) > len(appended) || !slices.Equal(kept, appended[:len(kept)]) {
				rt.Fatalf("kept %q, appended %q, %d acknowledged", kept, appended, acked)
			}
			appended = kept // read back, but durable only if acknowledged or synced since
			j, err := NewJournal(l, clk)
			if err != nil {
				rt.Fatalf("journal: %v", err)
			}
			return j
		}
		j := open()
		for i := range rapid.IntRange(1, 40).Draw(rt, "steps") {
			switch rapid.IntRange(0, 5).Draw(rt, "op") {
			case 0, 1:
				rec := fmt.Sprint("rec ", i)
				if lsn, err := j.Append([]byte(rec)); err == nil {
					if int(lsn) != len(appended)+1 {
						rt.Fatalf("LSN %d after %d records", lsn, len(appended))
					}
					appended = append(appended, rec)
				}
			case 2, 3:
				commits := j.Stats().Commits
				if j.Wait(nil, j.Last()) == nil && j.Stats().Commits > commits {
					acked = max(acked, int(j.Durable()))
				}
			case 4:
				d.Crash()
				j = open()
			case 5:
				d.PowerLoss(rapid.IntRange(0, d.Unsynced()).Draw(rt, "keep"))
				j = open()
			}
		}
	})
}

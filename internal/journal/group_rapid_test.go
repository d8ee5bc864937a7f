package journal

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestGroupConcurrentAppendersGetConsecutiveLSNs runs appenders in
// parallel, some waiting for each record, and checks that every record
// got its own LSN, that each appender's LSNs rise, that together they are
// 1..n, and that the log received every record under its LSN, in order
// (the fake log refuses a gap, which would fail Close).
func TestGroupConcurrentAppendersGetConsecutiveLSNs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		appenders := rapid.IntRange(1, 16).Draw(t, "appenders")
		perAppender := rapid.IntRange(1, 40).Draw(t, "perAppender")
		waits := rapid.SliceOfN(rapid.Bool(), appenders, appenders).Draw(t, "waits")
		f := newFakeLog(0)
		g, err := NewGroup(f)
		require.NoError(t, err)

		got := make([][]uint64, appenders) // each appender's LSNs
		var wg sync.WaitGroup
		for a := range appenders {
			wg.Go(func() {
				for i := range perAppender {
					lsn, err := g.Append(fmt.Appendf(nil, "%d/%d", a, i))
					if err != nil {
						t.Error(err)
						return
					}
					got[a] = append(got[a], lsn)
					if waits[a] {
						if err := g.Wait(nil, lsn); err != nil {
							t.Error(err)
							return
						}
					}
				}
			})
		}
		wg.Wait()
		require.NoError(t, g.Close())

		total := appenders * perAppender
		recs, batches := f.written()
		require.Len(t, recs, total)
		var all []uint64
		for a, lsns := range got {
			require.True(t, slices.IsSorted(lsns), "appender %d got %v", a, lsns)
			for i, lsn := range lsns {
				require.Equal(t, fmt.Sprintf("%d/%d", a, i), recs[lsn-1], "LSN %d", lsn)
			}
			all = append(all, lsns...)
		}
		slices.Sort(all)
		for i, lsn := range all {
			require.Equal(t, uint64(i+1), lsn)
		}
		sum := 0
		for _, n := range batches {
			sum += n
		}
		require.Equal(t, total, sum)
		require.Equal(t, uint64(total), g.Committed())
	})
}

// groupMachine drives a Group over a fake log and checks it against a
// plain model: the records handed to it in order, and whether its log
// has failed.
type groupMachine struct {
	g    *Group
	f    *fakeLog
	boom error // the failure it injects

	recs    []string // the model: every record appended, LSN i+1 at i
	failing bool     // a failure is armed, or has happened
	failed  bool     // the Group has reported the failure
}

func (m *groupMachine) append(t *rapid.T) {
	rec := rapid.StringN(0, 8, -1).Draw(t, "rec")
	lsn, err := m.g.Append([]byte(rec))
	switch {
	case err == nil:
		require.False(t, m.failed, "Append after the failure")
		m.recs = append(m.recs, rec)
		require.Equal(t, uint64(len(m.recs)), lsn)
	case m.failing: // the armed failure hit an earlier batch
		require.ErrorIs(t, err, ErrFailed)
		require.ErrorIs(t, err, m.boom)
		m.failed = true
	default:
		t.Fatalf("Append: %v", err)
	}
}

func (m *groupMachine) wait(t *rapid.T) {
	if len(m.recs) == 0 {
		t.Skip("nothing to wait for")
	}
	lsn := rapid.Uint64Range(1, uint64(len(m.recs))).Draw(t, "lsn")
	err := m.g.Wait(nil, lsn)
	switch {
	case err == nil:
		require.GreaterOrEqual(t, m.g.Committed(), lsn)
	case m.failing:
		require.ErrorIs(t, err, ErrFailed)
		require.ErrorIs(t, err, m.boom)
		m.failed = true
	default:
		t.Fatalf("Wait(%d): %v", lsn, err)
	}
}

func (m *groupMachine) fail(t *rapid.T) {
	if m.failing {
		t.Skip("already failing")
	}
	m.f.failNext(m.boom)
	m.failing = true
}

func (m *groupMachine) replay(t *rapid.T) {
	_, recs := replayAll(t, m.g)
	require.LessOrEqual(t, len(recs), len(m.recs))
}

// check holds after every step: the log holds a prefix of what was
// appended, the watermark never passes the log, and a failed Group
// refuses to confirm anything it has not written.
func (m *groupMachine) check(t *rapid.T) {
	// Read the watermark first: the writer moves it after the log has
	// the records, never before.
	committed := m.g.Committed()
	recs, _ := m.f.written()
	require.LessOrEqual(t, len(recs), len(m.recs))
	require.True(t, slices.Equal(m.recs[:len(recs)], recs), "the log holds %q, the appends were %q", recs, m.recs)
	require.LessOrEqual(t, committed, uint64(len(recs)), "the watermark never passes the log")
	if m.failed {
		require.ErrorIs(t, m.g.Wait(nil, uint64(len(recs))+1), m.boom)
	}
}

// TestGroupModel drives a Group with random appends, waits, replays and
// injected failures; see groupMachine.
func TestGroupModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := &groupMachine{f: newFakeLog(rapid.IntRange(0, 3).Draw(t, "old")), boom: errors.New("injected")}
		var err error
		m.g, err = NewGroup(m.f)
		require.NoError(t, err)
		defer m.g.Close()
		for i := range int(m.g.Committed()) {
			m.recs = append(m.recs, fmt.Sprintf("old %d", i+1))
		}
		t.Repeat(map[string]func(*rapid.T){
			"append": m.append,
			"wait":   m.wait,
			"fail":   m.fail,
			"replay": m.replay,
			"":       m.check,
		})
	})
}

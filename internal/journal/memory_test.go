package journal

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// testingT is what both *testing.T and *rapid.T are.
type testingT interface {
	require.TestingT
	Helper()
}

// replayAll collects what j replays.
func replayAll(t testingT, j Journal) (lsns []uint64, recs []string) {
	t.Helper()
	require.NoError(t, j.Replay(func(lsn uint64, rec []byte) error {
		lsns = append(lsns, lsn)
		recs = append(recs, string(rec))
		return nil
	}))
	return lsns, recs
}

func TestMemoryNumbersAndKeeps(t *testing.T) {
	tests := []struct {
		name     string
		keep     bool
		wantRecs []string
	}{
		{name: "zero value keeps nothing", keep: false, wantRecs: nil},
		{name: "keep", keep: true, wantRecs: []string{"a", "b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Memory{Keep: tt.keep}
			require.Zero(t, m.Last())
			for i, rec := range []string{"a", "b", "c"} {
				lsn, err := m.Append([]byte(rec))
				require.NoError(t, err)
				require.Equal(t, uint64(i+1), lsn)
				require.NoError(t, m.Wait(context.Background(), lsn))
			}
			require.Equal(t, uint64(3), m.Last())
			lsns, recs := replayAll(t, m)
			require.Equal(t, tt.wantRecs, recs)
			if tt.keep {
				require.Equal(t, []uint64{1, 2, 3}, lsns)
			}
			require.Equal(t, Stats{Records: 3}, m.Stats())
		})
	}
}

func TestMemoryReplayStopsAtError(t *testing.T) {
	m := &Memory{Keep: true}
	for range 5 {
		_, err := m.Append([]byte("x"))
		require.NoError(t, err)
	}
	stop := errors.New("stop")
	var seen []uint64
	err := m.Replay(func(lsn uint64, _ []byte) error {
		seen = append(seen, lsn)
		if lsn == 2 {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	require.Equal(t, []uint64{1, 2}, seen)
}

func TestMemoryReplayMayAppend(t *testing.T) {
	old := &Memory{Keep: true}
	for i := range 3 {
		_, err := old.Append(fmt.Appendf(nil, "r%d", i))
		require.NoError(t, err)
	}
	require.NoError(t, old.Close())

	// A restart: the records of a closed Memory go into a new one.
	next := &Memory{Keep: true}
	require.NoError(t, old.Replay(func(lsn uint64, rec []byte) error {
		got, err := next.Append(rec)
		require.Equal(t, lsn, got)
		return err
	}))
	_, recs := replayAll(t, next)
	require.Equal(t, []string{"r0", "r1", "r2"}, recs)

	// Appending to the Memory being replayed does not extend the replay.
	n := 0
	require.NoError(t, next.Replay(func(uint64, []byte) error {
		n++
		_, err := next.Append([]byte("more"))
		return err
	}))
	require.Equal(t, 3, n)
	require.Equal(t, uint64(6), next.Last())
}

func TestMemoryClose(t *testing.T) {
	m := &Memory{Keep: true}
	lsn, err := m.Append([]byte("a"))
	require.NoError(t, err)
	require.NoError(t, m.Close())
	require.NoError(t, m.Close(), "twice")

	_, err = m.Append([]byte("b"))
	require.ErrorIs(t, err, ErrClosed)
	require.NoError(t, m.Wait(context.Background(), lsn), "appended before Close")
	require.ErrorIs(t, m.Wait(context.Background(), lsn+1), ErrClosed, "never appended")
	require.NoError(t, m.Wait(nil, 0))
	_, recs := replayAll(t, m)
	require.Equal(t, []string{"a"}, recs, "kept records outlive Close")
	require.Equal(t, uint64(1), m.Last())
}

func TestMemoryRefusesTooLarge(t *testing.T) {
	var m Memory
	_, err := m.Append(make([]byte, RecordBytesMax+1))
	require.ErrorIs(t, err, ErrTooLarge)
	lsn, err := m.Append(make([]byte, RecordBytesMax))
	require.NoError(t, err)
	require.Equal(t, uint64(1), lsn, "the refused record took no LSN")
}

func TestMemoryAppendDoesNotAllocate(t *testing.T) {
	var j Journal = &Memory{}
	rec := []byte("a change")
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := j.Append(rec); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}

func BenchmarkMemoryAppend(b *testing.B) {
	var m Memory
	rec := []byte("a change")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Append(rec); err != nil {
			b.Fatal(err)
		}
	}
}

package booking_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/internal/journal"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// The files of these tests hold journals no engine writes: records taken
// from a real engine's journal and left out, repeated or replaced, as only
// damage or a hand edit leaves them.

// forgeJournal writes recs to a new journal file at path, under LSNs 1, 2,
// and so on.
func forgeJournal(t testing.TB, path string, recs [][]byte) {
	t.Helper()
	log, err := journal.OpenBolt(path, nil)
	require.NoError(t, err)
	batch := make([]journal.Entry, len(recs))
	for i, r := range recs {
		batch[i] = journal.Entry{LSN: uint64(i) + 1, Data: r}
	}
	require.NoError(t, log.Append(batch))
	require.NoError(t, log.Close())
}

// withSeq returns a copy of booking record rec under sequence number seq.
// A booking's record begins version, op, sequence number (a uvarint): see
// booking/change.go.
func withSeq(t testing.TB, rec []byte, seq uint64) []byte {
	t.Helper()
	_, n := binary.Uvarint(rec[2:])
	require.Positive(t, n)
	out := binary.AppendUvarint(bytes.Clone(rec[:2]), seq)
	return append(out, rec[2+n:]...)
}

// overbookedJournal returns the records of seven one-seat holds of
// distinct NIKs on the 10th, slot 0, online, without the capacity of 7
// that let them in: the cell has 5 seats, so the 6th and 7th holds
// (records 8 and 9) do not fit.
func overbookedJournal(t *testing.T) [][]byte {
	t.Helper()
	j := &journal.Memory{Keep: true}
	clk := kt.NewClock(kt.T1)
	e, err := StartWith(&Options{Now: clk.Now, NoSweeper: true}, j)
	require.NoError(t, err)
	defer e.Close()
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	require.NoError(t, e.SetCapacity(bg, kt.Office, kt.Dec10, kt.Slot0, kt.Online, 7))
	for i := range 7 {
		_, err := e.Hold(bg, kt.HoldRequest(t, i))
		require.NoError(t, err)
	}
	recs := records(t, j) // keys, office, capacity, seven holds
	require.Len(t, recs, 10)
	return append(recs[:2:2], recs[3:]...)
}

// A file whose bookings take more seats than a cell has is refused, and
// the error names the record and the cell.
func TestOpenRefusesInconsistentFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	forgeJournal(t, path, overbookedJournal(t))
	_, err := Open(path, &Options{Now: kt.NewClock(kt.T1).Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrInconsistent)
	require.ErrorIs(t, err, quota.ErrFull)
	require.ErrorContains(t, err, "record 8: ")
	require.ErrorContains(t, err, "2026-12-10 slot 0")
}

// Two live bookings of one NIK in a file are refused, naming the record
// of the second.
func TestOpenRefusesDuplicateLiveNIK(t *testing.T) {
	path, clk, _ := fileWithOneHold(t)

	kt.DuplicateLastHold(t, path, 1) // record 4: keys, office, hold, copy
	_, err := Open(path, &Options{Now: clk.Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrInconsistent)
	require.ErrorIs(t, err, ErrNIKBooked)
	require.ErrorContains(t, err, "record 4: ")
	require.ErrorContains(t, err, "NIK")
}

// A file that fails part way through a replay of many chunks is refused
// cleanly: the reader stops, and Open reports the first problem in
// order, whichever of the reader and the applier met its own first.
func TestOpenStopsAtFirstBadRecord(t *testing.T) {
	// A real journal: the keys, the office, one hold, then 3000 operator
	// changes, enough for the replay's chunks of 1024.
	j := &journal.Memory{Keep: true}
	e, err := StartWith(&Options{Now: kt.NewClock(kt.T1).Now, NoSweeper: true}, j)
	require.NoError(t, err)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	_, err = e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	for i := range 3000 {
		require.NoError(t, e.SetCapacity(bg, kt.Office, kt.Dec11, []string{kt.Slot0, kt.Slot1}[i%2], kt.Online, 5+i%3))
	}
	require.NoError(t, e.Close())
	recs := records(t, j)
	require.Len(t, recs, 3003)
	garbage := []byte("not a record")
	tests := []struct {
		name string
		give [][]byte
		want error
		at   string
	}{
		{
			// The copy of the hold, record 4, breaks the NIK rule; the
			// reader meets garbage from record 2502 on, chunks later.
			name: "garbage in a later chunk",
			give: slices.Concat(recs[:3], [][]byte{withSeq(t, recs[2], 2)}, recs[3:2500], slices.Repeat([][]byte{garbage}, 500)),
			want: ErrInconsistent,
			at:   "record 4: ",
		},
		{name: "garbage first", give: slices.Concat(recs[:2], slices.Repeat([][]byte{garbage}, 3000)), want: ErrCorrupt, at: "record 3: "},
		{name: "garbage last", give: slices.Concat(recs, [][]byte{garbage}), want: ErrCorrupt, at: "record 3004: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kuota.db")
			forgeJournal(t, path, tt.give)
			_, err := Open(path, &Options{Now: kt.NewClock(kt.T1).Now, NoSweeper: true})
			require.ErrorIs(t, err, tt.want)
			require.ErrorContains(t, err, tt.at)
		})
	}
	// Untouched, the journal opens.
	path := filepath.Join(t.TempDir(), "kuota.db")
	forgeJournal(t, path, recs)
	kt.RequireConsistent(t, kt.OpenEngine(t, path, kt.NewClock(kt.T1), nil))
}

func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)

	// While a writer holds the file, a reader is told so.
	_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true, ReadOnly: true, LockTimeout: 50 * time.Millisecond})
	require.ErrorIs(t, err, ErrLocked)
	require.NoError(t, e.Close())

	before, err := os.ReadFile(path)
	require.NoError(t, err)
	clk.Set(b.PayBy) // the hold lapses while closed
	r := kt.OpenEngine(t, path, clk, &Options{ReadOnly: true})
	r2 := kt.OpenEngine(t, path, clk, &Options{ReadOnly: true}) // readers share
	require.Equal(t, Expired, diskGet(t, r, b.Code).State, "shown expired")
	require.Equal(t, Expired, diskGet(t, r2, b.Code).State)
	kt.RequireConsistent(t, r)
	for i, err := range []error{
		func() error { _, err := r.Hold(bg, kt.HoldRequest(t, 2)); return err }(),
		func() error { _, err := r.Pay(bg, b.BillingCode, "x"); return err }(),
		func() error { _, err := r.Cancel(bg, b.Code, Reason{}); return err }(),
		r.RegisterOffice(bg, kt.OfficeConfig(t)),
		r.CloseDay(bg, kt.Office, kt.Dec10, "x"),
		func() error { _, err := r.ExpireDue(bg); return err }(),
	} {
		require.ErrorIs(t, err, ErrReadOnly, "call %d", i)
	}
	_, err = r.Month(bg, kt.Office, 2026, time.December)
	require.NoError(t, err, "reads work")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, before, after, "a reader writes nothing")

	_, err = Open(filepath.Join(t.TempDir(), "missing.db"), &Options{ReadOnly: true})
	require.ErrorIs(t, err, os.ErrNotExist, "a reader never creates a file")
}

// A reader lists what keeps a file from loading instead of refusing it.
func TestReadOnlyReportsLoadViolations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	forgeJournal(t, path, overbookedJournal(t))

	_, err := Open(path, &Options{Now: clk.Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrInconsistent)
	require.ErrorContains(t, err, "1 seat does not fit 2026-12-10 slot 0 pool 0")
	r := kt.OpenEngine(t, path, clk, &Options{ReadOnly: true})
	v, err := r.Check(bg)
	require.NoError(t, err)
	require.NotEmpty(t, v)
	var overflow int
	for _, x := range v {
		if strings.Contains(x.Problem, "does not fit") {
			overflow++
		}
	}
	require.Equal(t, 2, overflow, "%v", v) // seven bookings of one seat, five seats
	require.Equal(t, 7, r.Stats().Bookings[Held], "kept, two of them without their seats")
	require.Equal(t, 0, diskLeft(t, r, kt.Dec10, 0, 0))

	// The same holds in one NIK's name: the reader keeps them all, and
	// lists the NIK's second live booking as well.
	dup := filepath.Join(t.TempDir(), "dup.db")
	e := kt.OpenEngine(t, dup, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	_, err = e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	require.NoError(t, e.Close())
	kt.DuplicateLastHold(t, dup, 6)
	r = kt.OpenEngine(t, dup, clk, &Options{ReadOnly: true})
	v, err = r.Check(bg)
	require.NoError(t, err)
	problems := fmt.Sprint(v)
	require.Equal(t, 2, strings.Count(problems, "does not fit"), problems)
	require.Contains(t, problems, "an applicant's NIK also has live booking")
}

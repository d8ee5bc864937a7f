package booking

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/internal/journal"
	"github.com/kuota/kuota/quota"
)

// documentedMoves is the State diagram of booking.go written out as a
// table: each change of a booking, the states it applies to, where it
// leads, and the verb of its refusal. A hold applies to no state: it
// makes the booking.
//
//	Held ──pay──▶ Paid ──check in──▶ CheckedIn
//	  │            │  │                  │
//	  │ deadline   │  └─slot ends──▶ NoShow
//	  ▼            ▼                     ▼
//	Expired    Cancelled ◀─cancel   Rejected ◀─office refuses (Paid or CheckedIn)
var documentedMoves = []documentedMove{
	{opHold, "hold", nil, Held},
	{opPay, "pay", []State{Held}, Paid},
	{opReschedule, "reschedule", []State{Paid}, Paid},
	{opCheckIn, "check in", []State{Paid}, CheckedIn},
	{opCancel, "cancel", []State{Held, Paid}, Cancelled},
	{opReject, "reject", []State{Paid, CheckedIn}, Rejected},
	{opExpire, "expire", []State{Held}, Expired},
	{opNoShow, "mark as no-show", []State{Paid}, NoShow},
}

type documentedMove struct {
	op   op
	verb string
	from []State
	to   State
}

// can agrees with the documented table for every change and every state,
// including changes that are not a booking's and states that do not
// exist; opBetween finds the change between two states.
func TestTransitionTableIsTheDocumentedOne(t *testing.T) {
	legal := map[op][]State{}
	for _, m := range documentedMoves {
		legal[m.op] = m.from
		require.Equal(t, m.to, moves[m.op].to, "change %s leads to", m.verb)
		for _, from := range m.from {
			if m.op != opHold {
				require.Equal(t, m.op, opBetween(from, m.to), "from %v to %v", from, m.to)
			}
		}
	}
	for o := op(0); o <= opMax+1; o++ {
		for st := State(0); st <= NoShow+1; st++ {
			err := can(o, st)
			if slices.Contains(legal[o], st) {
				require.NoError(t, err, "change %d from %v", o, st)
				continue
			}
			require.ErrorIs(t, err, ErrWrongState, "change %d from %v", o, st)
			var se *StateError
			require.ErrorAs(t, err, &se)
			require.Equal(t, st, se.State)
			if i := slices.IndexFunc(documentedMoves, func(m documentedMove) bool { return m.op == o }); i >= 0 {
				require.Equal(t, documentedMoves[i].verb, se.Op)
			} else {
				require.Equal(t, "change", se.Op, "change %d is not a booking's", o)
			}
		}
	}
}

// pathTo is the changes after the hold that bring booking 1 to each
// state, in replay.
func pathTo(st State) []change {
	pay := change{op: opPay, seq: 1, at: rAt(time.Minute), text: "ref-1"}
	then := func(o op) change { return change{op: o, seq: 1, at: rAt(2 * time.Minute), text: "daftar cekal"} }
	switch st {
	case Paid:
		return []change{pay}
	case CheckedIn:
		return []change{pay, then(opCheckIn)}
	case Cancelled:
		return []change{then(opCancel)}
	case Expired:
		return []change{then(opExpire)}
	case Rejected:
		return []change{pay, then(opReject)}
	case NoShow:
		return []change{pay, then(opNoShow)}
	}
	return nil
}

// replayHold is the start of every replayed journal: the keys, the test
// office, and booking 1 held on the 10th, slot 0, online.
func replayHold(t testing.TB) []change {
	return []change{
		changeNamed(t, "keys"),
		{op: opOffice, office: recordOffice(t)},
		{op: opHold, seq: 1, at: rAt(0), officeCode: "JKT", account: "account-1", date: rDec10,
			deadline: rAt(2 * time.Hour), applicants: []Applicant{{NIK: recordNIK(t, 1)}}},
	}
}

// Replay applies every legal move of the table and refuses every illegal
// one with ErrCorrupt, naming the record: a journal holds only the moves
// the engine makes.
func TestReplayRefusesEveryIllegalMove(t *testing.T) {
	for _, m := range documentedMoves {
		for st := Held; st <= NoShow; st++ {
			t.Run(fmt.Sprintf("%s from %v", m.verb, st), func(t *testing.T) {
				changes := append(replayHold(t), pathTo(st)...)
				c := change{op: m.op, seq: 1, at: rAt(3 * time.Minute), date: rDec11, slot: 1, text: "ref-2"}
				if m.op == opHold {
					c = changes[2] // the same booking held again
					c.at = rAt(3 * time.Minute)
				}
				changes = append(changes, c)
				e, err := replayRecords(t, encodeAll(changes...))
				if !slices.Contains(m.from, st) {
					require.ErrorIs(t, err, ErrCorrupt)
					require.ErrorContains(t, err, fmt.Sprintf("record %d:", len(changes)))
					return
				}
				require.NoError(t, err)
				b, err := e.Get(context.Background(), formatCode(e.m.codes.Load().code(1)))
				require.NoError(t, err)
				require.Equal(t, m.to, b.State)
				v, err := e.Check(context.Background())
				require.NoError(t, err)
				require.Empty(t, v)
			})
		}
	}
}

// openRecords writes recs to a new journal file, as a damaged or
// hand-edited file would hold them, and opens it.
func openRecords(t testing.TB, recs [][]byte) (*Engine, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kuota.db")
	log, err := journal.OpenBolt(path, nil)
	require.NoError(t, err)
	batch := make([]journal.Entry, len(recs))
	for i, r := range recs {
		batch[i] = journal.Entry{LSN: uint64(i) + 1, Data: r}
	}
	require.NoError(t, log.Append(batch))
	require.NoError(t, log.Close())
	e, err := Open(path, &Options{Now: func() time.Time { return rT1 }, NoSweeper: true})
	if err == nil {
		t.Cleanup(func() { e.Close() })
	}
	return e, err
}

// A file holding a change the engine never makes is refused with
// ErrCorrupt, and the error names the record: the engine checked every
// such change before making it, so only damage or a hand edit puts one in
// a file.
func TestOpenRefusesChangesNeverMade(t *testing.T) {
	start := replayHold(t)
	keys, office, hold := start[0], start[1], start[2]
	with := func(c change, edit func(*change)) change { edit(&c); return c }
	tests := []struct {
		name string
		give []change
		// Besides ErrCorrupt. A record names a slot and a pool by index,
		// which only quota's sentinels speak of; booking's ErrUnknownSlot
		// and ErrUnknownPool are for a slot's start and a pool's name.
		want error
	}{
		{"pay after cancel", []change{keys, office, hold, {op: opCancel, seq: 1, at: rAt(1)}, {op: opPay, seq: 1, at: rAt(2), text: "ref"}}, ErrWrongState},
		{"an import with an illegal step", []change{keys, office, with(hold, func(c *change) {
			c.op, c.steps = opImport, []step{{op: opCheckIn, at: rAt(1)}}
		})}, ErrWrongState},
		{"pay of an unknown booking", []change{keys, office, hold, {op: opPay, seq: 2, at: rAt(1), text: "ref"}}, ErrNotFound},
		{"a hold of a slot outside the layout", []change{keys, office, with(hold, func(c *change) { c.slot = 2 })}, quota.ErrUnknownSlot},
		{"a hold of a pool outside the layout", []change{keys, office, with(hold, func(c *change) { c.pool = 2 })}, quota.ErrUnknownPool},
		{"a reschedule to a slot outside the layout", []change{keys, office, hold, {op: opPay, seq: 1, at: rAt(1), text: "ref"},
			{op: opReschedule, seq: 1, at: rAt(2), date: rDec11, slot: 7}}, quota.ErrUnknownSlot},
		{"a hold of an unknown office", []change{keys, office, with(hold, func(c *change) { c.officeCode = "MKS" })}, ErrUnknownOffice},
		{"an override of an unknown office", []change{keys, office, {op: opOverride, officeCode: "MKS",
			override: quota.Override{Kind: quota.CloseDay, Date: rDec10, Reason: "Banjir"}}}, ErrUnknownOffice},
		{"a booking before the keys", []change{office, hold}, nil},
		{"the keys twice", []change{keys, office, keys}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := openRecords(t, encodeAll(tt.give...))
			require.ErrorIs(t, err, ErrCorrupt)
			require.ErrorContains(t, err, fmt.Sprintf("record %d:", len(tt.give)))
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}

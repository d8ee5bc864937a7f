package quota

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
)

// errJournal stands for a journal that refuses a change.
var errJournal = errors.New("journal: disk full")

// TestApply makes every kind of change, and every refusal, through Apply on
// advLedger: office 0 has 2 seats taken in slot 0 online on dec10 and 1 in
// slot 1 walk-in on dec11. A change calls commit exactly once; a refusal
// never calls it and changes nothing.
func TestApply(t *testing.T) {
	far := calendar.NewDate(calendar.YearMax, 12, 31)
	tests := []struct {
		name string
		id   OfficeID
		give Override
		want error
	}{
		// Each kind, made.
		{name: "close day", give: Override{Kind: CloseDay, Date: dec10, Reason: "Banjir"}},
		{name: "close a closed day again", give: Override{Kind: CloseDay, Date: calendar.NewDate(2026, 12, 14), Reason: "Masih banjir"}},
		{name: "close a holiday", give: Override{Kind: CloseDay, Date: dec25, Reason: "Natal"}},
		{name: "open day", give: Override{Kind: OpenDay, Date: calendar.NewDate(2026, 12, 14)}},
		{name: "open an open day", give: Override{Kind: OpenDay, Date: dec10}},
		{name: "close slot", give: Override{Kind: CloseSlot, Date: dec10, Slot: 1, Reason: "Rapat"}},
		{name: "close slot with seats taken", give: Override{Kind: CloseSlot, Date: dec10, Slot: 0, Reason: "Rapat"}},
		{name: "open slot", give: Override{Kind: OpenSlot, Date: dec11}},
		{name: "open an open slot", give: Override{Kind: OpenSlot, Date: dec10, Slot: 1}},
		{name: "set capacity up", give: Override{Kind: SetCapacity, Date: dec10, Seats: 10}},
		{name: "set capacity to the seats taken", give: Override{Kind: SetCapacity, Date: dec10, Seats: 2}},
		{name: "set capacity 0 on an empty cell", give: Override{Kind: SetCapacity, Date: dec10, Slot: 1, Pool: walkIn}},
		{name: "set capacity CellSeatsMax", give: Override{Kind: SetCapacity, Date: dec10, Pool: walkIn, Seats: CellSeatsMax}},
		{name: "set capacity of a closed slot", give: Override{Kind: SetCapacity, Date: dec11, Slot: 0, Seats: 1}},
		{name: "set release", give: Override{Kind: SetRelease, Date: dec10, At: t0.Add(-time.Hour)}},
		{name: "set release at once", give: Override{Kind: SetRelease, Date: dec10}},
		{name: "set release far away", give: Override{Kind: SetRelease, Date: dec10, At: time.Unix(math.MaxInt64, 0)}},

		// The kind, and fields it does not use.
		{name: "kind 0", give: Override{Date: dec10}, want: ErrBadOverride},
		{name: "kind 7", give: Override{Kind: SetRelease + 1, Date: dec10}, want: ErrBadOverride},
		{name: "kind 255", give: Override{Kind: 255, Date: dec10}, want: ErrBadOverride},
		{name: "kind 0, zero date, unknown office", id: 2, give: Override{}, want: ErrBadOverride},
		{name: "close day with a slot", give: Override{Kind: CloseDay, Date: dec10, Slot: 1, Reason: "x"}, want: ErrBadOverride},
		{name: "close day with seats", give: Override{Kind: CloseDay, Date: dec10, Seats: 1, Reason: "x"}, want: ErrBadOverride},
		{name: "close day with an instant", give: Override{Kind: CloseDay, Date: dec10, At: t1, Reason: "x"}, want: ErrBadOverride},
		{name: "open day with a reason", give: Override{Kind: OpenDay, Date: dec10, Reason: "x"}, want: ErrBadOverride},
		{name: "close slot with a pool", give: Override{Kind: CloseSlot, Date: dec10, Pool: 1, Reason: "x"}, want: ErrBadOverride},
		{name: "open slot with a reason", give: Override{Kind: OpenSlot, Date: dec10, Reason: "x"}, want: ErrBadOverride},
		{name: "open slot with seats", give: Override{Kind: OpenSlot, Date: dec10, Seats: 3}, want: ErrBadOverride},
		{name: "set capacity with a reason", give: Override{Kind: SetCapacity, Date: dec10, Seats: 3, Reason: "x"}, want: ErrBadOverride},
		{name: "set capacity with an instant", give: Override{Kind: SetCapacity, Date: dec10, Seats: 3, At: t1}, want: ErrBadOverride},
		{name: "set release with a slot", give: Override{Kind: SetRelease, Date: dec10, Slot: 1, At: t1}, want: ErrBadOverride},
		{name: "set release with a pool", give: Override{Kind: SetRelease, Date: dec10, Pool: -1, At: t1}, want: ErrBadOverride},
		{name: "stray field before the reason", give: Override{Kind: CloseDay, Date: dec10, Seats: 1}, want: ErrBadOverride},

		// The reason.
		{name: "close day, no reason", give: Override{Kind: CloseDay, Date: dec10}, want: ErrBadReason},
		{name: "close day, newline", give: Override{Kind: CloseDay, Date: dec10, Reason: "a\nb"}, want: ErrBadReason},
		{name: "close day, long", give: Override{Kind: CloseDay, Date: dec10, Reason: strings.Repeat("x", ReasonBytesMax+1)}, want: ErrBadReason},
		{name: "close slot, no reason", give: Override{Kind: CloseSlot, Date: dec10}, want: ErrBadReason},
		{name: "close slot, invalid UTF-8", give: Override{Kind: CloseSlot, Date: dec10, Reason: "\xff"}, want: ErrBadReason},
		{name: "reason before the date", give: Override{Kind: CloseDay}, want: ErrBadReason},

		// The seats.
		{name: "set capacity -1", give: Override{Kind: SetCapacity, Date: dec10, Seats: -1}, want: ErrBadSeats},
		{name: "set capacity CellSeatsMax+1", give: Override{Kind: SetCapacity, Date: dec10, Seats: CellSeatsMax + 1}, want: ErrBadSeats},
		{name: "set capacity MinInt", give: Override{Kind: SetCapacity, Date: dec10, Seats: math.MinInt}, want: ErrBadSeats},
		{name: "seats before the date", give: Override{Kind: SetCapacity, Seats: -1}, want: ErrBadSeats},

		// The date, the office, the horizon.
		{name: "close day, zero date", give: Override{Kind: CloseDay, Reason: "x"}, want: calendar.ErrBadDate},
		{name: "open day, zero date", give: Override{Kind: OpenDay}, want: calendar.ErrBadDate},
		{name: "close slot, zero date", give: Override{Kind: CloseSlot, Reason: "x"}, want: calendar.ErrBadDate},
		{name: "open slot, zero date", give: Override{Kind: OpenSlot}, want: calendar.ErrBadDate},
		{name: "set capacity, zero date", give: Override{Kind: SetCapacity, Seats: 1}, want: calendar.ErrBadDate},
		{name: "set release, zero date", give: Override{Kind: SetRelease, At: t1}, want: calendar.ErrBadDate},
		{name: "date before the office", id: 2, give: Override{Kind: OpenDay}, want: calendar.ErrBadDate},
		{name: "close day, unknown office", id: 2, give: Override{Kind: CloseDay, Date: dec10, Reason: "x"}, want: ErrUnknownOffice},
		{name: "open day, office MaxUint32", id: math.MaxUint32, give: Override{Kind: OpenDay, Date: dec10}, want: ErrUnknownOffice},
		{name: "close slot, unknown office", id: 2, give: Override{Kind: CloseSlot, Date: dec10, Reason: "x"}, want: ErrUnknownOffice},
		{name: "open slot, unknown office", id: OfficesMax, give: Override{Kind: OpenSlot, Date: dec10}, want: ErrUnknownOffice},
		{name: "set capacity, unknown office", id: 2, give: Override{Kind: SetCapacity, Date: dec10, Seats: 1}, want: ErrUnknownOffice},
		{name: "set release, unknown office", id: 2, give: Override{Kind: SetRelease, Date: dec10}, want: ErrUnknownOffice},
		{name: "office before the horizon", id: 2, give: Override{Kind: OpenDay, Date: far}, want: ErrUnknownOffice},
		{name: "close day, outside", give: Override{Kind: CloseDay, Date: jan01, Reason: "x"}, want: ErrOutsideHorizon},
		{name: "open day, before the table", give: Override{Kind: OpenDay, Date: nov30}, want: ErrOutsideHorizon},
		{name: "close slot, year 9999", give: Override{Kind: CloseSlot, Date: far, Reason: "x"}, want: ErrOutsideHorizon},
		{name: "open slot, outside", give: Override{Kind: OpenSlot, Date: jan01}, want: ErrOutsideHorizon},
		{name: "set capacity, outside", give: Override{Kind: SetCapacity, Date: jan01, Seats: 1}, want: ErrOutsideHorizon},
		{name: "set release, outside", give: Override{Kind: SetRelease, Date: jan01, At: t1}, want: ErrOutsideHorizon},
		{name: "horizon before the slot", give: Override{Kind: SetCapacity, Date: jan01, Slot: 9, Pool: 9}, want: ErrOutsideHorizon},

		// The slot, the pool, the seats taken.
		{name: "close slot 2", give: Override{Kind: CloseSlot, Date: dec10, Slot: 2, Reason: "x"}, want: ErrUnknownSlot},
		{name: "close slot -1", give: Override{Kind: CloseSlot, Date: dec10, Slot: -1, Reason: "x"}, want: ErrUnknownSlot},
		{name: "open slot MaxInt", give: Override{Kind: OpenSlot, Date: dec10, Slot: math.MaxInt}, want: ErrUnknownSlot},
		{name: "set capacity, slot 2", give: Override{Kind: SetCapacity, Date: dec10, Slot: 2, Seats: 1}, want: ErrUnknownSlot},
		{name: "slot before the pool", give: Override{Kind: SetCapacity, Date: dec10, Slot: 2, Pool: 2, Seats: 1}, want: ErrUnknownSlot},
		{name: "set capacity, pool 2", give: Override{Kind: SetCapacity, Date: dec10, Pool: 2, Seats: 1}, want: ErrUnknownPool},
		{name: "set capacity, pool -1", give: Override{Kind: SetCapacity, Date: dec10, Pool: -1, Seats: 1}, want: ErrUnknownPool},
		{name: "pool before the seats taken", give: Override{Kind: SetCapacity, Date: dec10, Pool: 2}, want: ErrUnknownPool},
		{name: "set capacity below taken", give: Override{Kind: SetCapacity, Date: dec10, Seats: 1}, want: ErrBelowTaken},
		{name: "set capacity 0 under a booking", give: Override{Kind: SetCapacity, Date: dec11, Slot: 1, Pool: walkIn}, want: ErrBelowTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := advLedger(t)
			before := captureLedger(t, l)
			commits := 0
			err := l.Apply(tt.id, tt.give, func() error { commits++; return nil })
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want)
				require.Zero(t, commits, "a refusal never commits")
				require.Equal(t, before, captureLedger(t, l), "a refusal changes nothing")
				return
			}
			require.NoError(t, err)
			require.Equal(t, 1, commits)
			requireApplied(t, l, tt.id, tt.give)
			requireNoFrozen(t, l)
		})
	}
}

// requireApplied checks that ov took effect: standing kinds are listed by
// Overrides and visible in cells and views, and undos list nothing for
// their day or slot.
func requireApplied(t *testing.T, l *Ledger, id OfficeID, ov Override) {
	t.Helper()
	listed := slices.Collect(l.Overrides(id))
	v, err := l.Day(id, ov.Date, t1)
	require.NoError(t, err)
	switch ov.Kind {
	case CloseDay:
		require.Contains(t, listed, ov)
		require.ErrorIs(t, l.Reserve(id, ov.Date, 1, online, 1, t1), ErrClosed)
	case OpenDay:
		require.False(t, slices.ContainsFunc(listed, func(o Override) bool { return o.Kind == CloseDay && o.Date == ov.Date }))
		require.NotEqual(t, calendar.Holiday, v.State)
	case CloseSlot:
		require.Contains(t, listed, ov)
		require.Equal(t, calendar.Holiday, v.Slots[ov.Slot].State)
		require.Equal(t, ov.Reason, v.Slots[ov.Slot].Reason)
	case OpenSlot:
		require.False(t, slices.ContainsFunc(listed, func(o Override) bool {
			return o.Kind == CloseSlot && o.Date == ov.Date && o.Slot == ov.Slot
		}))
		c, err := l.Cell(id, ov.Date, ov.Slot, online)
		require.NoError(t, err)
		require.False(t, c.Closed)
	case SetCapacity:
		require.Contains(t, listed, ov)
		c, err := l.Cell(id, ov.Date, ov.Slot, ov.Pool)
		require.NoError(t, err)
		require.Equal(t, ov.Seats, c.Capacity)
		slotClosed := slices.ContainsFunc(listed, func(o Override) bool {
			return o.Kind == CloseSlot && o.Date == ov.Date && o.Slot == ov.Slot
		})
		require.Equal(t, slotClosed, c.Closed, "a capacity keeps the slot's closure")
	case SetRelease:
		require.Contains(t, listed, ov)
		if ov.At.IsZero() {
			require.True(t, v.Opens.IsZero())
		} else {
			require.Equal(t, unixns.Of(ov.At), unixns.Of(v.Opens))
		}
	}
}

// applyKinds is one valid change of each kind on advLedger, the ones that
// write cells with the number of cells they freeze during commit.
var applyKinds = []struct {
	ov     Override
	frozen int
}{
	{Override{Kind: CloseDay, Date: dec10, Reason: "Banjir"}, 0},
	{Override{Kind: OpenDay, Date: calendar.NewDate(2026, 12, 14)}, 0},
	{Override{Kind: CloseSlot, Date: dec10, Slot: 0, Reason: "Rapat"}, 2},
	{Override{Kind: OpenSlot, Date: dec11, Slot: 0}, 2},
	{Override{Kind: SetCapacity, Date: dec10, Slot: 0, Pool: online, Seats: 2}, 1},
	{Override{Kind: SetRelease, Date: dec10, At: t0.Add(-time.Hour)}, 0},
}

// While commit runs, the change has not taken effect, and the cells it
// writes — and only those — are frozen.
func TestApplyCommitSeesTheOldState(t *testing.T) {
	for _, tt := range applyKinds {
		t.Run(tt.ov.Kind.String(), func(t *testing.T) {
			l := advLedger(t)
			dayBefore, err := l.Day(0, tt.ov.Date, t1)
			require.NoError(t, err)
			cellBefore, err := l.Cell(0, tt.ov.Date, tt.ov.Slot, tt.ov.Pool)
			require.NoError(t, err)
			commits := 0
			require.NoError(t, l.Apply(0, tt.ov, func() error {
				commits++
				// Lock-free reads only: commit runs under the mutex.
				v, err := l.Day(0, tt.ov.Date, t1)
				require.NoError(t, err)
				require.Equal(t, dayBefore, v, "not in effect during commit")
				c, err := l.Cell(0, tt.ov.Date, tt.ov.Slot, tt.ov.Pool)
				require.NoError(t, err)
				require.Equal(t, cellBefore, c)
				require.Equal(t, tt.frozen, frozenCells(l, 0))
				require.Zero(t, frozenCells(l, 1), "other offices are not touched")
				return nil
			}))
			require.Equal(t, 1, commits)
			requireApplied(t, l, 0, tt.ov)
			requireNoFrozen(t, l)
		})
	}
}

// A commit that fails leaves the ledger exactly as it was, for every kind,
// and a commit that panics too: no cell stays frozen and the mutex is
// released.
func TestApplyCommitFails(t *testing.T) {
	for _, tt := range applyKinds {
		t.Run(tt.ov.Kind.String(), func(t *testing.T) {
			l := advLedger(t)
			before := captureLedger(t, l)
			commits := 0
			err := l.Apply(0, tt.ov, func() error { commits++; return errJournal })
			require.ErrorIs(t, err, errJournal)
			require.Equal(t, 1, commits)
			require.Equal(t, before, captureLedger(t, l), "a failed commit changes nothing")

			require.PanicsWithValue(t, "journal gone", func() {
				_ = l.Apply(0, tt.ov, func() error { panic("journal gone") })
			})
			require.Equal(t, before, captureLedger(t, l), "a panicking commit changes nothing")

			require.NoError(t, l.Apply(0, tt.ov, nil), "the same change still goes through")
			requireApplied(t, l, 0, tt.ov)
		})
	}
}

// SetCapacity checks the seats taken on the frozen cell and stores the new
// capacity after commit: a Reserve or Release arriving during commit waits
// for the change, and then meets the new capacity. The cell has capacity 3
// with 2 seats taken, and goes down to 2.
func TestApplyCapacityHoldsReservations(t *testing.T) {
	tests := []struct {
		name     string
		call     func(l *Ledger) error
		want     error
		wantLeft int
	}{
		{name: "reserve", call: func(l *Ledger) error { return l.Reserve(0, dec10, 0, online, 1, t1) }, want: ErrFull, wantLeft: 0},
		{name: "release", call: func(l *Ledger) error { return l.Release(0, dec10, 0, online, 1) }, wantLeft: 1},
		{name: "restore", call: func(l *Ledger) error { return l.Restore(0, dec10, 0, online, 1) }, want: ErrFull, wantLeft: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, id := newTestLedger(t)
			require.NoError(t, l.Reserve(id, dec10, 0, online, 2, t1))
			done := make(chan error, 1)
			require.NoError(t, l.Apply(id, Override{Kind: SetCapacity, Date: dec10, Seats: 2}, func() error {
				go func() { done <- tt.call(l) }()
				time.Sleep(20 * time.Millisecond)
				require.Empty(t, done, "waits for the change")
				requireCell(t, l, id, dec10, 0, online, 3, 1)
				return nil
			}))
			err := <-done
			if tt.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.want)
			}
			requireCell(t, l, id, dec10, 0, online, 2, tt.wantLeft)
			requireNoFrozen(t, l)
		})
	}
}

func TestOverrideKindString(t *testing.T) {
	tests := []struct {
		give OverrideKind
		want string
	}{
		{CloseDay, "close day"}, {OpenDay, "open day"}, {CloseSlot, "close slot"},
		{OpenSlot, "open slot"}, {SetCapacity, "set capacity"}, {SetRelease, "set release"},
		{0, "OverrideKind(0)"}, {7, "OverrideKind(7)"}, {255, "OverrideKind(255)"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.give.String())
	}
}

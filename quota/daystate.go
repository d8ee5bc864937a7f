package quota

import (
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
)

// SlotState is one slot of a day as a person booking in one pool sees it:
// its state, why it is closed, and the pool's seats left. It is a
// [SlotView] of [Ledger.DayIn] with that pool's seats in Left instead of a
// Pools slice, so that a day of them is one array the caller can reuse,
// and like SlotView it is a value, safe to keep and to share.
type SlotState struct {
	Slot       int           // index in the office's layout
	Start, End time.Duration // offsets from local midnight
	State      calendar.State
	Reason     string // why the operator closed it, for a closed slot
	Left       int    // seats left in the pool
}

// AppendDayIn appends to dst the state of every slot of one day of an
// office, as of now, as seen from one pool (the pool index of the
// office's layout), and returns the extended slice. Each slot's Slot,
// Start, End, State and Reason are those [Ledger.DayIn] shows for it, and
// Left is its Pools[0].Left. A day outside the office's table has no
// slots to show and gets none appended; its state, and why, are the
// month's ([Ledger.AppendMonthIn]). On error it returns dst unchanged. It
// refuses [ErrUnknownOffice], [ErrUnknownPool], then [calendar.ErrBadDate]
// for the zero Date, as DayIn does.
//
// It is the one for a slot picker on a hot path — the page a person sees
// after choosing a green day — with a slice kept from call to call
// (dst[:0]): it does not allocate once that holds a day's slots, where
// DayIn allocates three times. Like DayIn it reads each cell once, with
// one atomic load: each slot's state is exact for the instant its cell
// was read.
func (l *Ledger) AppendDayIn(dst []SlotState, id OfficeID, pool int, d calendar.Date, now time.Time) ([]SlotState, error) {
	t := l.table(id)
	if t == nil {
		return dst, ErrUnknownOffice
	}
	if uint(pool) >= uint(t.pools) {
		return dst, ErrUnknownPool
	}
	if d.IsZero() {
		return dst, calendar.ErrBadDate
	}
	dy := t.at(d)
	if dy == nil {
		return dst, nil
	}
	vw := viewer{t: t, nowNs: unixns.Of(now), lo: pool, hi: pool + 1}
	var reasons []string
	if r := dy.slotReasons.Load(); r != nil {
		reasons = *r
	}
	for s, slot := range t.layout.Slots {
		capacity, left, closed := t.cell(dy, s, pool).load()
		state, reason := vw.slotState(dy, s, reasons, closed, int(capacity), int(left))
		dst = append(dst, SlotState{Slot: s, Start: slot.Start, End: slot.End, State: state, Reason: reason, Left: int(left)})
	}
	return dst, nil
}

package booking_test

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// The operator's calls: closures, capacities, registering the office
// again, and the sweeps the background sweeper would make.

// closure closes or opens a day or a slot.
func (s *sim) closure(op simOp) simOutcome {
	cell := s.date()
	cell.pool = 0
	if s.rng.IntN(5) > 0 { // open what is closed, in an order that depends on the seed only
		slots := slices.SortedFunc(maps.Keys(s.model.slotClosed), simCell.compare)
		days := slices.SortedFunc(maps.Keys(s.model.dayClosed), calendar.Date.Compare)
		switch {
		case op == simOpenSlot && len(slots) > 0:
			cell = slots[s.rng.IntN(len(slots))]
		case op == simOpenDay && len(days) > 0:
			cell.date = days[s.rng.IntN(len(days))]
		}
	}
	var want error
	if !simInTable(cell.date) {
		want = quota.ErrOutsideHorizon
	}
	slotOnly := simCell{date: cell.date, slot: cell.slot}
	var apply func(m *simModel)
	var call func(ctx context.Context) error
	switch op {
	case simCloseDay:
		apply = func(m *simModel) { m.dayClosed[cell.date] = "rapat dinas" }
		call = func(ctx context.Context) error { return s.e.CloseDay(ctx, kt.Office, cell.date, "rapat dinas") }
	case simOpenDay:
		apply = func(m *simModel) { delete(m.dayClosed, cell.date) }
		call = func(ctx context.Context) error { return s.e.OpenDay(ctx, kt.Office, cell.date) }
	case simCloseSlot:
		apply = func(m *simModel) { m.slotClosed[slotOnly] = "perbaikan sistem" }
		call = func(ctx context.Context) error {
			return s.e.CloseSlot(ctx, kt.Office, cell.date, simStarts[cell.slot], "perbaikan sistem")
		}
	default:
		apply = func(m *simModel) { delete(m.slotClosed, slotOnly) }
		call = func(ctx context.Context) error { return s.e.OpenSlot(ctx, kt.Office, cell.date, simStarts[cell.slot]) }
	}
	what := fmt.Sprintf("%s %s %s", op, cell.date, simStarts[cell.slot])
	out := s.call(what, want, call)
	if out != simRefused {
		s.change(what, "", out == simOK, apply)
	}
	return out
}

// capacity raises or lowers one cell's capacity.
func (s *sim) capacity(op simOp) simOutcome {
	now := s.clock.Now()
	cell := s.date()
	seats := s.model.cap(cell) + 1 + s.rng.IntN(2)
	if op == simCapacityDown {
		seats = max(s.model.cap(cell)-1-s.rng.IntN(2), 0)
	}
	var want error
	switch {
	case !simInTable(cell.date):
		want = quota.ErrOutsideHorizon
	case seats < s.model.taken(cell, now)+s.lapsed(cell):
		want = quota.ErrBelowTaken
	}
	what := fmt.Sprintf("set %s %s %s to %d seats", cell.date, simStarts[cell.slot], simPools[cell.pool], seats)
	out := s.call(what, want, func(ctx context.Context) error {
		return s.e.SetCapacity(ctx, kt.Office, cell.date, simStarts[cell.slot], simPools[cell.pool], seats)
	})
	if out != simRefused {
		s.change(what, "", out == simOK, func(m *simModel) { m.capacity[cell] = seats })
	}
	if simInTable(cell.date) {
		s.checkCell(what, cell)
	}
	return out
}

// register registers the office again under a new name; its bookings,
// seats and operator changes carry over.
func (s *sim) register() simOutcome {
	name := fmt.Sprint("Kantor Imigrasi Jakarta Selatan ", s.calls)
	out := s.call("register the office as "+name, nil, func(ctx context.Context) error {
		return s.e.RegisterOffice(ctx, simOfficeConfig(s.knobs.seats, name))
	})
	if out != simRefused {
		s.change("register as "+name, "", out == simOK, func(m *simModel) { m.name = name })
	}
	return out
}

// sweep records the expiries or no-shows that are due, as the background
// sweeper would.
func (s *sim) sweep(op simOp) simOutcome {
	now := s.clock.Now()
	due := 0
	for _, b := range s.model.bookings {
		if b.archived {
			continue
		}
		rec := s.recorded(b.code)
		switch st := s.model.effective(b, now); {
		case op == simExpireDue && rec == Held && st == Expired, op == simMarkNoShows && rec == Paid && st == NoShow:
			due++
		}
	}
	broken := s.broken()
	var n int
	out := s.call(op.String(), nil, func(ctx context.Context) error {
		var err error
		if op == simExpireDue {
			n, err = s.e.ExpireDue(ctx)
		} else {
			n, err = s.e.MarkNoShows(ctx)
		}
		return err
	})
	switch {
	case out != simOK:
	case broken && n != 0:
		s.fail("%s on a journal refusing writes recorded %d", op, n)
	case !broken && n != due:
		s.fail("%s recorded %d, %d were due", op, n, due)
	}
	return out
}

func (c simCell) compare(o simCell) int {
	return cmp.Or(c.date.Compare(o.date), cmp.Compare(c.slot, o.slot), cmp.Compare(c.pool, o.pool))
}

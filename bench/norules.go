package bench

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// noRulesEngine is the rule-less baseline: what a Go developer writes
// instead of a booking engine when all that is asked is "never sell a seat
// twice" — one sync.Mutex over a map of cell counters and a map of hold
// records, and nothing else. It is the yardstick of kuota's in-memory
// engine: the fastest plausible naive engine, which kuota must match with
// all of its rules on.
//
// It keeps none of kuota's rules: no rule that a NIK is in one live
// booking at a time (it never answers booking.ErrNIKBooked), no limit of
// unpaid holds per account, no idempotency, no release instant, no past or closed slot, no
// window for cancelling, rescheduling or checking in, no no-shows, no
// durability. What it keeps is what the scenarios need to run: a cell's
// capacity from the office's configuration, on the days its schedule
// serves (so the clients see the same days and seats as on the other
// systems), holds that lapse after [HoldTTL] when a Sweep finds them, and
// views that report seats left, summed by walking the month's cells under
// the mutex. A hold refused on a full cell does not look for lapsed holds
// first: they come back at the next Sweep.
type noRulesEngine struct {
	clk *Clock

	mu      sync.Mutex // guards offices, byID, cells, holds and seq
	offices map[string]noRulesOffice
	byID    []*baseOffice             // by noRulesOffice.id
	cells   map[noRulesCell]int       // seats left; capacity is in the office's layout
	holds   map[string]noRulesBooking // by code: held, paid or checked in
	seq     int
}

// noRulesOffice is a registered office and its number in the cells' keys.
type noRulesOffice struct {
	*baseOffice
	id int
}

// noRulesCell is a cell's key, packed into a uint64 — office number,
// date, slot, pool — so that the map finds it with its fast path for
// 8-byte keys. A month view looks up 22 × 8 × 2 cells: keyed by a struct
// with the office's code, as the mutex-and-map baseline keys its cells,
// the roomy rush's clients were served about a quarter as fast, and by a
// struct of 12 bytes about half as fast.
type noRulesCell uint64

// cellOf packs a key. Offices (quota.OfficesMax) fit in 16 bits, dates in
// 32, slots (quota.SlotsPerDayMax) and pools (quota.PoolsPerSlotMax) in 8.
func cellOf(office int, d calendar.Date, slot, pool int) noRulesCell {
	return noRulesCell(uint64(office)<<48 | uint64(uint32(d.Sub(calendar.Date{})))<<16 | uint64(slot)<<8 | uint64(pool))
}

func (c noRulesCell) office() int { return int(c >> 48) }
func (c noRulesCell) slot() int   { return int(c >> 8 & 0xff) }
func (c noRulesCell) pool() int   { return int(c & 0xff) }

// noRulesBooking is the rule-less engine's hold record. A booking that
// gives its seats back (cancelled, lapsed) leaves the map.
type noRulesBooking struct {
	cell       noRulesCell
	seats      int
	state      booking.State
	deadlineNs int64 // when a Held booking lapses, in Unix nanoseconds
}

func newNoRulesEngine(clk *Clock) *noRulesEngine {
	return &noRulesEngine{clk: clk, offices: map[string]noRulesOffice{}, cells: map[noRulesCell]int{}, holds: map[string]noRulesBooking{}}
}

func (e *noRulesEngine) Name() string { return MutexNoRules }

// Register makes a cell for every slot and pool of every day of the
// office's table that its schedule serves: the days the other systems
// sell. A day without cells has no seats to sell.
func (e *noRulesEngine) Register(cfg booking.OfficeConfig) error {
	o, err := newBaseOffice(cfg)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	id := len(e.byID)
	if old, ok := e.offices[cfg.Code]; ok {
		id = old.id // registered again: the same cells, new capacities
		e.byID[id] = o
	} else if id >= quota.OfficesMax {
		return quota.ErrTooManyOffices // kuota's limit, and what a key has room for
	} else {
		e.byID = append(e.byID, o)
	}
	e.offices[cfg.Code] = noRulesOffice{o, id}
	for i := range cfg.Quota.Days {
		d := cfg.Quota.First.AddDays(i)
		if st, _ := cfg.Quota.Schedule.Status(d); st != calendar.Available {
			continue
		}
		for s, slot := range cfg.Quota.Layout.Slots {
			for p, seats := range slot.Seats {
				e.cells[cellOf(id, d, s, p)] = seats
			}
		}
	}
	return nil
}

// Month walks the cells of every day of the month under the mutex. A day
// without cells is shown in its schedule's state, or OutsideHorizon.
func (e *noRulesEngine) Month(office string, year int, month time.Month) ([]quota.DayView, error) {
	first, n := calendar.NewDate(year, month, 1), calendar.DaysIn(year, month)
	out := make([]quota.DayView, n)
	e.mu.Lock()
	defer e.mu.Unlock()
	o, ok := e.offices[office]
	if !ok {
		return nil, booking.ErrUnknownOffice
	}
	layout := &o.cfg.Quota.Layout
	pools := make([]quota.PoolSeats, n*len(layout.Pools)) // one allocation for every day's
	for i := range out {
		v := &out[i]
		v.Date = first.AddDays(i)
		v.Pools = pools[i*len(layout.Pools) : (i+1)*len(layout.Pools) : (i+1)*len(layout.Pools)]
		for p, name := range layout.Pools {
			v.Pools[p].Pool = name
		}
		if _, ok := e.cells[cellOf(o.id, v.Date, 0, 0)]; !ok {
			v.State = o.noCells(v.Date)
			continue
		}
		capacityDay := 0
		for s, slot := range layout.Slots {
			for p, capacity := range slot.Seats {
				left := e.cells[cellOf(o.id, v.Date, s, p)]
				v.Pools[p].Left += left
				v.Pools[p].Capacity += capacity
				v.Left += left
				capacityDay += capacity
			}
		}
		v.State = seatState(capacityDay, v.Left)
	}
	return out, nil
}

// Day walks the cells of one day under the mutex.
func (e *noRulesEngine) Day(office string, d calendar.Date) (quota.DayView, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	o, ok := e.offices[office]
	if !ok {
		return quota.DayView{}, booking.ErrUnknownOffice
	}
	layout := &o.cfg.Quota.Layout
	v := quota.DayView{Date: d, Pools: make([]quota.PoolSeats, len(layout.Pools))}
	for p, name := range layout.Pools {
		v.Pools[p].Pool = name
	}
	if _, ok := e.cells[cellOf(o.id, d, 0, 0)]; !ok {
		v.State = o.noCells(d)
		return v, nil
	}
	pools := make([]quota.PoolSeats, len(layout.Slots)*len(layout.Pools)) // one allocation for every slot's
	v.Slots = make([]quota.SlotView, len(layout.Slots))
	capacityDay := 0
	for s, slot := range layout.Slots {
		sv := &v.Slots[s]
		sv.Slot, sv.Start, sv.End = s, slot.Start, slot.End
		sv.Pools = pools[s*len(layout.Pools) : (s+1)*len(layout.Pools) : (s+1)*len(layout.Pools)]
		capacitySlot, leftSlot := 0, 0
		for p, capacity := range slot.Seats {
			left := e.cells[cellOf(o.id, d, s, p)]
			sv.Pools[p] = quota.PoolSeats{Pool: layout.Pools[p], Left: left, Capacity: capacity}
			v.Pools[p].Left += left
			v.Pools[p].Capacity += capacity
			capacitySlot += capacity
			leftSlot += left
		}
		sv.State = seatState(capacitySlot, leftSlot)
		v.Left += leftSlot
		capacityDay += capacitySlot
	}
	v.State = seatState(capacityDay, v.Left)
	return v, nil
}

// noCells returns the state of a day the engine has no cells for: its
// schedule's, or OutsideHorizon for a service day outside the table (a
// day of a year without holiday data too, as kuota's: the table comes
// first).
func (o *baseOffice) noCells(d calendar.Date) calendar.State {
	if st, _ := o.cfg.Quota.Schedule.Status(d); st != calendar.Available && st != calendar.NotOpened {
		return st
	}
	return calendar.OutsideHorizon
}

// seatState is the state of seats alone, as kuota's views name it: no
// capacity at all is NoQuota (yellow), none left Full, else Available.
func seatState(capacity, left int) calendar.State {
	switch {
	case capacity == 0:
		return calendar.NoQuota
	case left == 0:
		return calendar.Full
	}
	return calendar.Available
}

// Hold takes the seats of one cell if they are left: the whole engine.
func (e *noRulesEngine) Hold(req booking.HoldRequest) (Ticket, error) {
	deadlineNs := e.clk.Now().Add(holdTTL).UnixNano()
	e.mu.Lock()
	defer e.mu.Unlock()
	o := e.offices[req.Office]
	slot, pool, err := checkRequest(o.baseOffice, &req)
	if err != nil {
		return Ticket{}, err
	}
	k := cellOf(o.id, req.Date, slot, pool)
	left, ok := e.cells[k]
	if !ok {
		return Ticket{}, quota.ErrNoQuota // a day the office does not serve
	}
	capacity := o.cfg.Quota.Layout.Slots[slot].Seats[pool]
	if err := cellRefusal(capacity, capacity-left, len(req.Applicants)); err != nil {
		return Ticket{}, err
	}
	e.cells[k] = left - len(req.Applicants)
	e.seq++
	code := "N" + strconv.Itoa(e.seq)
	e.holds[code] = noRulesBooking{cell: k, seats: len(req.Applicants), state: booking.Held, deadlineNs: deadlineNs}
	return Ticket{Code: code, Billing: code}, nil
}

// Pay marks a hold paid, unless it has lapsed.
func (e *noRulesEngine) Pay(t Ticket, _ string) error {
	now := e.clk.Now().UnixNano()
	e.mu.Lock()
	defer e.mu.Unlock()
	b, err := e.booked(t.Billing, "pay", booking.Held)
	if err != nil {
		return err
	}
	if now >= b.deadlineNs {
		e.free(t.Billing, b)
		return booking.ErrExpired
	}
	b.state = booking.Paid
	e.holds[t.Billing] = b
	return nil
}

// booked returns the booking with code for operation op, which it must be
// in one of states for; the caller holds mu.
func (e *noRulesEngine) booked(code, op string, states ...booking.State) (noRulesBooking, error) {
	b, ok := e.holds[code]
	switch {
	case !ok:
		return b, booking.ErrNotFound
	case !slices.Contains(states, b.state):
		return b, &booking.StateError{Op: op, State: b.state}
	}
	return b, nil
}

// Cancel gives a held or paid booking's seats back, at any time.
func (e *noRulesEngine) Cancel(t Ticket) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, err := e.booked(t.Code, "cancel", booking.Held, booking.Paid)
	if err != nil {
		return err
	}
	e.free(t.Code, b)
	return nil
}

// Reschedule moves a held or paid booking to the slot of d that starts at
// start, in the same pool, if its seats are left there, at any time and as
// often as asked.
func (e *noRulesEngine) Reschedule(t Ticket, d calendar.Date, start string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, err := e.booked(t.Code, "reschedule", booking.Held, booking.Paid)
	if err != nil {
		return err
	}
	o := e.byID[b.cell.office()]
	slot, err := o.slotIndex(start)
	if err != nil {
		return err
	}
	k := cellOf(b.cell.office(), d, slot, b.cell.pool())
	left, ok := e.cells[k]
	if !ok {
		return quota.ErrNoQuota
	}
	capacity := o.cfg.Quota.Layout.Slots[slot].Seats[b.cell.pool()]
	if err := cellRefusal(capacity, capacity-left, b.seats); err != nil {
		return err
	}
	e.cells[k] = left - b.seats
	e.cells[b.cell] += b.seats
	b.cell = k
	e.holds[t.Code] = b
	return nil
}

// CheckIn marks a paid booking checked in, at any time.
func (e *noRulesEngine) CheckIn(t Ticket) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	b, err := e.booked(t.Code, "check in", booking.Paid)
	if err != nil {
		return err
	}
	b.state = booking.CheckedIn
	e.holds[t.Code] = b
	return nil
}

// Sweep walks every booking and gives back the seats of the lapsed holds.
// There are no no-shows: a paid booking keeps its seats.
func (e *noRulesEngine) Sweep() error {
	now := e.clk.Now().UnixNano()
	e.mu.Lock()
	defer e.mu.Unlock()
	for code, b := range e.holds {
		if b.state == booking.Held && now >= b.deadlineNs {
			e.free(code, b)
		}
	}
	return nil
}

// free gives b's seats back and forgets it. The caller holds mu.
func (e *noRulesEngine) free(code string, b noRulesBooking) {
	e.cells[b.cell] += b.seats
	delete(e.holds, code)
}

// Audit counts every cell's seats against the bookings that hold them.
func (e *noRulesEngine) Audit() (Audit, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	taken := map[noRulesCell]int{}
	var a Audit
	for _, b := range e.holds {
		taken[b.cell] += b.seats
		a.LiveBookings++
	}
	for k, left := range e.cells {
		capacity := e.byID[k.office()].cfg.Quota.Layout.Slots[k.slot()].Seats[k.pool()]
		a.Capacity += capacity
		a.Left += left
		if capacity-left != taken[k] || left < 0 || left > capacity {
			a.Violations++
		}
	}
	a.Taken = a.Capacity - a.Left
	return a, nil
}

func (e *noRulesEngine) Close() error { return nil }

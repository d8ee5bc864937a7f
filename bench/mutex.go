package bench

import (
	"strconv"
	"sync"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// mutexEngine is the first baseline: the booking engine a team writes
// first, with the same rules as kuota, one mutex and a few maps. Every call
// takes the mutex; a month view adds up its cells under it.
type mutexEngine struct {
	clk      *Clock
	maxHolds int

	mu       sync.Mutex // guards everything below
	offices  map[string]*baseOffice
	cells    map[cellKey]*baseCell
	bookings map[string]*baseBooking // by code
	billing  map[string]*baseBooking
	niks     map[string]*baseBooking // NIK → its latest booking
	accounts map[string][]*baseBooking
	holds    []*baseBooking                   // in order of creation, so of deadline
	arrivals map[calendar.Date][]*baseBooking // paid bookings by date, for no-shows
	seq      int
}

type cellKey struct {
	office     string
	date       calendar.Date
	slot, pool int
}

type baseCell struct{ capacity, taken int }

func newMutexEngine(clk *Clock, maxHolds int) *mutexEngine {
	return &mutexEngine{
		clk: clk, maxHolds: maxHolds,
		offices: map[string]*baseOffice{}, cells: map[cellKey]*baseCell{},
		bookings: map[string]*baseBooking{}, billing: map[string]*baseBooking{},
		niks: map[string]*baseBooking{}, accounts: map[string][]*baseBooking{},
		arrivals: map[calendar.Date][]*baseBooking{},
	}
}

func (m *mutexEngine) Name() string { return MutexMap }

func (m *mutexEngine) Register(cfg booking.OfficeConfig) error {
	o, err := newBaseOffice(cfg)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.offices[cfg.Code] = o
	for i := range cfg.Quota.Days {
		d := cfg.Quota.First.AddDays(i)
		for s, slot := range cfg.Quota.Layout.Slots {
			for p, seats := range slot.Seats {
				m.cells[cellKey{cfg.Code, d, s, p}] = &baseCell{capacity: seats}
			}
		}
	}
	return nil
}

func (m *mutexEngine) seatsOf(office string, d calendar.Date) func(s, p int) (int, int) {
	return func(s, p int) (int, int) {
		c := m.cells[cellKey{office, d, s, p}]
		if c == nil {
			return 0, 0
		}
		return c.capacity, c.taken
	}
}

func (m *mutexEngine) Month(office string, year int, month time.Month) ([]quota.DayView, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o := m.offices[office]
	if o == nil {
		return nil, booking.ErrUnknownOffice
	}
	m.expireDue(m.clk.Now())
	var out []quota.DayView
	for _, d := range monthDays(year, month) {
		out = append(out, o.dayView(d, m.clk.Now(), false, m.seatsOf(office, d)))
	}
	return out, nil
}

func (m *mutexEngine) Day(office string, d calendar.Date) (quota.DayView, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o := m.offices[office]
	if o == nil {
		return quota.DayView{}, booking.ErrUnknownOffice
	}
	return o.dayView(d, m.clk.Now(), true, m.seatsOf(office, d)), nil
}

func (m *mutexEngine) Hold(req booking.HoldRequest) (Ticket, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clk.Now()
	o := m.offices[req.Office]
	slot, pool, err := checkRequest(o, &req)
	if err != nil {
		return Ticket{}, err
	}
	unpaid := 0
	for _, b := range m.accounts[req.Account] {
		if b.State == booking.Held && now.Before(b.Deadline) {
			unpaid++
		}
	}
	if unpaid >= m.maxHolds {
		return Ticket{}, booking.ErrTooManyHolds
	}
	if err := o.gate(req.Date, slot, now); err != nil {
		return Ticket{}, err
	}
	c := m.cells[cellKey{req.Office, req.Date, slot, pool}]
	if cellRefusal(c.capacity, c.taken, len(req.Applicants)) == quota.ErrFull {
		m.expireDue(now) // an expired hold never blocks anyone
	}
	if err := cellRefusal(c.capacity, c.taken, len(req.Applicants)); err != nil {
		return Ticket{}, err
	}
	niks := make([]string, len(req.Applicants))
	for i, a := range req.Applicants {
		niks[i] = a.NIK.Digits()
		if p := m.niks[niks[i]]; p != nil && p.live(m.offices[p.Office], now) {
			return Ticket{}, &booking.ApplicantError{Index: i, Err: booking.ErrNIKBooked}
		}
	}
	m.seq++
	b := &baseBooking{
		Code: "M" + strconv.Itoa(m.seq), Billing: strconv.Itoa(100_000_000_000_000 + m.seq),
		Account: req.Account, Office: req.Office, NIKs: niks, Date: req.Date, Slot: slot, Pool: pool,
		State: booking.Held, Deadline: now.Add(holdTTL), ChangedAt: now,
	}
	c.taken += b.seats()
	m.bookings[b.Code], m.billing[b.Billing] = b, b
	for _, n := range niks {
		m.niks[n] = b
	}
	m.accounts[req.Account] = append(m.accounts[req.Account], b)
	m.holds = append(m.holds, b)
	return Ticket{Code: b.Code, Billing: b.Billing}, nil
}

func (m *mutexEngine) Pay(t Ticket, ref string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.billing[t.Billing]
	switch {
	case b == nil:
		return booking.ErrNotFound
	case b.State == booking.Held && !m.clk.Now().Before(b.Deadline):
		m.expire(b)
		return booking.ErrExpired
	case b.State != booking.Held:
		return &booking.StateError{Op: "pay", State: b.State}
	}
	b.State, b.PaymentRef, b.ChangedAt = booking.Paid, ref, m.clk.Now()
	m.arrivals[b.Date] = append(m.arrivals[b.Date], b)
	return nil
}

func (m *mutexEngine) Cancel(t Ticket) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.bookings[t.Code]
	if b == nil {
		return booking.ErrNotFound
	}
	now := m.clk.Now()
	switch {
	case b.State == booking.Paid:
		if err := policy.CanCancel(now, b.Date, m.offices[b.Office].loc()); err != nil {
			return err
		}
	case b.State != booking.Held || !now.Before(b.Deadline):
		return &booking.StateError{Op: "cancel", State: b.State}
	}
	m.free(b, booking.Cancelled)
	return nil
}

func (m *mutexEngine) Reschedule(t Ticket, d calendar.Date, start string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.bookings[t.Code]
	if b == nil {
		return booking.ErrNotFound
	}
	now := m.clk.Now()
	o := m.offices[b.Office]
	if b.State != booking.Paid {
		return &booking.StateError{Op: "reschedule", State: b.State}
	}
	if err := policy.CanReschedule(now, b.Date, b.Reschedules, o.loc()); err != nil {
		return err
	}
	slot, err := o.slotIndex(start)
	if err != nil {
		return err
	}
	if err := o.gate(d, slot, now); err != nil {
		return err
	}
	c := m.cells[cellKey{b.Office, d, slot, b.Pool}]
	if err := cellRefusal(c.capacity, c.taken, b.seats()); err != nil {
		return err
	}
	c.taken += b.seats()
	m.cells[cellKey{b.Office, b.Date, b.Slot, b.Pool}].taken -= b.seats()
	b.Date, b.Slot, b.Reschedules, b.ChangedAt = d, slot, b.Reschedules+1, now
	m.arrivals[d] = append(m.arrivals[d], b)
	return nil
}

func (m *mutexEngine) CheckIn(t Ticket) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.bookings[t.Code]
	if b == nil {
		return booking.ErrNotFound
	}
	if b.State != booking.Paid {
		return &booking.StateError{Op: "check in", State: b.State}
	}
	o := m.offices[b.Office]
	s := o.cfg.Quota.Layout.Slots[b.Slot]
	if err := policy.CanCheckIn(m.clk.Now(), b.Date, s.Start, s.End, o.loc()); err != nil {
		return err
	}
	b.State, b.ChangedAt = booking.CheckedIn, m.clk.Now()
	return nil
}

func (m *mutexEngine) Sweep() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.clk.Now()
	m.expireDue(now)
	for d, list := range m.arrivals {
		if d.After(calendar.DateOf(now, time.UTC).AddDays(1)) {
			continue // no slot of a later day has ended
		}
		rest := list[:0]
		for _, b := range list {
			o := m.offices[b.Office]
			end := policy.NoShowAt(b.Date, o.cfg.Quota.Layout.Slots[b.Slot].End, o.loc())
			switch {
			case b.State != booking.Paid || b.Date != d:
				// checked in, cancelled, or rescheduled to another day
			case !now.Before(end):
				m.free(b, booking.NoShow)
			default:
				rest = append(rest, b)
			}
		}
		m.arrivals[d] = rest
	}
	return nil
}

// expireDue expires the overdue holds from the front of the list. The
// caller holds mu.
func (m *mutexEngine) expireDue(now time.Time) {
	i := 0
	for ; i < len(m.holds) && !now.Before(m.holds[i].Deadline); i++ {
		if m.holds[i].State == booking.Held {
			m.expire(m.holds[i])
		}
	}
	m.holds = m.holds[i:]
}

func (m *mutexEngine) expire(b *baseBooking) { m.free(b, booking.Expired) }

// free moves b to a state without seats and gives them back.
func (m *mutexEngine) free(b *baseBooking, st booking.State) {
	m.cells[cellKey{b.Office, b.Date, b.Slot, b.Pool}].taken -= b.seats()
	b.State, b.ChangedAt = st, m.clk.Now()
}

func (m *mutexEngine) Audit() (Audit, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	taken := map[cellKey]int{}
	var a Audit
	for _, b := range m.bookings {
		if b.takesSeats() {
			taken[cellKey{b.Office, b.Date, b.Slot, b.Pool}] += b.seats()
			a.LiveBookings++
		}
	}
	for k, c := range m.cells {
		a.Capacity += c.capacity
		a.Taken += c.taken
		if c.taken != taken[k] || c.taken > c.capacity || c.taken < 0 {
			a.Violations++
		}
	}
	a.Left = a.Capacity - a.Taken
	return a, nil
}

func (m *mutexEngine) Close() error { return nil }

package bench

import (
	"errors"
	"fmt"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// QuotaSeats is the floor under kuota in memory: kuota's seat layer alone
// (package quota's lock-free cells and the calendar views over them) and
// nothing above it. It is not a booking engine and not in [AllSystems]:
// run it beside kuota-memory, in the office and roomy rushes, to see
// what of a rush's time the booking layer takes — its records, its
// rules, its answers — and what the harness, the views and the seats
// take whatever is built on them (bench/README.md).
const QuotaSeats = "quota-seats"

// errNoBookings is quota-seats' answer to every call on a booking: it
// keeps none.
var errNoBookings = fmt.Errorf("bench: %s keeps no bookings: %w", QuotaSeats, errors.ErrUnsupported)

// seatsOnly is the QuotaSeats system. A hold takes its seats in the
// ledger, as kuota's engine does, and is forgotten: no booking, no code,
// no NIK, account or idempotency rule, no deadline, no journal, no answer
// beyond the ticket, and not even a count that every hold would add to.
// Only the seats and the calendar's rules of the ledger itself hold (a
// release instant, a past or closed slot). So it runs the office rush and
// the roomy rush, whose clients only view and hold. The national rush
// opens its third zone two hours after its first, when kuota lets the
// first zone's unpaid holds lapse and gives their seats back while the
// third's are sold — work a floor that keeps no holds cannot do — and the
// steady day and the recovery need the bookings it does not keep: none of
// the three is run on it (runOne).
type seatsOnly struct {
	clk    *Clock
	ledger *quota.Ledger
	mu     sync.Mutex                              // serialises Register
	byCode atomic.Pointer[map[string]*seatsOffice] // replaced whole by Register, read without a lock
}

// seatsOffice is an office of quota-seats: its ledger ID, and its layout
// for the slot and pool a request names.
type seatsOffice struct {
	id quota.OfficeID
	*baseOffice
}

func newSeatsOnly(clk *Clock) *seatsOnly {
	s := &seatsOnly{clk: clk, ledger: quota.NewLedger()}
	s.byCode.Store(&map[string]*seatsOffice{})
	return s
}

func (s *seatsOnly) Name() string { return QuotaSeats }

// Register adds an office to the ledger. An office registered twice is
// refused: the rushes register each once.
func (s *seatsOnly) Register(cfg booking.OfficeConfig) error {
	base, err := newBaseOffice(cfg)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := *s.byCode.Load()
	if _, dup := old[cfg.Code]; dup {
		return fmt.Errorf("bench: %s: office %s registered twice", QuotaSeats, cfg.Code)
	}
	id, err := s.ledger.AddOffice(cfg.Quota)
	if err != nil {
		return err
	}
	next := maps.Clone(old) // read without a lock: copied, never changed
	next[cfg.Code] = &seatsOffice{id: id, baseOffice: base}
	s.byCode.Store(&next)
	return nil
}

// office returns the office of code, or booking.ErrUnknownOffice.
func (s *seatsOnly) office(code string) (*seatsOffice, error) {
	if o := (*s.byCode.Load())[code]; o != nil {
		return o, nil
	}
	return nil, booking.ErrUnknownOffice
}

// quota-seats offers the reads book takes where it can, as kuota does.
var (
	_ monthStater = (*seatsOnly)(nil)
	_ dayStater   = (*seatsOnly)(nil)
)

func (s *seatsOnly) Month(office string, year int, month time.Month) ([]quota.DayView, error) {
	o, err := s.office(office)
	if err != nil {
		return nil, err
	}
	return s.ledger.Month(o.id, year, month, s.clk.Now())
}

// officePool returns the office of code and the index of its pool named
// pool, or booking.ErrUnknownOffice or booking.ErrUnknownPool.
func (s *seatsOnly) officePool(code, pool string) (quota.OfficeID, int, error) {
	o, err := s.office(code)
	if err != nil {
		return 0, 0, err
	}
	p, ok := o.pools[pool]
	if !ok {
		return 0, 0, booking.ErrUnknownPool
	}
	return o.id, p, nil
}

func (s *seatsOnly) AppendMonthIn(dst []quota.DayState, office, pool string, year int, month time.Month) ([]quota.DayState, error) {
	id, p, err := s.officePool(office, pool)
	if err != nil {
		return dst, err
	}
	return s.ledger.AppendMonthIn(dst, id, p, year, month, s.clk.Now())
}

func (s *seatsOnly) Day(office string, d calendar.Date) (quota.DayView, error) {
	o, err := s.office(office)
	if err != nil {
		return quota.DayView{}, err
	}
	return s.ledger.Day(o.id, d, s.clk.Now())
}

func (s *seatsOnly) AppendDayIn(dst []quota.SlotState, office, pool string, d calendar.Date) ([]quota.SlotState, error) {
	id, p, err := s.officePool(office, pool)
	if err != nil {
		return dst, err
	}
	return s.ledger.AppendDayIn(dst, id, p, d, s.clk.Now())
}

// Hold takes the request's seats in its cell: the whole system. It
// refuses an unknown office, slot or pool and a wrong number of
// applicants as the baselines do (checkRequest), and the rest as the
// ledger does (quota.ErrFull, quota.ErrNotOpened, …).
func (s *seatsOnly) Hold(req booking.HoldRequest) (Ticket, error) {
	o, err := s.office(req.Office)
	if err != nil {
		return Ticket{}, err
	}
	slot, pool, err := checkRequest(o.baseOffice, &req)
	if err != nil {
		return Ticket{}, err
	}
	return Ticket{}, s.ledger.Reserve(o.id, req.Date, slot, pool, len(req.Applicants), s.clk.Now())
}

func (s *seatsOnly) Pay(Ticket, string) error                       { return errNoBookings }
func (s *seatsOnly) Cancel(Ticket) error                            { return errNoBookings }
func (s *seatsOnly) Reschedule(Ticket, calendar.Date, string) error { return errNoBookings }
func (s *seatsOnly) CheckIn(Ticket) error                           { return errNoBookings }

// Sweep has nothing to do: no hold lapses, as none is kept.
func (s *seatsOnly) Sweep() error { return nil }

// Audit reads every cell of every office: a cell with more seats left
// than it offers is a violation. It keeps no bookings to count, so its
// LiveBookings is 0, and no count of the seats its holds took to check
// the cells against: the ledger's own tests answer for its cells, and
// the floor is here for its speed.
func (s *seatsOnly) Audit() (Audit, error) {
	var a Audit
	for _, o := range *s.byCode.Load() {
		q := &o.cfg.Quota
		for i := range q.Days {
			d := q.First.AddDays(i)
			for slot, sl := range q.Layout.Slots {
				for pool := range sl.Seats {
					c, err := s.ledger.Cell(o.id, d, slot, pool)
					if err != nil {
						return a, err
					}
					a.Capacity += c.Capacity
					a.Left += c.Left
					if c.Left > c.Capacity {
						a.Violations++
					}
				}
			}
		}
	}
	a.Taken = a.Capacity - a.Left
	return a, nil
}

func (s *seatsOnly) Close() error { return nil }

package bench

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// System is one booking engine under test: kuota (durable or in memory) or
// a baseline. The scenarios drive every system through this interface, and
// kuota through its public API only.
type System interface {
	Name() string
	Register(cfg booking.OfficeConfig) error
	Month(office string, year int, month time.Month) ([]quota.DayView, error)
	Day(office string, d calendar.Date) (quota.DayView, error)
	Hold(req booking.HoldRequest) (Ticket, error)
	Pay(t Ticket, ref string) error
	Cancel(t Ticket) error
	// Reschedule moves a booking to the slot of d that starts at slot,
	// "08:00", as booking.Engine.Reschedule does.
	Reschedule(t Ticket, d calendar.Date, slot string) error
	CheckIn(t Ticket) error
	// Sweep expires the holds due and marks the no-shows due, now.
	Sweep() error
	// Audit counts seats and reports every cell where the seats taken by
	// live bookings and the seats left do not add up to the capacity.
	Audit() (Audit, error)
	Close() error
}

// Ticket identifies a booking to the system that made it.
type Ticket struct {
	Code, Billing string
}

// Audit is a system's account of its seats at the end of a run.
type Audit struct {
	Capacity, Taken, Left int // over every cell
	Violations            int // cells or bookings that do not add up
	LiveBookings          int // held, paid or checked in
}

// Clock is the fake clock every system of a run reads: scenarios move it.
type Clock struct{ ns atomic.Int64 }

// Now returns the clock's instant.
func (c *Clock) Now() time.Time { return time.Unix(0, c.ns.Load()) }

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) { c.ns.Store(t.UnixNano()) }

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// Kinds of system, for the -systems flag and the tables.
const (
	KuotaDurable = "kuota-durable"
	KuotaMemory  = "kuota-memory"
	MutexMap     = "mutex-map"
	// MutexNoRules is the rule-less mutex-and-map engine, the yardstick
	// of kuota in memory: seats and holds, none of the rules.
	MutexNoRules = "mutex-norules"
	BoltUpdate   = "bolt-update"
)

// AllSystems lists every kind, kuota first, then the baselines from the
// fastest.
var AllSystems = []string{KuotaDurable, KuotaMemory, MutexNoRules, MutexMap, BoltUpdate}

// NewSystem builds a system of the given kind on clk; durable ones keep
// their file in dir, and skip fsync when noSync is set. Besides
// [AllSystems] it builds the kinds added with [RegisterSystem].
func NewSystem(kind string, clk *Clock, dir string, holdsPerAccount int, noSync bool) (System, error) {
	switch kind {
	case KuotaDurable, KuotaMemory:
		return newKuota(kind, clk, dir, holdsPerAccount, noSync)
	case MutexMap:
		return newMutexEngine(clk, holdsPerAccount), nil
	case MutexNoRules:
		return newNoRulesEngine(clk), nil // no account limit to keep
	case QuotaSeats:
		return newSeatsOnly(clk), nil // no account to limit
	case BoltUpdate:
		return newBoltEngine(clk, filepath.Join(dir, "bolt-update.db"), holdsPerAccount, noSync)
	}
	if build := registered(kind); build != nil {
		return build(clk, dir, holdsPerAccount, noSync)
	}
	return nil, errors.New("bench: unknown system " + kind)
}

// kuotaSystem adapts booking.Engine.
type kuotaSystem struct {
	name  string
	e     *booking.Engine
	clk   *Clock
	close func() error // e.Close, or the closing of what e lives in
}

// EngineSystem adapts a kuota engine built elsewhere — on another
// journal, by another module (bench/postgres: kuota on PostgreSQL) — to
// System, under the kind name, for a Builder to return. Its Close calls
// close, which closes e and whatever e lives in.
func EngineSystem(name string, e *booking.Engine, clk *Clock, close func() error) System {
	return &kuotaSystem{name: name, e: e, clk: clk, close: close}
}

func newKuota(kind string, clk *Clock, dir string, holdsPerAccount int, noSync bool) (*kuotaSystem, error) {
	opts := &booking.Options{Now: clk.Now, NoSweeper: true, MaxHoldsPerAccount: holdsPerAccount, BookingsMax: booking.BookingsMaxLimit}
	if noSync {
		opts.Durability = booking.NoSync
	}
	var e *booking.Engine
	var err error
	if kind == KuotaDurable {
		e, err = booking.Open(filepath.Join(dir, "kuota.db"), opts)
	} else {
		e, err = booking.New(opts)
	}
	if err != nil {
		return nil, err
	}
	return &kuotaSystem{name: kind, e: e, clk: clk, close: e.Close}, nil
}

var bg = context.Background()

func (k *kuotaSystem) Name() string { return k.name }
func (k *kuotaSystem) Register(cfg booking.OfficeConfig) error {
	return k.e.RegisterOffice(bg, cfg)
}
func (k *kuotaSystem) Month(office string, year int, month time.Month) ([]quota.DayView, error) {
	return k.e.Month(bg, office, year, month)
}

// kuota offers the cheaper reads book takes where it can: the month as
// day states, a day's slots into a kept slice.
var (
	_ monthStater = (*kuotaSystem)(nil)
	_ dayStater   = (*kuotaSystem)(nil)
)

// AppendMonthIn is the month as day states alone (monthStater): kuota
// answers it from per-day counters, without reading every cell.
func (k *kuotaSystem) AppendMonthIn(dst []quota.DayState, office, pool string, year int, month time.Month) ([]quota.DayState, error) {
	return k.e.AppendMonthIn(bg, dst, office, pool, year, month)
}
func (k *kuotaSystem) Day(office string, d calendar.Date) (quota.DayView, error) {
	return k.e.Day(bg, office, d)
}

// AppendDayIn is a day's slots in one pool, into the caller's slice
// (dayStater): kuota answers it without allocating.
func (k *kuotaSystem) AppendDayIn(dst []quota.SlotState, office, pool string, d calendar.Date) ([]quota.SlotState, error) {
	return k.e.AppendDayIn(bg, dst, office, pool, d)
}
func (k *kuotaSystem) Hold(req booking.HoldRequest) (Ticket, error) {
	b, err := k.e.Hold(bg, req)
	return Ticket{Code: b.Code, Billing: b.BillingCode}, err
}
func (k *kuotaSystem) Pay(t Ticket, ref string) error {
	_, err := k.e.Pay(bg, t.Billing, ref)
	return err
}
func (k *kuotaSystem) Cancel(t Ticket) error {
	_, err := k.e.Cancel(bg, t.Code, booking.Reason{})
	return err
}
func (k *kuotaSystem) Reschedule(t Ticket, d calendar.Date, slot string) error {
	_, err := k.e.Reschedule(bg, t.Code, d, slot)
	return err
}
func (k *kuotaSystem) CheckIn(t Ticket) error {
	_, err := k.e.CheckIn(bg, t.Code)
	return err
}

// Sweep runs the engine's two sweeps, which read its clock: k.clk, as the
// baselines do.
func (k *kuotaSystem) Sweep() error {
	if _, err := k.e.ExpireDue(bg); err != nil {
		return err
	}
	_, err := k.e.MarkNoShows(bg)
	return err
}

// Audit runs the engine's own invariant sweep (Check: every cell's seats
// taken by live bookings plus seats left equal its capacity), and adds up
// every cell's capacity and seats left from the day views.
func (k *kuotaSystem) Audit() (Audit, error) {
	violations, err := k.e.Check(bg)
	if err != nil {
		return Audit{}, err
	}
	a := Audit{Violations: len(violations)}
	st := k.e.Stats()
	a.LiveBookings = st.Bookings[booking.Held] + st.Bookings[booking.Paid] + st.Bookings[booking.CheckedIn]
	for _, code := range k.e.Offices() {
		cfg, err := k.e.Office(bg, code)
		if err != nil {
			return a, err
		}
		for i := range cfg.Quota.Days {
			day, err := k.e.Day(bg, code, cfg.Quota.First.AddDays(i))
			if err != nil {
				return a, err
			}
			for _, s := range day.Slots {
				for _, p := range s.Pools {
					a.Capacity += p.Capacity
					a.Left += p.Left
				}
			}
		}
	}
	a.Taken = a.Capacity - a.Left
	return a, nil
}

func (k *kuotaSystem) Close() error { return k.close() }

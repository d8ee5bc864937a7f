package booking

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/quota"
)

// Reads see every change as soon as it is made; a change is acknowledged
// to the caller that made it only once it is durable. So a read may, for a
// few milliseconds, show a change whose caller is still waiting for its
// fsync; after a crash that change may be gone. Reads are exact at the
// engine's clock: an overdue hold reads expired and a paid booking whose
// slot has ended reads no-show, recorded yet or not (see Booking).

// Get returns the booking with the given booking code.
func (e *Engine) Get(ctx context.Context, code string) (Booking, error) {
	b, err := e.lookup(ctx, code, false)
	if err != nil {
		return Booking{}, err
	}
	var v Booking
	e.m.view(&v, b, e.nowNs())
	return v, nil
}

// ByBillingCode returns the booking with the given billing code.
func (e *Engine) ByBillingCode(ctx context.Context, billingCode string) (Booking, error) {
	if err := e.begin(ctx); err != nil {
		return Booking{}, err
	}
	billing, err := parseBilling(billingCode)
	if err != nil {
		return Booking{}, err
	}
	b, err := e.m.byBilling(billing)
	if err != nil {
		return Booking{}, err
	}
	var v Booking
	e.m.view(&v, b, e.nowNs())
	return v, nil
}

// AccountBookings returns the bookings of an account, oldest first:
// M-Paspor's "Riwayat" (each booking's own events are its History). An
// account with no booking has none, and so has any string that is not an
// account ID.
func (e *Engine) AccountBookings(ctx context.Context, account string) ([]Booking, error) {
	if err := e.begin(ctx); err != nil {
		return nil, err
	}
	list := e.m.accounts.bookings(account)
	nowNs := e.nowNs()
	out := make([]Booking, len(list))
	for i, b := range list {
		e.m.view(&out[i], b, nowNs)
	}
	return out, nil
}

// Month returns the calendar of one office for one month as of the
// engine's clock, counting every pool: each day's state (green Available,
// red Full, yellow NotOpened or NoQuota, grey otherwise) and seats left per
// pool, each named. Holds past their deadline are expired first, so their
// seats count as free. An applicant who books in one pool wants MonthIn:
// here the walk-in seats keep a day green.
func (e *Engine) Month(ctx context.Context, officeCode string, year int, month time.Month) ([]quota.DayView, error) {
	o, now, err := e.view(ctx, officeCode)
	if err != nil {
		return nil, err
	}
	return e.m.ledger.Month(o.id, year, month, now)
}

// MonthIn is Month as seen by someone booking in the named pool: each
// day's state and seats count that pool only.
func (e *Engine) MonthIn(ctx context.Context, officeCode, pool string, year int, month time.Month) ([]quota.DayView, error) {
	o, p, now, err := e.viewIn(ctx, officeCode, pool)
	if err != nil {
		return nil, err
	}
	return e.m.ledger.MonthIn(o.id, p, year, month, now)
}

// AppendMonth appends to dst the state of every day of the month at an
// office — its colour, why it is grey, when it turns green — counting all
// pools, without the seat counts: a month calendar in a few hundred
// nanoseconds that allocates nothing once dst holds a month (pass dst[:0]
// of a slice kept from call to call). Each day's state is the one Month
// shows at the same instant (see quota.Ledger.AppendMonth for what that
// guarantee is under concurrent holds). Use Month when the seat counts are
// wanted.
func (e *Engine) AppendMonth(ctx context.Context, dst []quota.DayState, officeCode string, year int, month time.Month) ([]quota.DayState, error) {
	o, now, err := e.view(ctx, officeCode)
	if err != nil {
		return dst, err
	}
	return e.m.ledger.AppendMonth(dst, o.id, year, month, now)
}

// AppendMonthIn is AppendMonth as seen by someone booking in the named
// pool.
func (e *Engine) AppendMonthIn(ctx context.Context, dst []quota.DayState, officeCode, pool string, year int, month time.Month) ([]quota.DayState, error) {
	o, p, now, err := e.viewIn(ctx, officeCode, pool)
	if err != nil {
		return dst, err
	}
	return e.m.ledger.AppendMonthIn(dst, o.id, p, year, month, now)
}

// Day returns one day of an office with each slot's state and seats left
// per pool, as of the engine's clock, holds past their deadline expired
// first.
func (e *Engine) Day(ctx context.Context, officeCode string, d calendar.Date) (quota.DayView, error) {
	o, now, err := e.view(ctx, officeCode)
	if err != nil {
		return quota.DayView{}, err
	}
	return e.m.ledger.Day(o.id, d, now)
}

// DayIn is Day as seen by someone booking in the named pool.
func (e *Engine) DayIn(ctx context.Context, officeCode, pool string, d calendar.Date) (quota.DayView, error) {
	o, p, now, err := e.viewIn(ctx, officeCode, pool)
	if err != nil {
		return quota.DayView{}, err
	}
	return e.m.ledger.DayIn(o.id, p, d, now)
}

// AppendDayIn appends to dst the state and seats left of each slot of one
// day of an office in the named pool, as DayIn shows them, and returns the
// extended slice: a slot picker's page on a hot path, with a slice kept
// from call to call, allocates nothing (see quota.Ledger.AppendDayIn). A
// day outside the office's window has no slots; AppendMonthIn says why.
// On error it returns dst unchanged.
func (e *Engine) AppendDayIn(ctx context.Context, dst []quota.SlotState, officeCode, pool string, d calendar.Date) ([]quota.SlotState, error) {
	o, p, now, err := e.viewIn(ctx, officeCode, pool)
	if err != nil {
		return dst, err
	}
	return e.m.ledger.AppendDayIn(dst, o.id, p, d, now)
}

// viewIn is view for a view of one pool: it also finds the pool's index,
// refusing ErrUnknownPool.
func (e *Engine) viewIn(ctx context.Context, officeCode, pool string) (*office, int, time.Time, error) {
	o, now, err := e.view(ctx, officeCode)
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	p, err := e.m.ledger.PoolIndex(o.id, pool)
	if err != nil {
		return nil, 0, time.Time{}, ErrUnknownPool
	}
	return o, p, now, nil
}

// view starts a calendar view: it finds the office, reads the clock and
// expires overdue holds, so that the view shows the engine's seats rather
// than the counters' (which still count a lapsed hold until it is swept).
// A read-only engine expires them in memory only; a standby not at all
// (it records nothing: the active engine's records of them will come).
func (e *Engine) view(ctx context.Context, officeCode string) (*office, time.Time, error) {
	if err := e.begin(ctx); err != nil {
		return nil, time.Time{}, err
	}
	o := e.m.lookupOffice(officeCode)
	if o == nil {
		return nil, time.Time{}, ErrUnknownOffice
	}
	nowNs := e.nowNs()
	if !e.standby.Load() && e.m.holds.due(nowNs) {
		e.m.expireDue(nowNs, inOffice(o))
	}
	return o, unixns.Time(nowNs), nil
}

// DayBookings returns the bookings of an office on one date, in every
// state, ordered by slot, then by queue number (those without one, never
// paid, last), then by booking code: the office's arrival list for the
// day. It reads every booking the engine keeps, about a
// millisecond per ten thousand, so it is for operators, not for the
// booking path.
func (e *Engine) DayBookings(ctx context.Context, officeCode string, d calendar.Date) ([]Booking, error) {
	if err := e.begin(ctx); err != nil {
		return nil, err
	}
	o := e.m.lookupOffice(officeCode)
	if o == nil {
		return nil, ErrUnknownOffice
	}
	if d.IsZero() {
		return nil, calendar.ErrBadDate
	}
	var out []Booking
	nowNs := e.nowNs()
	e.m.slab.all(func(b *booking) {
		if b.office() == o && b.settled().date == d {
			out = append(out, Booking{})
			e.m.view(&out[len(out)-1], b, nowNs)
		}
	})
	slices.SortFunc(out, func(a, b Booking) int {
		return cmp.Or(a.SlotStart.Compare(b.SlotStart), cmp.Compare(queueOrder(a), queueOrder(b)), cmp.Compare(a.Code, b.Code))
	})
	return out, nil
}

// queueOrder places a booking in its slot's arrival list: by queue
// number, those without one after every numbered one.
func queueOrder(b Booking) int {
	if b.Queue.IsZero() {
		return math.MaxInt
	}
	return b.Queue.Number
}

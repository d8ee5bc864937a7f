package booking

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/label"
	"github.com/kuota/kuota/quota"
)

// OfficeConfig describes one office: its code, its name and its quota.
type OfficeConfig struct {
	// Code identifies the office in every call, such as "KANIM-JKT-SEL":
	// 1 to OfficeCodeBytesMax ASCII letters, digits, '-', '_' or '.'.
	Code string
	// Name is shown to people, such as "Kantor Imigrasi Jakarta Selatan".
	Name string
	// Quota holds the calendar, layout, release rule and horizon.
	Quota quota.Config
}

// office is the engine's record of one office. Its code and quota ID never
// change; its configuration is replaced whole when it is registered again.
type office struct {
	code string
	id   quota.OfficeID
	cfg  atomic.Pointer[OfficeConfig] // the engine's own deep copy
}

func (o *office) loc() *time.Location { return o.cfg.Load().Quota.Schedule.Location }

func (o *office) slot(i uint8) quota.Slot { return o.cfg.Load().Quota.Layout.Slots[i] }

// lookupOffice returns the office registered under code, or nil.
func (e *Engine) lookupOffice(code string) *office {
	if m := e.offices.Load(); m != nil {
		return (*m)[code]
	}
	return nil
}

// checkOfficeCode validates an office code.
func checkOfficeCode(code string) error {
	if code == "" || len(code) > OfficeCodeBytesMax {
		return fmt.Errorf("%w: code must be 1..%d bytes", ErrBadOffice, OfficeCodeBytesMax)
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("%w: code may hold only letters, digits, '-', '_' and '.'", ErrBadOffice)
		}
	}
	return nil
}

// RegisterOffice adds an office, or replaces the configuration of one
// already registered under the same code without losing a booking: seats
// taken and operator changes carry over (see quota.Ledger.Reconfigure). A
// new configuration may not drop a day, today or later, on which a booking
// is held or paid ([ErrOfficeInUse]), and may only add slots and pools at
// the end of the layout. A durable engine stores the configuration, so a
// reopened engine knows the office without registering it again; its time
// zone must then load by name (see calendar.LoadZone).
func (e *Engine) RegisterOffice(ctx context.Context, cfg OfficeConfig) error {
	if err := e.beginWrite(ctx); err != nil {
		return err
	}
	if err := checkOfficeCode(cfg.Code); err != nil {
		return err
	}
	if err := label.Check(cfg.Name, OfficeNameBytesMax); err != nil {
		return fmt.Errorf("%w: name: %w", ErrBadOffice, err)
	}
	if err := cfg.Quota.Validate(); err != nil {
		return err
	}
	if e.store != nil {
		if _, err := calendar.LoadZone(cfg.Quota.Schedule.Location.String()); err != nil {
			return fmt.Errorf("%w: a stored office needs a zone that loads by name: %w", ErrBadOffice, err)
		}
	}
	e.adminMu.Lock()
	defer e.adminMu.Unlock()
	o, err := e.registerLocked(cfg)
	if err != nil {
		return err
	}
	e.log.Info("office registered", "office", cfg.Code)
	return e.waitStore(ctx, e.persistOffice(o))
}

// registerLocked registers cfg; the caller holds adminMu.
func (e *Engine) registerLocked(cfg OfficeConfig) (*office, error) {
	o := e.lookupOffice(cfg.Code)
	isNew := o == nil
	if isNew {
		id, err := e.ledger.AddOffice(cfg.Quota)
		if err != nil {
			return nil, err
		}
		o = &office{code: cfg.Code, id: id}
	} else {
		if err := e.checkDroppedDays(o, &cfg.Quota); err != nil {
			return nil, err
		}
		if err := e.ledger.Reconfigure(o.id, cfg.Quota); err != nil {
			return nil, err
		}
	}
	// The ledger's copy is deep: keep it, not the caller's slices.
	q, err := e.ledger.Config(o.id)
	if err != nil {
		return nil, err
	}
	o.cfg.Store(&OfficeConfig{Code: cfg.Code, Name: cfg.Name, Quota: q})
	if isNew {
		next := map[string]*office{}
		if m := e.offices.Load(); m != nil {
			next = maps.Clone(*m)
		}
		next[cfg.Code] = o
		e.offices.Store(&next)
	}
	return o, nil
}

// checkDroppedDays refuses a new window that drops a day, today or later,
// on which o has a held or paid booking.
func (e *Engine) checkDroppedDays(o *office, next *quota.Config) error {
	cur := o.cfg.Load().Quota
	today := calendar.DateOf(e.now(), cur.Schedule.Location)
	inNext := func(d calendar.Date) bool { i := d.Sub(next.First); return i >= 0 && i < next.Days }
	var found error
	e.slab.all(func(b *booking) {
		s := b.st.Load()
		if found == nil && b.office == o && (s.state == Held || s.state == Paid) && !s.date.Before(today) && !inNext(s.date) {
			found = fmt.Errorf("%w: %s has bookings", ErrOfficeInUse, s.date)
		}
	})
	return found
}

// Office returns the configuration an office is registered with.
func (e *Engine) Office(code string) (OfficeConfig, error) {
	if err := e.begin(nil); err != nil {
		return OfficeConfig{}, err
	}
	o := e.lookupOffice(code)
	if o == nil {
		return OfficeConfig{}, ErrUnknownOffice
	}
	cfg := *o.cfg.Load()
	cfg.Quota, _ = e.ledger.Config(o.id) // a deep copy for the caller
	return cfg, nil
}

// Offices returns the codes of every registered office, sorted; none once
// the engine is closed.
func (e *Engine) Offices() []string {
	m := e.offices.Load()
	if m == nil || e.closed.Load() {
		return nil
	}
	return slices.Sorted(maps.Keys(*m))
}

// The operator's changes to single days, slots and cells. Each is package
// quota's, applied to the office with the given code and, in a durable
// engine, stored before the call returns.

// CloseDay closes an office on a day for the given reason; see
// quota.Ledger.CloseDay. Existing bookings on that day stay as they are.
func (e *Engine) CloseDay(ctx context.Context, officeCode string, d calendar.Date, reason string) error {
	return e.operate(ctx, officeCode, override{kind: overrideDayClosed, date: d, reason: reason}, func(id quota.OfficeID) error {
		return e.ledger.CloseDay(id, d, reason)
	})
}

// OpenDay undoes CloseDay.
func (e *Engine) OpenDay(ctx context.Context, officeCode string, d calendar.Date) error {
	return e.operate(ctx, officeCode, override{kind: overrideDayClosed, date: d, clear: true}, func(id quota.OfficeID) error {
		return e.ledger.OpenDay(id, d)
	})
}

// CloseSlot closes one slot of a day, in every pool.
func (e *Engine) CloseSlot(ctx context.Context, officeCode string, d calendar.Date, slot int, reason string) error {
	return e.operate(ctx, officeCode, override{kind: overrideSlotClosed, date: d, slot: slot, reason: reason}, func(id quota.OfficeID) error {
		return e.ledger.CloseSlot(id, d, slot, reason)
	})
}

// OpenSlot undoes CloseSlot.
func (e *Engine) OpenSlot(ctx context.Context, officeCode string, d calendar.Date, slot int) error {
	return e.operate(ctx, officeCode, override{kind: overrideSlotClosed, date: d, slot: slot, clear: true}, func(id quota.OfficeID) error {
		return e.ledger.OpenSlot(id, d, slot)
	})
}

// SetCapacity sets the seats of one pool of one slot of a day; never below
// the seats taken (quota.ErrBelowTaken).
func (e *Engine) SetCapacity(ctx context.Context, officeCode string, d calendar.Date, slot int, pool string, seats int) error {
	if err := e.beginWrite(ctx); err != nil {
		return err
	}
	o := e.lookupOffice(officeCode)
	if o == nil {
		return ErrUnknownOffice
	}
	p, ok := o.cfg.Load().Quota.Layout.Pool(pool)
	if !ok {
		return ErrUnknownPool
	}
	return e.operate(ctx, officeCode, override{kind: overrideCapacity, date: d, slot: slot, pool: p, seats: seats}, func(id quota.OfficeID) error {
		return e.ledger.SetCapacity(id, d, slot, p, seats)
	})
}

// SetReleaseAt moves the instant a day's quota opens; the zero time opens it
// at once.
func (e *Engine) SetReleaseAt(ctx context.Context, officeCode string, d calendar.Date, at time.Time) error {
	return e.operate(ctx, officeCode, override{kind: overrideRelease, date: d, at: nanos(at)}, func(id quota.OfficeID) error {
		return e.ledger.SetReleaseAt(id, d, at)
	})
}

// operate applies one operator change and stores it.
func (e *Engine) operate(ctx context.Context, officeCode string, ov override, apply func(quota.OfficeID) error) error {
	if err := e.beginWrite(ctx); err != nil {
		return err
	}
	o := e.lookupOffice(officeCode)
	if o == nil {
		return ErrUnknownOffice
	}
	e.adminMu.Lock()
	defer e.adminMu.Unlock()
	if err := apply(o.id); err != nil {
		return err
	}
	ov.office = o.code
	return e.waitStore(ctx, e.persistOverride(ov))
}

// override is one stored operator change.
type override struct {
	office string
	kind   overrideKind
	date   calendar.Date
	slot   int
	pool   int
	clear  bool   // true: the change was undone (OpenDay, OpenSlot)
	reason string // closures
	seats  int    // capacity
	at     int64  // release instant, Unix ns
}

type overrideKind uint8

const (
	overrideDayClosed overrideKind = iota + 1
	overrideSlotClosed
	overrideCapacity
	overrideRelease
)

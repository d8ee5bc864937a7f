package booking

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/kuota/kuota/calendar"
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
	// OpeningWindow, when not zero, makes each release of the office's
	// quota fair: the holds that arrive in the window's first
	// OpeningWindow after the release instant are drawn in a random order
	// rather than served as they come (see Engine.Draw), 0..OpeningWindowMax.
	OpeningWindow time.Duration
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
	if err := checkOffice(&cfg); err != nil {
		return err
	}
	if e.m.encode {
		// The journal keeps the zone by name.
		if _, err := calendar.LoadZone(cfg.Quota.Schedule.Location.String()); err != nil {
			return fmt.Errorf("%w: a stored office needs a zone that loads by name: %w", ErrBadOffice, err)
		}
	}
	e.m.adminMu.Lock()
	defer e.m.adminMu.Unlock()
	if o := e.m.lookupOffice(cfg.Code); o != nil {
		if err := e.checkDroppedDays(o, &cfg.Quota); err != nil {
			return err
		}
	}
	lsn, err := e.m.apply(&change{op: opOffice, office: &cfg})
	if err != nil {
		return err
	}
	e.m.log.Info("office registered", "office", cfg.Code)
	return e.wait(ctx, lsn)
}

// checkDroppedDays refuses a new window that drops a day, today or later,
// on which o has a held or paid booking.
func (e *Engine) checkDroppedDays(o *office, next *quota.Config) error {
	today := calendar.DateOf(e.now(), e.m.loc(o))
	inNext := func(d calendar.Date) bool { i := d.Sub(next.First); return i >= 0 && i < next.Days }
	var found error
	e.m.slab.all(func(b *booking) {
		s := b.settled()
		if found == nil && b.office() == o && (s.state == Held || s.state == Paid) && !s.date.Before(today) && !inNext(s.date) {
			found = fmt.Errorf("%w: %s has bookings", ErrOfficeInUse, s.date)
		}
	})
	return found
}

// Office returns the configuration an office is registered with.
func (e *Engine) Office(ctx context.Context, code string) (OfficeConfig, error) {
	if err := e.begin(ctx); err != nil {
		return OfficeConfig{}, err
	}
	o := e.m.lookupOffice(code)
	if o == nil {
		return OfficeConfig{}, ErrUnknownOffice
	}
	q, err := e.m.ledger.Config(o.id) // a deep copy for the caller
	if err != nil {
		return OfficeConfig{}, err
	}
	return OfficeConfig{Code: o.code, Name: *o.name.Load(), Quota: q, OpeningWindow: time.Duration(o.window.Load())}, nil
}

// Offices returns the codes of every registered office, sorted; none once
// the engine is closed.
func (e *Engine) Offices() []string {
	p := e.m.offices.Load()
	if p == nil || e.closed.Load() {
		return nil
	}
	return slices.Sorted(maps.Keys(*p))
}

// The operator's changes to single days, slots and cells. Each is a
// quota.Override, applied to the office with the given code as
// quota.Ledger.Apply does and, in a durable engine, stored before the call
// returns.

// CloseDay closes an office on a day for the given reason; see
// quota.CloseDay. Existing bookings on that day stay as they are.
func (e *Engine) CloseDay(ctx context.Context, officeCode string, d calendar.Date, reason string) error {
	return e.operate(ctx, officeCode, quota.Override{Kind: quota.CloseDay, Date: d, Reason: reason})
}

// OpenDay undoes CloseDay.
func (e *Engine) OpenDay(ctx context.Context, officeCode string, d calendar.Date) error {
	return e.operate(ctx, officeCode, quota.Override{Kind: quota.OpenDay, Date: d})
}

// CloseSlot closes one slot of a day (named by its start, "HH:MM"), in
// every pool.
func (e *Engine) CloseSlot(ctx context.Context, officeCode string, d calendar.Date, slot, reason string) error {
	return e.operateOnSlot(ctx, officeCode, slot, "", quota.Override{Kind: quota.CloseSlot, Date: d, Reason: reason})
}

// OpenSlot undoes CloseSlot.
func (e *Engine) OpenSlot(ctx context.Context, officeCode string, d calendar.Date, slot string) error {
	return e.operateOnSlot(ctx, officeCode, slot, "", quota.Override{Kind: quota.OpenSlot, Date: d})
}

// SetCapacity sets the seats of one pool of one slot (its start, "HH:MM")
// of a day; never below the seats taken (quota.ErrBelowTaken).
func (e *Engine) SetCapacity(ctx context.Context, officeCode string, d calendar.Date, slot, pool string, seats int) error {
	return e.operateOnSlot(ctx, officeCode, slot, pool, quota.Override{Kind: quota.SetCapacity, Date: d, Seats: seats})
}

// operateOnSlot names the slot (and, when pool is not empty, the pool) of
// ov by index, then applies it.
func (e *Engine) operateOnSlot(ctx context.Context, officeCode, slot, pool string, ov quota.Override) error {
	if err := e.beginWrite(ctx); err != nil {
		return err
	}
	o := e.m.lookupOffice(officeCode)
	if o == nil {
		return ErrUnknownOffice
	}
	s, err := e.m.slotAt(o, slot)
	if err != nil {
		return err
	}
	ov.Slot = int(s)
	if ov.Kind == quota.SetCapacity {
		p, err := e.m.ledger.PoolIndex(o.id, pool)
		if err != nil {
			return ErrUnknownPool
		}
		ov.Pool = p
	}
	return e.operate(ctx, officeCode, ov)
}

// SetReleaseAt moves the instant a day's quota opens; the zero time opens it
// at once.
func (e *Engine) SetReleaseAt(ctx context.Context, officeCode string, d calendar.Date, at time.Time) error {
	return e.operate(ctx, officeCode, quota.Override{Kind: quota.SetRelease, Date: d, At: at})
}

// operate applies one operator change and waits until it is durable.
func (e *Engine) operate(ctx context.Context, officeCode string, ov quota.Override) error {
	if err := e.beginWrite(ctx); err != nil {
		return err
	}
	if e.m.lookupOffice(officeCode) == nil {
		return ErrUnknownOffice
	}
	e.m.adminMu.Lock()
	lsn, err := e.m.apply(&change{op: opOverride, officeCode: officeCode, override: ov})
	e.m.adminMu.Unlock()
	if err != nil {
		return err
	}
	return e.wait(ctx, lsn)
}

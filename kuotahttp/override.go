package kuotahttp

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// overrideBody is the body of POST /offices/{office}/overrides: one
// operator change to a day, a slot or a cell, as quota.Override has it:
//
//	{"kind": "close-day", "date": "2026-12-10", "reason": "flood"}
//	{"kind": "open-day", "date": "2026-12-10"}
//	{"kind": "close-slot", "date": "2026-12-10", "slot": "08:00", "reason": "system upgrade"}
//	{"kind": "open-slot", "date": "2026-12-10", "slot": "08:00"}
//	{"kind": "set-capacity", "date": "2026-12-10", "slot": "08:00", "pool": "online", "seats": 3}
//	{"kind": "set-release", "date": "2026-12-10", "at": "2026-11-20T08:00:00+07:00"}
//
// A member the kind does not use is refused, as quota refuses a field an
// Override's kind does not use: a change carries nothing that would be
// ignored. set-release without "at" opens the day's quota at once.
type overrideBody struct {
	Kind   string  `json:"kind"`
	Date   string  `json:"date"`
	Slot   *string `json:"slot"`
	Pool   *string `json:"pool"`
	Seats  *int    `json:"seats"`
	Reason *string `json:"reason"`
	At     *string `json:"at"`
}

// overrideKind is one kind of change: its wire name, the optional
// members it uses, and the engine's call that makes it.
type overrideKind struct {
	name  string
	uses  string // of slot, pool, seats, reason, at
	apply func(ctx context.Context, e *booking.Engine, office string, d calendar.Date, b *overrideBody) error
}

var overrideKinds = []overrideKind{
	{"close-day", "reason", func(ctx context.Context, e *booking.Engine, office string, d calendar.Date, b *overrideBody) error {
		return e.CloseDay(ctx, office, d, deref(b.Reason))
	}},
	{"open-day", "", func(ctx context.Context, e *booking.Engine, office string, d calendar.Date, b *overrideBody) error {
		return e.OpenDay(ctx, office, d)
	}},
	{"close-slot", "slot reason", func(ctx context.Context, e *booking.Engine, office string, d calendar.Date, b *overrideBody) error {
		return e.CloseSlot(ctx, office, d, deref(b.Slot), deref(b.Reason))
	}},
	{"open-slot", "slot", func(ctx context.Context, e *booking.Engine, office string, d calendar.Date, b *overrideBody) error {
		return e.OpenSlot(ctx, office, d, deref(b.Slot))
	}},
	{"set-capacity", "slot pool seats", func(ctx context.Context, e *booking.Engine, office string, d calendar.Date, b *overrideBody) error {
		if b.Seats == nil {
			return &inputError{pointer: "/seats", detail: "set-capacity needs seats", err: quota.ErrBadSeats}
		}
		return e.SetCapacity(ctx, office, d, deref(b.Slot), deref(b.Pool), *b.Seats)
	}},
	{"set-release", "at", func(ctx context.Context, e *booking.Engine, office string, d calendar.Date, b *overrideBody) error {
		var at time.Time
		if s := deref(b.At); s != "" {
			var err error
			if at, err = time.Parse(time.RFC3339, s); err != nil {
				return &inputError{pointer: "/at", detail: "want an instant as RFC 3339, such as 2026-11-20T08:00:00+07:00", err: quota.ErrBadOverride}
			}
		}
		return e.SetReleaseAt(ctx, office, d, at)
	}},
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// override serves POST /offices/{office}/overrides: it makes one change
// and answers with the day as it is after it, every pool counted.
func (h *Handler) override(c *call) error {
	var body overrideBody
	if err := decodeJSON(c.body, &body, false, ""); err != nil {
		return err
	}
	kind, err := body.check()
	if err != nil {
		return err
	}
	var d calendar.Date
	if body.Date != "" {
		if d, err = calendar.ParseDate(body.Date); err != nil {
			return &inputError{pointer: "/date", err: err}
		}
	}
	office := c.r.PathValue("office")
	if err := kind.apply(c.r.Context(), h.engine, office, d, &body); err != nil {
		return err
	}
	h.log.InfoContext(c.r.Context(), "kuotahttp: override", "operator", c.operator, "office", office, "kind", kind.name, "date", d)
	view, err := h.engine.Day(c.r.Context(), office, d)
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, dayPageJSON{Office: office, dayJSON: newDayJSON(&view, h.openingWindow(c, office))})
	return nil
}

// check returns the body's kind, or refuses an unknown kind, or a member
// the kind does not use.
func (b *overrideBody) check() (*overrideKind, error) {
	var kind *overrideKind
	names := make([]string, len(overrideKinds))
	for i := range overrideKinds {
		names[i] = overrideKinds[i].name
		if overrideKinds[i].name == b.Kind {
			kind = &overrideKinds[i]
		}
	}
	if kind == nil {
		return nil, &inputError{pointer: "/kind", detail: "want one of " + strings.Join(names, ", "), err: quota.ErrBadOverride}
	}
	given := []struct {
		name string
		set  bool
	}{
		{"slot", b.Slot != nil}, {"pool", b.Pool != nil}, {"seats", b.Seats != nil},
		{"reason", b.Reason != nil}, {"at", b.At != nil},
	}
	uses := strings.Fields(kind.uses)
	for _, g := range given {
		if g.set && !slices.Contains(uses, g.name) {
			return nil, &inputError{pointer: "/" + g.name, detail: fmt.Sprintf("%s takes no %s", kind.name, g.name), err: quota.ErrBadOverride}
		}
	}
	return kind, nil
}

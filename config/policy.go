package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/reschedule"
)

// Policy is the part of an engine's options a configuration file holds:
// how long a hold waits for payment, how many holds an account may have,
// how many bookings the engine keeps and for how long, and the windows of
// package reschedule. Each field holds the file's value, or the default
// when the file leaves it out, so a Policy reads the same as the engine
// it configures.
//
// A Policy is a plain value.
type Policy struct {
	HoldTTL            time.Duration // "hold_ttl"; booking.Options.HoldTTL
	MaxHoldsPerAccount int           // "max_holds_per_account"
	BookingsMax        int           // "bookings_max"
	Retention          time.Duration // "retention"
	ClockJumpHold      time.Duration // "clock_jump_hold"
	// CollectionServiceDays is "collection_service_days": how many of
	// the office's service days after arrival a passport is ready
	// (booking.Booking.ReadyOn).
	CollectionServiceDays int
	Windows               reschedule.Policy // "reschedules_max", "reschedule_until", …; booking.Options.Policy
}

// DefaultPolicy returns the policy of an engine given no options: the
// defaults of package booking and reschedule.Default().
func DefaultPolicy() Policy {
	return Policy{
		HoldTTL:               booking.DefaultHoldTTL,
		MaxHoldsPerAccount:    booking.DefaultMaxHoldsPerAccount,
		BookingsMax:           booking.DefaultBookingsMax,
		Retention:             booking.DefaultRetention,
		ClockJumpHold:         booking.DefaultClockJumpHold,
		CollectionServiceDays: booking.DefaultCollectionServiceDays,
		Windows:               reschedule.Default(),
	}
}

// Options returns booking.Options with the policy's fields set and every
// other field zero: the caller adds what a file does not hold (the clock,
// the logger) before calling booking.Open or booking.New.
func (p *Policy) Options() booking.Options {
	var o booking.Options
	for _, f := range engineFields {
		f.set(&o, p)
	}
	w := p.Windows // the caller's own copy
	o.Policy = &w
	return o
}

// engineFields are the policy's fields that booking.Options holds beside
// the windows, each with how to copy it alone into Options. Options and
// checkWithEngine read this one list, so the two cannot disagree.
var engineFields = []struct {
	name string
	set  func(*booking.Options, *Policy)
}{
	{"hold_ttl", func(o *booking.Options, p *Policy) { o.HoldTTL = p.HoldTTL }},
	{"max_holds_per_account", func(o *booking.Options, p *Policy) { o.MaxHoldsPerAccount = p.MaxHoldsPerAccount }},
	{"bookings_max", func(o *booking.Options, p *Policy) { o.BookingsMax = p.BookingsMax }},
	{"retention", func(o *booking.Options, p *Policy) { o.Retention = p.Retention }},
	{"clock_jump_hold", func(o *booking.Options, p *Policy) { o.ClockJumpHold = p.ClockJumpHold }},
	{"collection_service_days", func(o *booking.Options, p *Policy) { o.CollectionServiceDays = p.CollectionServiceDays }},
}

// windowFields are the policy's fields that reschedule.Policy holds, each
// with how to copy it alone into a zero Policy, which is valid: a field
// that makes the copy fail is the one at fault.
var windowFields = []struct {
	name string
	set  func(*reschedule.Policy, *reschedule.Policy)
}{
	{"reschedules_max", func(dst, src *reschedule.Policy) { dst.ReschedulesMax = src.ReschedulesMax }},
	{"reschedule_until", func(dst, src *reschedule.Policy) { dst.RescheduleUntil = src.RescheduleUntil }},
	{"cancel_until", func(dst, src *reschedule.Policy) { dst.CancelUntil = src.CancelUntil }},
	{"check_in_early", func(dst, src *reschedule.Policy) { dst.CheckInEarly = src.CheckInEarly }},
	{"reapply_after_months", func(dst, src *reschedule.Policy) { dst.ReapplyAfterMonths = src.ReapplyAfterMonths }},
}

// policyFrom reads the "policy" section, nil when the file has none. It
// checks the windows with reschedule.Policy.Validate; the engine's fields
// are checked by checkWithEngine.
func policyFrom(w *policyJSON) (Policy, error) {
	p := DefaultPolicy()
	if w == nil {
		return p, nil
	}
	durations := []struct {
		name   string
		in     *string
		out    *time.Duration
		engine bool // zero means the default to booking.Options
	}{
		{"hold_ttl", w.HoldTTL, &p.HoldTTL, true},
		{"retention", w.Retention, &p.Retention, true},
		{"clock_jump_hold", w.ClockJumpHold, &p.ClockJumpHold, true},
		{"check_in_early", w.CheckInEarly, &p.Windows.CheckInEarly, false},
	}
	for _, f := range durations {
		if f.in == nil {
			continue
		}
		d, err := parseDuration(*f.in)
		if err == nil && f.engine && d == 0 {
			err = zeroIsDefault()
		}
		if err != nil {
			return p, errAt("policy."+f.name, err)
		}
		*f.out = d
	}
	ints := []struct {
		name   string
		in     *int
		out    *int
		engine bool
	}{
		{"max_holds_per_account", w.MaxHoldsPerAccount, &p.MaxHoldsPerAccount, true},
		{"bookings_max", w.BookingsMax, &p.BookingsMax, true},
		{"collection_service_days", w.CollectionServiceDays, &p.CollectionServiceDays, true},
		{"reschedules_max", w.ReschedulesMax, &p.Windows.ReschedulesMax, false},
		{"reapply_after_months", w.ReapplyAfterMonths, &p.Windows.ReapplyAfterMonths, false},
	}
	for _, f := range ints {
		if f.in == nil {
			continue
		}
		if f.engine && *f.in == 0 {
			return p, errAt("policy."+f.name, zeroIsDefault())
		}
		*f.out = *f.in
	}
	days := []struct {
		name string
		in   *string
		out  *int
	}{
		{"reschedule_until", w.RescheduleUntil, &p.Windows.RescheduleUntil},
		{"cancel_until", w.CancelUntil, &p.Windows.CancelUntil},
	}
	for _, f := range days {
		if f.in == nil {
			continue
		}
		n, err := parseDaysBefore(*f.in)
		if err != nil {
			return p, errAt("policy."+f.name, err)
		}
		*f.out = n
	}
	if w.ReapplyAfterUnreached != nil {
		p.Windows.ReapplyAfterUnreached = *w.ReapplyAfterUnreached
	}
	if err := p.Windows.Validate(); err != nil {
		for _, f := range windowFields {
			var alone reschedule.Policy
			f.set(&alone, &p.Windows)
			if alone.Validate() != nil {
				return p, errAt("policy."+f.name, err)
			}
		}
		return p, errAt("policy", err)
	}
	return p, nil
}

// zeroIsDefault is the error for an explicit zero where booking.Options
// reads zero as its default: a file that says "max_holds_per_account": 0
// may mean "no limit", and would get one hold.
func zeroIsDefault() error {
	return fmt.Errorf("%w: zero would mean the default; leave the field out for that", ErrBadValue)
}

// parseDuration reads a Go duration: "2h", "90m", "1h30m".
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf(`%w: duration %s, want a Go duration such as "2h" or "90m" (30 days is "720h")`, ErrBadValue, quote(s))
	}
	return d, nil
}

// formatDuration writes d as parseDuration reads it, without the zero
// units time.Duration.String adds: "2h", not "2h0m0s".
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// parseDaysBefore reads a day before arrival as M-Paspor names it: "H-1"
// is the day before, "H-0" the arrival date itself.
func parseDaysBefore(s string) (int, error) {
	digits, ok := strings.CutPrefix(s, "H-")
	n, err := strconv.Atoi(digits)
	// Atoi takes a sign, which "H--1" or "H-+1" must not have.
	if !ok || err != nil || strings.ContainsAny(digits, "+-") {
		return 0, fmt.Errorf(`%w: %s, want a day before arrival such as "H-1"`, ErrBadValue, quote(s))
	}
	return n, nil
}

// formatDaysBefore writes n days before arrival as parseDaysBefore reads
// it.
func formatDaysBefore(n int) string { return "H-" + strconv.Itoa(n) }

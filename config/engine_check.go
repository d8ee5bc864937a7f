package config

import (
	"context"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// checkWithEngine asks package booking about what only it checks: the
// ranges of the engine's options and the form of an office's code and
// name. Booking exports no function that checks them apart from an
// engine, so an in-memory engine, made and closed here (about 0.2 ms),
// is asked: booking.New with the policy's options, and RegisterOffice
// with each office's code and name over a one-cell quota (the real quota
// passed quota.Config.Validate already, the check RegisterOffice makes,
// and its zone loaded by name, as a durable engine requires; registering
// it would build tables of up to 400 days for nothing). The rules then
// keep one home, and a file loads only if the engine takes it. Were
// booking to export its checks (an OfficeConfig.Validate, an
// Options.Validate), this file would call them instead.
//
// An error names the field at fault: when the engine refuses the options,
// each field is tried alone.
func checkWithEngine(p *Policy, offices []booking.OfficeConfig) error {
	opts := p.Options()
	opts.NoSweeper = true
	e, err := booking.New(&opts)
	if err != nil {
		for _, f := range engineFields {
			alone := booking.Options{NoSweeper: true}
			f.set(&alone, p)
			one, err := booking.New(&alone)
			if err != nil {
				return errAt("policy."+f.name, err)
			}
			one.Close()
		}
		return errAt("policy", err)
	}
	defer func() { e.Close() }()
	ctx := context.Background()
	cell := probeQuota()
	for i, o := range offices {
		if i > 0 && i%probeOfficesMax == 0 {
			e.Close()
			if e, err = booking.New(&opts); err != nil {
				return errAt("policy", err) // unreachable: these options made an engine already
			}
		}
		probe := booking.OfficeConfig{Code: o.Code, Name: o.Name, Quota: cell, OpeningWindow: o.OpeningWindow}
		if err := e.RegisterOffice(ctx, probe); err != nil {
			return errAt(index("offices", i)+probeFault(e, probe), err)
		}
	}
	return nil
}

// probeFault names the field of a probe the engine refused: the one
// whose mending, alone, makes the engine take it. RegisterOffice checks
// the code first, then the name, then the opening window.
func probeFault(e *booking.Engine, probe booking.OfficeConfig) string {
	ctx := context.Background()
	probe.Name = "probe"
	if e.RegisterOffice(ctx, probe) == nil {
		return ".name"
	}
	probe.OpeningWindow = 0
	if e.RegisterOffice(ctx, probe) == nil {
		return ".opening_window"
	}
	return ".code"
}

// probeOfficesMax bounds the offices registered with one engine here:
// RegisterOffice copies the engine's map of offices, so n offices in one
// engine cost n²/2 copied entries — 2 GB of garbage for OfficesMax.
const probeOfficesMax = 256

// probeQuota returns the smallest valid quota: one pool of one slot of
// one day.
func probeQuota() quota.Config {
	return quota.Config{
		Schedule: calendar.Schedule{Location: time.UTC},
		Layout:   quota.Layout{Pools: []string{"p"}, Slots: []quota.Slot{{End: time.Hour, Seats: []int{0}}}},
		First:    calendar.NewDate(2026, time.January, 1),
		Days:     1,
	}
}

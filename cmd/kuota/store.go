package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/postgres"
)

// store keeps serve's bookings: a bbolt file (fileStore), or a node of an
// active/standby cluster on PostgreSQL (nodeStore), whose engine changes
// when the node steps down and is rebuilt.
type store interface {
	// engine returns the engine to serve the next request with.
	engine() *booking.Engine
	// status says whether the store can serve, as of now.
	status(now time.Time) storeStatus
	// run does the store's background work until ctx ends.
	run(ctx context.Context)
	// close closes the engine, or stops the node.
	close() error
}

// storeStatus is the body of /readyz.
type storeStatus struct {
	Ready bool `json:"ready"`
	// Role is "file" for a bbolt file, "active" or "standby" for a node.
	Role string `json:"role"`
	// Followed is the LSN of the node's last record: committed by the
	// active node, applied by a standby.
	Followed uint64 `json:"followed,omitempty"`
	// LagSeconds is how long ago a standby last read the journal to its
	// end: an upper bound of how stale its reads are. Absent on an
	// active node and a file, which are never behind.
	LagSeconds *float64 `json:"lag_seconds,omitempty"`
	// Active is, on a standby, the address of the active node it
	// forwards changes to.
	Active string `json:"active,omitempty"`
	// Reason says why the store is not ready.
	Reason string `json:"reason,omitempty"`
}

// standbyLagMax is the lag past which a standby says it is not ready: it
// reads the journal at least every FollowInterval (a second), so five
// seconds behind means it has lost PostgreSQL, and a load balancer had
// better send readers elsewhere.
const standbyLagMax = 5 * time.Second

// fileStore is an engine over a bbolt file, opened by serve for writing.
type fileStore struct {
	e *booking.Engine
}

func (s *fileStore) engine() *booking.Engine { return s.e }
func (s *fileStore) run(context.Context)     {}
func (s *fileStore) close() error            { return s.e.Close() }

func (s *fileStore) status(time.Time) storeStatus {
	st := s.e.Stats()
	if st.Failing {
		return storeStatus{Role: "file", Reason: fmt.Sprintf("the file cannot be written, changes are refused: %v", st.StorageErr)}
	}
	return storeStatus{Ready: true, Role: "file"}
}

// nodeStore is a node of a PostgreSQL cluster. The offices of the
// configuration are registered by the node whenever it becomes active
// with an engine it has not registered them with: only the active node
// writes, and a standby has them from the journal.
type nodeStore struct {
	node    *postgres.Node
	offices []booking.OfficeConfig
	log     *slog.Logger

	registered atomic.Pointer[booking.Engine] // the engine the offices were registered with
	failed     atomic.Pointer[string]         // why the last registration failed, or nil
}

// nodeCheckInterval is how often a node's store looks at its role, to
// register the offices after a takeover; registerRetryDelay how long it
// waits after the engine refused them, which only a new configuration
// (or PostgreSQL back) mends, so as not to fill the log.
const (
	nodeCheckInterval  = 250 * time.Millisecond
	registerRetryDelay = 5 * time.Second
)

func (s *nodeStore) engine() *booking.Engine { return s.node.Engine() }
func (s *nodeStore) close() error            { return s.node.Close() }

func (s *nodeStore) run(ctx context.Context) {
	for {
		if err := s.node.WaitActive(ctx); err != nil {
			return // ctx ended, or the node was closed
		}
		wait := nodeCheckInterval
		if e := s.node.Engine(); s.registered.Load() != e {
			n, err := registerOffices(ctx, e, s.offices)
			if err != nil {
				msg := err.Error()
				s.failed.Store(&msg)
				s.log.Error("kuota serve: registering the offices", "err", err, "retry", registerRetryDelay)
				wait = registerRetryDelay
			} else {
				s.failed.Store(nil)
				s.registered.Store(e)
				s.log.Info("kuota serve: active", "offices", len(s.offices), "registered", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (s *nodeStore) status(now time.Time) storeStatus {
	st := s.node.Status()
	if st.Active {
		out := storeStatus{Role: "active", Followed: st.Followed}
		switch {
		case s.registered.Load() == s.node.Engine():
			out.Ready = true
		case s.failed.Load() != nil:
			out.Reason = "the offices could not be registered: " + *s.failed.Load()
		default:
			out.Reason = "registering the offices"
		}
		return out
	}
	out := storeStatus{Role: "standby", Followed: st.Followed}
	out.Active, _ = s.node.Engine().ActiveAddress()
	switch {
	case st.CaughtUp.UnixNano() <= 0:
		out.Reason = "has not read the journal to its end yet"
		return out
	case out.Active == "":
		out.Reason = "knows no active node to forward changes to yet"
		return out
	}
	lag := max(now.Sub(st.CaughtUp), 0)
	seconds := lag.Seconds()
	out.LagSeconds = &seconds
	if lag > standbyLagMax {
		out.Reason = fmt.Sprintf("last read the journal to its end %v ago, more than %v", lag.Round(time.Millisecond), standbyLagMax)
		return out
	}
	out.Ready = true
	return out
}

// registerOffices registers each office with e, but for those already
// registered with the same configuration: a restart with an unchanged
// file adds nothing to the journal. It returns the number registered.
func registerOffices(ctx context.Context, e *booking.Engine, offices []booking.OfficeConfig) (int, error) {
	n := 0
	for _, cfg := range offices {
		cur, err := e.Office(ctx, cfg.Code)
		switch {
		case err == nil && sameOffice(&cur, &cfg):
			continue
		case err != nil && !errors.Is(err, booking.ErrUnknownOffice):
			return n, fmt.Errorf("office %s: %w", cfg.Code, err)
		}
		if err := e.RegisterOffice(ctx, cfg); err != nil {
			return n, fmt.Errorf("office %s: %w", cfg.Code, err)
		}
		n++
	}
	return n, nil
}

// sameOffice reports whether two configurations are equal: the zones by
// name (the engine keeps its zone loaded by name, the file its own), the
// rest field by field, an empty list equal to none (the engine reads no
// closures back as nil, the file as an empty list). A false "different"
// costs one record.
func sameOffice(a, b *booking.OfficeConfig) bool {
	la, lb := a.Quota.Schedule.Location, b.Quota.Schedule.Location
	if la == nil || lb == nil || la.String() != lb.String() {
		return false
	}
	ca, cb := *a, *b
	ca.Quota.Schedule.Location, cb.Quota.Schedule.Location = nil, nil
	return sameValue(reflect.ValueOf(ca), reflect.ValueOf(cb))
}

// sameValue is reflect.DeepEqual for plain data (no maps, functions or
// channels, which configurations do not hold), but for an empty slice,
// which equals a nil one.
func sameValue(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Pointer, reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem())
	case reflect.String:
		return a.String() == b.String()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	}
	return false // a kind configurations do not hold: call them different
}

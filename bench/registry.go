package bench

import (
	"slices"
	"sync"
)

// A Builder builds a system of a registered kind, with NewSystem's
// arguments: the run's clock, a fresh directory of its own, the account
// hold limit, and whether to skip fsync (or the system's equivalent).
type Builder func(clk *Clock, dir string, holdsPerAccount int, noSync bool) (System, error)

// registry holds the kinds added with RegisterSystem. It is a package
// variable, like database/sql's drivers, because the modules that add
// kinds do it from outside, once, before any run.
var registry struct {
	mu       sync.RWMutex // guards builders
	builders map[string]Builder
}

// RegisterSystem adds a kind of system that NewSystem builds with build,
// so that a module the core module does not depend on — bench/postgres,
// which needs a PostgreSQL driver — can run its systems in the same
// scenarios and tables. Call it once per kind, before the runs, from
// main or TestMain, and name the kind in Run's systems list.
//
// The recovery scenario closes a system and builds it again on the same
// dir, expecting to find its bookings: a kind that keeps them elsewhere
// and does not find them again must not be run in it.
//
// RegisterSystem panics when kind is empty, is one of [AllSystems] or
// [QuotaSeats] or is already registered, or when build is nil: each is a
// programmer error, as in database/sql.Register. It is safe for
// concurrent use.
func RegisterSystem(kind string, build Builder) {
	if kind == "" || build == nil {
		panic("bench: RegisterSystem with an empty kind or a nil builder")
	}
	if slices.Contains(AllSystems, kind) || kind == QuotaSeats {
		panic("bench: RegisterSystem of a built-in kind " + kind)
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if _, dup := registry.builders[kind]; dup {
		panic("bench: RegisterSystem called twice for " + kind)
	}
	if registry.builders == nil {
		registry.builders = map[string]Builder{}
	}
	registry.builders[kind] = build
}

// registered returns the builder of a kind added with RegisterSystem, nil
// for any other.
func registered(kind string) Builder {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	return registry.builders[kind]
}

// Package quota is kuota's hot path: the seat counters of every office,
// day, slot and pool, taken and given back without a lock.
//
// # Concepts
//
// A [Ledger] holds offices. Each office has a [Config]: its
// calendar.Schedule (time zone, service week, holidays, closures), its
// [Layout] (the arrival slots of a day and the capacity pools of a slot),
// its [ReleaseRule] (when each day's quota opens) and its window of days
// (First, Days). From these the Ledger builds a dense table
//
//	day (from First) → slot → pool → cell
//
// where each cell is one atomic word holding the seats left, the capacity
// and a closed flag. Finding a cell is index arithmetic: an [OfficeID] is
// an index handed out by [Ledger.AddOffice], slots and pools are indexes
// into the layout, and the day is its distance from First.
//
// [Ledger.Reserve] takes n seats from a cell all or nothing;
// [Ledger.Release] gives them back and can never push a cell above its
// capacity. [Ledger.Month] and [Ledger.Day] show the calendar.State of
// days and slots (green Available, red Full, yellow NotOpened, grey for
// the rest) with the seats left per pool.
//
// Operators change single days and cells at run time: [Ledger.CloseDay],
// [Ledger.CloseSlot], [Ledger.SetCapacity] (never below the seats taken),
// [Ledger.SetReleaseAt]. [Ledger.Reconfigure] replaces a whole
// configuration — a longer horizon, a new holiday list, more slots —
// carrying every seat taken and every operator change across.
//
// # Time
//
// Nothing here reads the clock. Reserve, Month and Day take now; a day's
// boundaries and release instants are computed in the office's time zone.
// A slot can be booked until it starts.
//
// # Concurrency
//
// Reserve, Release, Cell, Month and Day take no lock and Reserve and
// Release do not allocate. A cell changes by compare-and-swap of its one
// word, so a group of five takes five seats in one step or none, and a
// capacity change moves capacity and seats left together. Replacing a
// table publishes the new one through an atomic pointer; tables for the
// same layout share their counters, so nothing is lost and nobody waits.
// Configuration and operator changes serialize on a mutex that the hot
// path never touches.
//
// # Errors
//
// Every refusal is a sentinel from errors.go, matched with errors.Is:
// ErrFull, ErrNotOpened, ErrClosed, ErrPast, ErrOutsideHorizon,
// ErrUnknownOffice, ErrUnknownSlot, ErrUnknownPool, ErrBadSeats and so on.
// A refused call changes nothing. Limits (OfficesMax, HorizonDaysMax,
// SlotsPerDayMax, PoolsPerSlotMax, CellSeatsMax, …) are constants in
// limits.go.
package quota

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
// days and slots with the seats left per pool, each [PoolSeats] named:
//
//	green   Available  a seat is left
//	red     Full       seats were offered and every one is taken
//	yellow  NotOpened  the quota is not released yet, or the year has no holiday data
//	yellow  NoQuota    released, but no seat offered: capacity 0
//	grey    the rest   past, closed, outside the table
//
// A day whose slots offer no seat is NoQuota, never Full: red says the
// quota was used up, and nothing was. Reserve's refusals and the views
// follow one day-state order — past, closed, not opened, no quota, full,
// available — the one Reserve's documentation lists, so a day shown green
// is one Reserve accepts.
//
// The schedule's holiday data covers some years (calendar.Holidays.Covers).
// A service day of a year it does not cover is NotOpened, with the reason
// calendar.NoHolidayDataReason and no release instant, whatever the
// release rule or an operator's SetRelease says, and Reserve refuses it
// with ErrNotOpened: nobody knows yet whether it is a holiday. It opens
// when the year's data comes in a new Config through [Ledger.Reconfigure].
// [Config.UncoveredYears] names the years missing from an office's table,
// for a report to its operator.
//
// Month and Day count every pool; [Ledger.MonthIn] and [Ledger.DayIn]
// count one, so that walk-in seats never make a day green in the online
// calendar. [DayView.StateIn] and [SlotView.StateIn] narrow an all-pools
// view to one pool by its name.
//
// A calendar page needs each day's colour, not its seat counts.
// [Ledger.AppendMonth] and [Ledger.AppendMonthIn] append a month of
// [DayState] — date, state, reason, release instant — to the caller's
// slice, the same states Month and MonthIn show, from per-day counters
// rather than every cell: a few hundred nanoseconds and no allocation for
// a month, against microseconds and two allocations. They are the ones for
// a hot path.
// [Ledger.AppendDayIn] does the same for the page after it, the slots of
// the chosen day in one pool: [SlotState] — state, reason, seats left —
// appended to the caller's slice, as DayIn shows them, without DayIn's
// three allocations.
//
// Callers name a slot by its start, "08:00": [ParseClock] reads it,
// [Ledger.SlotAt] (or [Layout.SlotAt]) finds the slot, and [FormatClock]
// writes it back. A request whose slot was never set carries the empty
// string, which ParseClock refuses, rather than index 0, which would book
// the day's first slot. Slot starts are whole minutes and unique in a
// layout, so a clock time names at most one slot.
//
// Operators change single days, slots and cells at run time. Each change
// is a value, an [Override] of some [OverrideKind] (CloseDay, OpenDay,
// CloseSlot, OpenSlot, SetCapacity, SetRelease), made by [Ledger.Apply];
// [Ledger.CloseDay], [Ledger.SetCapacity] and the like are shorthands for
// it. Being values, changes can be journaled and replayed: [Ledger.Overrides]
// lists an office's standing changes in an order that, applied to a fresh
// office with the same Config, rebuilds the same table.
// [Ledger.Reconfigure] replaces a whole configuration — a longer horizon,
// a new holiday list, more slots — carrying every seat taken and every
// operator change across. [Ledger.Zone], [Ledger.Slot], [Ledger.Slots],
// [Ledger.SlotAt], [Ledger.PoolName] and [Ledger.PoolIndex] read the
// current configuration without copying it.
//
// # Time
//
// Nothing here reads the clock. Reserve, Month, MonthIn, AppendMonth,
// AppendMonthIn, Day, DayIn and AppendDayIn take now; a day's boundaries
// and release instants are computed in the office's time zone. A slot can
// be booked until it starts. A clock time such as "08:00" ([ParseClock])
// is an offset from the local midnight that begins a day, not an instant.
//
// # Concurrency
//
// Reserve, Release, Cell, Month, MonthIn, AppendMonth, AppendMonthIn, Day,
// DayIn, AppendDayIn and SlotAt take no lock, and Reserve, Release,
// SlotAt, AppendMonth and AppendMonthIn (into a slice that holds a month)
// and AppendDayIn (into one that holds a day's slots) do not allocate.
// Reserve tells ErrNoQuota from ErrFull by the capacity in the cell word
// it has already loaded, so neither refusal costs a load more than the
// other. A cell changes by compare-and-swap of its one word, so a group of
// five takes five seats in one step or none, and a capacity change moves
// capacity and seats left together. Replacing a table publishes the new
// one through an atomic pointer; tables for the same layout share their
// counters, so nothing is lost and nobody waits. Configuration and
// operator changes serialize on a mutex that the hot path never touches.
//
// Each day also counts, per pool, its cells that have a seat left and
// those that offer seats, for AppendMonth and AppendMonthIn. A count moves
// only when a cell crosses zero — a Reserve that takes its last seat, a
// Release that gives back its first, an operator's change — so a Reserve
// that leaves seats and a Release onto seats touch no counter. A change
// that moves a count announces itself on its day before it changes the
// cell and publishes the count after. A view trusts counts only when it
// read them with no change under way, and they are then those of all the
// day's cells at one instant; otherwise it reads the cells, as Month does.
// [Ledger.AppendMonthIn] says exactly what a reader can rely on.
//
// Apply and Reconfigure take a commit hook, called once the change is
// known to be valid and before it takes effect; an error from it cancels
// the change. While it runs, the cells the change writes are frozen: Apply
// freezes a SetCapacity's cell (so its capacity is checked against the
// seats taken at the instant it is stored) and a CloseSlot's or OpenSlot's
// cells, and Reconfigure the whole old table when the layout changes.
// Reserve and Release on a frozen cell spin until it is stored. Package
// booking's commit writes the change to its journal, which puts the change
// in the journal exactly where it falls among the reservations.
//
// # Errors
//
// Every refusal is a sentinel from errors.go, matched with errors.Is:
// ErrFull, ErrNoQuota, ErrNotOpened, ErrClosed, ErrPast, ErrOutsideHorizon,
// ErrUnknownOffice, ErrUnknownSlot, ErrUnknownPool, ErrBadSeats,
// ErrBadClock and so on. ErrNoQuota and ErrFull differ as NoQuota and Full
// do: a cell of capacity 0 offers no seat, a full one had seats and they
// were taken.
// A refused call changes nothing. Limits (OfficesMax, HorizonDaysMax,
// SlotsPerDayMax, PoolsPerSlotMax, CellSeatsMax, …) are constants in
// limits.go.
package quota

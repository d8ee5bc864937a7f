package quota

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/kuota/kuota/calendar"
)

// OfficeID identifies an office within one Ledger. IDs are handed out by
// [Ledger.AddOffice] densely from 0, so that finding an office on the
// reservation path is an index, not a map lookup.
type OfficeID uint32

// Config is everything a Ledger needs to know about one office.
type Config struct {
	// Schedule gives the time zone, service week, holidays and closures.
	Schedule calendar.Schedule
	// Layout gives the slots of a day and the pools of a slot.
	Layout Layout
	// Release says when each day's quota opens.
	Release ReleaseRule
	// First is the first day of the quota table, and Days the number of
	// days in it (1..HorizonDaysMax). Days outside [First, First+Days)
	// are OutsideHorizon, or Past.
	First calendar.Date
	Days  int
}

// Validate checks the configuration against the package limits.
func (c *Config) Validate() error {
	if err := c.Schedule.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrBadConfig, err)
	}
	if err := c.Layout.Validate(); err != nil {
		return err
	}
	if err := c.Release.Validate(); err != nil {
		return err
	}
	if c.First.IsZero() {
		return fmt.Errorf("%w: no first day", ErrBadConfig)
	}
	if c.Days < 1 || c.Days > HorizonDaysMax {
		return fmt.Errorf("%w: %d days, want 1..%d", ErrBadConfig, c.Days, HorizonDaysMax)
	}
	if last := c.First.AddDays(c.Days - 1); c.First.Year() < WindowYearMin || last.IsZero() || last.Year() > WindowYearMax {
		return fmt.Errorf("%w: the days must lie in years %d..%d", ErrBadConfig, WindowYearMin, WindowYearMax)
	}
	return nil
}

// UncoveredYears returns, in ascending order, the years of the days
// [First, First+Days) that the schedule's holiday data does not cover:
// the years whose service days the office shows NotOpened, and Reserve
// refuses with ErrNotOpened, until their data is loaded (see
// calendar.Schedule.UncoveredYears). It is nil when every year is covered
// or the schedule enforces no coverage (an empty holiday list). A booking
// engine reports it, so that an operator learns of the gap before
// applicants do.
func (c *Config) UncoveredYears() []int {
	if c.Days < 1 {
		return nil
	}
	return c.Schedule.UncoveredYears(c.First, c.First.AddDays(c.Days-1))
}

// clone returns a deep copy, so that the Ledger's copy is its own.
func (c *Config) clone() Config {
	d := *c
	d.Layout = c.Layout.clone()
	d.Schedule.Closures = slices.Clone(c.Schedule.Closures)
	return d
}

// Ledger holds the quota of every office: a dense table per office of days
// × slots × pools, each cell an atomic seat counter.
//
// # Concurrency
//
// All methods are safe for concurrent use. [Ledger.Reserve],
// [Ledger.Release], [Ledger.Cell], [Ledger.Month], [Ledger.MonthIn],
// [Ledger.AppendMonth], [Ledger.AppendMonthIn], [Ledger.Day],
// [Ledger.DayIn] and the readers of the configuration
// ([Ledger.SlotAt], [Ledger.Zone] and the like) take no lock: they load
// the office's current table with one atomic load and change a cell with
// compare-and-swap. Configuration and operator changes
// serialize on an internal mutex that the former never touch; a change
// that replaces a table publishes the new one atomically, so readers never
// block. The exceptions are the cells a change freezes: during a layout
// change, and during the commit hook of [Ledger.Apply] and
// [Ledger.Reconfigure], Reserve and Release on those cells spin until the
// change is stored.
//
// The zero Ledger is empty and ready to use.
type Ledger struct {
	mu      sync.Mutex // guards offices and serializes table replacement
	offices []*office  // configuration of each office, by OfficeID; guarded by mu

	// tables holds each office's current table, indexed by OfficeID. A
	// fixed array in the Ledger itself keeps the reservation path one
	// pointer away from the table instead of four.
	tables [OfficesMax]atomic.Pointer[table]
}

// office is the configuration side of an office, guarded by Ledger.mu.
type office struct {
	cfg Config
	ov  overrides
}

// NewLedger returns an empty Ledger.
func NewLedger() *Ledger { return &Ledger{} }

// AddOffice adds an office and returns its ID. The Ledger keeps its own
// copy of cfg.
func (l *Ledger) AddOffice(cfg Config) (OfficeID, error) {
	if err := cfg.Validate(); err != nil {
		return 0, err
	}
	cfg = cfg.clone()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.offices) >= OfficesMax {
		return 0, fmt.Errorf("%w: limit %d", ErrTooManyOffices, OfficesMax)
	}
	o := &office{cfg: cfg, ov: newOverrides()}
	t, err := newTable(&o.cfg, &o.ov, nil)
	if err != nil {
		return 0, err
	}
	id := OfficeID(len(l.offices))
	l.offices = append(l.offices, o)
	l.tables[id].Store(t)
	return id, nil
}

// Offices returns the number of offices; their IDs are 0..Offices()-1.
func (l *Ledger) Offices() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.offices)
}

// Config returns a copy of the office's current configuration.
func (l *Ledger) Config(id OfficeID) (Config, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if int(id) >= len(l.offices) {
		return Config{}, ErrUnknownOffice
	}
	return l.offices[id].cfg.clone(), nil
}

// Reconfigure replaces an office's configuration without losing a seat.
//
// Days present before and after keep their seats taken and the
// operator's changes (closures, capacities, moved release instants); their
// schedule, release rule and default capacities come from cfg. Days that
// leave the window are forgotten, with their seats and changes. The new
// layout must keep the old slots and pools at their indexes and may add
// more at the end ([ErrLayoutChange]); no cell may end up with less
// capacity than seats taken ([ErrBelowTaken], as a [*CellError]). On error
// nothing changes.
//
// Extending the horizon or changing the schedule shares the day's counters
// between the old and new table, so reservations never pause. Changing the
// layout or its capacities moves the counters into new cells: Reserve and
// Release on this office wait, spinning, for the few milliseconds that
// takes.
//
// commit, when not nil, is called once the new table has been built and
// checked, so that the change can no longer fail for a quota reason, and
// before it is published. When the layout changes, the old table's cells
// stay frozen during commit as during the copy, so no seat is taken or
// given back on this office until the new table is published. If commit
// returns an error nothing changes (the cells are unfrozen) and
// Reconfigure returns that error. As for [Ledger.Apply], package booking
// passes a commit that hands the change to its journal, so that the
// change's place in the journal is exactly its place among the
// reservations. commit runs under the Ledger's mutex: as for Apply, it
// must not call a method that takes it, nor wait for a Reserve or Release
// on this office.
func (l *Ledger) Reconfigure(id OfficeID, cfg Config, commit func() error) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg = cfg.clone()
	l.mu.Lock()
	defer l.mu.Unlock()
	if int(id) >= len(l.offices) {
		return ErrUnknownOffice
	}
	o := l.offices[id]
	prev := l.tables[id].Load()
	if !cfg.Layout.extends(&prev.layout) {
		return ErrLayoutChange
	}
	if !sameLayout(&prev.layout, &cfg.Layout) {
		// Stop every cell of prev so that no seat is taken or returned
		// there while its count is copied and the change committed;
		// Reserve and Release retry on the new table once it is
		// published, and prev stays frozen for readers still holding it.
		prev.setFrozen(true)
		// Unfreeze on every way out but the one that publishes, a
		// panicking commit included. The table changes only under mu,
		// which this function holds until the deferred call has run.
		defer func() {
			if l.tables[id].Load() == prev {
				prev.setFrozen(false)
			}
		}()
	}
	t, err := newTable(&cfg, &o.ov, prev)
	if err != nil {
		return err
	}
	if err := run(commit); err != nil {
		return err
	}
	l.tables[id].Store(t)
	o.cfg = cfg
	o.ov.prune(cfg.First, cfg.Days)
	return nil
}

// SetWindow moves an office's table to the days [first, first+days),
// keeping everything else; it is Reconfigure with a new horizon and no
// commit, and never pauses reservations.
func (l *Ledger) SetWindow(id OfficeID, first calendar.Date, days int) error {
	cfg, err := l.Config(id)
	if err != nil {
		return err
	}
	cfg.First, cfg.Days = first, days
	return l.Reconfigure(id, cfg, nil)
}

func (t *table) setFrozen(frozen bool) {
	for d := range t.days {
		dy := &t.days[d]
		for i := range dy.cells {
			if frozen {
				dy.cells[i].w.Or(frozenBit)
			} else {
				dy.cells[i].w.And(^uint64(frozenBit))
			}
		}
	}
}

// table returns the current table of an office, or nil for an ID the
// Ledger did not hand out.
func (l *Ledger) table(id OfficeID) *table {
	if id >= OfficesMax {
		return nil
	}
	return l.tables[id].Load()
}

package quota

import "time"

// Limits of a Ledger. Each is checked where the value enters the package,
// and a value beyond it is an error, never a panic.
const (
	// OfficesMax bounds the offices in one Ledger: Indonesia has about 125
	// immigration offices, and ten thousand leaves room for any network
	// of clinics or venues.
	OfficesMax = 10_000
	// HorizonDaysMax bounds the days in an office's quota table: a year
	// ahead plus a month of slack.
	HorizonDaysMax = 400
	// SlotsPerDayMax bounds the arrival slots of one day: fifteen-minute
	// slots around the clock are 96, and real offices use 8 to 16.
	SlotsPerDayMax = 64
	// PoolsPerSlotMax bounds the capacity pools of one slot (M-Paspor uses
	// four: online, walk-in, accelerated, collective).
	PoolsPerSlotMax = 8
	// PoolNameBytesMax bounds a pool's name.
	PoolNameBytesMax = 32
	// CellSeatsMax bounds the capacity of one cell (one pool of one slot
	// of one day). It keeps capacity in the 30 bits the packed cell word
	// gives it, and a whole day's worth (SlotsPerDayMax cells) too, which
	// lets a month view sum cell words without unpacking them.
	CellSeatsMax = 1_000_000
	// ReasonBytesMax bounds the reason given when an operator closes a
	// day or slot.
	ReasonBytesMax = 200
	// WindowYearMin and WindowYearMax bound the days of a quota table. The
	// Ledger keeps instants as int64 nanoseconds since 1970, which end on
	// 2262-04-11; a table must lie in years whose every instant fits.
	WindowYearMin = 1970
	WindowYearMax = 2261
	// ReleaseLeadMax bounds how far ahead a release rule may open quota,
	// so that every day it opens can lie within the horizon.
	ReleaseLeadMax = HorizonDaysMax * 24 * time.Hour
)

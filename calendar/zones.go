package calendar

import (
	"fmt"
	"sync"
	"time"
)

// Indonesia's four zone names, as the IANA time zone database spells them.
const (
	ZoneJakarta   = "Asia/Jakarta"   // WIB, UTC+7: Java, Sumatra
	ZonePontianak = "Asia/Pontianak" // WIB, UTC+7: West and Central Kalimantan
	ZoneMakassar  = "Asia/Makassar"  // WITA, UTC+8: Sulawesi, Bali, Nusa Tenggara
	ZoneJayapura  = "Asia/Jayapura"  // WIT, UTC+9: Maluku, Papua
)

// indonesianOffsets are the UTC offsets of the Indonesian zones. None of
// them has observed daylight saving time or changed its offset since 1988,
// so a fixed zone is exact for every date a booking can have.
var indonesianOffsets = map[string]int{
	ZoneJakarta:   7 * 3600,
	ZonePontianak: 7 * 3600,
	ZoneMakassar:  8 * 3600,
	ZoneJayapura:  9 * 3600,
}

// Jakarta returns the Asia/Jakarta zone (WIB, UTC+7).
func Jakarta() *time.Location { return mustZone(ZoneJakarta) }

// Pontianak returns the Asia/Pontianak zone (WIB, UTC+7).
func Pontianak() *time.Location { return mustZone(ZonePontianak) }

// Makassar returns the Asia/Makassar zone (WITA, UTC+8).
func Makassar() *time.Location { return mustZone(ZoneMakassar) }

// Jayapura returns the Asia/Jayapura zone (WIT, UTC+9).
func Jayapura() *time.Location { return mustZone(ZoneJayapura) }

// LoadZone returns the time zone with the given IANA name. It asks the time
// zone database first (import _ "time/tzdata" to embed one in a binary);
// when the host has none, the four Indonesian zones still load as fixed
// zones of the same name, which is exact for them. Other unknown names, and
// "Local", return an error matching [ErrUnknownZone].
func LoadZone(name string) (*time.Location, error) {
	if name == "Local" || name == "" {
		return nil, fmt.Errorf("%w: %q (name a zone explicitly)", ErrUnknownZone, name)
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		off, ok := indonesianOffsets[name]
		if !ok {
			// Not err: time's message repeats the name unquoted, which
			// would let a name carry a newline into a log line.
			return nil, fmt.Errorf("%w: %q", ErrUnknownZone, truncate(name))
		}
		loc = time.FixedZone(name, off)
	}
	// Only names that loaded are cached, so the cache is bounded by the
	// zone database, not by what callers pass in.
	actual, _ := zoneCache.LoadOrStore(name, loc)
	return actual.(*time.Location), nil
}

// zoneCache keeps one *time.Location per zone name: loading a zone parses
// tzdata, and sharing the pointer lets callers compare locations cheaply.
var zoneCache sync.Map // zone name → *time.Location

func mustZone(name string) *time.Location {
	loc, err := LoadZone(name)
	if err != nil {
		// Unreachable: LoadZone falls back to a fixed zone for every
		// Indonesian name.
		panic(err)
	}
	return loc
}

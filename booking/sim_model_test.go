package booking_test

import (
	"maps"
	"slices"
	"time"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// The simulation's reference model: a plain, sequential statement of the
// rules — seats per cell, the life of a booking, one live booking per NIK
// and the re-apply window, the operator's closures and capacities — in the
// shape of model_test.go's, with the calendar of the test office. The
// auditor (sim_audit_test.go) holds every reply of the engine against it.

// The dates the simulation books, with what makes each one interesting.
var (
	simDec08 = calendar.NewDate(2026, time.December, 8)
	simDec09 = calendar.NewDate(2026, time.December, 9)
	simDec12 = calendar.NewDate(2026, time.December, 12) // a Saturday: closed by the schedule
	simFeb01 = calendar.NewDate(2027, time.February, 1)  // after the 60 days of the table

	simDates    = []calendar.Date{simDec08, simDec09, kt.Dec10, kt.Dec11, kt.Jan04, simDec12, kt.Dec25, simFeb01}
	simBookable = simDates[:5] // the weekdays in the table
	simStarts   = []string{kt.Slot0, kt.Slot1}
	simPools    = []string{kt.Online, kt.WalkIn}
	simSlots    = []quota.Slot{{Start: 8 * time.Hour, End: 9 * time.Hour}, {Start: 9 * time.Hour, End: 10 * time.Hour}}

	simTableFirst = calendar.NewDate(2026, time.December, 1) // kt.OfficeConfig's table: 60 days from here
	simJanRelease = time.Date(2026, time.December, 1, 8, 0, 0, 0, kt.WIB)
)

// simCell names one cell; for a slot closure, pool is 0.
type simCell struct {
	date       calendar.Date
	slot, pool int
}

// simIdem is an account's idempotency key.
type simIdem struct{ account, key string }

// simEvent is one entry of a booking's history.
type simEvent struct {
	state  State
	at     time.Time
	reason Reason
}

// simBooking is the model's booking: its state as its own changes left it
// (a lapsed hold or a no-show is derived from the clock, see effective).
type simBooking struct {
	code, billing string
	account       string
	niks          []int   // indexes of the simulation's NIKs, in request order
	req           simCell // the cell the hold asked for, which its idempotency key stands for
	date          calendar.Date
	slot, pool    int
	state         State
	deadline      time.Time
	paymentRef    string
	reschedules   int
	events        []simEvent
	key           string    // its idempotency key, "" for none
	archived      bool      // it left the engine's memory (ArchiveDue); only the NIK rules still see it
	archivedAt    time.Time // the instant of the ArchiveDue that archived it
}

// simModel is the model's whole state. It is a value the simulator clones
// at every reopen, and rebuilds from the changes the disk kept.
type simModel struct {
	policy     reschedule.Policy
	maxHolds   int
	seats      [2]int // each slot's capacity per pool, by the layout
	name       string // the office's name
	capacity   map[simCell]int
	dayClosed  map[calendar.Date]string
	slotClosed map[simCell]string
	bookings   []*simBooking // in the order they were made
	byCode     map[string]*simBooking
	idem       map[simIdem]string // → booking code
}

func newSimModel(seats [2]int, maxHolds int, name string) *simModel {
	return &simModel{
		policy: reschedule.Default(), maxHolds: maxHolds, seats: seats, name: name,
		capacity: map[simCell]int{}, dayClosed: map[calendar.Date]string{}, slotClosed: map[simCell]string{},
		byCode: map[string]*simBooking{}, idem: map[simIdem]string{},
	}
}

// clone returns a deep copy of m.
func (m *simModel) clone() *simModel {
	c := *m
	c.capacity, c.dayClosed, c.slotClosed, c.idem = maps.Clone(m.capacity), maps.Clone(m.dayClosed), maps.Clone(m.slotClosed), maps.Clone(m.idem)
	c.bookings = make([]*simBooking, len(m.bookings))
	c.byCode = make(map[string]*simBooking, len(m.bookings))
	for i, b := range m.bookings {
		nb := *b
		nb.niks, nb.events = slices.Clone(b.niks), slices.Clone(b.events)
		c.bookings[i], c.byCode[b.code] = &nb, &nb
	}
	return &c
}

func (m *simModel) add(b *simBooking, idemKey string) {
	b.key = idemKey
	m.bookings = append(m.bookings, b)
	m.byCode[b.code] = b
	if idemKey != "" {
		m.idem[simIdem{b.account, idemKey}] = b.code
	}
}

// archive marks booking code archived at at: it leaves memory, and its
// idempotency key with it, so that the key makes a new booking.
func (m *simModel) archive(code string, at time.Time) {
	b := m.byCode[code]
	b.archived, b.archivedAt = true, at
	if k := (simIdem{b.account, b.key}); b.key != "" && m.idem[k] == code {
		delete(m.idem, k)
	}
}

// live counts the bookings the engine keeps in memory: all but the
// archived.
func (m *simModel) live() int {
	n := 0
	for _, b := range m.bookings {
		if !b.archived {
			n++
		}
	}
	return n
}

// The calendar of the test office (kt.OfficeConfig).

func simInTable(d calendar.Date) bool {
	i := d.Sub(simTableFirst)
	return i >= 0 && i < 60
}

func simScheduleClosed(d calendar.Date) bool { return d == simDec12 || d == kt.Dec25 }

// simRelease is when a date's quota opens: the 1st of the month before,
// 08:00.
func simRelease(d calendar.Date) time.Time {
	if d.Before(calendar.NewDate(2027, time.January, 1)) {
		return kt.T0
	}
	return simJanRelease
}

func simSlotStart(d calendar.Date, slot int) time.Time {
	return d.Start(kt.WIB).Add(simSlots[slot].Start)
}
func simSlotEnd(d calendar.Date, slot int) time.Time { return d.Start(kt.WIB).Add(simSlots[slot].End) }

func (m *simModel) cap(c simCell) int {
	if n, ok := m.capacity[c]; ok {
		return n
	}
	return m.seats[c.pool]
}

// effective is the state every read of the engine shows at now.
func (m *simModel) effective(b *simBooking, now time.Time) State {
	switch {
	case b.state == Held && !now.Before(b.deadline):
		return Expired
	case b.state == Paid && !now.Before(simSlotEnd(b.date, b.slot)):
		return NoShow
	}
	return b.state
}

// history is b's history as the engine shows it at now: its own events,
// and the expiry or no-show whose instant has come.
func (m *simModel) history(b *simBooking, now time.Time) []simEvent {
	switch m.effective(b, now) {
	case Expired:
		if b.state == Held {
			return append(slices.Clip(b.events), simEvent{state: Expired, at: b.deadline})
		}
	case NoShow:
		if b.state == Paid {
			return append(slices.Clip(b.events), simEvent{state: NoShow, at: simSlotEnd(b.date, b.slot)})
		}
	}
	return b.events
}

// end returns the instant b ended as the engine shows it at now — its
// expiry's deadline, its slot's end for a no-show, else its last event
// (a rejection after a check-in moves it) — and false while it has not.
func (m *simModel) end(b *simBooking, now time.Time) (time.Time, bool) {
	if st := m.effective(b, now); st == Held || st == Paid {
		return time.Time{}, false
	}
	h := m.history(b, now)
	return h[len(h)-1].at, true
}

// takes says whether a booking in state st holds seats.
func simTakes(st State) bool { return st == Held || st == Paid || st == CheckedIn }

// taken is the seats the rules count taken in cell c at now.
func (m *simModel) taken(c simCell, now time.Time) int {
	n := 0
	for _, b := range m.bookings {
		if !b.archived && b.date == c.date && b.slot == c.slot && b.pool == c.pool && simTakes(m.effective(b, now)) {
			n += len(b.niks) // an archived check-in gave its seats back
		}
	}
	return n
}

// seatErr is Reserve's answer for n seats in cell c at now, in its order.
func (m *simModel) seatErr(c simCell, n int, now time.Time) error {
	switch {
	case !simInTable(c.date) && c.date.Before(calendar.DateOf(now, kt.WIB)):
		return quota.ErrPast
	case !simInTable(c.date):
		return quota.ErrOutsideHorizon
	case !now.Before(simSlotStart(c.date, c.slot)):
		return quota.ErrPast
	case m.closed(c):
		return quota.ErrClosed
	case now.Before(simRelease(c.date)):
		return quota.ErrNotOpened
	case m.cap(c) == 0:
		return quota.ErrNoQuota
	case m.cap(c)-m.taken(c, now) < n:
		return quota.ErrFull
	}
	return nil
}

func (m *simModel) closed(c simCell) bool {
	_, day := m.dayClosed[c.date]
	_, slot := m.slotClosed[simCell{date: c.date, slot: c.slot}]
	return simScheduleClosed(c.date) || day || slot
}

// nikErr says whether NIK k may hold a new booking at now: not while its
// latest booking is live, nor within a month of an arrival it reached.
// Archived bookings count: the engine keeps what the rules need of them.
func (m *simModel) nikErr(k int, now time.Time) error {
	var reapply time.Time
	var latest *simBooking
	for _, b := range m.bookings {
		if !slices.Contains(b.niks, k) {
			continue
		}
		latest = b
		if m.reached(b, now) {
			if from := m.policy.ReapplyFrom(b.date, kt.WIB); from.After(reapply) {
				reapply = from
			}
		}
	}
	if latest != nil && m.blocks(latest, now) {
		return ErrNIKBooked
	}
	if now.Before(reapply) {
		return reschedule.ErrReapplyTooSoon
	}
	return nil
}

// blocks says whether b keeps its NIKs from another booking at now.
func (m *simModel) blocks(b *simBooking, now time.Time) bool {
	switch m.effective(b, now) {
	case Held:
		return true
	case Paid:
		return now.Before(b.date.AddDays(1).Start(kt.WIB))
	}
	return false
}

// reached says whether b reached its arrival date, which starts the
// re-apply window of its NIKs.
func (m *simModel) reached(b *simBooking, now time.Time) bool {
	switch m.effective(b, now) {
	case Paid:
		return !now.Before(b.date.AddDays(1).Start(kt.WIB))
	case CheckedIn, NoShow:
		return true
	case Rejected:
		return !b.events[len(b.events)-1].at.Before(b.date.Start(kt.WIB))
	}
	return false
}

// unpaid counts an account's holds waiting for payment at now.
func (m *simModel) unpaid(account string, now time.Time) int {
	n := 0
	for _, b := range m.bookings {
		if b.account == account && m.effective(b, now) == Held {
			n++
		}
	}
	return n
}

// ofAccount lists an account's bookings, oldest first: those the engine
// keeps, and the archived too if archived.
func (m *simModel) ofAccount(account string, archived bool) []*simBooking {
	var out []*simBooking
	for _, b := range m.bookings {
		if b.account == account && (archived || !b.archived) {
			out = append(out, b)
		}
	}
	return out
}

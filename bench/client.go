package bench

import (
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// applicant is one person at the keyboard, booking for a family of one to
// five. It holds no pointer but its office's shared name: a national rush
// keeps a million of them for the whole run, and the collector should
// spend its time on the engine's heap, not the harness's.
type applicant struct {
	id     uint64 // the account is "acc-" and the id, made when the client starts
	office string
	n      int // family size
	niks   [booking.ApplicantsMax]booking.NIK
}

// account returns the applicant's account ID: a new string, as a server
// decoding the request would have, in one allocation, as it would make
// it (a concatenation of FormatUint's string made two from id 100 on).
func (a *applicant) account() string {
	var b [24]byte // "acc-" and up to 20 digits
	return string(strconv.AppendUint(append(b[:0], "acc-"...), a.id, 10))
}

// family returns the applicants' NIKs.
func (a *applicant) family() []booking.NIK { return a.niks[:a.n] }

// groupSize draws a family size: mostly one or two (mean 2.0).
func groupSize(rng *rand.Rand) int {
	switch r := rng.IntN(100); {
	case r < 45:
		return 1
	case r < 75:
		return 2
	case r < 87:
		return 3
	case r < 95:
		return 4
	}
	return 5
}

// provinces are the province codes Kemendagri lists (Kepmendagri No.
// 100.1.1-6117 Tahun 2022, with the four Papuan provinces of 2022, 93 to
// 96): the only ones booking.ParseNIK accepts. Codes between them, such as
// 20 or 40, were never issued.
var provinces = [...]uint64{
	11, 12, 13, 14, 15, 16, 17, 18, 19, 21,
	31, 32, 33, 34, 35, 36, 51, 52, 53,
	61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76,
	81, 82, 91, 92, 93, 94, 95, 96,
}

// nikFor returns the i-th of a supply of distinct valid NIKs: the digit
// groups (province, regency, district, birth date, serial) are filled from
// i so that each is in range, the province drawn from the listed ones and
// regency and district never 00. The first 9999 × 28 × 12 × 100 × 99 ×
// len(provinces) (about 1.2e13) are distinct.
func nikFor(i uint64) booking.NIK {
	serial := i%9999 + 1
	i /= 9999
	day := i%28 + 1
	i /= 28
	month := i%12 + 1
	i /= 12
	year := i % 100
	i /= 100
	district := i%99 + 1
	i /= 99
	province := provinces[i%uint64(len(provinces))]
	// The 16 digits, written group by group without fmt: a rush draws
	// millions, and the harness's garbage is not the engine's.
	var digits [16]byte
	b := digits[:0]
	for _, g := range [...]struct{ v, width uint64 }{
		{province, 2}, {71, 2}, {district, 2}, {day, 2}, {month, 2}, {year, 2}, {serial, 4},
	} {
		for p := g.width; p > 0; p-- {
			b = append(b, byte('0'+g.v/pow10[p-1]%10))
		}
	}
	n, err := booking.ParseNIK(string(b))
	if err != nil {
		panic(err) // unreachable: every group is in range by construction
	}
	return n
}

var pow10 = [...]uint64{1, 10, 100, 1000}

// crowd draws applicants. It numbers accounts and NIKs on from one draw to
// the next, so that the waves of a national rush are different people.
type crowd struct {
	rng          *rand.Rand
	people, niks uint64 // drawn so far
}

// draw returns n new applicants for the given offices, each with its own
// account and its own NIKs.
func (c *crowd) draw(n int, offices []string) []applicant {
	out := make([]applicant, n)
	for i := range out {
		a := applicant{id: c.people, office: offices[i%len(offices)], n: groupSize(c.rng)}
		c.people++
		for k := range a.n {
			a.niks[k] = nikFor(c.niks)
			c.niks++
		}
		out[i] = a
	}
	return out
}

// reasonSoldOut is the outcome of an applicant who found no day or slot
// with seats for the family.
const reasonSoldOut = "sold out"

// maxRetries is how many more options a client tries after a full answer,
// as a real client would before giving up.
const maxRetries = 3

// outcome is what one applicant's attempt came to.
type outcome struct {
	ticket Ticket
	booked bool
	reason string // why not, when not booked
	// holds[:calls] is the latency of each Hold call: in the outcome
	// itself, as book makes maxRetries + 1 calls at most (a full answer
	// after the last retry ends it), so that a client's latencies are no
	// allocation of the harness's.
	holds   [maxRetries + 1]time.Duration
	calls   int
	slot    string // the slot's start, "08:00"
	date    calendar.Date
	onClock time.Time // wall-clock instant of the booking, for time to sell-out
}

// latencies returns the latency of each of the client's Hold calls.
func (o *outcome) latencies() []time.Duration { return o.holds[:o.calls] }

// book runs one applicant's client: read the month, try the earliest green
// days of pool and their slots with enough seats, and on a full answer move
// to the next option, at most maxRetries times. It reads the all-pools
// views (Month and Day) and narrows them to pool by name, which every
// system implements the same way — except where a system offers cheaper
// reads of what a client shows (kuota): the month as day states alone,
// the colours a calendar page shows (see monthStater), where a green
// day's seats are first counted in its day's slots; and a day's slots in
// one pool into a kept slice (see dayStater).
func book(sys System, a *applicant, year int, month time.Month, pool string) outcome {
	buf := dayBufs.Get().(*[]monthDay)
	defer dayBufs.Put(buf)
	slotBuf := slotBufs.Get().(*[]quota.SlotState)
	defer slotBufs.Put(slotBuf)
	days, err := monthOf((*buf)[:0], sys, a.office, pool, year, month)
	*buf = days
	if err != nil {
		return outcome{reason: reasonOf(err)}
	}
	var o outcome
	retries := 0
	// The request's account and family, made at the first hold: an
	// applicant who finds nothing to hold sends no hold request, and
	// makes no garbage for the harness's allocation count to blame on
	// the system.
	var account string
	var family []booking.Applicant
	for _, d := range days {
		if d.state != calendar.Available || d.left < a.n {
			continue
		}
		slots, err := slotsOf((*slotBuf)[:0], sys, a.office, pool, d.date)
		*slotBuf = slots
		if err != nil {
			return outcome{reason: reasonOf(err)}
		}
		for _, s := range slots {
			if s.State != calendar.Available || s.Left < a.n {
				continue
			}
			slot := quota.FormatClock(s.Start)
			if family == nil {
				// The family never changes between attempts: one slice
				// serves them all, whether a system copies it or keeps
				// it, of the applicants the request names, as a server
				// decoding it makes one.
				account, family = a.account(), make([]booking.Applicant, a.n)
				for k, n := range a.family() {
					family[k].NIK = n
				}
			}
			req := booking.HoldRequest{Account: account, Office: a.office, Date: d.date, Slot: slot, Pool: pool, Applicants: family}
			start := time.Now()
			t, err := sys.Hold(req)
			end := time.Now() // the call's end and, if it booked, the booking's instant
			o.holds[o.calls] = end.Sub(start)
			o.calls++
			switch {
			case err == nil:
				o.ticket, o.booked, o.slot, o.date, o.onClock = t, true, slot, d.date, end
				return o
			case errors.Is(err, quota.ErrFull) && retries < maxRetries:
				retries++
			default:
				o.reason = reasonOf(err)
				return o
			}
		}
	}
	if o.reason == "" {
		o.reason = reasonSoldOut
	}
	return o
}

// monthStater is a system whose month calendar also comes as day states
// alone, without seat counts: a cheaper read, which book takes where a
// system offers it.
type monthStater interface {
	AppendMonthIn(dst []quota.DayState, office, pool string, year int, month time.Month) ([]quota.DayState, error)
}

// dayStater is a system whose day also comes as the states and seats of
// its slots in one pool, appended to the caller's slice: a read without
// allocation, which book takes where a system offers it.
type dayStater interface {
	AppendDayIn(dst []quota.SlotState, office, pool string, d calendar.Date) ([]quota.SlotState, error)
}

// monthDay is what book needs of a day of the month: its state in the pool
// and the seats it has left there (unknown, so as many as a family can
// ask, when the system gave states alone).
type monthDay struct {
	date  calendar.Date
	state calendar.State
	left  int
}

// stateBufs keeps month-sized slices of day states for monthOf, dayBufs
// its answers for book, and slotBufs a day's slots for book: a client
// that reads a month per applicant reuses its buffers, as a server would,
// so that the rush measures the engine's garbage rather than the
// harness's.
var (
	stateBufs = sync.Pool{New: func() any { return new([]quota.DayState) }}
	dayBufs   = sync.Pool{New: func() any { return new([]monthDay) }}
	slotBufs  = sync.Pool{New: func() any { return new([]quota.SlotState) }}
)

// monthOf appends the days of a month, as book sees them in pool, to dst.
func monthOf(dst []monthDay, sys System, office, pool string, year int, month time.Month) ([]monthDay, error) {
	if ms, ok := sys.(monthStater); ok {
		buf := stateBufs.Get().(*[]quota.DayState)
		defer stateBufs.Put(buf)
		states, err := ms.AppendMonthIn((*buf)[:0], office, pool, year, month)
		*buf = states
		if err != nil {
			return nil, err
		}
		for _, d := range states {
			dst = append(dst, monthDay{date: d.Date, state: d.State, left: booking.ApplicantsMax})
		}
		return dst, nil
	}
	views, err := sys.Month(office, year, month)
	if err != nil {
		return dst, err
	}
	for _, d := range views {
		dst = append(dst, monthDay{date: d.Date, state: d.StateIn(pool), left: seatsLeft(d.Pools, pool)})
	}
	return dst, nil
}

// slotsOf appends the slots of a day, as book sees them in pool, to dst:
// AppendDayIn's where the system offers it, else its Day view narrowed to
// the pool.
func slotsOf(dst []quota.SlotState, sys System, office, pool string, d calendar.Date) ([]quota.SlotState, error) {
	if ds, ok := sys.(dayStater); ok {
		return ds.AppendDayIn(dst, office, pool, d)
	}
	day, err := sys.Day(office, d)
	if err != nil {
		return dst, err
	}
	for _, s := range day.Slots {
		dst = append(dst, quota.SlotState{Slot: s.Slot, Start: s.Start, End: s.End, State: s.StateIn(pool), Reason: s.Reason, Left: seatsLeft(s.Pools, pool)})
	}
	return dst, nil
}

// seatsLeft returns the seats left in the pool called pool among a view's
// pools, 0 when the view does not count it.
func seatsLeft(pools []quota.PoolSeats, pool string) int {
	for _, p := range pools {
		if p.Pool == pool {
			return p.Left
		}
	}
	return 0
}

// reasonOf names a refusal for the report: kuota's sentinels, by their
// text without the package prefix.
func reasonOf(err error) string {
	for _, s := range []error{
		quota.ErrFull, quota.ErrNoQuota, quota.ErrNotOpened, quota.ErrClosed, quota.ErrPast, quota.ErrOutsideHorizon,
		booking.ErrTooManyHolds, booking.ErrNIKBooked, reschedule.ErrReapplyTooSoon, booking.ErrExpired,
		booking.ErrWrongState, reschedule.ErrCancelClosed, reschedule.ErrRescheduleClosed, reschedule.ErrRescheduleLimit,
		reschedule.ErrCheckInEarly, reschedule.ErrCheckInLate, booking.ErrSameSlot,
	} {
		if errors.Is(err, s) {
			if _, reason, ok := strings.Cut(s.Error(), ": "); ok {
				return reason // without the package prefix
			}
			return s.Error()
		}
	}
	return "error: " + err.Error()
}

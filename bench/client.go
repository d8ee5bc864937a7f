package bench

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// applicant is one person at the keyboard, booking for a family of one to
// five.
type applicant struct {
	account string
	office  string
	niks    []booking.NIK
}

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

// nikFor returns the i-th of a supply of distinct valid NIKs: the digit
// groups (province, regency, district, birth date, serial) are filled from
// i so that each is in range.
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
	province := 11 + i%84
	n, err := booking.ParseNIK(fmt.Sprintf("%02d71%02d%02d%02d%02d%04d", province, district, day, month, year, serial))
	if err != nil {
		panic(err) // unreachable: every group is in range by construction
	}
	return n
}

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
		a := applicant{account: "acc-" + strconv.FormatUint(c.people, 10), office: offices[i%len(offices)]}
		c.people++
		for range groupSize(c.rng) {
			a.niks = append(a.niks, nikFor(c.niks))
			c.niks++
		}
		out[i] = a
	}
	return out
}

// maxRetries is how many more options a client tries after a full answer,
// as a real client would before giving up.
const maxRetries = 3

// outcome is what one applicant's attempt came to.
type outcome struct {
	ticket  Ticket
	booked  bool
	reason  string          // why not, when not booked
	holds   []time.Duration // latency of each Hold call
	slot    int
	date    calendar.Date
	onClock time.Time // wall-clock instant of the booking, for time to sell-out
}

// book runs one applicant's client: read the month, try the earliest green
// days and their slots with enough seats, and on a full answer move to the
// next option, at most maxRetries times.
func book(sys System, a *applicant, year int, month time.Month, pool string, poolIndex int) outcome {
	days, err := sys.Month(a.office, year, month)
	if err != nil {
		return outcome{reason: reasonOf(err)}
	}
	var o outcome
	retries := 0
	for _, d := range days {
		if d.StateIn(poolIndex) != calendar.Available || d.Pools[poolIndex].Left < len(a.niks) {
			continue
		}
		day, err := sys.Day(a.office, d.Date)
		if err != nil {
			return outcome{reason: reasonOf(err)}
		}
		for _, s := range day.Slots {
			if s.StateIn(poolIndex) != calendar.Available || s.Pools[poolIndex].Left < len(a.niks) {
				continue
			}
			req := booking.HoldRequest{Account: a.account, Office: a.office, Date: d.Date, Slot: s.Slot, Pool: pool}
			for _, n := range a.niks {
				req.Applicants = append(req.Applicants, booking.Applicant{NIK: n})
			}
			start := time.Now()
			t, err := sys.Hold(req)
			o.holds = append(o.holds, time.Since(start))
			switch {
			case err == nil:
				o.ticket, o.booked, o.slot, o.date, o.onClock = t, true, s.Slot, d.Date, time.Now()
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
		o.reason = "sold out"
	}
	return o
}

// reasonOf names a refusal for the report: kuota's sentinels, by their
// text without the package prefix.
func reasonOf(err error) string {
	for _, s := range []error{
		quota.ErrFull, quota.ErrNotOpened, quota.ErrClosed, quota.ErrPast, quota.ErrOutsideHorizon,
		booking.ErrTooManyHolds, booking.ErrNIKBooked, booking.ErrReapplyTooSoon, booking.ErrExpired,
		booking.ErrWrongState, booking.ErrCancelClosed, booking.ErrRescheduleClosed, booking.ErrRescheduleLimit,
		booking.ErrCheckInEarly, booking.ErrCheckInLate, booking.ErrSameSlot,
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

package booking_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// The model is a plain, single-threaded statement of the booking rules.
// The engine must give the same answer to every operation, and after every
// step its seat counters must match the bookings.

type mBooking struct {
	code, billing string
	account       int
	niks          []int
	date          calendar.Date
	slot, pool    int
	state         State
	deadline      time.Time
	paymentRef    string
	reschedules   int
	rejectedAt    time.Time
}

type model struct {
	now      time.Time
	policy   reschedule.Policy
	ttl      time.Duration
	maxHolds int
	capacity [2]int // per pool, every slot
	bookings []*mBooking
}

var (
	mDays  = []calendar.Date{kt.Dec10, kt.Dec11}
	mSlots = []quota.Slot{
		{Start: 8 * time.Hour, End: 9 * time.Hour, Seats: []int{3, 1}},
		{Start: 9 * time.Hour, End: 10 * time.Hour, Seats: []int{3, 1}},
	}
	mPools = []string{kt.Online, kt.WalkIn}
	// mStarts names mSlots as HoldRequest and Reschedule do, by start.
	mStarts = []string{kt.Slot0, kt.Slot1}
)

// effective is the state the rules say a booking is in, which every read
// of the engine shows: a hold past its deadline is expired, and a paid
// booking whose slot has ended is a no-show, whether or not anybody has
// recorded it yet.
func (m *model) effective(b *mBooking) State {
	switch {
	case b.state == Held && !m.now.Before(b.deadline):
		return Expired
	case b.state == Paid && !m.now.Before(m.slotEnd(b.date, b.slot)):
		return NoShow
	}
	return b.state
}

// takesSeats says whether a booking in state st takes seats from the
// quota: from the hold until it ends.
func takesSeats(st State) bool { return st == Held || st == Paid || st == CheckedIn }

func (m *model) slotStart(d calendar.Date, slot int) time.Time {
	return d.Start(kt.WIB).Add(mSlots[slot].Start)
}

func (m *model) slotEnd(d calendar.Date, slot int) time.Time {
	return d.Start(kt.WIB).Add(mSlots[slot].End)
}

// free is the seats the rules leave free in a cell.
func (m *model) free(d calendar.Date, slot, pool int) int {
	n := m.capacity[pool]
	for _, b := range m.bookings {
		if b.date == d && b.slot == slot && b.pool == pool && takesSeats(m.effective(b)) {
			n -= len(b.niks)
		}
	}
	return n
}

// seatErr says whether a cell can take n seats now.
func (m *model) seatErr(d calendar.Date, slot, pool, n int) error {
	switch {
	case !m.now.Before(m.slotStart(d, slot)):
		return quota.ErrPast
	case m.now.Before(kt.T0): // the release, 1 November 08:00
		return quota.ErrNotOpened
	case m.free(d, slot, pool) < n:
		return quota.ErrFull
	}
	return nil
}

// nikErr says whether NIK k may hold a new booking now.
func (m *model) nikErr(k int) error {
	var reapply time.Time
	var latest *mBooking
	for _, b := range m.bookings {
		if !slices.Contains(b.niks, k) {
			continue
		}
		latest = b
		if m.reached(b) {
			if from := m.policy.ReapplyFrom(b.date, kt.WIB); from.After(reapply) {
				reapply = from
			}
		}
	}
	if latest != nil {
		switch st := m.effective(latest); {
		case st == Held:
			return ErrNIKBooked
		case st == Paid && m.now.Before(latest.date.AddDays(1).Start(kt.WIB)):
			return ErrNIKBooked
		}
	}
	if m.now.Before(reapply) {
		return reschedule.ErrReapplyTooSoon
	}
	return nil
}

func (m *model) reached(b *mBooking) bool {
	switch m.effective(b) {
	case Paid:
		return !m.now.Before(b.date.AddDays(1).Start(kt.WIB))
	case CheckedIn, NoShow:
		return true
	case Rejected:
		return !b.rejectedAt.Before(b.date.Start(kt.WIB))
	}
	return false
}

func (m *model) unpaid(account int) int {
	n := 0
	for _, b := range m.bookings {
		if b.account == account && m.effective(b) == Held {
			n++
		}
	}
	return n
}

// sameAnswer fails unless the engine's error is the model's: nil for nil,
// else the engine's matches the model's sentinel (a window error from the
// policy stands for its sentinel).
func sameAnswer(t *rapid.T, op string, got, want error) {
	for _, s := range []error{reschedule.ErrRescheduleClosed, reschedule.ErrRescheduleLimit, reschedule.ErrCancelClosed, reschedule.ErrCheckInEarly, reschedule.ErrCheckInLate} {
		if errors.Is(want, s) {
			want = s
		}
	}
	if (got == nil) != (want == nil) || (want != nil && !errors.Is(got, want)) {
		t.Fatalf("%s: engine says %v, model says %v", op, got, want)
	}
}

func TestEngineModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		clk := kt.NewClock(kt.T0.Add(-time.Hour))
		e, err := New(&Options{Now: clk.Now, NoSweeper: true, MaxHoldsPerAccount: 2})
		if err != nil {
			rt.Fatal(err)
		}
		defer e.Close()
		if rapid.Bool().Draw(rt, "collide") {
			// Every NIK's and account's entry under one hash: each is
			// told apart by its booking alone, and a family's NIKs share
			// a booking.
			CollideHashes(e)
		}
		cfg := kt.OfficeConfig(t)
		cfg.Quota.Layout = quota.Layout{Pools: mPools, Slots: mSlots}
		if err := e.RegisterOffice(bg, cfg); err != nil {
			rt.Fatal(err)
		}
		m := &model{now: clk.Now(), policy: reschedule.Default(), ttl: DefaultHoldTTL, maxHolds: 2, capacity: [2]int{3, 1}}
		niks := make([]NIK, 5) // few, so that bookings share them
		for i := range niks {
			niks[i] = kt.NIK(t, 100+i)
		}

		// pick draws a booking for an operation. An operation records the
		// expiry or no-show whose instant has come before it decides, so
		// that it is refused as every read shows the booking, swept or
		// not: from then on the sweep has nothing left to record.
		pick := func(t *rapid.T) *mBooking {
			if len(m.bookings) == 0 {
				t.Skip("no booking yet")
			}
			b := rapid.SampledFrom(m.bookings).Draw(t, "booking")
			b.state = m.effective(b)
			return b
		}
		sync := func(t *rapid.T, b *mBooking) {
			// Reads are exact at the engine's clock: the engine shows the
			// effective state itself, swept or not.
			got := mustGetR(t, e, b.code)
			if got.State != m.effective(b) || got.Date != b.date || got.Slot != mStarts[b.slot] || got.Reschedules != b.reschedules {
				t.Fatalf("booking %s: engine %v %s slot %s (%d reschedules), model %v %s slot %s (%d)",
					b.code, got.State, got.Date, got.Slot, got.Reschedules, m.effective(b), b.date, mStarts[b.slot], b.reschedules)
			}
		}

		rt.Repeat(map[string]func(*rapid.T){
			"hold": func(t *rapid.T) {
				acc := rapid.IntRange(0, 2).Draw(t, "account")
				who := rapid.SliceOfNDistinct(rapid.IntRange(0, len(niks)-1), 1, 3, func(i int) int { return i }).Draw(t, "niks")
				d := rapid.SampledFrom(mDays).Draw(t, "date")
				slot, pool := rapid.IntRange(0, 1).Draw(t, "slot"), rapid.IntRange(0, 1).Draw(t, "pool")
				req := HoldRequest{Account: fmt.Sprint("acc", acc), Office: kt.Office, Date: d, Slot: mStarts[slot], Pool: mPools[pool]}
				for _, k := range who {
					req.Applicants = append(req.Applicants, Applicant{NIK: niks[k]})
				}
				want := m.seatErr(d, slot, pool, len(who))
				if want == nil && m.unpaid(acc) >= m.maxHolds {
					want = ErrTooManyHolds
				} else if want == nil {
					for _, k := range who {
						if want = m.nikErr(k); want != nil {
							break
						}
					}
				}
				got, err := e.Hold(bg, req)
				sameAnswer(t, "hold", err, want)
				if err == nil {
					m.bookings = append(m.bookings, &mBooking{code: got.Code, billing: got.BillingCode, account: acc, niks: who,
						date: d, slot: slot, pool: pool, state: Held, deadline: m.now.Add(m.ttl)})
				}
			},
			"pay": func(t *rapid.T) {
				b := pick(t)
				ref := rapid.SampledFrom([]string{"ref-a", "ref-b"}).Draw(t, "ref")
				var want error
				switch st := m.effective(b); {
				case b.paymentRef == ref:
				case b.paymentRef != "":
					want = ErrAlreadyPaid
				case st == Expired:
					want = ErrExpired
				case st != Held:
					want = ErrWrongState
				}
				_, err := e.Pay(bg, b.billing, ref)
				sameAnswer(t, "pay", err, want)
				if err == nil && b.paymentRef == "" {
					b.state, b.paymentRef = Paid, ref
				}
				sync(t, b)
			},
			"cancel": func(t *rapid.T) {
				b := pick(t)
				var want error
				switch m.effective(b) {
				case Held:
				case Paid:
					want = m.policy.CanCancel(m.now, b.date, kt.WIB)
				default:
					want = ErrWrongState
				}
				_, err := e.Cancel(bg, b.code, Reason{})
				sameAnswer(t, "cancel", err, want)
				if err == nil {
					b.state = Cancelled
				}
				sync(t, b)
			},
			"reschedule": func(t *rapid.T) {
				b := pick(t)
				d := rapid.SampledFrom(mDays).Draw(t, "date")
				slot := rapid.IntRange(0, 1).Draw(t, "slot")
				var want error
				switch {
				case m.effective(b) != Paid:
					want = ErrWrongState
				default:
					if want = m.policy.CanReschedule(m.now, b.date, b.reschedules, kt.WIB); want == nil {
						if d == b.date && slot == b.slot {
							want = ErrSameSlot
						} else {
							want = m.seatErr(d, slot, b.pool, len(b.niks))
						}
					}
				}
				_, err := e.Reschedule(bg, b.code, d, mStarts[slot])
				sameAnswer(t, "reschedule", err, want)
				if err == nil {
					b.date, b.slot, b.reschedules = d, slot, b.reschedules+1
				}
				sync(t, b)
			},
			"checkIn": func(t *rapid.T) {
				b := pick(t)
				var want error
				if m.effective(b) != Paid {
					want = ErrWrongState
				} else {
					want = m.policy.CanCheckIn(m.now, b.date, mSlots[b.slot].Start, mSlots[b.slot].End, kt.WIB)
				}
				_, err := e.CheckIn(bg, b.code)
				sameAnswer(t, "check in", err, want)
				if err == nil {
					b.state = CheckedIn
				}
				sync(t, b)
			},
			"reject": func(t *rapid.T) {
				b := pick(t)
				var want error
				if st := m.effective(b); st != Paid && st != CheckedIn {
					want = ErrWrongState
				}
				_, err := e.Reject(bg, b.code, Reason{Kind: ReasonOther, Text: "ditolak"})
				sameAnswer(t, "reject", err, want)
				if err == nil {
					b.state, b.rejectedAt = Rejected, m.now
				}
				sync(t, b)
			},
			"markNoShows": func(t *rapid.T) {
				want := 0
				for _, b := range m.bookings {
					if b.state == Paid && !m.now.Before(m.slotEnd(b.date, b.slot)) {
						b.state = NoShow
						want++
					}
				}
				got, err := e.MarkNoShows(bg) // the clock stands at m.now
				if err != nil || got != want {
					t.Fatalf("MarkNoShows: engine %d %v, model %d", got, err, want)
				}
			},
			"expireDue": func(t *rapid.T) {
				if _, err := e.ExpireDue(bg); err != nil {
					t.Fatal(err)
				}
			},
			"advance": func(t *rapid.T) {
				steps := []time.Duration{time.Minute, time.Hour, DefaultHoldTTL, 24 * time.Hour, 10 * 24 * time.Hour}
				m.now = m.now.Add(rapid.SampledFrom(steps).Draw(t, "step"))
				clk.Set(m.now)
			},
			"jump": func(t *rapid.T) {
				// Forward to an instant where a window opens or closes.
				marks := []time.Time{kt.T2, kt.T3.Add(-time.Nanosecond), kt.T3, kt.T4.Add(-time.Nanosecond), kt.T4, kt.T5, kt.T6,
					time.Date(2026, 12, 11, 9, 30, 0, 0, kt.WIB), time.Date(2027, 1, 11, 0, 0, 0, 0, kt.WIB)}
				if at := rapid.SampledFrom(marks).Draw(t, "mark"); at.After(m.now) {
					m.now = at
					clk.Set(m.now)
				}
			},
			"": func(t *rapid.T) {
				if v, err := e.Check(bg); err != nil || len(v) > 0 {
					t.Fatalf("engine invariants: %v (check: %v)", v, err)
				}
				for _, d := range mDays {
					for s := range mSlots {
						for p := range mPools {
							c, err := e.Cell(kt.Office, d, s, p)
							if err != nil {
								t.Fatal(err)
							}
							// The counters still count the seats of lapsed
							// holds and no-shows no one has recorded; the
							// rules count them free.
							lapsed := 0
							for _, b := range m.bookings {
								if b.date == d && b.slot == s && b.pool == p && !takesSeats(m.effective(b)) {
									if rec := mustRecordedR(t, e, b.code); takesSeats(rec) {
										lapsed += len(b.niks)
									}
								}
							}
							if c.Left+lapsed != m.free(d, s, p) {
								t.Fatalf("%s slot %d pool %d: engine has %d left (+%d lapsed), model %d", d, s, p, c.Left, lapsed, m.free(d, s, p))
							}
						}
					}
				}
			},
		})
	})
}

func mustGetR(t *rapid.T, e *Engine, code string) Booking {
	b, err := e.Get(bg, code)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustRecordedR returns the state the engine has recorded for a booking,
// which Get shows only while no expiry or no-show is due.
func mustRecordedR(t *rapid.T, e *Engine, code string) State {
	st, err := e.Recorded(code)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

package bench

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
)

// Recovery is scenario 4: a file of a million bookings (half held, half
// paid) is closed and opened again; the run measures the opening. kuota
// rebuilds its counters and indexes from the bookings, expires lapsed holds
// and checks every invariant; the bbolt baseline keeps its counters in the
// file and has nothing to rebuild. In-memory systems have nothing to
// recover and are skipped.
func Recovery(kind string, clk *Clock, dir string, cfg Config) (Result, error) {
	r := Result{Scenario: scenarioNames["recovery"], System: kind}
	if kind == KuotaMemory || kind == MutexMap || kind == MutexNoRules {
		r.Note = "in memory: nothing to recover"
		return r, nil
	}
	n := cfg.scaled(1_000_000)
	sys, err := NewSystem(kind, clk, dir, booking.MaxHoldsPerAccountLimit, cfg.NoSync)
	if err != nil {
		return r, err
	}
	offices, err := recoveryOffices(sys)
	if err != nil {
		return r, err
	}
	clk.Set(rushRelease.ReleaseAt(calendar.NewDate(rushYear, rushMonth, 1), calendar.Jakarta()).Add(time.Hour))
	if be, ok := sys.(*boltEngine); ok {
		// One Update per booking would take the better part of an hour
		// to build this file; the loader writes the same records in big
		// transactions, and only the reopening is measured.
		err = be.bulkLoad(n, offices, clk.Now())
	} else {
		err = fillBookings(sys, n, offices, cfg)
	}
	if err == nil {
		err = sys.Close()
	}
	if err != nil {
		return r, err
	}

	mem := startMemory()
	start := time.Now()
	sys, err = NewSystem(kind, clk, dir, booking.MaxHoldsPerAccountLimit, cfg.NoSync)
	r.Elapsed = time.Since(start)
	if err != nil {
		return r, err
	}
	defer sys.Close()
	r.Applicants, r.Bookings = n, n
	r.Note = fmt.Sprintf("opened a file of %d bookings in %v", n, r.Elapsed.Round(time.Millisecond))
	if kind == BoltUpdate {
		// Opening maps the file and rebuilds nothing: a rate of it would
		// be a figure of mmap, and a ratio to it meaningless.
		r.Note += ": nothing to rebuild, every request reads the file"
	} else {
		r.OpsPerSec = float64(n) / r.Elapsed.Seconds()
		r.BookingsPerSec = r.OpsPerSec
	}
	mem.finish(&r, nil)
	if kind == BoltUpdate {
		// Its offices live in memory only: register them again, as its
		// program would at start-up, before the audit.
		if _, err := recoveryOffices(sys); err != nil {
			return r, err
		}
	}
	return r, audit(sys, &r)
}

// recoveryOffices registers 100 offices of 60 days with room for a million
// one-applicant bookings, and returns their codes.
func recoveryOffices(sys System) ([]string, error) {
	var codes []string
	for i := range 100 {
		o := rushOffice(fmt.Sprintf("R%02d", i), calendar.Jakarta())
		o.Quota.Days = 31
		for s := range o.Quota.Layout.Slots {
			o.Quota.Layout.Slots[s].Seats = []int{1000, 0}
		}
		if err := sys.Register(o); err != nil {
			return nil, err
		}
		codes = append(codes, o.Code)
	}
	return codes, nil
}

// fillBookings makes n one-applicant bookings through the system, every
// other one paid, from many callers at once.
func fillBookings(sys System, n int, offices []string, cfg Config) error {
	days := serviceDays()
	errs := make(chan error, 1)
	var made atomic.Int64
	stop := startProgress(cfg.Progress, "recovery: building the file", n, func() int { return int(made.Load()) })
	defer stop()
	parallel(max(cfg.Workers, 256), n, func(i int) {
		defer made.Add(1)
		req := booking.HoldRequest{
			Account: "acc-" + strconv.Itoa(i), Office: offices[i%len(offices)],
			Date: days[(i/len(offices))%len(days)], Slot: rushSlot((i / (len(offices) * len(days))) % len(rushOnlineSeats)),
			Pool: rushPool, Applicants: []booking.Applicant{{NIK: nikFor(uint64(i))}},
		}
		t, err := sys.Hold(req)
		if err == nil && i%2 == 0 {
			err = sys.Pay(t, "ref")
		}
		if err != nil {
			select {
			case errs <- fmt.Errorf("booking %d: %w", i, err):
			default:
			}
		}
	})
	select {
	case err := <-errs:
		return err
	default:
		return nil
	}
}

// serviceDays lists December 2026's service days.
func serviceDays() []calendar.Date {
	var out []calendar.Date
	for _, d := range monthDays(rushYear, rushMonth) {
		if w := d.Weekday(); w != time.Saturday && w != time.Sunday && d.Day() != 25 {
			out = append(out, d)
		}
	}
	return out
}

// bulkLoad writes n bookings, as fillBookings would make them, straight
// into the baseline's buckets, 10,000 to a transaction.
func (e *boltEngine) bulkLoad(n int, offices []string, now time.Time) error {
	days := serviceDays()
	const perTx = 10_000
	for from := 0; from < n; from += perTx {
		err := e.db.Update(func(tx *bolt.Tx) error {
			for i := from; i < min(n, from+perTx); i++ {
				b := &baseBooking{
					Code: "B" + strconv.Itoa(i+1), Billing: strconv.Itoa(100_000_000_000_000 + i + 1),
					Account: "acc-" + strconv.Itoa(i), Office: offices[i%len(offices)],
					NIKs: []string{nikFor(uint64(i)).Digits()}, Date: days[(i/len(offices))%len(days)],
					Slot: (i / (len(offices) * len(days))) % len(rushOnlineSeats), State: booking.Held,
					Deadline: now.Add(holdTTL), ChangedAt: now,
				}
				if i%2 == 0 {
					b.State, b.PaymentRef = booking.Paid, "ref"
				}
				v, err := json.Marshal(b)
				if err != nil {
					return err
				}
				ck := cellKeyBytes(b.Office, b.Date, b.Slot, b.Pool)
				capacity, taken := getCell(tx, ck)
				if err := putCell(tx, ck, capacity, taken+1); err != nil {
					return err
				}
				if err := tx.Bucket(bBookings).Put([]byte(b.Code), v); err != nil {
					return err
				}
				if err := tx.Bucket(bHolds).Put(instantKey(b.Deadline, b.Code), nil); err != nil {
					return err
				}
			}
			return tx.Bucket(bBookings).SetSequence(uint64(min(n, from+perTx)))
		})
		if err != nil {
			return err
		}
	}
	return nil
}

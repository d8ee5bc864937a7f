package bench

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// boltEngine is the second baseline: the durable engine a team writes
// next, with the same rules, keeping everything in bbolt and making every
// change in its own bbolt Update, so every change is its own fsync.
// Reads (the calendar views) are bbolt View transactions.
type boltEngine struct {
	clk      *Clock
	maxHolds int
	db       *bolt.DB

	mu      sync.RWMutex // guards offices
	offices map[string]*baseOffice
}

var (
	bCells    = []byte("cells")    // office|date|slot|pool → capacity, taken
	bBookings = []byte("bookings") // code → JSON
	bBilling  = []byte("billing")  // billing code → code
	bNIKs     = []byte("niks")     // NIK → code of its latest booking
	bAccounts = []byte("accounts") // account|0|code → nil
	bHolds    = []byte("holds")    // deadline|code → nil
	bArrivals = []byte("arrivals") // date|code → nil, paid bookings for no-shows
)

func newBoltEngine(clk *Clock, path string, maxHolds int, noSync bool) (*boltEngine, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, NoSync: noSync})
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bCells, bBookings, bBilling, bNIKs, bAccounts, bHolds, bArrivals} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return &boltEngine{clk: clk, maxHolds: maxHolds, db: db, offices: map[string]*baseOffice{}}, nil
}

func (e *boltEngine) Name() string { return BoltUpdate }

func cellKeyBytes(office string, d calendar.Date, slot, pool int) []byte {
	k := append([]byte(office), 0)
	k = binary.BigEndian.AppendUint32(k, uint32(d.EpochDays()))
	return append(k, byte(slot), byte(pool))
}

func getCell(tx *bolt.Tx, k []byte) (capacity, taken int) {
	v := tx.Bucket(bCells).Get(k)
	if len(v) != 8 {
		return 0, 0
	}
	return int(binary.BigEndian.Uint32(v)), int(binary.BigEndian.Uint32(v[4:]))
}

func putCell(tx *bolt.Tx, k []byte, capacity, taken int) error {
	v := binary.BigEndian.AppendUint32(nil, uint32(capacity))
	return tx.Bucket(bCells).Put(k, binary.BigEndian.AppendUint32(v, uint32(taken)))
}

func (e *boltEngine) Register(cfg booking.OfficeConfig) error {
	o, err := newBaseOffice(cfg)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.offices[cfg.Code] = o
	e.mu.Unlock()
	return e.db.Update(func(tx *bolt.Tx) error {
		for i := range cfg.Quota.Days {
			d := cfg.Quota.First.AddDays(i)
			for s, slot := range cfg.Quota.Layout.Slots {
				for p, seats := range slot.Seats {
					// A cell already in the file keeps its seats taken:
					// registering again after a restart must not lose them.
					k := cellKeyBytes(cfg.Code, d, s, p)
					_, taken := getCell(tx, k)
					if err := putCell(tx, k, seats, taken); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

func (e *boltEngine) office(code string) *baseOffice {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.offices[code]
}

func (e *boltEngine) Month(office string, year int, month time.Month) ([]quota.DayView, error) {
	o := e.office(office)
	if o == nil {
		return nil, booking.ErrUnknownOffice
	}
	var out []quota.DayView
	err := e.db.View(func(tx *bolt.Tx) error {
		for _, d := range monthDays(year, month) {
			out = append(out, o.dayView(d, e.clk.Now(), false, e.seatsOf(tx, office, d)))
		}
		return nil
	})
	return out, err
}

func (e *boltEngine) Day(office string, d calendar.Date) (quota.DayView, error) {
	o := e.office(office)
	if o == nil {
		return quota.DayView{}, booking.ErrUnknownOffice
	}
	var v quota.DayView
	err := e.db.View(func(tx *bolt.Tx) error {
		v = o.dayView(d, e.clk.Now(), true, e.seatsOf(tx, office, d))
		return nil
	})
	return v, err
}

func (e *boltEngine) seatsOf(tx *bolt.Tx, office string, d calendar.Date) func(s, p int) (int, int) {
	return func(s, p int) (int, int) { return getCell(tx, cellKeyBytes(office, d, s, p)) }
}

func getBooking(tx *bolt.Tx, code []byte) (*baseBooking, error) {
	v := tx.Bucket(bBookings).Get(code)
	if v == nil {
		return nil, booking.ErrNotFound
	}
	var b baseBooking
	return &b, json.Unmarshal(v, &b)
}

func putBooking(tx *bolt.Tx, b *baseBooking) error {
	v, err := json.Marshal(b)
	if err != nil {
		return err
	}
	return tx.Bucket(bBookings).Put([]byte(b.Code), v)
}

func instantKey(t time.Time, code string) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())), code...)
}

func (e *boltEngine) Hold(req booking.HoldRequest) (Ticket, error) {
	o := e.office(req.Office)
	slot, pool, err := checkRequest(o, &req)
	if err != nil {
		return Ticket{}, err
	}
	var t Ticket
	var refusal error
	err = e.db.Update(func(tx *bolt.Tx) error {
		now := e.clk.Now()
		// A refusal found after holds were expired still commits the
		// expiries: rolled back, they would be found again by every later
		// hold on a full cell, a scan that grows with every hold made.
		expired := 0
		refuse := func(err error) error {
			if expired == 0 {
				return err
			}
			refusal = err
			return nil
		}
		if err := e.checkAccount(tx, req.Account, now); err != nil {
			return err
		}
		if err := o.gate(req.Date, slot, now); err != nil {
			return err
		}
		ck := cellKeyBytes(req.Office, req.Date, slot, pool)
		capacity, taken := getCell(tx, ck)
		if cellRefusal(capacity, taken, len(req.Applicants)) == quota.ErrFull {
			if expired, err = e.expireDue(tx, now); err != nil { // an expired hold never blocks anyone
				return err
			}
			capacity, taken = getCell(tx, ck)
		}
		if err := cellRefusal(capacity, taken, len(req.Applicants)); err != nil {
			return refuse(err)
		}
		b := &baseBooking{Account: req.Account, Office: req.Office, Date: req.Date, Slot: slot, Pool: pool,
			State: booking.Held, Deadline: now.Add(holdTTL), ChangedAt: now}
		for i, a := range req.Applicants {
			nik := a.NIK.Digits()
			if code := tx.Bucket(bNIKs).Get([]byte(nik)); code != nil {
				if p, err := getBooking(tx, code); err == nil && p.live(e.office(p.Office), now) {
					return refuse(&booking.ApplicantError{Index: i, Err: booking.ErrNIKBooked})
				}
			}
			b.NIKs = append(b.NIKs, nik)
		}
		seq, err := tx.Bucket(bBookings).NextSequence()
		if err != nil {
			return err
		}
		b.Code, b.Billing = "B"+strconv.FormatUint(seq, 10), strconv.FormatUint(100_000_000_000_000+seq, 10)
		t = Ticket{Code: b.Code, Billing: b.Billing}
		return errors.Join(
			putCell(tx, ck, capacity, taken+b.seats()),
			putBooking(tx, b),
			tx.Bucket(bBilling).Put([]byte(b.Billing), []byte(b.Code)),
			e.putNIKs(tx, b),
			tx.Bucket(bAccounts).Put(append(append([]byte(b.Account), 0), b.Code...), nil),
			tx.Bucket(bHolds).Put(instantKey(b.Deadline, b.Code), nil),
		)
	})
	if err == nil && refusal != nil {
		return Ticket{}, refusal
	}
	return t, err
}

func (e *boltEngine) putNIKs(tx *bolt.Tx, b *baseBooking) error {
	for _, n := range b.NIKs {
		if err := tx.Bucket(bNIKs).Put([]byte(n), []byte(b.Code)); err != nil {
			return err
		}
	}
	return nil
}

// checkAccount counts the account's unpaid holds.
func (e *boltEngine) checkAccount(tx *bolt.Tx, account string, now time.Time) error {
	prefix := append([]byte(account), 0)
	c := tx.Bucket(bAccounts).Cursor()
	unpaid := 0
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		b, err := getBooking(tx, k[len(prefix):])
		if err != nil {
			return err
		}
		if b.State == booking.Held && now.Before(b.Deadline) {
			unpaid++
		}
	}
	if unpaid >= e.maxHolds {
		return booking.ErrTooManyHolds
	}
	return nil
}

// change runs fn on the booking with the given code in one Update and
// stores it.
func (e *boltEngine) change(code string, fn func(tx *bolt.Tx, b *baseBooking, now time.Time) error) error {
	return e.db.Update(func(tx *bolt.Tx) error {
		b, err := getBooking(tx, []byte(code))
		if err != nil {
			return err
		}
		if err := fn(tx, b, e.clk.Now()); err != nil {
			return err
		}
		return putBooking(tx, b)
	})
}

// free moves b to a state without seats and gives them back.
func (e *boltEngine) free(tx *bolt.Tx, b *baseBooking, st booking.State, now time.Time) error {
	ck := cellKeyBytes(b.Office, b.Date, b.Slot, b.Pool)
	capacity, taken := getCell(tx, ck)
	b.State, b.ChangedAt = st, now
	return putCell(tx, ck, capacity, taken-b.seats())
}

func (e *boltEngine) Pay(t Ticket, ref string) error {
	err := e.change(t.Code, func(tx *bolt.Tx, b *baseBooking, now time.Time) error {
		switch {
		case b.State == booking.Held && !now.Before(b.Deadline):
			if err := e.free(tx, b, booking.Expired, now); err != nil {
				return err
			}
			return errExpiredStored
		case b.State != booking.Held:
			return &booking.StateError{Op: "pay", State: b.State}
		}
		b.State, b.PaymentRef, b.ChangedAt = booking.Paid, ref, now
		return tx.Bucket(bArrivals).Put(arrivalKey(b), nil)
	})
	if errors.Is(err, errExpiredStored) {
		return booking.ErrExpired
	}
	return err
}

// errExpiredStored aborts a Pay transaction; the sweep stores the expiry.
var errExpiredStored = errors.New("expired")

func arrivalKey(b *baseBooking) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(b.Date.EpochDays())), b.Code...)
}

func (e *boltEngine) Cancel(t Ticket) error {
	return e.change(t.Code, func(tx *bolt.Tx, b *baseBooking, now time.Time) error {
		switch {
		case b.State == booking.Paid:
			if err := policy.CanCancel(now, b.Date, e.office(b.Office).loc()); err != nil {
				return err
			}
		case b.State != booking.Held || !now.Before(b.Deadline):
			return &booking.StateError{Op: "cancel", State: b.State}
		}
		return e.free(tx, b, booking.Cancelled, now)
	})
}

func (e *boltEngine) Reschedule(t Ticket, d calendar.Date, start string) error {
	return e.change(t.Code, func(tx *bolt.Tx, b *baseBooking, now time.Time) error {
		o := e.office(b.Office)
		if b.State != booking.Paid {
			return &booking.StateError{Op: "reschedule", State: b.State}
		}
		if err := policy.CanReschedule(now, b.Date, b.Reschedules, o.loc()); err != nil {
			return err
		}
		slot, err := o.slotIndex(start)
		if err != nil {
			return err
		}
		if err := o.gate(d, slot, now); err != nil {
			return err
		}
		nk, ok := cellKeyBytes(b.Office, d, slot, b.Pool), cellKeyBytes(b.Office, b.Date, b.Slot, b.Pool)
		nc, nt := getCell(tx, nk)
		if err := cellRefusal(nc, nt, b.seats()); err != nil {
			return err
		}
		oc, ot := getCell(tx, ok)
		b.Date, b.Slot, b.Reschedules, b.ChangedAt = d, slot, b.Reschedules+1, now
		return errors.Join(putCell(tx, nk, nc, nt+b.seats()), putCell(tx, ok, oc, ot-b.seats()), tx.Bucket(bArrivals).Put(arrivalKey(b), nil))
	})
}

func (e *boltEngine) CheckIn(t Ticket) error {
	return e.change(t.Code, func(tx *bolt.Tx, b *baseBooking, now time.Time) error {
		if b.State != booking.Paid {
			return &booking.StateError{Op: "check in", State: b.State}
		}
		o := e.office(b.Office)
		s := o.cfg.Quota.Layout.Slots[b.Slot]
		if err := policy.CanCheckIn(now, b.Date, s.Start, s.End, o.loc()); err != nil {
			return err
		}
		b.State, b.ChangedAt = booking.CheckedIn, now
		return nil
	})
}

func (e *boltEngine) Sweep() error {
	return e.db.Update(func(tx *bolt.Tx) error {
		now := e.clk.Now()
		if _, err := e.expireDue(tx, now); err != nil {
			return err
		}
		end := binary.BigEndian.AppendUint32(nil, uint32(calendar.DateOf(now, time.UTC).AddDays(2).EpochDays()))
		c := tx.Bucket(bArrivals).Cursor()
		var done [][]byte
		for k, _ := c.First(); k != nil && bytes.Compare(k, end) < 0; k, _ = c.Next() {
			b, err := getBooking(tx, k[4:])
			if err != nil {
				return err
			}
			o := e.office(b.Office)
			at := policy.NoShowAt(b.Date, o.cfg.Quota.Layout.Slots[b.Slot].End, o.loc())
			switch {
			case b.State != booking.Paid || !bytes.Equal(k, arrivalKey(b)):
				done = append(done, k)
			case !now.Before(at):
				if err := errors.Join(e.free(tx, b, booking.NoShow, now), putBooking(tx, b)); err != nil {
					return err
				}
				done = append(done, k)
			}
		}
		for _, k := range done {
			if err := tx.Bucket(bArrivals).Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}

// expireDue expires the holds whose deadline has passed, in tx, and
// returns how many index entries it removed.
func (e *boltEngine) expireDue(tx *bolt.Tx, now time.Time) (int, error) {
	c := tx.Bucket(bHolds).Cursor()
	limit := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano())+1)
	var due [][]byte
	for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, _ = c.Next() {
		due = append(due, k)
	}
	for _, k := range due {
		b, err := getBooking(tx, k[8:])
		if err != nil {
			return 0, err
		}
		if b.State == booking.Held {
			if err := errors.Join(e.free(tx, b, booking.Expired, now), putBooking(tx, b)); err != nil {
				return 0, err
			}
		}
		if err := tx.Bucket(bHolds).Delete(k); err != nil {
			return 0, err
		}
	}
	return len(due), nil
}

func (e *boltEngine) Audit() (Audit, error) {
	var a Audit
	err := e.db.View(func(tx *bolt.Tx) error {
		taken := map[string]int{}
		err := tx.Bucket(bBookings).ForEach(func(_, v []byte) error {
			var b baseBooking
			if err := json.Unmarshal(v, &b); err != nil {
				return err
			}
			if b.takesSeats() {
				taken[string(cellKeyBytes(b.Office, b.Date, b.Slot, b.Pool))] += b.seats()
				a.LiveBookings++
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bCells).ForEach(func(k, v []byte) error {
			capacity, t := int(binary.BigEndian.Uint32(v)), int(binary.BigEndian.Uint32(v[4:]))
			a.Capacity += capacity
			a.Taken += t
			if t != taken[string(k)] || t > capacity || t < 0 {
				a.Violations++
			}
			return nil
		})
	})
	a.Left = a.Capacity - a.Taken
	return a, err
}

func (e *boltEngine) Close() error { return e.db.Close() }

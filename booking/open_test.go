package booking

import (
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/quota"
)

// openTestEngine opens (or reopens) a durable engine at path on clk, with
// no background sweeper.
func openTestEngine(t testing.TB, path string, clk *clock, opts *Options) *Engine {
	t.Helper()
	o := Options{}
	if opts != nil {
		o = *opts
	}
	o.Now, o.NoSweeper = clk.Now, true
	e, err := Open(path, &o)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

// snapshotOf captures everything observable about an engine, to compare it
// before and after a reopen.
type engineState struct {
	offices  map[string]OfficeConfig
	bookings map[string]Booking
	history  map[string][]string
	months   map[string][]quota.DayView
	days     map[string]quota.DayView
	stats    map[State]int
}

func captureState(t *testing.T, e *Engine, codes []string, accounts []string) engineState {
	t.Helper()
	st := engineState{offices: map[string]OfficeConfig{}, bookings: map[string]Booking{}, history: map[string][]string{},
		months: map[string][]quota.DayView{}, days: map[string]quota.DayView{}}
	for _, code := range e.Offices() {
		cfg, err := e.Office(code)
		require.NoError(t, err)
		st.offices[code] = cfg
		for _, m := range []time.Month{time.December, time.January} {
			year := 2026
			if m == time.January {
				year = 2027
			}
			days, err := e.Month(bg, code, year, m)
			require.NoError(t, err)
			st.months[code+m.String()] = days
		}
		for _, d := range []calendar.Date{dec10, dec11, calendar.NewDate(2026, 12, 14), calendar.NewDate(2026, 12, 15)} {
			v, err := e.Day(bg, code, d)
			require.NoError(t, err)
			st.days[code+d.String()] = v
		}
	}
	for _, c := range codes {
		b, err := e.Get(bg, c)
		require.NoError(t, err)
		st.bookings[c] = b
	}
	for _, a := range accounts {
		for b := range e.History(a) {
			st.history[a] = append(st.history[a], b.Code)
		}
	}
	st.stats = e.Stats().Bookings // last: the views above expire lapsed holds
	return st
}

func TestReopenRestoresEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := &clock{t: t1}
	e := openTestEngine(t, path, clk, &Options{MaxHoldsPerAccount: 5})

	cfg := officeConfig(t)
	cfg.Quota.Schedule.Closures = []calendar.Closure{{Date: calendar.NewDate(2026, 12, 17), Reason: "Renovasi"}}
	cfg.Quota.Schedule.ObserveCollectiveLeave = true
	require.NoError(t, e.RegisterOffice(bg, cfg))
	second := officeConfig(t)
	second.Code, second.Name = "MKS", "Kantor Imigrasi Makassar"
	second.Quota.Schedule.Location = calendar.Makassar()
	second.Quota.Release = quota.ReleaseRule{Every: quota.Weekly, Lead: 1, Weekday: time.Friday, At: 16 * time.Hour}
	second.Quota.First = calendar.NewDate(2026, 11, 2)
	require.NoError(t, e.RegisterOffice(bg, second))

	// Operator changes, one of them undone.
	require.NoError(t, e.CloseDay(bg, jkt, calendar.NewDate(2026, 12, 14), "Banjir"))
	require.NoError(t, e.CloseSlot(bg, jkt, calendar.NewDate(2026, 12, 15), 1, "Rapat"))
	require.NoError(t, e.SetCapacity(bg, jkt, dec11, 0, online, 7))
	require.NoError(t, e.SetReleaseAt(bg, jkt, jan04, t0))
	require.NoError(t, e.CloseDay(bg, jkt, calendar.NewDate(2026, 12, 16), "x"))
	require.NoError(t, e.OpenDay(bg, jkt, calendar.NewDate(2026, 12, 16)))

	// Bookings in every state.
	var codes []string
	add := func(b Booking, err error) Booking {
		t.Helper()
		require.NoError(t, err)
		codes = append(codes, b.Code)
		return b
	}
	req := holdReq(t, 1)
	req.IdempotencyKey = "k-1"
	req.Applicants = applicants(t, 1, 3)
	held := add(e.Hold(bg, req))
	on := func(acc int, d calendar.Date, slot int) HoldRequest {
		r := holdReq(t, acc)
		r.Date, r.Slot = d, slot
		return r
	}
	paid := add(e.Hold(bg, on(10, dec10, 1)))
	add(e.Pay(bg, paid.BillingCode, "ref-10"))
	moved := add(e.Hold(bg, on(11, dec10, 1)))
	add(e.Pay(bg, moved.BillingCode, "ref-11"))
	cancelled := add(e.Hold(bg, on(12, dec11, 0)))
	add(e.Cancel(bg, cancelled.Code))
	rejected := add(e.Hold(bg, on(13, dec11, 1)))
	add(e.Pay(bg, rejected.BillingCode, "ref-13"))
	add(e.Reject(bg, rejected.Code, "daftar cekal"))
	mks := holdReq(t, 14)
	mks.Office = "MKS"
	mks.Date = calendar.NewDate(2026, 11, 3) // released Friday 30 October 16:00 WITA
	add(e.Hold(bg, mks))
	clk.Set(t2)
	add(e.Reschedule(bg, moved.Code, dec11, 1))
	_ = held

	accounts := []string{"account-1", "account-10", "account-11", "account-12", "account-13", "account-14"}
	before := captureState(t, e, codes, accounts)
	require.NoError(t, e.Close())

	e2 := openTestEngine(t, path, clk, &Options{MaxHoldsPerAccount: 5})
	after := captureState(t, e2, codes, accounts)
	require.Equal(t, before, after)
	requireConsistent(t, e2)

	// The rules still know what was stored: the idempotency key (its hold
	// has lapsed, and the replay returns it as it is), the NIKs,
	// the codes.
	again, err := e2.Hold(bg, req)
	require.NoError(t, err)
	require.Equal(t, held.Code, again.Code)
	_, err = e2.Hold(bg, HoldRequest{Account: "other", Office: jkt, Date: dec11, Pool: online, Applicants: applicants(t, 10, 1)})
	require.ErrorIs(t, err, ErrNIKBooked)
	got, err := e2.ByBillingCode(bg, paid.BillingCode)
	require.NoError(t, err)
	require.Equal(t, paid.Code, got.Code)
	// And new bookings get fresh codes.
	fresh, err := e2.Hold(bg, holdReq(t, 20))
	require.NoError(t, err)
	require.NotContains(t, codes, fresh.Code)
}

func TestReopenExpiresLapsedHolds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := &clock{t: t1}
	e := openTestEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, officeConfig(t)))
	b, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)
	require.NoError(t, e.Close())

	clk.Set(b.PayBy) // the deadline passes while the file is closed
	e2 := openTestEngine(t, path, clk, nil)
	got := mustGet(t, e2, b.Code)
	require.Equal(t, Expired, got.State)
	require.True(t, got.History[1].At.Equal(b.PayBy))
	require.Equal(t, 5, seatsLeft(t, e2, dec10, 0, 0))
	require.NoError(t, e2.Close())

	// The expiry itself was stored.
	clk.Set(t1)
	e3 := openTestEngine(t, path, clk, nil)
	require.Equal(t, Expired, mustGet(t, e3, b.Code).State)
}

func TestOpenRefusals(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: t1}

	loose := filepath.Join(dir, "loose.db")
	require.NoError(t, os.WriteFile(loose, nil, 0o600))
	require.NoError(t, os.Chmod(loose, 0o666))
	_, err := Open(loose, &Options{Now: clk.Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrFilePermissions)

	path := filepath.Join(dir, "kuota.db")
	e := openTestEngine(t, path, clk, nil)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	start := time.Now()
	_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true, LockTimeout: 100 * time.Millisecond})
	require.ErrorIs(t, err, ErrLocked)
	require.Less(t, time.Since(start), 5*time.Second, "never waits forever")
	require.NoError(t, e.Close())
	require.NoError(t, e.Close(), "twice is fine")

	garbage := filepath.Join(dir, "garbage.db")
	require.NoError(t, os.WriteFile(garbage, []byte("this is not a bbolt file, not at all, not even close......"), 0o600))
	_, err = Open(garbage, &Options{Now: clk.Now, NoSweeper: true, LockTimeout: 100 * time.Millisecond})
	require.Error(t, err)

	_, err = Open(filepath.Join(dir, "no", "such", "dir.db"), &Options{Now: clk.Now, NoSweeper: true})
	require.Error(t, err)
	_, err = Open(path, &Options{HoldTTL: -1})
	require.ErrorIs(t, err, ErrBadOptions)
}

func TestStoredZoneMustLoadByName(t *testing.T) {
	clk := &clock{t: t1}
	e := openTestEngine(t, filepath.Join(t.TempDir(), "kuota.db"), clk, nil)
	cfg := officeConfig(t)
	cfg.Quota.Schedule.Location = time.FixedZone("Nowhere", 7*3600)
	require.ErrorIs(t, e.RegisterOffice(bg, cfg), ErrBadOffice)
}

// Concurrent changes share commits: fewer fsyncs than changes.
func TestGroupCommit(t *testing.T) {
	clk := &clock{t: t1}
	e := openTestEngine(t, filepath.Join(t.TempDir(), "kuota.db"), clk, nil)
	bigOffice(t, e, "BIG", 1000)
	before := e.Stats()
	done := make(chan error)
	const holds = 400
	for i := range holds {
		go func() {
			_, err := e.Hold(bg, HoldRequest{Account: "acc" + string(rune('A'+i%26)) + string(rune('a'+i/26)), Office: "BIG", Date: dec10, Pool: online, Applicants: applicants(t, i, 1)})
			done <- err
		}()
	}
	for range holds {
		require.NoError(t, <-done)
	}
	st := e.Stats()
	require.True(t, st.Durable)
	commits := st.Commits - before.Commits
	require.Less(t, commits, uint64(holds), "some commits carried more than one hold")
	require.Greater(t, st.AvgBatch, 1.0)
	require.Zero(t, st.PendingWrites)
	require.Equal(t, holds, st.Bookings[Held])
	// The disk's part of a commit is some of it, never more.
	require.Positive(t, st.LastSync)
	require.LessOrEqual(t, st.LastSync, st.LastCommit)
	t.Logf("%d holds in %d commits; last commit %v, of which disk %v", holds, commits, st.LastCommit, st.LastSync)
}

// A caller whose context ends while it waits for the disk gets ctx.Err(),
// and the change is either whole on disk or not there at all.
func TestContextEndsWhileWaiting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := &clock{t: t1}
	e := openTestEngine(t, path, clk, nil)
	bigOffice(t, e, "BIG", 1000)
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	type result struct {
		b   Booking
		err error
	}
	results := make(chan result, 200)
	start := make(chan struct{})
	for i := range 200 {
		go func() {
			<-start
			b, err := e.Hold(ctx, HoldRequest{Account: "a" + string(rune(0x4e00+i)), Office: "BIG", Date: dec10, Pool: online, Applicants: applicants(t, i, 1)})
			results <- result{b, err}
		}()
	}
	close(start)
	// Cancel once the first hold is back: the others are then in flight,
	// most of them waiting for a commit.
	first := <-results
	cancel()
	results <- first
	var ok, cancelled int
	for range 200 {
		r := <-results
		switch {
		case r.err == nil:
			ok++
		case r.err == context.Canceled:
			cancelled++
		default:
			t.Fatalf("unexpected error %v", r.err)
		}
	}
	require.NoError(t, e.Close())
	e2 := openTestEngine(t, path, clk, nil)
	st := e2.Stats()
	require.GreaterOrEqual(t, st.Bookings[Held], ok, "every acknowledged hold is on disk")
	require.LessOrEqual(t, st.Bookings[Held], 200)
	requireConsistent(t, e2)
	t.Logf("%d acknowledged, %d cancelled, %d on disk", ok, cancelled, st.Bookings[Held])
}

func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := &clock{t: t1}
	e := openTestEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, officeConfig(t)))
	b, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)

	// While a writer holds the file, a reader is told so.
	_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true, ReadOnly: true, LockTimeout: 50 * time.Millisecond})
	require.ErrorIs(t, err, ErrLocked)
	require.NoError(t, e.Close())

	before, err := os.ReadFile(path)
	require.NoError(t, err)
	clk.Set(b.PayBy) // the hold lapses while closed
	r := openTestEngine(t, path, clk, &Options{ReadOnly: true})
	r2 := openTestEngine(t, path, clk, &Options{ReadOnly: true}) // readers share
	require.Equal(t, Expired, mustGet(t, r, b.Code).State, "shown expired")
	require.Equal(t, Expired, mustGet(t, r2, b.Code).State)
	requireConsistent(t, r)
	for _, err := range []error{
		func() error { _, err := r.Hold(bg, holdReq(t, 2)); return err }(),
		func() error { _, err := r.Pay(bg, b.BillingCode, "x"); return err }(),
		func() error { _, err := r.Cancel(bg, b.Code); return err }(),
		r.RegisterOffice(bg, officeConfig(t)),
		r.CloseDay(bg, jkt, dec10, "x"),
		func() error { _, err := r.ExpireDue(bg, t1); return err }(),
	} {
		require.ErrorIs(t, err, ErrReadOnly)
	}
	_, err = r.Month(bg, jkt, 2026, time.December)
	require.NoError(t, err, "reads work")
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, before, after, "a reader writes nothing")

	_, err = Open(filepath.Join(t.TempDir(), "missing.db"), &Options{ReadOnly: true})
	require.ErrorIs(t, err, os.ErrNotExist, "a reader never creates a file")
}

func TestDayBookings(t *testing.T) {
	e, _ := newTestEngine(t, &Options{MaxHoldsPerAccount: 5})
	var want []string
	for i, slot := range []int{1, 0, 1, 0} {
		req := holdReq(t, i)
		req.Slot = slot
		b, err := e.Hold(bg, req)
		require.NoError(t, err)
		want = append(want, b.Code)
	}
	other := holdReq(t, 9)
	other.Date = dec11
	_, err := e.Hold(bg, other)
	require.NoError(t, err)

	got, err := e.DayBookings(bg, jkt, dec10)
	require.NoError(t, err)
	var codes []string
	for _, b := range got {
		codes = append(codes, b.Code)
	}
	require.ElementsMatch(t, want, codes)
	for i := 1; i < len(got); i++ {
		require.True(t, got[i-1].Slot < got[i].Slot || got[i-1].Slot == got[i].Slot && got[i-1].Code < got[i].Code)
	}
	_, err = e.DayBookings(bg, "nope", dec10)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = e.DayBookings(bg, jkt, calendar.Date{})
	require.ErrorIs(t, err, ErrBadDate)
	empty, err := e.DayBookings(bg, jkt, dec25)
	require.NoError(t, err)
	require.Empty(t, empty)
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: t1}
	e := openTestEngine(t, filepath.Join(dir, "kuota.db"), clk, nil)
	require.NoError(t, e.RegisterOffice(bg, officeConfig(t)))
	b, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)

	f, err := os.OpenFile(filepath.Join(dir, "copy.db"), os.O_CREATE|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	n, err := e.Backup(f)
	require.NoError(t, err)
	require.Positive(t, n)
	require.NoError(t, f.Close())
	_, err = e.Hold(bg, holdReq(t, 2)) // after the backup: not in the copy
	require.NoError(t, err)

	c := openTestEngine(t, filepath.Join(dir, "copy.db"), clk, nil)
	require.Equal(t, b.Code, mustGet(t, c, b.Code).Code)
	require.Equal(t, 1, c.Stats().Total)

	m, _ := newTestEngine(t, nil)
	_, err = m.Backup(io.Discard)
	require.ErrorIs(t, err, ErrNoFile)
}

// A reader lists what keeps a file from loading instead of refusing it.
func TestReadOnlyReportsLoadViolations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := &clock{t: t1}
	e := openTestEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, officeConfig(t)))
	_, err := e.Hold(bg, holdReq(t, 1))
	require.NoError(t, err)
	require.NoError(t, e.Close())
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketBookings)
		v := bk.Get(binary.BigEndian.AppendUint64(nil, 1))
		for seq := uint64(2); seq <= 7; seq++ {
			if err := bk.Put(binary.BigEndian.AppendUint64(nil, seq), v); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, db.Close())

	_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrInconsistent)
	require.ErrorContains(t, err, "1 seat does not fit 2026-12-10 slot 0 pool 0")
	r := openTestEngine(t, path, clk, &Options{ReadOnly: true})
	v := r.Check()
	require.NotEmpty(t, v)
	var overflow int
	for _, x := range v {
		if strings.Contains(x.Problem, "does not fit") {
			overflow++
		}
	}
	require.Equal(t, 2, overflow, "%v", v) // seven bookings of one seat, five seats
}

package booking_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

// diskGet returns the booking with code, which must exist.
func diskGet(t testing.TB, e *Engine, code string) Booking {
	t.Helper()
	b, err := e.Get(bg, code)
	require.NoError(t, err)
	return b
}

// diskLeft returns the seats left in one cell of the test office.
func diskLeft(t testing.TB, e *Engine, d calendar.Date, slot, pool int) int {
	t.Helper()
	c, err := e.Cell(kt.Office, d, slot, pool)
	require.NoError(t, err)
	return c.Left
}

// reopenState is everything observable about an engine, to compare it
// before and after a reopen.
type reopenState struct {
	offices  map[string]OfficeConfig
	bookings map[string]Booking
	history  map[string][]string
	months   map[string][]quota.DayView
	days     map[string]quota.DayView
	stats    map[State]int
}

func captureReopen(t *testing.T, e *Engine, codes []string, accounts []string) reopenState {
	t.Helper()
	st := reopenState{offices: map[string]OfficeConfig{}, bookings: map[string]Booking{}, history: map[string][]string{},
		months: map[string][]quota.DayView{}, days: map[string]quota.DayView{}}
	for _, code := range e.Offices() {
		cfg, err := e.Office(bg, code)
		require.NoError(t, err)
		st.offices[code] = cfg
		for _, ym := range []struct {
			year  int
			month time.Month
		}{{2026, time.December}, {2027, time.January}} {
			days, err := e.Month(bg, code, ym.year, ym.month)
			require.NoError(t, err)
			st.months[code+ym.month.String()] = days
		}
		for _, d := range []calendar.Date{kt.Dec10, kt.Dec11, calendar.NewDate(2026, 12, 14), calendar.NewDate(2026, 12, 15)} {
			v, err := e.Day(bg, code, d)
			require.NoError(t, err)
			st.days[code+d.String()] = v
		}
	}
	for _, c := range codes {
		st.bookings[c] = diskGet(t, e, c)
	}
	for _, a := range accounts {
		list, err := e.AccountBookings(bg, a)
		require.NoError(t, err)
		for _, b := range list {
			st.history[a] = append(st.history[a], b.Code)
		}
	}
	st.stats = e.Stats().Bookings // last: the views above expire lapsed holds
	return st
}

// A reopened file shows everything the engine showed when it was closed
// — offices, operator changes, bookings in every state, histories — and
// its rules still know the idempotency keys, the NIKs and the codes.
func TestReopenRestoresEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, &Options{MaxHoldsPerAccount: 5})

	cfg := kt.OfficeConfig(t)
	cfg.Quota.Schedule.Closures = []calendar.Closure{{Date: calendar.NewDate(2026, 12, 17), Reason: "Renovasi"}}
	cfg.Quota.Schedule.ObserveCollectiveLeave = true
	require.NoError(t, e.RegisterOffice(bg, cfg))
	second := kt.OfficeConfig(t)
	second.Code, second.Name = "MKS", "Kantor Imigrasi Makassar"
	second.Quota.Schedule.Location = calendar.Makassar()
	second.Quota.Release = quota.ReleaseRule{Every: quota.Weekly, Lead: 1, Weekday: time.Friday, At: 16 * time.Hour}
	second.Quota.First = calendar.NewDate(2026, 11, 2)
	require.NoError(t, e.RegisterOffice(bg, second))

	// Operator changes, one of them undone.
	require.NoError(t, e.CloseDay(bg, kt.Office, calendar.NewDate(2026, 12, 14), "Banjir"))
	require.NoError(t, e.CloseSlot(bg, kt.Office, calendar.NewDate(2026, 12, 15), kt.Slot1, "Rapat"))
	require.NoError(t, e.SetCapacity(bg, kt.Office, kt.Dec11, kt.Slot0, kt.Online, 7))
	require.NoError(t, e.SetReleaseAt(bg, kt.Office, kt.Jan04, kt.T0))
	require.NoError(t, e.CloseDay(bg, kt.Office, calendar.NewDate(2026, 12, 16), "x"))
	require.NoError(t, e.OpenDay(bg, kt.Office, calendar.NewDate(2026, 12, 16)))

	// Bookings in every state.
	var codes []string
	add := func(b Booking, err error) Booking {
		t.Helper()
		require.NoError(t, err)
		codes = append(codes, b.Code)
		return b
	}
	req := kt.HoldRequest(t, 1)
	req.IdempotencyKey = "k-1"
	req.Applicants = kt.Applicants(t, 1, 3)
	held := add(e.Hold(bg, req))
	on := func(acc int, d calendar.Date, slot string) HoldRequest {
		r := kt.HoldRequest(t, acc)
		r.Date, r.Slot = d, slot
		return r
	}
	paid := add(e.Hold(bg, on(10, kt.Dec10, kt.Slot1)))
	add(e.Pay(bg, paid.BillingCode, "ref-10"))
	moved := add(e.Hold(bg, on(11, kt.Dec10, kt.Slot1)))
	add(e.Pay(bg, moved.BillingCode, "ref-11"))
	cancelled := add(e.Hold(bg, on(12, kt.Dec11, kt.Slot0)))
	add(e.Cancel(bg, cancelled.Code, Reason{}))
	rejected := add(e.Hold(bg, on(13, kt.Dec11, kt.Slot1)))
	add(e.Pay(bg, rejected.BillingCode, "ref-13"))
	add(e.Reject(bg, rejected.Code, Reason{Kind: ReasonPreventionList, Text: "daftar cekal"}))
	mks := kt.HoldRequest(t, 14)
	mks.Office = "MKS"
	mks.Date = calendar.NewDate(2026, 11, 3) // released Friday 30 October 16:00 WITA
	add(e.Hold(bg, mks))
	clk.Set(kt.T2)
	add(e.Reschedule(bg, moved.Code, kt.Dec11, kt.Slot1))

	accounts := []string{"account-1", "account-10", "account-11", "account-12", "account-13", "account-14"}
	before := captureReopen(t, e, codes, accounts)
	require.NoError(t, e.Close())

	e2 := kt.OpenEngine(t, path, clk, &Options{MaxHoldsPerAccount: 5})
	after := captureReopen(t, e2, codes, accounts)
	require.Equal(t, before, after)
	kt.RequireConsistent(t, e2)

	// The rules still know what was stored: the idempotency key (its hold
	// has lapsed, and the retry returns it as it is), the NIKs, the codes.
	again, err := e2.Hold(bg, req)
	require.NoError(t, err)
	require.Equal(t, held.Code, again.Code)
	_, err = e2.Hold(bg, HoldRequest{Account: "other", Office: kt.Office, Date: kt.Dec11, Slot: kt.Slot0, Pool: kt.Online, Applicants: kt.Applicants(t, 10, 1)})
	require.ErrorIs(t, err, ErrNIKBooked)
	got, err := e2.ByBillingCode(bg, paid.BillingCode)
	require.NoError(t, err)
	require.Equal(t, paid.Code, got.Code)
	// And new bookings get fresh codes.
	fresh, err := e2.Hold(bg, kt.HoldRequest(t, 20))
	require.NoError(t, err)
	require.NotContains(t, codes, fresh.Code)
}

// A hold whose deadline passed while the file was closed is expired by
// Open, at its deadline, and the expiry is stored.
func TestReopenExpiresLapsedHolds(t *testing.T) {
	path, clk, b := fileWithOneHold(t)

	clk.Set(b.PayBy) // the deadline passes while the file is closed
	e2 := kt.OpenEngine(t, path, clk, nil)
	got := diskGet(t, e2, b.Code)
	require.Equal(t, Expired, got.State)
	require.True(t, got.History[1].At.Equal(b.PayBy))
	require.Equal(t, 5, diskLeft(t, e2, kt.Dec10, 0, 0))
	require.NoError(t, e2.Close())

	// The expiry itself was stored: a clock set back does not revive it.
	clk.Set(kt.T1)
	e3 := kt.OpenEngine(t, path, clk, nil)
	require.Equal(t, Expired, diskGet(t, e3, b.Code).State)
}

// A file one of whose two meta pages is damaged opens from the other —
// bbolt's design, and the last commit may be lost with the damaged one —
// and Open says so in the log, where an operator sees it.
func TestOpenWarnsOfAMetaPageLost(t *testing.T) {
	path, clk, _ := fileWithOneHold(t)

	var quiet bytes.Buffer
	e2 := kt.OpenEngine(t, path, clk, &Options{Logger: slog.New(slog.NewTextHandler(&quiet, nil))})
	require.NoError(t, e2.Close())
	require.NotContains(t, quiet.String(), "meta page", "an intact file")

	file, err := os.ReadFile(path)
	require.NoError(t, err)
	const checksumAt = 16 + 56                // the page header, then the meta's checksum
	file[os.Getpagesize()+checksumAt] ^= 0xff // meta page 1
	require.NoError(t, os.WriteFile(path, file, 0o600))
	var logged bytes.Buffer
	e3 := kt.OpenEngine(t, path, clk, &Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	require.Contains(t, logged.String(), "level=WARN")
	require.Contains(t, logged.String(), "meta page 1")
	require.Contains(t, logged.String(), "backup")
	kt.RequireConsistent(t, e3)
}

func TestOpenRefusals(t *testing.T) {
	dir := t.TempDir()
	clk := kt.NewClock(kt.T1)

	loose := filepath.Join(dir, "loose.db")
	require.NoError(t, os.WriteFile(loose, nil, 0o600))
	require.NoError(t, os.Chmod(loose, 0o666))
	_, err := Open(loose, &Options{Now: clk.Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrFilePermissions)

	path := filepath.Join(dir, "kuota.db")
	e := kt.OpenEngine(t, path, clk, nil)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	start := time.Now()
	_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true, LockTimeout: 100 * time.Millisecond})
	require.ErrorIs(t, err, ErrLocked)
	require.Less(t, time.Since(start), 5*time.Second, "never waits forever")
	require.NoError(t, e.Close())
	require.NoError(t, e.Close(), "twice is fine")

	// A file others may read holds NIKs they can copy: refused unless the
	// caller says it is meant.
	require.NoError(t, os.Chmod(path, 0o640))
	_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrFilePermissions, "readable by the group")
	_, err = Open(path, &Options{Now: clk.Now, NoSweeper: true, ReadOnly: true})
	require.ErrorIs(t, err, ErrFilePermissions, "read-only too")
	shared, err := Open(path, &Options{Now: clk.Now, NoSweeper: true, AllowSharedRead: true})
	require.NoError(t, err, "AllowSharedRead")
	require.NoError(t, shared.Close())

	// An empty bbolt file is another program's, not a new kuota file.
	foreign := filepath.Join(dir, "foreign.db")
	db, err := bolt.Open(foreign, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = Open(foreign, &Options{Now: clk.Now, NoSweeper: true})
	require.ErrorIs(t, err, ErrCorrupt)

	garbage := filepath.Join(dir, "garbage.db")
	require.NoError(t, os.WriteFile(garbage, []byte("this is not a bbolt file, not at all, not even close......"), 0o600))
	_, err = Open(garbage, &Options{Now: clk.Now, NoSweeper: true, LockTimeout: 100 * time.Millisecond})
	require.ErrorIs(t, err, ErrCorrupt)

	_, err = Open(filepath.Join(dir, "no", "such", "dir.db"), &Options{Now: clk.Now, NoSweeper: true})
	require.Error(t, err)
	_, err = Open(path, &Options{HoldTTL: -1})
	require.ErrorIs(t, err, ErrBadOptions)
}

// A file keeps an office's zone by name, so a durable engine refuses a
// zone that does not load by name.
func TestStoredZoneMustLoadByName(t *testing.T) {
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, filepath.Join(t.TempDir(), "kuota.db"), clk, nil)
	cfg := kt.OfficeConfig(t)
	cfg.Quota.Schedule.Location = time.FixedZone("Nowhere", 7*3600)
	require.ErrorIs(t, e.RegisterOffice(bg, cfg), ErrBadOffice)
	require.Empty(t, e.Offices())
}

// Concurrent changes share commits: fewer fsyncs than changes.
func TestGroupCommit(t *testing.T) {
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, filepath.Join(t.TempDir(), "kuota.db"), clk, nil)
	registerOneSlotOffice(t, e, "BIG", 1000)
	before := e.Stats()
	done := make(chan error)
	const holds = 400
	for i := range holds {
		go func() {
			_, err := e.Hold(bg, HoldRequest{Account: fmt.Sprint("acc-", i), Office: "BIG", Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online, Applicants: kt.Applicants(t, i, 1)})
			done <- err
		}()
	}
	for range holds {
		require.NoError(t, <-done)
	}
	st := e.Stats()
	require.True(t, st.Durable)
	commits, changes := st.Commits-before.Commits, st.Changes-before.Changes
	require.Equal(t, uint64(holds), changes, "one change a hold")
	require.Less(t, commits, changes, "some commits carried more than one hold")
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
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, nil)
	registerOneSlotOffice(t, e, "BIG", 1000)
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	type result struct {
		b   Booking
		err error
	}
	const holds = 200
	results := make(chan result, holds)
	start := make(chan struct{})
	for i := range holds {
		go func() {
			<-start
			b, err := e.Hold(ctx, HoldRequest{Account: "a" + string(rune(0x4e00+i)), Office: "BIG", Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online, Applicants: kt.Applicants(t, i, 1)})
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
	for range holds {
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
	e2 := kt.OpenEngine(t, path, clk, nil)
	st := e2.Stats()
	require.GreaterOrEqual(t, st.Bookings[Held], ok, "every acknowledged hold is on disk")
	require.LessOrEqual(t, st.Bookings[Held], holds)
	kt.RequireConsistent(t, e2)
	t.Logf("%d acknowledged, %d cancelled, %d on disk", ok, cancelled, st.Bookings[Held])
}

func TestDayBookings(t *testing.T) {
	e, _ := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	var want []string
	for i, slot := range []string{kt.Slot1, kt.Slot0, kt.Slot1, kt.Slot0} {
		req := kt.HoldRequest(t, i)
		req.Slot = slot
		b, err := e.Hold(bg, req)
		require.NoError(t, err)
		want = append(want, b.Code)
	}
	other := kt.HoldRequest(t, 9)
	other.Date = kt.Dec11
	_, err := e.Hold(bg, other)
	require.NoError(t, err)

	got, err := e.DayBookings(bg, kt.Office, kt.Dec10)
	require.NoError(t, err)
	var codes []string
	for _, b := range got {
		codes = append(codes, b.Code)
	}
	require.ElementsMatch(t, want, codes)
	for i := 1; i < len(got); i++ {
		require.True(t, got[i-1].Slot < got[i].Slot || got[i-1].Slot == got[i].Slot && got[i-1].Code < got[i].Code)
	}
	_, err = e.DayBookings(bg, "nope", kt.Dec10)
	require.ErrorIs(t, err, ErrUnknownOffice)
	_, err = e.DayBookings(bg, kt.Office, calendar.Date{})
	require.ErrorIs(t, err, calendar.ErrBadDate)
	empty, err := e.DayBookings(bg, kt.Office, kt.Dec25)
	require.NoError(t, err)
	require.Empty(t, empty)
}

// A backup is a file that opens like the original, with what was
// committed when the backup began.
func TestBackup(t *testing.T) {
	dir := t.TempDir()
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, filepath.Join(dir, "kuota.db"), clk, nil)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)

	f, err := os.OpenFile(filepath.Join(dir, "copy.db"), os.O_CREATE|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	n, err := e.Backup(bg, f)
	require.NoError(t, err)
	require.Positive(t, n)
	require.NoError(t, f.Close())
	_, err = e.Hold(bg, kt.HoldRequest(t, 2)) // after the backup: not in the copy
	require.NoError(t, err)

	c := kt.OpenEngine(t, filepath.Join(dir, "copy.db"), clk, nil)
	require.Equal(t, b.Code, diskGet(t, c, b.Code).Code)
	require.Equal(t, 1, c.Stats().Total)

	m, _ := kt.NewEngine(t, nil)
	_, err = m.Backup(bg, io.Discard)
	require.ErrorIs(t, err, ErrNoFile)
}

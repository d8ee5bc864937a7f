package booking_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
	"github.com/kuota/kuota/reschedule"
)

// A booking that ended more than the retention ago leaves memory: its code
// answers ErrArchived, its account's list and the indexes forget it, a
// checked-in booking gives back its day's seats, and its NIKs keep only
// what the re-apply rule needs. A reopened file archives the same, and
// ExportArchive writes every archived booking out, as it stood.
func TestArchiveAfterTheRetention(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	opts := &Options{Retention: RetentionMin, MaxHoldsPerAccount: 5}
	e := kt.OpenEngine(t, path, clk, opts)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	hold := func(acc int) Booking {
		b, err := e.Hold(bg, kt.HoldRequest(t, acc))
		require.NoError(t, err)
		return b
	}
	paid := func(acc int) Booking {
		b, err := e.Pay(bg, hold(acc).BillingCode, fmt.Sprint("ref-", acc))
		require.NoError(t, err)
		return b
	}
	cancelled, err := e.Cancel(bg, hold(1).Code, Reason{Kind: ReasonOther, Text: "sakit"})
	require.NoError(t, err)
	expired := hold(2)
	noShow, checkedIn := paid(3), paid(4)
	clk.Set(kt.T5)
	_, err = e.CheckIn(bg, checkedIn.Code)
	require.NoError(t, err)
	ahead := kt.HoldRequest(t, 6) // January, released on 1 December: it stays
	ahead.Date = kt.Jan04
	b, err := e.Hold(bg, ahead)
	require.NoError(t, err)
	_, err = e.Pay(bg, b.BillingCode, "ref-6")
	require.NoError(t, err)

	// A day after slot 0 ended, every booking of the 10th ended a day ago
	// or more: the sweeps record the expiry and the no-show, then the
	// archiving.
	clk.Set(kt.T6.Add(RetentionMin))
	n, err := e.ArchiveDue(bg)
	require.NoError(t, err)
	require.Equal(t, 2, n, "cancelled and checked in: the others are not recorded as ended yet")
	_, err = e.ExpireDue(bg)
	require.NoError(t, err)
	_, err = e.MarkNoShows(bg)
	require.NoError(t, err)
	n, err = e.ArchiveDue(bg)
	require.NoError(t, err)
	require.Equal(t, 2, n, "expired and no-show")
	for _, b := range []Booking{cancelled, expired, noShow, checkedIn} {
		_, err := e.Get(bg, b.Code)
		require.ErrorIs(t, err, ErrArchived, b.Code)
		_, err = e.ByBillingCode(bg, b.BillingCode)
		require.ErrorIs(t, err, ErrArchived)
		list, err := e.AccountBookings(bg, b.Account)
		require.NoError(t, err)
		require.Empty(t, list)
	}
	_, err = e.Get(bg, e.CodeOf(1<<30))
	require.ErrorIs(t, err, ErrNotFound, "never handed out: not archived")
	kt.RequireConsistent(t, e) // the checked-in booking's seats went with it
	c := e.Counts()
	require.EqualValues(t, 1, c.Total)
	require.Equal(t, 1, c.Slab)
	require.Equal(t, 1, c.Accounts)
	// The NIKs of the no-show and the checked-in booking reached their
	// date: they keep their re-apply window; the others are forgotten.
	require.Equal(t, 3, c.NIKs, "the live booking's, and two windows")
	again := kt.HoldRequest(t, 3)
	again.Date = kt.Jan04
	_, err = e.Hold(bg, again)
	require.ErrorIs(t, err, reschedule.ErrReapplyTooSoon, "the window outlives the booking")
	fresh := kt.HoldRequest(t, 1)
	fresh.Date = kt.Jan04
	_, err = e.Hold(bg, fresh)
	require.NoError(t, err, "a cancelled booking's NIK is free")

	var out bytes.Buffer
	n, err = e.ExportArchive(bg, &out)
	require.NoError(t, err)
	require.Equal(t, 4, n)
	got := map[string]ArchivedBooking{}
	for _, line := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		var a ArchivedBooking
		require.NoError(t, json.Unmarshal(line, &a))
		got[a.Code] = a
	}
	require.Equal(t, Cancelled, got[cancelled.Code].State)
	require.Equal(t, Reason{Kind: ReasonOther, Text: "sakit"}, got[cancelled.Code].History[1].Reason)
	require.Equal(t, kt.NIKDigits(1), got[cancelled.Code].Applicants[0].NIK)
	require.Equal(t, Expired, got[expired.Code].State)
	require.Equal(t, NoShow, got[noShow.Code].State)
	require.True(t, noShow.SlotEnd.Equal(got[noShow.Code].History[2].At), "marked a no-show at the slot's end")
	require.Equal(t, CheckedIn, got[checkedIn.Code].State)
	require.Equal(t, "ref-4", got[checkedIn.Code].PaymentRef)
	require.Equal(t, clk.Now().UnixNano(), got[checkedIn.Code].ArchivedAt.UnixNano())

	require.NoError(t, e.Close())
	e2 := kt.OpenEngine(t, path, clk, opts)
	require.Equal(t, e.Counts().Slab, e2.Counts().Slab)
	_, err = e2.Get(bg, noShow.Code)
	require.ErrorIs(t, err, ErrArchived, "the archiving is replayed")
	kt.RequireConsistent(t, e2)
	require.NoError(t, e2.Close())
	var file bytes.Buffer
	n, err = ExportArchiveFile(bg, path, nil, &file)
	require.NoError(t, err)
	require.Equal(t, 4, n)
	require.Equal(t, out.String(), file.String())
}

// Over a simulated year of a busy office — bookings every day, a window
// that moves on every month, a retention of a month — the bookings in
// memory stay flat: BookingsMax bounds what is kept, not everything ever
// made. The heap is measured and logged each quarter.
func TestMemoryStaysFlatOverAYear(t *testing.T) {
	const perDay = 200 // families a day, one or two applicants each
	start := time.Date(2027, time.January, 4, 9, 0, 0, 0, kt.WIB)
	clk := kt.NewClock(start)
	e := kt.NewEmptyEngine(t, clk, &Options{Retention: 30 * 24 * time.Hour, MaxHoldsPerAccount: 5})
	register := func(first calendar.Date) {
		cfg := kt.OfficeConfig(t)
		cfg.Quota.Release, cfg.Quota.First, cfg.Quota.Days = quota.ReleaseRule{}, first, 60 // released at once
		// The year runs into 2028, beyond the fixture's holiday data
		// (2026 and 2027); an empty list enforces no coverage.
		cfg.Quota.Schedule.Holidays = calendar.Holidays{}
		for i := range cfg.Quota.Layout.Slots {
			cfg.Quota.Layout.Slots[i].Seats = []int{perDay, perDay}
		}
		require.NoError(t, e.RegisterOffice(bg, cfg))
	}
	register(calendar.DateOf(start, kt.WIB))
	nik := 0
	var kept []int
	for day := 0; day < 365; day++ {
		now := start.AddDate(0, 0, day)
		clk.Set(now)
		today := calendar.DateOf(now, kt.WIB)
		if day%28 == 0 {
			register(today) // the window moves on: past days leave it
		}
		arrival := today.AddDays(7)
		for i := 0; i < perDay; i++ {
			req := kt.HoldRequest(t, 0)
			req.Account, req.Date, req.Slot = fmt.Sprint("acc-", nik), arrival, kt.Slot0
			req.Applicants = kt.Applicants(t, nik%kt.NIKsMax, 1)
			nik++
			b, err := e.Hold(bg, req)
			if err != nil {
				continue // a closed day, a NIK inside its window: refusals are fine
			}
			if i%3 != 0 {
				_, err = e.Pay(bg, b.BillingCode, "ref")
				require.NoError(t, err)
			}
		}
		clk.Set(now.Add(23 * time.Hour))
		_, err := e.ExpireDue(bg)
		require.NoError(t, err)
		_, err = e.MarkNoShows(bg)
		require.NoError(t, err)
		_, err = e.ArchiveDue(bg)
		require.NoError(t, err)
		if day%91 == 90 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			c := e.Counts()
			kept = append(kept, c.Slab)
			t.Logf("day %d: %d bookings made, %d in memory, %d NIKs, %d accounts, heap %.1f MiB",
				day+1, c.Seq, c.Slab, c.NIKs, c.Accounts, float64(ms.HeapAlloc)/(1<<20))
		}
	}
	require.Len(t, kept, 4)
	require.Less(t, kept[0], 2*30*perDay, "a month and a week of bookings at most")
	for i := 1; i < len(kept); i++ {
		require.InDelta(t, kept[0], kept[i], float64(kept[0])/10, "flat: quarter %d against the first", i+1)
	}
	kt.RequireConsistent(t, e)
}

// A rejection racing the archiving of its checked-in booking either comes
// first, and the booking stays (ended anew), or finds it archived: never a
// change after the archiving, which the file could not replay.
func TestArchiveRacesARejection(t *testing.T) {
	const rounds, bookings = 100, 40
	for round := range rounds {
		path := filepath.Join(t.TempDir(), "kuota.db")
		clk := kt.NewClock(kt.T1)
		opts := &Options{Retention: RetentionMin, MaxHoldsPerAccount: 5}
		e := kt.OpenEngine(t, path, clk, opts)
		cfg := kt.OfficeConfig(t)
		cfg.Quota.Layout.Slots[0].Seats = []int{bookings, 2}
		require.NoError(t, e.RegisterOffice(bg, cfg))
		var codes []string
		for i := range bookings {
			req := kt.HoldRequest(t, i)
			req.Applicants = kt.Applicants(t, i, 1)
			b, err := e.Hold(bg, req)
			require.NoError(t, err)
			_, err = e.Pay(bg, b.BillingCode, "ref")
			require.NoError(t, err)
			codes = append(codes, b.Code)
		}
		clk.Set(kt.T5)
		for _, c := range codes {
			_, err := e.CheckIn(bg, c)
			require.NoError(t, err)
		}
		clk.Set(kt.T5.Add(RetentionMin))
		var wg sync.WaitGroup
		errs := make([]error, len(codes))
		for i, c := range codes {
			wg.Go(func() { _, errs[i] = e.Reject(bg, c, Reason{Kind: ReasonOther, Text: "dokumen palsu"}) })
		}
		archived, err := e.ArchiveDue(bg)
		require.NoError(t, err)
		wg.Wait()
		rejected := 0
		for i, err := range errs {
			if err == nil {
				rejected++
				continue
			}
			require.ErrorIs(t, err, ErrArchived, "round %d, booking %d", round, i)
		}
		require.Equal(t, bookings, rejected+archived, "round %d: each booking rejected or archived", round)
		kt.RequireConsistent(t, e)
		require.NoError(t, e.Close())
		e2 := kt.OpenEngine(t, path, clk, opts)
		require.Equal(t, rejected, e2.Stats().Bookings[Rejected], "round %d: the file replays", round)
		kt.RequireConsistent(t, e2)
		require.NoError(t, e2.Close())
	}
}

// The retention index forgets what it no longer needs: after a reopen
// (which files every ended booking again, archived or not) and after a
// check-in followed by a rejection (which ends the booking twice),
// ArchiveDue archives each booking once and reports no error.
func TestArchiveDueForgetsStaleEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	opts := &Options{Retention: RetentionMin, MaxHoldsPerAccount: 5}
	e := kt.OpenEngine(t, path, clk, opts)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	cancelled, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = e.Cancel(bg, cancelled.Code, Reason{})
	require.NoError(t, err)
	twice, err := e.Hold(bg, kt.HoldRequest(t, 2))
	require.NoError(t, err)
	_, err = e.Pay(bg, twice.BillingCode, "ref")
	require.NoError(t, err)
	clk.Set(kt.T5)
	_, err = e.CheckIn(bg, twice.Code)
	require.NoError(t, err)
	clk.Set(kt.T5.Add(time.Hour))
	_, err = e.Reject(bg, twice.Code, Reason{Kind: ReasonInvalidData})
	require.NoError(t, err)

	clk.Set(kt.T5.Add(RetentionMin + 2*time.Hour))
	n, err := e.ArchiveDue(bg)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	n, err = e.ArchiveDue(bg)
	require.NoError(t, err)
	require.Zero(t, n)
	require.NoError(t, e.Close())

	e2 := kt.OpenEngine(t, path, clk, opts)
	for range 2 {
		n, err = e2.ArchiveDue(bg)
		require.NoError(t, err, "after a reopen")
		require.Zero(t, n)
	}
	require.Zero(t, e2.Counts().Slab)
}

// Archived bookings keep their numbers, so the numbers, not memory, bound
// the bookings a file ever holds: the last one is given, and the next hold
// is refused, never a number the decoder would refuse to read back.
func TestBookingNumbersRunOut(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	e.SetLastNumber(BookingNumbersMax - 1)
	last, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	require.Equal(t, e.CodeOf(BookingNumbersMax), last.Code)
	_, err = e.Hold(bg, kt.HoldRequest(t, 2))
	require.ErrorIs(t, err, ErrTooManyBookings)
	require.ErrorContains(t, err, "every booking number")
}

// An account's bookings read while some of them are archived: the reader
// walks the account's chain as archiving unlinks from it, and sees each
// booking kept, none twice (run with -race).
func TestAccountBookingsWhileArchiving(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{Retention: RetentionMin, MaxHoldsPerAccount: 5})
	registerOneSlotOffice(t, e, "ARSIP", 100)
	const n = 40
	account := kt.HoldRequest(t, 1).Account
	var codes []string
	for i := range n {
		req := kt.HoldRequest(t, 100+i)
		req.Account, req.Office = account, "ARSIP"
		b, err := e.Hold(bg, req)
		require.NoError(t, err)
		if i%2 == 0 { // every other one ends, and is archived below
			_, err = e.Cancel(bg, b.Code, Reason{})
		} else { // the others stay, paid (an account has few unpaid holds)
			_, err = e.Pay(bg, b.BillingCode, "REF")
		}
		require.NoError(t, err)
		codes = append(codes, b.Code)
	}
	clk.Add(RetentionMin + time.Hour)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 200 {
			got, err := e.AccountBookings(bg, account)
			if err != nil {
				t.Error(err)
				return
			}
			seen := map[string]bool{}
			for _, b := range got {
				if seen[b.Code] {
					t.Errorf("%s listed twice", b.Code)
					return
				}
				seen[b.Code] = true
			}
			if len(got) < n/2 {
				t.Errorf("%d bookings listed; the %d live ones stay", len(got), n/2)
				return
			}
		}
	}()
	archived, err := e.ArchiveDue(bg)
	require.NoError(t, err)
	<-done
	require.Equal(t, n/2, archived)
	got, err := e.AccountBookings(bg, account)
	require.NoError(t, err)
	require.Len(t, got, n/2)
	for i, b := range got {
		require.Equal(t, codes[2*i+1], b.Code)
	}
}

// BookingsMax bounds the bookings in memory, not every booking ever
// made: an engine at its limit refuses a hold, and takes it once the
// ended bookings have been archived.
func TestBookingsMaxCountsWhatMemoryKeeps(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	const limit = 3
	e := kt.OpenEngine(t, path, clk, &Options{Retention: RetentionMin, BookingsMax: limit})
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	for acc := 1; acc <= limit; acc++ {
		b, err := e.Hold(bg, kt.HoldRequest(t, acc))
		require.NoError(t, err)
		_, err = e.Cancel(bg, b.Code, Reason{})
		require.NoError(t, err)
	}
	next := kt.HoldRequest(t, limit+1) // the cancelled bookings' cell: its seats are free
	_, err := e.Hold(bg, next)
	require.ErrorIs(t, err, ErrTooManyBookings, "every booking ended, none archived yet")

	clk.Set(kt.T1.Add(RetentionMin - time.Nanosecond))
	n, err := e.ArchiveDue(bg)
	require.NoError(t, err)
	require.Zero(t, n, "a nanosecond before the retention has passed")
	_, err = e.Hold(bg, next)
	require.ErrorIs(t, err, ErrTooManyBookings)

	clk.Set(kt.T1.Add(RetentionMin))
	n, err = e.ArchiveDue(bg)
	require.NoError(t, err)
	require.Equal(t, limit, n)
	b, err := e.Hold(bg, next)
	require.NoError(t, err, "the archived bookings left room")
	require.Equal(t, Held, b.State)
	require.Equal(t, 1, e.Stats().Total)
}

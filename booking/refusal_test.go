package booking_test

// The refusal harness every feature's refusal table runs on: each refusal
// must be the sentinel the documentation names, must not panic, and must
// leave the engine exactly as it was. "As it was" is checked broadly: every
// booking through Get and ByBillingCode, Stats (with the durable engine's
// commit counters), every office's configuration, every seat counter of
// every cell, the calendar views (Month, and Day with its slots), each
// account's history, and the indexes behind them (each NIK's latest
// booking, each account's latest booking and idempotency keys, the
// sequence and booking counters), then Check.
//
// A table runs on an in-memory engine and on a durable one. (A nil context
// is refused before anything else is looked at, with ErrNilContext:
// TestAdversarialNilContext checks that of every method.) Since a refusal
// changes nothing, the cases of one run share one fixture: a case that
// does change the engine fails, and may disturb the cases after it. A
// case about an engine in another mode or with other limits (read-only,
// a standby, a lower BookingsMax) asks a twin of the fixture's engine,
// made for it alone, and that twin must not change.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/journal"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/quota"
)

var advMiB = strings.Repeat("x", 1<<20)

// advBadLabels are strings no account ID, payment reference, reason or
// office name may be: each is empty, too long for any of their limits
// (the largest is 200 bytes), or not printable UTF-8.
var advBadLabels = map[string]string{
	"empty":           "",
	"newline":         "budi@example.com\nlevel=INFO msg=forged",
	"carriage return": "budi@example.com\r",
	"NUL":             "budi\x00@example.com",
	"escape sequence": "\x1b[2Jbudi@example.com",
	"DEL":             "budi\x7f",
	"C1 control":      "budi\u0085",
	"invalid UTF-8":   "budi \xff\xfe",
	"truncated UTF-8": "budi \xe2\x80",
	"201 bytes":       strings.Repeat("b", 201),
	"one MiB":         advMiB,
}

// advFixture is an engine with something in every state that matters to
// a refusal: a hold with an idempotency key, two paid bookings (one with
// two applicants), a cancelled one, closed days and slots, a shrunk cell
// and a cell with no quota, at two offices.
type advFixture struct {
	t                              *testing.T
	e                              *Engine
	clk                            *kt.Clock
	held, paid, paid2, cancelled   Booking
	accounts                       []string
	absentCode, absentBilling      string // decode to sequence numbers never handed out
	closedDay, closedSlotDay, tiny calendar.Date
	noQuota                        calendar.Date // its 08:00 walk-in cell offers no seat
	// log is the in-memory engine's journal, which keeps its records so
	// that a twin can replay them; nil for the durable engine, whose
	// twins start from a backup of its file.
	log *journal.Memory
}

const (
	advHeldKey = "idem-held"
	sby        = "SBY"
)

// newAdvFixture builds the fixture on an in-memory engine, or on a durable
// one in a fresh file.
func newAdvFixture(t *testing.T, durable bool) *advFixture {
	t.Helper()
	f := &advFixture{t: t, clk: kt.NewClock(kt.T1)}
	opts := Options{Now: f.clk.Now, NoSweeper: true, Durability: NoSync}
	var err error
	if durable {
		f.e, err = Open(filepath.Join(t.TempDir(), "kuota.db"), &opts)
	} else {
		// New's engine, over a journal that keeps its records.
		f.log = &journal.Memory{Keep: true}
		f.e, err = StartWith(&opts, f.log)
	}
	require.NoError(t, err)
	t.Cleanup(func() { f.e.Close() })
	e := f.e
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	other := kt.OfficeConfig(t)
	other.Code, other.Name = sby, "Kantor Imigrasi Surabaya"
	other.OpeningWindow = time.Minute // its draws have run by T1
	require.NoError(t, e.RegisterOffice(bg, other))
	_, err = e.RotateProofKey(bg) // so that a proof, once granted, changes nothing
	require.NoError(t, err)

	hold := func(acc string, d calendar.Date, slot string, pool string, aps []Applicant, key string) Booking {
		b, err := e.Hold(bg, HoldRequest{Account: acc, Office: kt.Office, Date: d, Slot: slot, Pool: pool, Applicants: aps, IdempotencyKey: key})
		require.NoError(t, err)
		f.accounts = append(f.accounts, acc)
		return b
	}
	f.held = hold("held@example.com", kt.Dec10, kt.Slot0, kt.Online, kt.Applicants(t, 1, 1), advHeldKey)
	f.paid = hold("paid@example.com", kt.Dec10, kt.Slot0, kt.Online, kt.Applicants(t, 2, 1), "")
	f.paid, err = e.Pay(bg, f.paid.BillingCode, "ref-paid")
	require.NoError(t, err)
	f.paid2 = hold("paid2@example.com", kt.Dec11, kt.Slot1, kt.Online, kt.Applicants(t, 3, 2), "")
	f.paid2, err = e.Pay(bg, f.paid2.BillingCode, "ref-paid2")
	require.NoError(t, err)
	f.cancelled = hold("cancelled@example.com", kt.Dec10, kt.Slot1, kt.WalkIn, kt.Applicants(t, 5, 1), "")
	f.cancelled, err = e.Cancel(bg, f.cancelled.Code, Reason{})
	require.NoError(t, err)

	f.closedDay, f.closedSlotDay, f.tiny = calendar.NewDate(2026, 12, 14), calendar.NewDate(2026, 12, 15), calendar.NewDate(2026, 12, 17)
	require.NoError(t, e.CloseDay(bg, kt.Office, f.closedDay, "renovasi"))
	require.NoError(t, e.CloseSlot(bg, kt.Office, f.closedSlotDay, kt.Slot1, "listrik padam"))
	require.NoError(t, e.SetCapacity(bg, kt.Office, f.tiny, kt.Slot0, kt.Online, 1))
	f.noQuota = calendar.NewDate(2026, 12, 18)
	require.NoError(t, e.SetCapacity(bg, kt.Office, f.noQuota, kt.Slot0, kt.WalkIn, 0))

	f.absentCode = e.CodeOf(1 << 40)
	f.absentBilling = e.BillingOf(1 << 40)
	return f
}

// twin returns a second engine holding the fixture's bookings, on its
// clock with no sweeper, made with opts otherwise: the durable engine's
// file copied by Backup and opened with opts, or the in-memory engine's
// records replayed into a journal of the twin's own. It is closed when
// the test ends.
func (f *advFixture) twin(t *testing.T, opts Options) *Engine {
	t.Helper()
	opts.Now, opts.NoSweeper = f.clk.Now, true
	var e *Engine
	var err error
	if f.log == nil {
		opts.Durability = NoSync
		e, err = Open(f.backup(t), &opts)
	} else {
		j := &journal.Memory{Keep: true}
		require.NoError(t, f.log.Replay(func(_ uint64, rec []byte) error {
			_, err := j.Append(rec)
			return err
		}))
		e, err = StartWith(&opts, j)
	}
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	f.requireTwin(t, e)
	return e
}

// standby returns a standby engine on the fixture's clock that has
// followed every record of the fixture's engine (through a backup of a
// durable engine's file). It is closed when the test ends.
func (f *advFixture) standby(t *testing.T) *Engine {
	t.Helper()
	e, err := NewStandby(&Options{Now: f.clk.Now, NoSweeper: true})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	if f.log != nil {
		require.NoError(t, e.Follow(f.log.Replay))
		f.requireTwin(t, e)
		return e
	}
	log, err := journal.OpenBolt(f.backup(t), &journal.BoltOptions{ReadOnly: true})
	require.NoError(t, err)
	defer log.Close()
	require.NoError(t, e.Follow(func(yield func(uint64, []byte) error) error { return log.Read(1, yield) }))
	f.requireTwin(t, e)
	return e
}

// requireTwin fails unless e answers every read as the fixture's engine
// does, but for Stats, which say what kind of engine each is.
func (f *advFixture) requireTwin(t *testing.T, e *Engine) {
	t.Helper()
	want, got := captureEngine(t, f.e, f.accounts), captureEngine(t, e, f.accounts)
	require.Equal(t, want.Stats.Bookings, got.Stats.Bookings)
	want.Stats, got.Stats = Stats{}, Stats{}
	require.Equal(t, want, got, "a twin that differs from the fixture")
}

// backup writes a backup of the durable engine's file to a new file of
// the test's, readable by its owner only (as Open demands), and returns
// its path.
func (f *advFixture) backup(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "twin.db")
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	require.NoError(t, err)
	_, err = f.e.Backup(bg, out)
	require.NoError(t, err)
	require.NoError(t, out.Close())
	return path
}

// req returns a valid request for a fresh account and NIK, which would
// be granted.
func (f *advFixture) req(t *testing.T) HoldRequest {
	return HoldRequest{Account: "fresh@example.com", Office: kt.Office, Date: kt.Dec10, Slot: kt.Slot0, Pool: kt.Online, Applicants: kt.Applicants(t, 100, 1)}
}

// advEngineState is everything observable about an engine, and the
// indexes behind it.
type advEngineState struct {
	Bookings map[string]Booking
	Stats    Stats
	Offices  []string
	Configs  map[string]OfficeConfig
	Cells    []quota.CellState
	Months   []advDay
	Slots    []advSlot // the slots of a few days, through Engine.Day
	History  map[string][]string
	NIKs     map[string]string // NIK → its latest booking
	Latest   map[string]string // account → its latest booking
	Idem     map[string]string // account and key → booking
	Counts   Counts
}

func captureEngine(t *testing.T, e *Engine, accounts []string) advEngineState {
	t.Helper()
	st := advEngineState{Bookings: map[string]Booking{}, Configs: map[string]OfficeConfig{}, History: map[string][]string{}}
	// Every booking, by sequence number: the sequence counter bounds them.
	st.Counts = e.Counts()
	for seq := range st.Counts.Seq + 2 {
		b, err := e.Get(bg, e.CodeOf(seq))
		if err == ErrNotFound {
			continue
		}
		require.NoError(t, err)
		byBill, err := e.ByBillingCode(bg, b.BillingCode)
		require.NoError(t, err)
		require.Equal(t, b, byBill)
		st.Bookings[b.Code] = b
	}
	st.Stats = e.Stats()
	st.Stats.LastCommit, st.Stats.LastSync = 0, 0 // durations, not state
	st.Offices = e.Offices()
	for _, code := range st.Offices {
		cfg, err := e.Office(bg, code)
		require.NoError(t, err)
		st.Configs[code] = cfg
		for i := range cfg.Quota.Days {
			d := cfg.Quota.First.AddDays(i)
			for s := range cfg.Quota.Layout.Slots {
				for p := range cfg.Quota.Layout.Pools {
					c, err := e.Cell(code, d, s, p)
					if err != nil {
						t.Fatalf("%s %s slot %d pool %d: %v", code, d, s, p, err)
					}
					st.Cells = append(st.Cells, c)
				}
			}
		}
		for _, m := range []struct {
			year  int
			month time.Month
		}{{2026, time.December}, {2027, time.January}} {
			days, err := e.Month(bg, code, m.year, m.month)
			require.NoError(t, err)
			for _, v := range days {
				d := advDay{Date: v.Date, State: v.State, Reason: v.Reason, Opens: v.Opens.UnixNano(), Left: v.Left, Slots: len(v.Slots)}
				copy(d.Pools[:], v.Pools)
				st.Months = append(st.Months, d)
			}
		}
	}
	for _, d := range []calendar.Date{kt.Dec10, kt.Dec11, calendar.NewDate(2026, 12, 15), calendar.NewDate(2026, 12, 17)} {
		v, err := e.Day(bg, kt.Office, d)
		require.NoError(t, err)
		for _, sv := range v.Slots {
			s := advSlot{Date: d, Slot: sv.Slot, State: sv.State, Reason: sv.Reason}
			copy(s.Pools[:], sv.Pools)
			st.Slots = append(st.Slots, s)
		}
	}
	for _, a := range accounts {
		list, err := e.AccountBookings(bg, a)
		require.NoError(t, err)
		for _, b := range list {
			st.History[a] = append(st.History[a], b.Code)
		}
	}
	st.NIKs, st.Latest, st.Idem = e.Indexes()
	return st
}

// advDay is a quota.DayView made comparable with ==, so that comparing
// two months is cheap.
type advDay struct {
	Date   calendar.Date
	State  calendar.State
	Reason string
	Opens  int64
	Left   int
	Pools  [quota.PoolsPerSlotMax]quota.PoolSeats
	Slots  int
}

// advSlot is a quota.SlotView made comparable with ==.
type advSlot struct {
	Date   calendar.Date
	Slot   int
	State  calendar.State
	Reason string
	Pools  [quota.PoolsPerSlotMax]quota.PoolSeats
}

// requireUnchanged fails unless e looks as it did in before, and is
// consistent.
func requireUnchanged(t *testing.T, e *Engine, before advEngineState, accounts []string) {
	t.Helper()
	after := captureEngine(t, e, accounts)
	// The long slices first, with ==, for speed; then everything, with
	// reflection, which also prints the difference.
	if !slices.Equal(before.Cells, after.Cells) || !slices.Equal(before.Months, after.Months) || !slices.Equal(before.Slots, after.Slots) {
		require.Equal(t, before, after, "a refused call changed the engine")
	}
	before.Cells, before.Months, before.Slots = nil, nil, nil
	after.Cells, after.Months, after.Slots = nil, nil, nil
	require.Equal(t, before, after, "a refused call changed the engine")
	kt.RequireConsistent(t, e)
}

// advCall is one call of a refusal table.
type advCall struct {
	name string
	call func(ctx context.Context, f *advFixture) error
	want error
	// index, when not -1, is the applicant an *ApplicantError must name.
	index int
	// only, when set, is the one engine the case applies to: "memory"
	// or "durable".
	only string
	// on, when set, makes the engine the case asks, as f.e, in place of
	// the fixture's: a twin of it (advFixture.twin, advFixture.standby).
	// The twin is what must not change.
	on func(t *testing.T, f *advFixture) *Engine
}

// runRefusals runs a refusal table on every engine and context it applies
// to, each case on the fixture the cases before it left unchanged.
func runRefusals(t *testing.T, calls []advCall) {
	t.Helper()
	names := map[string]bool{}
	for _, c := range calls {
		require.False(t, names[c.name], "duplicate case %q", c.name)
		names[c.name] = true
	}
	for _, durable := range []bool{false, true} {
		t.Run(fmt.Sprintf("durable=%v", durable), func(t *testing.T) {
			f := newAdvFixture(t, durable)
			accounts := append(slices.Clone(f.accounts), "fresh@example.com", "")
			for _, tt := range calls {
				if tt.only != "" && tt.only != map[bool]string{false: "memory", true: "durable"}[durable] {
					continue // the case is about the other engine
				}
				t.Run(tt.name, func(t *testing.T) {
					asked := f
					if tt.on != nil {
						twin := *f
						twin.e = tt.on(t, f)
						asked = &twin
					}
					before := captureEngine(t, asked.e, accounts)
					var err error
					require.NotPanics(t, func() { err = tt.call(bg, asked) })
					require.ErrorIs(t, err, tt.want)
					if tt.index >= 0 {
						var ae *ApplicantError
						require.ErrorAs(t, err, &ae)
						require.Equal(t, tt.index, ae.Index)
					}
					requireUnchanged(t, asked.e, before, accounts)
				})
			}
		})
	}
}

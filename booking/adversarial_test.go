package booking

// Adversarial input for every exported method of Engine: each refusal must
// be the sentinel the documentation names, must not panic, and must leave
// the engine exactly as it was. "As it was" is checked broadly: every
// booking through Get and ByBillingCode, Stats (with the durable engine's
// commit counters), every office's configuration, every seat counter of
// every cell, the calendar views (Month, and Day with its slots), each
// account's history, and the indexes behind them (each NIK's latest
// booking, each account's latest booking and idempotency keys, the
// sequence and booking counters), then Check.
//
// The refusal table runs on an in-memory engine with a background context
// and with a nil one (which the engine treats as context.Background), and
// on a durable engine with a background context. Since a refusal changes
// nothing, the cases of one run share one fixture: a case that does change
// the engine fails, and may disturb the cases after it. Ended and nil
// contexts and a closed engine are in adversarial_context_test.go; New,
// Open, NIKs and the small value types in adversarial_input_test.go.
//
// Deliberately not covered as refusals:
//   - ErrReapplyTooSoon: it needs the clock moved past an arrival, which
//     the privacy test does (adversarial_privacy_test.go).
//   - ErrTooManyBookings: TestAdversarialBookingsMax, with its own limit.
//   - ErrStorage, ErrLocked and ErrReadOnly: failures of the file, not of
//     input; see open_test.go.
//   - History, Offices, Stats and Check take no input that can be refused;
//     History of hostile account IDs is checked to yield nothing.

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/calendar"
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
// two applicants), a cancelled one, closed days and slots and a changed
// capacity, at two offices.
type advFixture struct {
	t                              *testing.T
	e                              *Engine
	clk                            *clock
	held, paid, paid2, cancelled   Booking
	accounts                       []string
	absentCode, absentBilling      string // decode to sequence numbers never handed out
	closedDay, closedSlotDay, tiny calendar.Date
}

const (
	advHeldKey = "idem-held"
	sby        = "SBY"
)

// newAdvFixture builds the fixture on an in-memory engine, or on a durable
// one in a fresh file.
func newAdvFixture(t *testing.T, durable bool) *advFixture {
	t.Helper()
	f := &advFixture{t: t, clk: &clock{t: t1}}
	opts := Options{Now: f.clk.Now, NoSweeper: true, Durability: NoSync}
	var err error
	if durable {
		f.e, err = Open(filepath.Join(t.TempDir(), "kuota.db"), &opts)
	} else {
		f.e, err = New(&opts)
	}
	require.NoError(t, err)
	t.Cleanup(func() { f.e.Close() })
	e := f.e
	require.NoError(t, e.RegisterOffice(bg, officeConfig(t)))
	other := officeConfig(t)
	other.Code, other.Name = sby, "Kantor Imigrasi Surabaya"
	require.NoError(t, e.RegisterOffice(bg, other))

	hold := func(acc string, d calendar.Date, slot int, pool string, aps []Applicant, key string) Booking {
		b, err := e.Hold(bg, HoldRequest{Account: acc, Office: jkt, Date: d, Slot: slot, Pool: pool, Applicants: aps, IdempotencyKey: key})
		require.NoError(t, err)
		f.accounts = append(f.accounts, acc)
		return b
	}
	f.held = hold("held@example.com", dec10, 0, online, applicants(t, 1, 1), advHeldKey)
	f.paid = hold("paid@example.com", dec10, 0, online, applicants(t, 2, 1), "")
	f.paid, err = e.Pay(bg, f.paid.BillingCode, "ref-paid")
	require.NoError(t, err)
	f.paid2 = hold("paid2@example.com", dec11, 1, online, applicants(t, 3, 2), "")
	f.paid2, err = e.Pay(bg, f.paid2.BillingCode, "ref-paid2")
	require.NoError(t, err)
	f.cancelled = hold("cancelled@example.com", dec10, 1, "walk-in", applicants(t, 5, 1), "")
	f.cancelled, err = e.Cancel(bg, f.cancelled.Code)
	require.NoError(t, err)

	f.closedDay, f.closedSlotDay, f.tiny = calendar.NewDate(2026, 12, 14), calendar.NewDate(2026, 12, 15), calendar.NewDate(2026, 12, 17)
	require.NoError(t, e.CloseDay(bg, jkt, f.closedDay, "renovasi"))
	require.NoError(t, e.CloseSlot(bg, jkt, f.closedSlotDay, 1, "listrik padam"))
	require.NoError(t, e.SetCapacity(bg, jkt, f.tiny, 0, online, 1))

	f.absentCode = formatCode(e.codes.code(1 << 40))
	f.absentBilling = formatBilling(e.codes.billingOf(1 << 40))
	return f
}

// req returns a valid request for a fresh account and NIK, which would
// be granted.
func (f *advFixture) req(t *testing.T) HoldRequest {
	return HoldRequest{Account: "fresh@example.com", Office: jkt, Date: dec10, Slot: 0, Pool: online, Applicants: applicants(t, 100, 1)}
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
	NIKs     map[uint64]string // NIK → its latest booking
	Latest   map[string]string // account → its latest booking
	Idem     map[string]string // account and key → booking
	Seq      uint64
	Total    int64
}

func captureEngine(t *testing.T, e *Engine, accounts []string) advEngineState {
	t.Helper()
	st := advEngineState{Bookings: map[string]Booking{}, Configs: map[string]OfficeConfig{},
		History: map[string][]string{}, NIKs: map[uint64]string{},
		Latest: map[string]string{}, Idem: map[string]string{}}
	// Every booking, by sequence number: the sequence counter bounds them.
	for seq := range e.seq.Load() + 2 {
		ib := e.slab.get(seq)
		if ib == nil {
			continue
		}
		c := formatCode(ib.code)
		b, err := e.Get(bg, c)
		require.NoError(t, err)
		byBill, err := e.ByBillingCode(bg, b.BillingCode)
		require.NoError(t, err)
		require.Equal(t, b, byBill)
		st.Bookings[c] = b
	}
	st.Stats = e.Stats()
	st.Stats.LastCommit, st.Stats.LastSync = 0, 0 // durations, not state
	st.Offices = e.Offices()
	for _, code := range st.Offices {
		cfg, err := e.Office(code)
		require.NoError(t, err)
		st.Configs[code] = cfg
		o := e.lookupOffice(code)
		for i := range cfg.Quota.Days {
			d := cfg.Quota.First.AddDays(i)
			for s := range cfg.Quota.Layout.Slots {
				for p := range cfg.Quota.Layout.Pools {
					c, err := e.ledger.Cell(o.id, d, s, p)
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
	for _, d := range []calendar.Date{dec10, dec11, calendar.NewDate(2026, 12, 15), calendar.NewDate(2026, 12, 17)} {
		v, err := e.Day(bg, jkt, d)
		require.NoError(t, err)
		for _, sv := range v.Slots {
			s := advSlot{Date: d, Slot: sv.Slot, State: sv.State, Reason: sv.Reason}
			copy(s.Pools[:], sv.Pools)
			st.Slots = append(st.Slots, s)
		}
	}
	for _, a := range accounts {
		for b := range e.History(a) {
			st.History[a] = append(st.History[a], b.Code)
		}
	}
	for i := range e.niks.shards {
		sh := &e.niks.shards[i]
		sh.mu.Lock()
		for n, en := range sh.m {
			if en.latest != nil {
				st.NIKs[n.n] = formatCode(en.latest.code)
			}
		}
		sh.mu.Unlock()
	}
	for i := range e.accounts.shards {
		sh := &e.accounts.shards[i]
		sh.mu.Lock()
		for a, b := range sh.latest {
			st.Latest[a] = formatCode(b.code)
		}
		for k, b := range sh.idem {
			st.Idem[k.account+"\x00"+k.key] = formatCode(b.code)
		}
		sh.mu.Unlock()
	}
	st.Seq, st.Total = e.seq.Load(), e.total.Load()
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
	requireConsistent(t, e)
}

// advCall is one call of the refusal table.
type advCall struct {
	name string
	call func(ctx context.Context, f *advFixture) error
	want error
	// index, when not -1, is the applicant an *ApplicantError must name.
	index int
	// only, when set, is the one engine the case applies to: "memory"
	// or "durable".
	only string
}

func TestAdversarialEngineRefusals(t *testing.T) {
	calls := slices.Concat(advHoldCalls(t), advBookingCalls(), advOfficeCalls(t), advViewCalls())
	names := map[string]bool{}
	for _, c := range calls {
		require.False(t, names[c.name], "duplicate case %q", c.name)
		names[c.name] = true
	}
	for _, durable := range []bool{false, true} {
		for _, ctxName := range []string{"background", "nil"} {
			var ctx context.Context
			switch {
			case ctxName == "background":
				ctx = bg
			case durable:
				// A refusal never reaches the store, the one place a
				// durable engine uses its context differently; nil
				// contexts on a durable engine are exercised by
				// TestAdversarialNilContext.
				continue
			}
			t.Run(fmt.Sprintf("durable=%v/ctx=%s", durable, ctxName), func(t *testing.T) {
				f := newAdvFixture(t, durable)
				accounts := append(slices.Clone(f.accounts), "fresh@example.com", "")
				for _, tt := range calls {
					if tt.only != "" && tt.only != map[bool]string{false: "memory", true: "durable"}[durable] {
						continue // the case is about the other engine
					}
					t.Run(tt.name, func(t *testing.T) {
						before := captureEngine(t, f.e, accounts)
						var err error
						require.NotPanics(t, func() { err = tt.call(ctx, f) })
						require.ErrorIs(t, err, tt.want)
						if tt.index >= 0 {
							var ae *ApplicantError
							require.ErrorAs(t, err, &ae)
							require.Equal(t, tt.index, ae.Index)
						}
						requireUnchanged(t, f.e, before, accounts)
					})
				}
			})
		}
	}
}

// advHoldCalls are refusals of Hold, each a valid request with one thing
// wrong, and then several wrong at once to check the documented order.
func advHoldCalls(t *testing.T) []advCall {
	hold := func(name string, want error, index int, change func(f *advFixture, r *HoldRequest)) advCall {
		return advCall{name: "hold " + name, want: want, index: index, call: func(ctx context.Context, f *advFixture) error {
			r := f.req(t)
			change(f, &r)
			_, err := f.e.Hold(ctx, r)
			return err
		}}
	}
	aps := func(first, n int) []Applicant { return applicants(t, first, n) }
	var calls []advCall
	for name, s := range advBadLabels {
		calls = append(calls, hold("account "+name, ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) { r.Account = s }))
		if s != "" {
			calls = append(calls, hold("key "+name, ErrBadIdempotencyKey, -1, func(_ *advFixture, r *HoldRequest) { r.IdempotencyKey = s }))
		}
	}
	calls = append(calls,
		hold("account of 129 bytes", ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) { r.Account = strings.Repeat("a", AccountBytesMax+1) }),
		hold("key of 129 bytes", ErrBadIdempotencyKey, -1, func(_ *advFixture, r *HoldRequest) { r.IdempotencyKey = strings.Repeat("k", IdempotencyKeyBytesMax+1) }),
		hold("account with a line separator", ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) { r.Account = "budi@example.com\u2028forged" }),
		hold("account with a bidi override", ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) { r.Account = "budi@example.com\u202e" }),
	)
	for _, office := range []string{"", "NOPE", "jkt", "JKT\n", "JKT ", " JKT", "JKT\x00", "\xff", advMiB} {
		calls = append(calls, hold(fmt.Sprintf("office %.12q", office), ErrUnknownOffice, -1, func(_ *advFixture, r *HoldRequest) { r.Office = office }))
	}
	for _, tt := range []struct {
		name string
		date calendar.Date
		slot int
		want error
	}{
		{"zero date", calendar.Date{}, 0, ErrBadDate},
		{"year 1", calendar.NewDate(calendar.YearMin, 1, 1), 0, ErrPast},
		{"yesterday", calendar.NewDate(2026, 10, 30), 0, ErrPast},
		{"year 9999", calendar.NewDate(calendar.YearMax, 12, 31), 0, ErrOutsideHorizon},
		{"before the table", calendar.NewDate(2026, 11, 30), 0, ErrOutsideHorizon},
		{"beyond the horizon", calendar.NewDate(2027, 2, 1), 0, ErrOutsideHorizon},
		{"a Saturday", calendar.NewDate(2026, 12, 12), 0, ErrOfficeClosed},
		{"Christmas", dec25, 0, ErrOfficeClosed},
		{"a closed day", calendar.NewDate(2026, 12, 14), 0, ErrOfficeClosed},
		{"a closed slot", calendar.NewDate(2026, 12, 15), 1, ErrOfficeClosed},
		{"not opened", jan04, 0, ErrNotOpened},
		{"slot -1", dec10, -1, ErrUnknownSlot},
		{"slot 2", dec10, 2, ErrUnknownSlot},
		{"slot MaxInt", dec10, math.MaxInt, ErrUnknownSlot},
		{"slot MinInt", dec10, math.MinInt, ErrUnknownSlot},
		{"slot 256", dec10, 256, ErrUnknownSlot},
	} {
		calls = append(calls, hold(tt.name, tt.want, -1, func(_ *advFixture, r *HoldRequest) { r.Date, r.Slot = tt.date, tt.slot }))
	}
	for _, pool := range []string{"", "ONLINE", "online\n", " online", "online\x00", "\xff", advMiB} {
		calls = append(calls, hold(fmt.Sprintf("pool %.12q", pool), ErrUnknownPool, -1, func(_ *advFixture, r *HoldRequest) { r.Pool = pool }))
	}
	bigMeta := func(r *HoldRequest, n, each int) {
		r.Applicants = aps(100, n)
		for i := range r.Applicants {
			r.Applicants[i].Meta = make([]byte, each)
		}
	}
	calls = append(calls,
		hold("nil applicants", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = nil }),
		hold("no applicants", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = []Applicant{} }),
		hold("6 applicants", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = aps(100, ApplicantsMax+1) }),
		hold("1000 applicants", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = make([]Applicant, 1000) }),
		hold("zero NIK", ErrBadNIK, 0, func(_ *advFixture, r *HoldRequest) { r.Applicants = []Applicant{{}} }),
		hold("zero NIK fourth", ErrBadNIK, 3, func(_ *advFixture, r *HoldRequest) { r.Applicants = aps(100, 5); r.Applicants[3].NIK = NIK{} }),
		hold("NIK twice", ErrDuplicateNIK, 1, func(_ *advFixture, r *HoldRequest) { r.Applicants = append(aps(100, 1), aps(100, 1)...) }),
		hold("NIK twice, last", ErrDuplicateNIK, 4, func(_ *advFixture, r *HoldRequest) { r.Applicants = append(aps(100, 4), aps(101, 1)...) }),
		hold("metadata of one MiB", ErrMetadataTooLarge, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants[0].Meta = []byte(advMiB) }),
		hold("metadata one byte over, five applicants", ErrMetadataTooLarge, -1, func(_ *advFixture, r *HoldRequest) {
			bigMeta(r, 5, MetadataBytesMax/5)
			r.Applicants[4].Meta = make([]byte, MetadataBytesMax-4*(MetadataBytesMax/5)+1)
		}),
		hold("metadata one byte over, two applicants", ErrMetadataTooLarge, -1, func(_ *advFixture, r *HoldRequest) { bigMeta(r, 2, MetadataBytesMax/2+1) }),

		// The NIK of a live booking, alone or after fresh ones that must
		// be released again.
		hold("NIK of a hold", ErrNIKBooked, 0, func(f *advFixture, r *HoldRequest) { r.Applicants = []Applicant{{NIK: f.held.Applicants[0].NIK}} }),
		hold("NIK of a paid booking, third", ErrNIKBooked, 2, func(f *advFixture, r *HoldRequest) {
			r.Applicants = append(aps(100, 2), Applicant{NIK: f.paid2.Applicants[1].NIK})
		}),
		hold("more than the walk-in pool", ErrFull, -1, func(_ *advFixture, r *HoldRequest) { r.Pool, r.Applicants = "walk-in", aps(100, 3) }),
		hold("more than is left", ErrFull, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = aps(100, 4) }),
		hold("more than a shrunk cell", ErrFull, -1, func(f *advFixture, r *HoldRequest) { r.Date, r.Applicants = f.tiny, aps(100, 2) }),
		hold("second unpaid hold", ErrTooManyHolds, -1, func(f *advFixture, r *HoldRequest) { r.Account = f.held.Account }),
	)
	// An idempotency key replayed with anything different.
	for _, tt := range []struct {
		name   string
		change func(f *advFixture, r *HoldRequest)
	}{
		{"another slot", func(_ *advFixture, r *HoldRequest) { r.Slot = 1 }},
		{"another date", func(_ *advFixture, r *HoldRequest) { r.Date = dec11 }},
		{"another pool", func(_ *advFixture, r *HoldRequest) { r.Pool = "walk-in" }},
		{"another office", func(_ *advFixture, r *HoldRequest) { r.Office = sby }},
		{"another applicant", func(_ *advFixture, r *HoldRequest) { r.Applicants = aps(100, 1) }},
		{"an extra applicant", func(_ *advFixture, r *HoldRequest) { r.Applicants = append(r.Applicants, aps(100, 1)...) }},
		{"other metadata", func(_ *advFixture, r *HoldRequest) { r.Applicants[0].Meta = []byte(`{"name":"someone else"}`) }},
		{"metadata of one more byte", func(_ *advFixture, r *HoldRequest) { r.Applicants[0].Meta = append(r.Applicants[0].Meta, ' ') }},
		{"no metadata", func(_ *advFixture, r *HoldRequest) { r.Applicants[0].Meta = nil }},
	} {
		calls = append(calls, hold("replayed key with "+tt.name, ErrIdempotencyConflict, -1, func(f *advFixture, r *HoldRequest) {
			*r = HoldRequest{Account: f.held.Account, Office: jkt, Date: dec10, Slot: 0, Pool: online,
				Applicants: cloneApplicants(f.held.Applicants), IdempotencyKey: advHeldKey}
			tt.change(f, r)
		}))
	}
	// Several faults at once: the first in the documented order wins.
	calls = append(calls,
		hold("everything wrong", ErrBadAccount, -1, func(_ *advFixture, r *HoldRequest) {
			*r = HoldRequest{Account: "\n", IdempotencyKey: "\n", Office: "NOPE", Slot: -1, Pool: "x", Applicants: make([]Applicant, 9)}
		}),
		hold("bad key, unknown office", ErrBadIdempotencyKey, -1, func(_ *advFixture, r *HoldRequest) { r.IdempotencyKey, r.Office = "\xff", "NOPE" }),
		hold("unknown office, zero date", ErrUnknownOffice, -1, func(_ *advFixture, r *HoldRequest) { r.Office, r.Date = "NOPE", calendar.Date{} }),
		hold("zero date, bad slot", ErrBadDate, -1, func(_ *advFixture, r *HoldRequest) { r.Date, r.Slot = calendar.Date{}, 9 }),
		hold("bad slot, bad pool", ErrUnknownSlot, -1, func(_ *advFixture, r *HoldRequest) { r.Slot, r.Pool = 9, "x" }),
		hold("bad pool, no applicants", ErrUnknownPool, -1, func(_ *advFixture, r *HoldRequest) { r.Pool, r.Applicants = "x", nil }),
		hold("6 applicants with zero NIKs", ErrApplicantCount, -1, func(_ *advFixture, r *HoldRequest) { r.Applicants = make([]Applicant, 6) }),
		hold("zero NIK, metadata too large", ErrBadNIK, 0, func(_ *advFixture, r *HoldRequest) { r.Applicants = []Applicant{{Meta: []byte(advMiB)}} }),
		hold("metadata too large, replayed key", ErrMetadataTooLarge, -1, func(f *advFixture, r *HoldRequest) {
			r.Account, r.IdempotencyKey, r.Applicants[0].Meta = f.held.Account, advHeldKey, []byte(advMiB)
		}),
		hold("replayed key, too many holds", ErrIdempotencyConflict, -1, func(f *advFixture, r *HoldRequest) { r.Account, r.IdempotencyKey = f.held.Account, advHeldKey }),
		hold("too many holds, full", ErrTooManyHolds, -1, func(f *advFixture, r *HoldRequest) { r.Account, r.Applicants = f.held.Account, aps(100, 5) }),
		hold("a Saturday in the past", ErrPast, -1, func(_ *advFixture, r *HoldRequest) { r.Date = calendar.NewDate(2026, 10, 31) }),
		hold("full, NIK booked", ErrFull, -1, func(f *advFixture, r *HoldRequest) {
			r.Applicants = append(aps(100, 3), Applicant{NIK: f.held.Applicants[0].NIK})
		}),
	)
	return calls
}

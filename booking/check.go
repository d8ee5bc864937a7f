package booking

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/kuota/kuota/calendar"
)

// Violation is one broken invariant found by Check.
type Violation struct {
	Office  string        // office code, when the violation is about a cell or booking
	Date    calendar.Date // the cell's date, when it is about a cell
	Slot    int
	Pool    int
	Code    string // booking code, when it is about one booking
	Problem string
}

func (v Violation) String() string {
	switch {
	case v.Code != "":
		return fmt.Sprintf("booking %s: %s", v.Code, v.Problem)
	case v.Office != "":
		return fmt.Sprintf("%s %s slot %d pool %d: %s", v.Office, v.Date, v.Slot, v.Pool, v.Problem)
	}
	return v.Problem
}

// Check sweeps every invariant the engine keeps and returns each violation
// it finds, or nil:
//
//   - for every cell of every office, the seats taken by Held, Paid and
//     CheckedIn bookings plus the seats left equal the capacity;
//   - every booking takes seats only in a cell that exists, or on a day
//     that has left the table;
//   - every booking and billing code finds its own booking;
//   - no NIK has two live bookings (held, or paid and not past the date),
//     and the NIK index finds each NIK's live booking;
//   - the per-state counts in Stats match the bookings.
//
// Check reads every booking and cell: it costs about a second per million
// bookings. Changes made while it runs can show up as passing violations,
// so run it on a quiet engine and run it again before acting on what it
// reports. Open does not run it: recovery replays every record through
// the same apply path as live changes, which refuses a journal that
// would break these invariants (ErrInconsistent). Operators can run it
// from the command line with `kuota check`.
func (e *Engine) Check(ctx context.Context) ([]Violation, error) {
	if err := e.begin(ctx); err != nil {
		return nil, err
	}
	return e.m.check(ctx, e.nowNs())
}

// checkEvery is how many bookings Check reads between looks at its
// context: a few milliseconds of work.
const checkEvery = 1 << 14

func (m *machine) check(ctx context.Context, nowNs int64) ([]Violation, error) {
	type cellKey struct {
		office     *office
		date       calendar.Date
		slot, pool uint8
	}
	taken := map[cellKey]int{}
	var states [NoShow + 1]int64
	out := slices.Clone(m.violations)
	live := map[NIK]*booking{}

	var seen int
	var err error
	m.slab.all(func(b *booking) {
		if seen++; seen%checkEvery == 0 && err == nil {
			err = ctx.Err()
		}
		if err != nil {
			return
		}
		s := b.state()
		bcode, bbilling := b.codes()
		code := formatCode(bcode)
		states[s.state]++
		byCode, _ := m.byCode(bcode)
		byBilling, _ := m.byBilling(bbilling)
		if byCode != b || byBilling != b {
			out = append(out, Violation{Code: code, Problem: "code or billing code leads to another booking"})
		}
		if s.state.holdsSeats() && !m.unseated[b.seq] {
			taken[cellKey{b.office(), s.date, s.slot, s.pool}] += b.seats()
		}
		if b.blocksNIK(m.asOf(b, s, nowNs), nowNs, m.loc(b.office())) {
			for _, n := range b.niks() {
				if other, dup := live[n]; dup {
					out = append(out, Violation{Code: code, Problem: "an applicant's NIK also has live booking " + other.codeString()})
				}
				live[n] = b
			}
		}
	})
	if err != nil {
		return nil, err
	}
	// Each live booking's NIKs lead the index to it: the NIK rule is
	// judged from there (nikIndex.claim).
	for _, n := range slices.SortedFunc(maps.Keys(live), func(a, b NIK) int { return cmp.Compare(a.n, b.n) }) {
		if b := live[n]; m.niks.latest(n) != b {
			out = append(out, Violation{Code: b.codeString(), Problem: "an applicant's NIK leads the NIK index elsewhere"})
		}
	}
	for st := Held; st <= NoShow; st++ {
		if got := m.states[st].Load(); got != states[st] {
			out = append(out, Violation{Problem: fmt.Sprintf("%d bookings are %v, the count says %d", states[st], st, got)})
		}
	}

	// Every cell of every office: bookings' seats against the counters.
	var firsts map[*office]calendar.Date
	if p := m.offices.Load(); p != nil {
		firsts = make(map[*office]calendar.Date, len(*p))
		for _, code := range slices.Sorted(maps.Keys(*p)) {
			o := (*p)[code]
			cfg, err := m.ledger.Config(o.id)
			if err != nil {
				continue
			}
			firsts[o] = cfg.First
			for d := range cfg.Days {
				date := cfg.First.AddDays(d)
				for s := range cfg.Layout.Slots {
					for p := range cfg.Layout.Pools {
						k := cellKey{o, date, uint8(s), uint8(p)}
						c, err := m.ledger.Cell(o.id, date, s, p)
						if err != nil {
							continue // the window moved under us
						}
						if c.Taken() != taken[k] {
							out = append(out, Violation{Office: code, Date: date, Slot: s, Pool: p,
								Problem: fmt.Sprintf("bookings take %d seats, the counter says %d of %d taken", taken[k], c.Taken(), c.Capacity)})
						}
						delete(taken, k)
					}
				}
			}
		}
	}
	// What is left took seats outside every table: fine for a day that
	// has gone by and left the window, wrong for any other.
	for k, n := range taken {
		if k.date.Before(firsts[k.office]) {
			continue
		}
		out = append(out, Violation{Office: k.office.code, Date: k.date, Slot: int(k.slot), Pool: int(k.pool),
			Problem: fmt.Sprintf("bookings take %d seats in a cell the office does not have", n)})
	}
	slices.SortFunc(out, func(a, b Violation) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.String(), b.String()))
	})
	return out, ctx.Err()
}

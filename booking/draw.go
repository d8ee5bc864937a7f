package booking

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/calendar"
)

// The opening draw. Without it, the first requests after a release
// instant win by network luck, which scripts exploit. An office with an
// OpeningWindow W collects the holds that arrive in [release, release+W)
// for the days that release opens, gives each a ticket (its place in the
// order of arrival, from 1), and at release+W admits them in a uniformly
// random order: each through the ordinary hold path, so every rule and
// every seat count holds as for any hold. After the window, first come,
// first served. One account, and one NIK, enters a draw once.
//
// The order is drawn from a seed fixed before the window: the engine
// derives it from its secret code keys, the office's code and the release
// instant, and publishes its SHA-256 (the commitment) from the start
// (Engine.Draw); once drawn, Draw reveals the seed and the order, and
// VerifyDraw recomputes the order from them, so anyone can audit it. The
// seed cannot be chosen after the entrants are known; the engine's
// operator, who could compute it in advance, is the one party the
// commitment does not bind (a public randomness beacon would).
//
// The shuffle, to be reproducible by anyone: tickets 1..n in order;
// ChaCha8 (math/rand/v2, C2SP's ChaCha8rand) seeded with the seed; for i
// from n−1 down to 1, j uniform in [0, i] by rejection sampling of
// Uint64 (x is rejected while x ≥ 2⁶⁴ − 2⁶⁴ mod (i+1), then j = x mod
// (i+1)), then tickets i and j swap.
//
// Nothing of a draw is durable: a restart during its window loses its
// entrants, whose calls fail; they retry, first come first served.

// Limits of the opening draw.
const (
	// OpeningWindowMax bounds OfficeConfig.OpeningWindow: entrants wait
	// the whole window for their answer.
	OpeningWindowMax = 10 * time.Minute
	// DrawEntrantsMax bounds the entrants of one draw, about 200 bytes
	// each and their metadata while they wait (a drawn draw keeps only its
	// order): more than any office's month of seats has applicants.
	DrawEntrantsMax = 200_000
	// DrawsKeptMax bounds the drawn draws the engine remembers for Draw.
	DrawsKeptMax = 256
)

// Draw is an opening draw as Engine.Draw reports it.
type Draw struct {
	Office        string
	Opens, Closes time.Time // the window, in the office's time zone
	// Commitment is the SHA-256 of Seed, known from the start.
	Commitment [32]byte
	// Drawn reports that the draw has run (or that its window closed
	// with nobody in it); then Seed is revealed and Order is the
	// tickets in the order admitted.
	Drawn    bool
	Seed     []byte
	Entrants int // tickets handed out
	Order    []int
}

// DrawError is a hold's refusal after its opening draw: its ticket, its
// place in the draw (1 is admitted first) among Entrants, and why (such
// as quota.ErrFull).
type DrawError struct {
	Ticket, Place, Entrants int
	Err                     error
}

func (e *DrawError) Error() string {
	return fmt.Sprintf("booking: opening draw: place %d of %d: %v", e.Place, e.Entrants, e.Err)
}

func (e *DrawError) Unwrap() error { return e.Err }

type drawKey struct {
	office *office
	opens  int64 // Unix ns
}

// draws are the engine's opening draws: pending ones (collecting, or
// being drawn) by key, drawn ones kept for Draw, at most DrawsKeptMax.
type draws struct {
	mu      sync.Mutex // guards pending, drawn, kept and every draw's fields
	pending map[drawKey]*draw
	drawn   map[drawKey]*draw
	kept    []drawKey // drawn, oldest first
	// active counts the pending draws, so that Hold asks join while one
	// is pending even at an office whose window was set to 0 since.
	active atomic.Int32
}

type draw struct {
	key      drawKey
	closes   int64 // Unix ns
	seed     [32]byte
	entrants []*entrant // by ticket − 1; nil once drawn (count keeps the number)
	count    int
	accounts map[string]bool
	niks     map[NIK]bool
	running  bool          // admitting its entrants
	drawn    bool          // every entrant answered
	finished chan struct{} // closed once drawn
	order    []int
}

// entrant is one hold in a draw. The drawing goroutine fills the result
// and closes done.
type entrant struct {
	ticket     int
	req        HoldRequest // its applicants the entrant's own copy
	slot, pool uint8
	// withdrawn: its caller left before its admission began; admitting:
	// its admission began, and its caller waits for the answer. Guarded by
	// draws.mu.
	withdrawn, admitting bool
	done                 chan struct{}
	place                int
	b                    *booking
	lsn                  uint64
	err                  error
}

// drawSeed is the seed of the draw of office o's release at opensNs.
func (m *machine) drawSeed(o *office, opensNs int64) ([32]byte, bool) {
	cd := m.codes.Load()
	if cd == nil {
		return [32]byte{}, false
	}
	mac := hmac.New(sha256.New, cd.draw[:])
	mac.Write([]byte(o.code))
	mac.Write(binary.BigEndian.AppendUint64(nil, uint64(opensNs)))
	var seed [32]byte
	mac.Sum(seed[:0])
	return seed, true
}

// drawOrder returns tickets 1..n in the order a draw with seed admits
// them (see the shuffle above).
func drawOrder(seed [32]byte, n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i + 1
	}
	src := rand.NewChaCha8(seed)
	for i := n - 1; i > 0; i-- {
		bound := uint64(i + 1)
		limit := math.MaxUint64 - (math.MaxUint64%bound+1)%bound // 2⁶⁴ − 2⁶⁴ mod bound, less one
		x := src.Uint64()
		for x > limit {
			x = src.Uint64()
		}
		j := int(x % bound)
		order[i], order[j] = order[j], order[i]
	}
	return order
}

// VerifyDraw checks a drawn Draw: its seed matches the commitment, and its
// order is the shuffle of its entrants by that seed. It returns nil or
// what does not hold.
func VerifyDraw(d Draw) error {
	switch {
	case !d.Drawn:
		return fmt.Errorf("booking: the draw has not run")
	case len(d.Seed) != 32 || sha256.Sum256(d.Seed) != d.Commitment:
		return fmt.Errorf("booking: the seed does not match the commitment")
	case d.Entrants < 0 || d.Entrants > DrawEntrantsMax || len(d.Order) != d.Entrants:
		return fmt.Errorf("booking: %d entrants and an order of %d tickets", d.Entrants, len(d.Order))
	case !slices.Equal(drawOrder([32]byte(d.Seed), d.Entrants), d.Order):
		return fmt.Errorf("booking: the order is not the seed's shuffle of %d tickets", d.Entrants)
	}
	return nil
}

// join enters a hold in its office's opening draw, when it arrives in a
// draw's window; nil means it goes the ordinary way. A hold that arrives
// after a window whose draw has not finished waits for it (running it if
// nobody has), so that no late hold goes ahead of the entrants.
func (e *Engine) join(o *office, req *HoldRequest, slot, pool uint8, nowNs int64) (*entrant, *draw, error) {
	opens, ok := e.m.ledger.ReleaseAt(o.id, req.Date)
	if !ok || nowNs < opens.UnixNano() {
		return nil, nil, nil
	}
	key := drawKey{o, opens.UnixNano()}
	ds := &e.draws
	ds.mu.Lock()
	if ds.drawn[key] != nil {
		ds.mu.Unlock()
		return nil, nil, nil // drawn: first come, first served
	}
	d := ds.pending[key]
	closes := key.opens + o.window.Load()
	if d != nil {
		closes = d.closes
	}
	if d == nil && closes == key.opens {
		ds.mu.Unlock()
		return nil, nil, nil // no window
	}
	if nowNs >= closes {
		ds.mu.Unlock()
		if d != nil {
			e.runDraw(d)
		}
		return nil, nil, nil
	}
	defer ds.mu.Unlock()
	if d == nil {
		seed, ok := e.m.drawSeed(o, key.opens)
		if !ok {
			return nil, nil, nil
		}
		d = &draw{key: key, closes: closes, seed: seed, accounts: map[string]bool{}, niks: map[NIK]bool{}, finished: make(chan struct{})}
		if ds.pending == nil {
			ds.pending = map[drawKey]*draw{}
		}
		ds.pending[key] = d
		ds.active.Add(1)
		e.wakeSweeper(d.closes)
	}
	if d.running {
		return nil, nil, fmt.Errorf("%w: its window has closed", ErrDrawPending) // a stale clock reading
	}
	if d.accounts[req.Account] {
		return nil, nil, fmt.Errorf("%w: the account", ErrInDraw)
	}
	for i, a := range req.Applicants {
		if d.niks[a.NIK] {
			return nil, nil, &ApplicantError{Index: i, Err: ErrInDraw}
		}
	}
	if len(d.entrants) >= DrawEntrantsMax {
		return nil, nil, fmt.Errorf("%w: limit %d", ErrDrawFull, DrawEntrantsMax)
	}
	en := &entrant{ticket: len(d.entrants) + 1, req: cloneRequest(req), slot: slot, pool: pool, done: make(chan struct{})}
	d.entrants = append(d.entrants, en)
	d.count = len(d.entrants)
	d.accounts[en.req.Account] = true
	for _, a := range req.Applicants {
		d.niks[a.NIK] = true
	}
	return en, d, nil
}

// await waits for en's draw, fills *v and returns the error that Hold
// returns. A caller that leaves (ctx, Close) before its admission began
// withdraws: its place is kept and skipped, and nothing is made. One whose
// admission began waits for it: the hold is made or refused, and settle
// says so as for any hold (ctx.Err() while the disk has not confirmed it).
func (e *Engine) await(ctx context.Context, v *Booking, en *entrant, d *draw) error {
	select {
	case <-en.done:
	case <-ctx.Done():
		if e.withdraw(en) {
			return ctx.Err()
		}
		<-en.done
	case <-e.stop:
		if e.withdraw(en) {
			return ErrEngineClosed
		}
		<-en.done
	}
	if en.err != nil {
		return &DrawError{Ticket: en.ticket, Place: en.place, Entrants: d.count, Err: en.err}
	}
	err := e.settle(ctx, v, en.b, en.lsn, e.nowNs()) // after the draw: the request's instant is long gone
	v.DrawTicket, v.DrawPlace, v.DrawEntrants = en.ticket, en.place, d.count
	return err
}

// withdraw takes en out of its draw unless its admission began, and
// reports whether it did.
func (e *Engine) withdraw(en *entrant) bool {
	e.draws.mu.Lock()
	defer e.draws.mu.Unlock()
	if en.admitting {
		return false
	}
	en.withdrawn = true
	return true
}

// runDraw admits d's entrants in the seed's order, each through the
// ordinary hold path at the engine's clock, and returns once every one
// has its answer; a second caller waits for the first. Once the engine is
// closing, those not yet admitted are refused with ErrEngineClosed.
func (e *Engine) runDraw(d *draw) {
	ds := &e.draws
	ds.mu.Lock()
	if d.running || d.drawn {
		ds.mu.Unlock()
		<-d.finished
		return
	}
	d.running = true
	d.order = drawOrder(d.seed, len(d.entrants))
	ds.mu.Unlock()
	for place, ticket := range d.order {
		en := d.entrants[ticket-1]
		ds.mu.Lock()
		en.place = place + 1
		skip := en.withdrawn
		en.admitting = !skip
		ds.mu.Unlock()
		switch {
		case skip:
		case e.closed.Load():
			en.err = ErrEngineClosed
		default:
			en.b, en.lsn, en.err = e.holdNow(&en.req, d.key.office, en.slot, en.pool, e.nowNs())
		}
		close(en.done)
	}
	ds.mu.Lock()
	d.drawn, d.running = true, false
	d.entrants, d.accounts, d.niks = nil, nil, nil // the answers went to the callers
	delete(ds.pending, d.key)
	if ds.drawn == nil {
		ds.drawn = map[drawKey]*draw{}
	}
	ds.drawn[d.key] = d
	ds.kept = append(ds.kept, d.key)
	if len(ds.kept) > DrawsKeptMax {
		delete(ds.drawn, ds.kept[0])
		ds.kept = slices.Delete(ds.kept, 0, 1)
	}
	ds.mu.Unlock()
	ds.active.Add(-1)
	close(d.finished)
}

// RunDueDraws runs the opening draws whose window has closed by the
// engine's clock, and returns how many it ran. The sweeper does this on
// time; an engine without one (Options.NoSweeper) needs it called, as
// ExpireDue, or a draw's entrants wait until a hold arriving after the
// window runs it.
func (e *Engine) RunDueDraws(ctx context.Context) (int, error) {
	if err := e.beginWrite(ctx); err != nil {
		return 0, err
	}
	return e.runDueDraws(e.nowNs()), nil
}

func (e *Engine) runDueDraws(nowNs int64) int {
	var due []*draw
	e.draws.mu.Lock()
	for _, d := range e.draws.pending {
		if nowNs >= d.closes && !d.running { // a running one is someone else's
			due = append(due, d)
		}
	}
	e.draws.mu.Unlock()
	slices.SortFunc(due, func(a, b *draw) int { return int(a.closes - b.closes) })
	for _, d := range due {
		e.runDraw(d)
	}
	return len(due)
}

// nextDrawAt returns when the earliest pending draw closes, MaxInt64 when
// none is pending.
func (e *Engine) nextDrawAt() int64 {
	next := int64(math.MaxInt64)
	e.draws.mu.Lock()
	for _, d := range e.draws.pending {
		if !d.running {
			next = min(next, d.closes)
		}
	}
	e.draws.mu.Unlock()
	return next
}

// Draw reports the opening draw of office officeCode's release at opens
// (a DayView's Opens): its commitment at any time, its entrants while it
// collects them, and its seed and order once drawn. An office without an
// opening window, an instant at which none of its days is released, and a
// standby that has not followed the code keys yet answer ErrNoDraw. A
// draw drawn more than DrawsKeptMax draws ago is reported drawn with its
// seed, and without its entrants and order (VerifyDraw then checks only
// the seed).
func (e *Engine) Draw(ctx context.Context, officeCode string, opens time.Time) (Draw, error) {
	if err := e.begin(ctx); err != nil {
		return Draw{}, err
	}
	o := e.m.lookupOffice(officeCode)
	if o == nil {
		return Draw{}, ErrUnknownOffice
	}
	w := time.Duration(o.window.Load())
	if w == 0 {
		return Draw{}, ErrNoDraw
	}
	if !e.m.ledger.ReleasesAt(o.id, opens) {
		return Draw{}, fmt.Errorf("%w: no day of %s is released at %v", ErrNoDraw, o.code, opens)
	}
	key := drawKey{o, opens.UnixNano()}
	seed, ok := e.m.drawSeed(o, key.opens)
	if !ok {
		return Draw{}, ErrNoDraw // a standby before its first record
	}
	loc := e.m.loc(o)
	out := Draw{Office: o.code, Opens: opens.In(loc), Closes: opens.Add(w).In(loc), Commitment: sha256.Sum256(seed[:])}
	e.draws.mu.Lock()
	d := e.draws.drawn[key]
	if d == nil {
		d = e.draws.pending[key]
	}
	if d != nil {
		out.Entrants, out.Drawn = d.count, d.drawn
		if d.drawn {
			out.Order = slices.Clone(d.order)
		}
	}
	e.draws.mu.Unlock()
	if out.Drawn || (d == nil && e.nowNs() >= key.opens+int64(w)) {
		out.Drawn, out.Seed = true, seed[:]
	}
	return out, nil
}

// drawPending reports whether day d of office o opens with a draw that
// has not finished at nowNs: its window is open, or its draw pending. A
// reschedule may not move into it ahead of the entrants.
func (e *Engine) drawPending(o *office, d calendar.Date, nowNs int64) bool {
	if o.window.Load() == 0 && e.draws.active.Load() == 0 {
		return false
	}
	opens, ok := e.m.ledger.ReleaseAt(o.id, d)
	if !ok || nowNs < opens.UnixNano() {
		return false
	}
	key := drawKey{o, opens.UnixNano()}
	e.draws.mu.Lock()
	defer e.draws.mu.Unlock()
	if e.draws.pending[key] != nil {
		return true
	}
	return e.draws.drawn[key] == nil && nowNs < key.opens+o.window.Load()
}

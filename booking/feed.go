package booking

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/quota"
)

// FeedEvent is one change of a booking's state, as the event feed
// delivers it (see [Engine.Feed]): what a service needs to tell someone — an SMS
// when a hold lapses, a reminder once paid — and nothing that identifies a
// person: no NIK, no account, no metadata, no family card.
type FeedEvent struct {
	// LSN is the change's place in the journal: events come in LSN order,
	// and an LSN is a cursor to resume from.
	LSN    uint64
	Code   string // the booking's code
	Office string // the office's code
	// From is the state the change left, zero for a new booking (a hold,
	// or a booking imported as it stood); To the state it led to. A
	// reschedule goes from Paid to Paid.
	From, To State
	// Date and Slot (its start, "08:00") are the booking's after the
	// change: a reschedule's new ones.
	Date calendar.Date
	Slot string
	// At is when the change happened, by the engine's clock, in the
	// office's time zone.
	At time.Time
}

func (ev FeedEvent) String() string {
	return fmt.Sprintf("%d %s %s %v→%v %s %s %s", ev.LSN, ev.Office, ev.Code, ev.From, ev.To,
		ev.Date, ev.Slot, ev.At.Format(time.RFC3339))
}

// FeedBatchMax bounds the journal records one call to Engine.Feed
// looks at, so that a consumer far behind gets its events in pieces.
const FeedBatchMax = 1024

// Feed appends to dst the events of the changes committed after the
// LSN after, in commit order, each only once it is durable, and returns
// dst and the cursor to pass next (the last LSN it looked at: records that
// are no booking's change, such as an office's registration, have no
// event). It waits until a change comes after after, or ctx ends
// (ctx.Err()), or the engine is closed (ErrEngineClosed); it looks at
// FeedBatchMax records at most. Pass 0 to start at the journal's first
// record, or [Engine.LatestLSN] to start from now.
//
// Backpressure: the engine never waits for a consumer. It keeps the events
// of the latest Options.FeedBuffered records (DefaultFeedBuffered); a
// consumer further behind than that gets an *FeedLostError
// (ErrFeedLost) naming the cursor from which events are kept. Open
// refills the buffer from the journal, so a consumer that saves its
// cursor after handling each batch goes on after a restart of the engine
// with nothing lost or repeated beyond its last batch (at least once). A
// standby engine delivers the events of the records it follows.
//
// Feed is safe for concurrent use by any number of consumers, each with
// its own cursor.
func (e *Engine) Feed(ctx context.Context, after uint64, dst []FeedEvent) ([]FeedEvent, uint64, error) {
	if err := e.begin(ctx); err != nil {
		return dst, after, err
	}
	f := e.m.feed
	high, err := f.next(ctx, after)
	if err != nil {
		return dst, after, err
	}
	size := uint64(len(f.ring))
	if high-after > size {
		return dst, after, &FeedLostError{After: after, Resume: high - size}
	}
	last := min(high, after+FeedBatchMax)
	if last > f.replayed.Load() {
		if err := e.wait(ctx, last); err != nil {
			return dst, after, err
		}
	}
	start := len(dst) // an error hands back none of this batch
	for lsn := after + 1; lsn <= last; lsn++ {
		v, ok, err := f.get(ctx, lsn)
		if err != nil {
			return dst[:start], after, err
		}
		if !ok {
			return dst[:start], after, &FeedLostError{After: after, Resume: f.high.Load() - size}
		}
		if v.seq != 0 {
			dst = append(dst, e.m.event(lsn, v))
		}
	}
	return dst, last, nil
}

// LatestLSN returns the LSN of the latest change the engine applied: the
// cursor from which Feed delivers what happens next.
func (e *Engine) LatestLSN() uint64 { return e.m.feed.high.Load() }

// event turns a slot's content into a FeedEvent.
func (m *machine) event(lsn uint64, v eventValue) FeedEvent {
	date := calendar.DateFromEpochDays(int64(v.cell >> 24))
	slot := uint8(v.cell >> 16)
	o := m.officeByID(v.office) // offices are never removed
	return FeedEvent{
		LSN:    lsn,
		Code:   formatCode(m.codes.Load().code(v.seq)),
		Office: o.code,
		From:   State(v.cell >> 8),
		To:     State(v.cell),
		Date:   date,
		Slot:   quota.FormatClock(m.slot(o, slot).Start),
		At:     unixns.Time(v.at).In(m.loc(o)),
	}
}

// The feed: every change the state machine commits writes its event into
// a ring at the index of its LSN, with no lock (the reservation path gains
// a compare-and-swap and four atomic stores to a cache line of the slot's
// own); a record
// that is not a booking's change (an office, an override, the code keys,
// an archived booking) writes an empty one, so that a reader knows every
// LSN up to the last has been seen. A reader copies events out with a
// sequence check, and waits for the journal to make them durable before
// handing them over. Replay refills the ring from the journal, so a
// consumer that keeps its cursor goes on after a restart.

// eventSlot is one entry of the ring. lsn is slotBusy while a writer
// fills it: a reader takes the fields only between two loads of the same
// lsn. It holds no pointer (the office is its number, as in a booking),
// so that the collector never reads the ring: a megabyte or more that a
// mark phase would otherwise walk, and, in a new engine, whose untouched
// pages it would map to the kernel's zero page — each then copied, and
// every CPU's TLB flushed, at its first write (see write).
//
// A slot fills a cache line: consecutive LSNs are written by whichever
// cores made the changes, and two 40-byte slots sharing a line sent it
// from core to core at every change (Hold+Pay 1.04× once apart,
// bench/README.md). The ring is page-aligned, as Go allocates a large
// object, so slot i is line i.
type eventSlot struct {
	lsn atomic.Uint64
	// who is the booking's office<<eventOfficeShift | its number; 0: no
	// event at this LSN. The office is its number in the ledger
	// (machine.officeByID). One word for the two, as every atomic store
	// is an exchange on amd64, a full barrier, and a hold and its payment
	// write the ring twice.
	who  atomic.Uint64
	at   atomic.Int64
	cell atomic.Uint64 // epoch days<<24 | slot<<16 | from<<8 | to
	_    [eventSlotBytes - 4*8]byte
}

// eventOfficeShift places an office's number above every booking number
// in eventSlot.who; every office's number fits above it.
const eventOfficeShift = 48

var (
	_ = [1]struct{}{}[bookingNumbersMax>>eventOfficeShift]
	_ = [1]struct{}{}[quota.OfficesMax>>(64-eventOfficeShift)]
)

// eventSlotBytes is a slot's size, a cache line's.
const eventSlotBytes = 64

// feed is the ring of the latest events.
type feed struct {
	ring []eventSlot // a power of two long
	mask uint64
	// high is the highest LSN published; replayed the highest published
	// by replay, durable by definition (the journal gave it to us).
	high     atomic.Uint64
	replayed atomic.Uint64

	waiters atomic.Int32 // readers waiting for a new LSN
	closed  atomic.Bool
	mu      sync.Mutex // guards wake
	wake    chan struct{}
}

func newFeed(size int) *feed {
	n := 1
	for n < size {
		n <<= 1
	}
	return &feed{ring: make([]eventSlot, n), mask: uint64(n - 1), wake: make(chan struct{})}
}

// slotBusy marks a slot a writer is filling; an empty slot holds 0,
// older than any LSN.
const slotBusy = math.MaxUint64

// write fills the slot of LSN lsn with the event of booking b going from
// state from (nil for a new booking) to to; b nil writes an empty one.
// Writers of different LSNs share a slot only once the ring has wrapped,
// and may get there in either order: a writer claims the slot from an
// older LSN only, so the later record keeps it, and a reader of the
// earlier one learns it is lost.
//
// In the ring's first lap a slot is empty and its page may be untouched
// since the ring was made: write claims it with a compare-and-swap, a
// write, before reading it. Read first, the page would be mapped to the
// kernel's zero page and the write after it would copy the page and flush
// every CPU's TLB, an interrupt to each: in a new engine's rush, before
// this, 6% of the CPU to the sell-out (bench/README.md).
func (f *feed) write(lsn uint64, b *booking, from, to *snapshot) {
	s := &f.ring[lsn&f.mask]
	claimed := lsn <= f.mask && s.lsn.CompareAndSwap(0, slotBusy)
	for spins := 0; !claimed; spins++ {
		cur := s.lsn.Load()
		if cur != slotBusy {
			if cur > lsn {
				return // a later record has the slot
			}
			claimed = s.lsn.CompareAndSwap(cur, slotBusy)
		}
		if spins > 64 {
			runtime.Gosched()
		}
	}
	if b == nil {
		s.who.Store(0)
	} else {
		var was State
		if from != nil {
			was = from.state
		}
		s.who.Store(uint64(b.officeID)<<eventOfficeShift | b.seq)
		s.at.Store(to.at)
		s.cell.Store(uint64(to.date.EpochDays())<<24 | uint64(to.slot)<<16 | uint64(was)<<8 | uint64(to.state))
	}
	s.lsn.Store(lsn)
}

// written reports whether the slot of lsn holds it.
func (f *feed) written(lsn uint64) bool { return f.ring[lsn&f.mask].lsn.Load() == lsn }

// publish makes LSNs up to lsn visible to readers, and wakes those that
// wait. Live changes publish in any order: a reader that finds a slot not
// yet written waits for it (get).
func (f *feed) publish(lsn uint64) {
	for {
		h := f.high.Load()
		if lsn <= h || f.high.CompareAndSwap(h, lsn) {
			break
		}
	}
	if f.waiters.Load() > 0 {
		f.mu.Lock()
		close(f.wake)
		f.wake = make(chan struct{})
		f.mu.Unlock()
	}
}

// close wakes every reader for good.
func (f *feed) close() {
	f.closed.Store(true)
	f.mu.Lock()
	close(f.wake)
	f.wake = make(chan struct{})
	f.mu.Unlock()
}

// eventValue is a slot's content, copied out.
type eventValue struct {
	seq    uint64 // 0: no event
	office int    // its number in the ledger
	at     int64
	cell   uint64
}

// get copies out the event at lsn. ok is false when the slot holds a later
// LSN: the ring wrapped and the event is lost. A slot whose writer has its
// LSN and has not reached the ring yet, or is filling it, is waited for:
// microseconds, since the writer is between the journal's Append and the
// ring; ctx and Close end the wait.
func (f *feed) get(ctx context.Context, lsn uint64) (v eventValue, ok bool, err error) {
	slot := &f.ring[lsn&f.mask]
	for spins := 0; ; spins++ {
		got := slot.lsn.Load()
		if got == lsn {
			who, at, cell := slot.who.Load(), slot.at.Load(), slot.cell.Load()
			if slot.lsn.Load() == lsn {
				return eventValue{who & (1<<eventOfficeShift - 1), int(who >> eventOfficeShift), at, cell}, true, nil
			}
			continue
		}
		if got > lsn && got != slotBusy {
			return v, false, nil
		}
		if spins > 64 {
			if err := ctx.Err(); err != nil {
				return v, false, err
			}
			if f.closed.Load() {
				return v, false, ErrEngineClosed
			}
			runtime.Gosched()
		}
	}
}

// next returns the highest published LSN once it is beyond after, waiting
// for one; ctx.Err() if ctx ends first, ErrEngineClosed once closed.
func (f *feed) next(ctx context.Context, after uint64) (uint64, error) {
	for {
		if f.closed.Load() {
			return 0, ErrEngineClosed
		}
		if h := f.high.Load(); h > after {
			return h, nil
		}
		// Count ourselves before looking again, and writers look at the
		// count after publishing: one of the two sees the other.
		f.waiters.Add(1)
		f.mu.Lock()
		wake := f.wake
		f.mu.Unlock()
		if h := f.high.Load(); h > after || f.closed.Load() {
			f.waiters.Add(-1)
			continue
		}
		select {
		case <-wake:
		case <-ctx.Done():
			f.waiters.Add(-1)
			return 0, ctx.Err()
		}
		f.waiters.Add(-1)
	}
}

package booking

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/quota"
)

// Queue numbers (nomor antrian): at payment a booking gets its arrival
// number in its office, day and slot, counting from 1 and never handed out
// twice in that slot; a reschedule gets a new one in its new slot. The
// number is given in commit: with the slot's counter locked from the
// choice of the number to the change's place in the journal, numbers in a
// slot follow the journal's order, so replay, which applies the records in
// that order through the same commit, hands out the same numbers without
// the records carrying them.

// queueShards spreads the slots' counters over locks: a payment takes one
// for as long as the journal's Append, so 64 keep two cores from meeting
// on one in a rush that pays into many slots at once.
const (
	queueShardBits = 6
	queueShards    = 1 << queueShardBits
)

// queuePruneEvery is how often the sweeper forgets the counters of days
// gone by, and queueKeep how long after its day a counter is kept: a hold
// may be paid until its deadline, up to HoldTTLMax after it was made, and
// a day's date differs by a day at most between zones. Replay never
// prunes: it must never need a pruned counter, or it would number
// differently. (An engine without a sweeper never prunes.)
const (
	queuePruneEvery = time.Hour
	queueKeep       = HoldTTLMax + 2*24*time.Hour
)

// queueNumbers holds the last number handed out in each slot of each day.
type queueNumbers struct {
	shards   [queueShards]queueShard
	prunedAt atomic.Int64 // when prune last ran, Unix ns
}

type queueShard struct {
	mu   sync.Mutex   // guards last
	last counterTable // by slot of a day: the last number handed out
	// Two cache lines a shard, the last 80 bytes padding: wherever the
	// array starts (the machine holds it at no particular offset), no
	// line holds the lock or the table of two shards
	// (TestShardsKeepApart).
	pad [128 - unsafe.Sizeof(sync.Mutex{}) - unsafe.Sizeof(counterTable{})]byte
}

// queueKey names a slot of a day of an office, packed into a number so
// that the counters are a table of integers (the map's fastest path, and
// nothing for the collector to scan): the office's ID in the top 24 bits
// (IDs are below quota.OfficesMax), the date's days since 1970 plus
// queueDayBias in bits 8 to 39, the slot in the low byte.
type queueKey uint64

// queueDayBias makes every Date's days since 1970 positive: the first,
// 0001-01-01, is 719,162 days before.
const queueDayBias = 1 << 20

// The office's 24 bits must hold every office ID: this fails to compile
// if quota.OfficesMax ever outgrows them.
const _ = uint(1<<24 - quota.OfficesMax)

func newQueueKey(office quota.OfficeID, d calendar.Date, slot uint8) queueKey {
	return queueKey(uint64(office)<<40 | uint64(d.EpochDays()+queueDayBias)<<8 | uint64(slot))
}

func (k queueKey) date() calendar.Date {
	return calendar.DateFromEpochDays(int64(k>>8&(1<<32-1)) - queueDayBias)
}

// take locks the counter of to's slot of b's office and sets to.queue to
// its next number; settle spends the number, or not, and unlocks. The
// change's commit goes between the two.
func (q *queueNumbers) take(b *booking, to *snapshot) queueKey {
	k := newQueueKey(b.office().id, to.date, to.slot)
	sh := q.shardOf(k)
	sh.mu.Lock()
	to.queue = sh.last.get(k) + 1
	return k
}

// prefetch asks the CPU for the counter a payment of b, in state s, will
// take, without the shard's lock: Pay asks for it as soon as it has found
// the booking, so that the counter's cache miss — 84% of take's time,
// with the bookings of 100 offices' days and slots paid at once — overlaps
// the work before commit rather than following it (bench/README.md).
func (q *queueNumbers) prefetch(b *booking, s *snapshot) {
	k := newQueueKey(b.office().id, s.date, s.slot)
	q.shardOf(k).last.prefetch(k)
}

// settle ends take: the number is spent if the commit succeeded (err nil).
func (q *queueNumbers) settle(k queueKey, to *snapshot, err error) {
	sh := q.shardOf(k)
	if err == nil {
		sh.last.set(k, to.queue)
	} else {
		to.queue = 0
	}
	sh.mu.Unlock()
}

func (q *queueNumbers) shardOf(k queueKey) *queueShard {
	return &q.shards[queueMix(k)>>(64-queueShardBits)]
}

// queueMix mixes office, day and slot: its top queueShardBits choose the
// shard, so that every day and slot of an office spreads over the shards,
// and the bits below, the counter's slot in the shard's table.
func queueMix(k queueKey) uint64 { return uint64(k) * 0x9E3779B97F4A7C15 }

// prune forgets the counters of days more than queueKeepDays before
// nowNs's date, at most once per queuePruneEvery.
func (q *queueNumbers) prune(nowNs int64) {
	last := q.prunedAt.Load()
	if nowNs-last < int64(queuePruneEvery) || !q.prunedAt.CompareAndSwap(last, nowNs) {
		return
	}
	before := calendar.DateOf(unixns.Time(nowNs).Add(-queueKeep), time.UTC)
	for i := range q.shards {
		sh := &q.shards[i]
		sh.mu.Lock()
		sh.last.retain(func(k queueKey) bool { return !k.date().Before(before) })
		sh.mu.Unlock()
	}
}

// QueueNumber is a booking's arrival number in its slot (see
// Booking.Queue). It prints as the office's counter shows it: the slot's
// letter (A for the first slot of the day, then B…; past Z, AA, AB…), a
// hyphen and the number in three digits or more, "B-017". The zero value
// is no number.
type QueueNumber struct {
	Slot   int // the slot's index in the office's day, from 0
	Number int // from 1
}

// IsZero reports whether q is no number.
func (q QueueNumber) IsZero() bool { return q.Number == 0 }

func (q QueueNumber) String() string { return string(q.append(nil)) }

// MarshalText writes q as String does ("" for no number).
func (q QueueNumber) MarshalText() ([]byte, error) { return q.append(nil), nil }

// UnmarshalText reads what MarshalText writes, as ErrBadQueueNumber when
// it is not that.
func (q *QueueNumber) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*q = QueueNumber{}
		return nil
	}
	letters, digits, ok := strings.Cut(string(text), "-")
	for _, c := range []byte(digits) {
		ok = ok && c >= '0' && c <= '9'
	}
	n, err := strconv.Atoi(digits)
	slot := 0
	for i, c := range []byte(letters) {
		if c < 'A' || c > 'Z' || i == 2 {
			ok = false
			break
		}
		slot = slot*26 + int(c-'A') + 1
	}
	slot--
	if !ok || err != nil || n < 1 || len(digits) < 3 || slot < 0 || slot >= quota.SlotsPerDayMax {
		return fmt.Errorf("%w: %q", ErrBadQueueNumber, text)
	}
	*q = QueueNumber{Slot: slot, Number: n}
	if q.String() != string(text) { // "A-0017": one spelling per number
		*q = QueueNumber{}
		return fmt.Errorf("%w: %q", ErrBadQueueNumber, text)
	}
	return nil
}

func (q QueueNumber) append(b []byte) []byte {
	if q.IsZero() || q.Slot < 0 || q.Number < 0 {
		return b
	}
	b = appendSlotLetters(b, q.Slot)
	b = append(b, '-')
	if q.Number < 100 {
		b = append(b, '0')
	}
	if q.Number < 10 {
		b = append(b, '0')
	}
	return strconv.AppendUint(b, uint64(q.Number), 10)
}

// appendSlotLetters names slot i as spreadsheet columns are named: A…Z,
// AA… (a day has at most quota.SlotsPerDayMax slots: two letters at most).
func appendSlotLetters(b []byte, i int) []byte {
	if i >= 26 {
		b = appendSlotLetters(b, i/26-1)
	}
	return append(b, byte('A'+i%26))
}

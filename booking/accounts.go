package booking

import (
	"hash/maphash"
	"slices"
	"sync"
	"unsafe"
)

// The engine's lookup tables are split into shards, each with its own
// lock, so that concurrent holds rarely meet: there is no global lock on
// the hold path. 64 shards keep two cores, or sixty-four, apart.
const shardCount = 64

// accountIndex maps each account to its latest booking; the bookings
// before it are chained through prevOfAccount. An account appears only
// once it has a booking, so failed requests with made-up account IDs leave
// nothing behind.
//
// A shard's mutex also serializes the holds of its accounts, which makes
// one account's hold limit and idempotency keys exact. A hold keeps it for
// about a microsecond, never across a disk write, and 64 shards keep
// accounts on different cores apart.
//
// The index holds no pointer for the collector to trace through millions
// of accounts: an account is filed under a 64-bit hash of its ID in a
// seqIndex, and its latest booking is a sequence number, found in the
// slab, which keeps a booking until the index has let go of it (remove
// comes before the slab's removal, see machine.archive). An entry is told
// to be the account's by its booking, so accounts whose hashes are equal
// (the seed is the process's own, so nobody can choose IDs that collide)
// are entries side by side. Idempotency keys are filed the same way, by a
// hash of the account and the key.
type accountIndex struct {
	seed maphash.Seed
	// mask is ANDed into every hash: all ones, except in a test that
	// clears it to make every account's hash collide.
	mask   uint64
	slab   *slab // where the bookings named by number are
	shards [shardCount]accountShard
}

type accountShard struct {
	mu     sync.Mutex // guards the tables, and serializes holds
	latest seqIndex   // hash of the account → its latest booking's number
	idem   seqIndex   // hash of account and key → the booking made under the key
	// Three cache lines a shard, the last 72 bytes padding: wherever the
	// array starts, no line holds the lock or a table of two shards, which
	// two cores take at once (TestShardsKeepApart). The tables fill 112
	// bytes, so two lines would leave 8 bytes between a shard's tables
	// and the next one's lock.
	pad [192 - unsafe.Sizeof(sync.Mutex{}) - 2*unsafe.Sizeof(seqIndex{})]byte
}

func newAccountIndex(s *slab) *accountIndex {
	return &accountIndex{seed: maphash.MakeSeed(), mask: ^uint64(0), slab: s}
}

func (x *accountIndex) hash(account string) uint64 { return maphash.String(x.seed, account) & x.mask }

// idemHash hashes an account and one of its idempotency keys.
func (x *accountIndex) idemHash(account, key string) uint64 {
	var h maphash.Hash
	h.SetSeed(x.seed)
	h.WriteString(account)
	h.WriteByte(0) // neither may hold a zero byte (label.Check)
	h.WriteString(key)
	return h.Sum64() & x.mask
}

func (x *accountIndex) shard(account string) *accountShard {
	s, _ := x.locate(account)
	return s
}

// locate returns the shard of account and its hash, for latestAt. The
// shard is the hash's low bits, the table's slot its top ones.
func (x *accountIndex) locate(account string) (*accountShard, uint64) {
	h := x.hash(account)
	return &x.shards[h%shardCount], h
}

// prefetch asks the CPU for the index slot of account's latest booking,
// without the shard's lock (see seqTable.prefetch).
func (x *accountIndex) prefetch(account string) {
	s, h := x.locate(account)
	s.latest.prefetch(h)
}

// latestAt returns the latest booking of account, whose hash is h and
// shard s (locate), or nil; the caller holds s.
func (x *accountIndex) latestAt(s *accountShard, h uint64, account string) *booking {
	return x.slab.get(s.latest.get(h, x.madeBy(account))) // 0, no entry, finds nothing
}

// madeBy returns the match of account's entries: their booking is the
// account's.
func (x *accountIndex) madeBy(account string) func(seq uint64) bool {
	return func(seq uint64) bool {
		b := x.slab.get(seq)
		return b != nil && b.accountID() == account
	}
}

// madeUnderKey returns the match of the entries of account's key key.
func (x *accountIndex) madeUnderKey(account, key string) func(seq uint64) bool {
	return func(seq uint64) bool {
		b := x.slab.get(seq)
		return b != nil && b.madeUnder(account, key)
	}
}

// prev returns the booking the account of b made before b, or nil; the
// caller holds the account's shard.
func (x *accountIndex) prev(b *booking) *booking {
	if seq := b.prevOfAccount; seq != 0 {
		return x.slab.get(seq)
	}
	return nil
}

// idemBooking returns the booking account made under the idempotency key
// key, or nil; the caller holds the account's shard s.
func (x *accountIndex) idemBooking(s *accountShard, account, key string) *booking {
	return x.slab.get(s.idem.get(x.idemHash(account, key), x.madeUnderKey(account, key)))
}

// madeUnder reports whether b was made by account under the idempotency
// key key.
func (b *booking) madeUnder(account, key string) bool {
	k, _, ok := b.key()
	return ok && k == key && b.accountID() == account
}

// add makes b the latest booking of its account, and files its
// idempotency key; the caller holds the shard's mutex (see Engine.Hold).
func (x *accountIndex) add(b *booking) {
	account := b.accountID()
	s, h := x.locate(account)
	if prev := s.latest.set(h, b.seq, x.madeBy(account)); prev != 0 && x.slab.get(prev) != nil {
		b.prevOfAccount = prev
	}
	if key, _, ok := b.key(); ok {
		s.idem.set(x.idemHash(account, key), b.seq, x.madeUnderKey(account, key))
	}
}

// bookings returns an account's bookings, oldest first.
func (x *accountIndex) bookings(account string) []*booking {
	s, h := x.locate(account)
	// The chain is walked under the shard's lock, so that remove, which
	// unlinks a booking before it leaves the slab, cannot cut it short.
	s.mu.Lock()
	var out []*booking
	for b := x.latestAt(s, h, account); b != nil; b = x.prev(b) {
		out = append(out, b)
	}
	s.mu.Unlock()
	slices.Reverse(out)
	return out
}

// remove takes b out of its account's chain, and its idempotency key out of
// the index: b leaves memory (see retention.go). An account left with no
// booking leaves the index too.
func (x *accountIndex) remove(b *booking) {
	account := b.accountID()
	s, h := x.locate(account)
	s.mu.Lock()
	defer s.mu.Unlock()
	isB := func(seq uint64) bool { return seq == b.seq }
	if key, _, ok := b.key(); ok {
		s.idem.remove(x.idemHash(account, key), isB)
	}
	latest := x.latestAt(s, h, account)
	if latest == b {
		if prev := b.prevOfAccount; prev != 0 {
			s.latest.set(h, prev, isB)
		} else {
			s.latest.remove(h, isB)
		}
		return
	}
	for n := latest; n != nil; n = x.prev(n) {
		if n.prevOfAccount == b.seq {
			n.prevOfAccount = b.prevOfAccount
			return
		}
	}
}

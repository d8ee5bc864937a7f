package booking

import (
	"hash/maphash"
	"slices"
	"sync"
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
type accountIndex struct {
	seed   maphash.Seed
	shards [shardCount]accountShard
}

type accountShard struct {
	mu     sync.Mutex          // guards latest and idem, and serializes holds
	latest map[string]*booking // account → its latest booking
	idem   map[idemKey]*booking
	_      [64 - 24]byte
}

type idemKey struct {
	account, key string
}

func newAccountIndex() *accountIndex { return &accountIndex{seed: maphash.MakeSeed()} }

func (x *accountIndex) shard(account string) *accountShard {
	return &x.shards[maphash.String(x.seed, account)%shardCount]
}

// add makes b the latest booking of its account; the caller holds the
// shard's mutex (see Engine.Hold).
func (x *accountIndex) add(b *booking) {
	s := x.shard(b.account)
	if s.latest == nil {
		s.latest = make(map[string]*booking)
	}
	if prev, ok := s.latest[b.account]; ok {
		b.prevOfAccount.Store(prev)
		b.account = prev.account // share the bytes of one copy of the ID
	}
	s.latest[b.account] = b
	if b.idem != nil {
		if s.idem == nil {
			s.idem = make(map[idemKey]*booking)
		}
		s.idem[idemKey{b.account, b.idem.key}] = b
	}
}

// bookings returns an account's bookings, oldest first.
func (x *accountIndex) bookings(account string) []*booking {
	s := x.shard(account)
	s.mu.Lock()
	b := s.latest[account]
	s.mu.Unlock()
	var out []*booking
	for ; b != nil; b = b.prevOfAccount.Load() {
		out = append(out, b)
	}
	slices.Reverse(out)
	return out
}

// remove takes b out of its account's chain, and its idempotency key out of
// the index: b leaves memory (see retention.go). An account left with no
// booking leaves the index too.
func (x *accountIndex) remove(b *booking) {
	s := x.shard(b.account)
	s.mu.Lock()
	defer s.mu.Unlock()
	if b.idem != nil {
		k := idemKey{b.account, b.idem.key}
		if s.idem[k] == b {
			delete(s.idem, k)
		}
	}
	latest := s.latest[b.account]
	if latest == b {
		if prev := b.prevOfAccount.Load(); prev == nil {
			delete(s.latest, b.account)
		} else {
			s.latest[b.account] = prev
		}
		return
	}
	// A reader walking the chain meanwhile (bookings) goes on from b to
	// b's predecessor, or skips b: either way it reaches the rest.
	for n := latest; n != nil; n = n.prevOfAccount.Load() {
		if n.prevOfAccount.Load() == b {
			n.prevOfAccount.Store(b.prevOfAccount.Load())
			return
		}
	}
}

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
//
// The index holds no pointer for the collector to trace through millions
// of accounts: an account is found by a 64-bit hash of its ID, and its
// latest booking is a sequence number, found in the slab, which keeps a
// booking until the index has let go of it (remove comes before the
// slab's removal, see machine.archive). The booking found is checked to
// be the account's: two accounts whose hashes are equal (among ten
// million accounts, odds of about 3 in a million that any two are; the
// seed is the process's own, so nobody can choose IDs that collide)
// cannot share an entry, and the second one goes to a small map by ID
// (spill). Idempotency keys are filed the same way, by a hash of the
// account and the key (idem, idemSpill).
type accountIndex struct {
	seed maphash.Seed
	// mask is ANDed into every hash: all ones, except in a test that
	// clears it to make every account's hash collide.
	mask   uint64
	slab   *slab // where the bookings named by number are
	shards [shardCount]accountShard
}

type accountShard struct {
	mu        sync.Mutex         // guards the maps, and serializes holds
	latest    map[uint64]uint64  // hash of the account → its latest booking's number
	spill     map[string]uint64  // account → latest, for an account whose hash another account has in latest
	idem      map[uint64]uint64  // hash of account and key → the booking made under the key
	idemSpill map[idemKey]uint64 // the same, for a key whose hash another key has in idem
	_         [64 - 40]byte
}

type idemKey struct {
	account, key string
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

// locate returns the shard of account and its hash, for latestAt.
func (x *accountIndex) locate(account string) (*accountShard, uint64) {
	h := x.hash(account)
	return &x.shards[h%shardCount], h
}

// latestAt returns the latest booking of account, whose hash is h and
// shard s (locate), or nil; the caller holds s.
func (x *accountIndex) latestAt(s *accountShard, h uint64, account string) *booking {
	if seq, ok := s.latest[h]; ok {
		if b := x.slab.get(seq); b != nil && b.accountID() == account {
			return b
		}
	}
	if seq, ok := s.spill[account]; ok {
		return x.slab.get(seq)
	}
	return nil
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
	if b := x.slab.get(s.idem[x.idemHash(account, key)]); b != nil && b.madeUnder(account, key) {
		return b
	}
	if seq, ok := s.idemSpill[idemKey{account, key}]; ok {
		return x.slab.get(seq)
	}
	return nil
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
	x.file(s, h, b, account)
	key, _, ok := b.key()
	if !ok {
		return
	}
	ih := x.idemHash(account, key)
	if p := x.slab.get(s.idem[ih]); p != nil && !p.madeUnder(account, key) {
		// Another key has the hash's entry.
		if s.idemSpill == nil {
			s.idemSpill = make(map[idemKey]uint64)
		}
		s.idemSpill[idemKey{account, key}] = b.seq
		return
	}
	if s.idem == nil {
		s.idem = make(map[uint64]uint64)
	}
	s.idem[ih] = b.seq
}

// file makes b the latest booking of its account, whose hash is h and
// shard s, after the one before it (link). It probes the table twice,
// once to read the account's entry and once to write it: a table of
// millions of accounts misses the cache on each.
func (x *accountIndex) file(s *accountShard, h uint64, b *booking, account string) {
	// An account once spilled stays there until it has no booking left
	// (remove): it is in latest or in spill, never both.
	if prev, ok := s.spill[account]; ok {
		x.link(b, prev)
		s.spill[account] = b.seq
		return
	}
	if s.latest == nil {
		s.latest = make(map[uint64]uint64)
	}
	if p := x.slab.get(s.latest[h]); p != nil { // 0, no entry, finds nothing
		if p.accountID() != account {
			// Another account has the hash's entry.
			if s.spill == nil {
				s.spill = make(map[string]uint64)
			}
			s.spill[account] = b.seq
			return
		}
		x.link(b, p.seq)
	}
	s.latest[h] = b.seq
}

// link makes the booking numbered prev the one b's account made before b.
func (x *accountIndex) link(b *booking, prev uint64) {
	if x.slab.get(prev) != nil {
		b.prevOfAccount = prev
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
	if key, _, ok := b.key(); ok {
		ih := x.idemHash(account, key)
		if s.idem[ih] == b.seq {
			delete(s.idem, ih)
		}
		if k := (idemKey{account, key}); s.idemSpill[k] == b.seq {
			delete(s.idemSpill, k)
		}
	}
	latest := x.latestAt(s, h, account)
	if latest == b {
		_, spilled := s.spill[account]
		switch prev := b.prevOfAccount; {
		case spilled && prev == 0:
			delete(s.spill, account)
		case spilled:
			s.spill[account] = prev
		case prev == 0:
			delete(s.latest, h)
		default:
			s.latest[h] = prev
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

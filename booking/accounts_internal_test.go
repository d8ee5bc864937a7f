package booking

import (
	"fmt"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// TestAccountIndexWhenHashesCollide gives every account the same hash, the
// case a 64-bit hash meets about once in 10^6 pairs among ten million
// accounts, and checks that each account still finds exactly its own
// bookings, oldest first, as bookings arrive and leave in every position:
// the first of the hash's entries, one after it, the latest of a chain and
// the middle of one.
func TestAccountIndexWhenHashesCollide(t *testing.T) {
	withAndWithoutCollisions(t, func(t *testing.T, sl *slab, x *accountIndex) {
		model := map[string][]uint64{} // account → its bookings' numbers, oldest first
		seq := uint64(0)
		add := func(account string) {
			seq++
			b := fileTestBooking(sl, seq, account, "")
			s := x.shard(account)
			s.mu.Lock()
			x.add(b)
			s.mu.Unlock()
			model[account] = append(model[account], seq)
		}
		remove := func(account string, i int) {
			n := model[account][i]
			b := sl.get(n)
			x.remove(b)
			sl.remove(n)
			model[account] = append(model[account][:i:i], model[account][i+1:]...)
		}
		check := func(step string) {
			t.Helper()
			for _, a := range []string{"ani", "budi", "citra", "dewi"} {
				var got []uint64
				for _, b := range x.bookings(a) {
					got = append(got, b.seq)
				}
				want := model[a]
				if len(want) == 0 {
					want = nil
				}
				require.Equal(t, want, got, "%s: account %s", step, a)
				s, h := x.locate(a)
				s.mu.Lock()
				latest := x.latestAt(s, h, a)
				s.mu.Unlock()
				if len(model[a]) == 0 {
					require.Nil(t, latest, "%s: account %s", step, a)
				} else {
					require.Equal(t, model[a][len(model[a])-1], latest.seq, "%s: account %s", step, a)
				}
			}
		}
		add("ani") // the hash's first entry when accounts collide
		add("budi")
		add("ani")
		add("citra")
		add("budi")
		add("budi")
		check("after the holds")
		remove("budi", 1) // the middle of a chain after the first entry
		check("middle of a chain")
		remove("ani", 1) // the latest of the first entry's account
		check("latest of the first entry")
		remove("ani", 0) // the first entry leaves: the others shift back
		check("first entry gone")
		add("dewi") // a newcomer after them
		add("citra")
		check("a newcomer in the free entry")
		remove("citra", 1)
		remove("citra", 0)
		remove("budi", 1)
		remove("budi", 0)
		check("accounts gone")
		add("budi")
		add("ani")
		check("back again")
		if x.mask == 0 {
			s := x.shard("ani")
			accounts := 0
			for _, bookings := range model {
				if len(bookings) > 0 {
					accounts++
				}
			}
			require.Equal(t, accounts, s.latest.len(), "an entry for each account, under one hash")
		}
	})
}

// TestIdempotencyKeysWhenHashesCollide files idempotency keys whose
// hashes all collide, and checks that each account and key finds its own
// booking, and nothing else, as bookings arrive and leave.
func TestIdempotencyKeysWhenHashesCollide(t *testing.T) {
	withAndWithoutCollisions(t, func(t *testing.T, sl *slab, x *accountIndex) {
		type made struct{ account, key string }
		model := map[made]uint64{}
		seq := uint64(0)
		add := func(account, key string) {
			seq++
			b := fileTestBooking(sl, seq, account, key)
			s := x.shard(account)
			s.mu.Lock()
			x.add(b)
			s.mu.Unlock()
			model[made{account, key}] = seq
		}
		remove := func(account, key string) {
			b := sl.get(model[made{account, key}])
			x.remove(b)
			sl.remove(b.seq)
			delete(model, made{account, key})
		}
		check := func(step string) {
			t.Helper()
			for _, a := range []string{"ani", "budi"} {
				for _, k := range []string{"k1", "k2", "k3"} {
					s := x.shard(a)
					s.mu.Lock()
					b := x.idemBooking(s, a, k)
					s.mu.Unlock()
					want, ok := model[made{a, k}]
					if !ok {
						require.Nil(t, b, "%s: %s under %s", step, a, k)
						continue
					}
					require.NotNil(t, b, "%s: %s under %s", step, a, k)
					require.Equal(t, want, b.seq, "%s: %s under %s", step, a, k)
				}
			}
		}
		add("ani", "k1") // the hash's first entry when keys collide
		add("ani", "k2")
		add("budi", "k1")
		add("budi", "k3")
		check("after the holds")
		remove("ani", "k1") // the first entry leaves
		check("first entry gone")
		add("ani", "k3") // a newcomer after the others
		check("a newcomer in the free entry")
		remove("budi", "k1") // an entry in the middle leaves
		remove("ani", "k2")
		check("keys gone")
		add("ani", "k1")
		check("back again")
	})
}

// withAndWithoutCollisions runs test on an index whose hashes all collide
// (its mask cleared) and on one with its real hashes, each over a slab of
// its own.
func withAndWithoutCollisions(t *testing.T, test func(t *testing.T, sl *slab, x *accountIndex)) {
	for _, collide := range []bool{true, false} {
		t.Run(fmt.Sprint("collide=", collide), func(t *testing.T) {
			var sl slab
			x := newAccountIndex(&sl)
			if collide {
				x.mask = 0
			}
			test(t, &sl, x)
		})
	}
}

// fileTestBooking files in sl a booking numbered seq, made by account
// under key ("" for none), with nothing else: all the account index reads.
func fileTestBooking(sl *slab, seq uint64, account, key string) *booking {
	b := sl.reserve(seq)
	c := &change{account: account}
	if key != "" {
		c.idem = &idempotency{key: key}
	}
	b.fill(&b.page().arena, c)
	sl.put(b)
	return b
}

// The account, NIK, queue-counter and deadline shards, and the arena's
// lanes, each end in padding (pad) that keeps any two of them out of one
// cache line, wherever the array starts (the engine holds the arrays at
// no particular offset): an array of structs aligned to a bytes starts
// a multiple of a bytes into a line, and so do a shard's last field's
// end and the next one's first field, so a line holding bytes of both
// holds at most 64 − 2a bytes between them. Padding of 64 − a bytes or
// more is more than that. And each shard is whole lines.
func TestShardsKeepApart(t *testing.T) {
	for _, s := range []struct {
		name                      string
		size, align, padAt, padOf uintptr
	}{
		{"account", unsafe.Sizeof(accountShard{}), unsafe.Alignof(accountShard{}), unsafe.Offsetof(accountShard{}.pad), unsafe.Sizeof(accountShard{}.pad)},
		{"NIK", unsafe.Sizeof(nikShard{}), unsafe.Alignof(nikShard{}), unsafe.Offsetof(nikShard{}.pad), unsafe.Sizeof(nikShard{}.pad)},
		{"queue", unsafe.Sizeof(queueShard{}), unsafe.Alignof(queueShard{}), unsafe.Offsetof(queueShard{}.pad), unsafe.Sizeof(queueShard{}.pad)},
		{"deadline", unsafe.Sizeof(deadlineShard{}), unsafe.Alignof(deadlineShard{}), unsafe.Offsetof(deadlineShard{}.pad), unsafe.Sizeof(deadlineShard{}.pad)},
		{"arena lane", unsafe.Sizeof(arenaLane{}), unsafe.Alignof(arenaLane{}), unsafe.Offsetof(arenaLane{}.pad), unsafe.Sizeof(arenaLane{}.pad)},
	} {
		require.Equal(t, s.size, s.padAt+s.padOf, "%s: pad is not the last %d bytes", s.name, s.padOf)
		require.GreaterOrEqual(t, s.padOf, 64-s.align, "%s: %d bytes of padding, aligned to %d", s.name, s.padOf, s.align)
		require.Zero(t, s.size%64, "%s: %d bytes", s.name, s.size)
	}
}

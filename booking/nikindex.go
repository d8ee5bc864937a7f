package booking

import (
	"hash/maphash"
	"slices"
	"sync"
	"time"
	"unsafe"

	"github.com/kuota/kuota/internal/unixns"
	"github.com/kuota/kuota/reschedule"
)

// nikIndex keeps, for each NIK, its latest booking and the instant from
// which it may book again, and enforces the NIK rules: one live booking per
// NIK (an invariant, checked in replay too) and the re-apply window after a
// booking that reached its date (a rule of the day, checked live only).
//
// A NIK's latest booking is the one that claimed it last, and whether it
// blocks a new one is read from its state (see snapshot.nikUse): the index
// is not told when a booking ends.
type nikIndex struct {
	m    *machine // for the office zones, the policy and expiry
	seed maphash.Seed
	// mask is ANDed into every hash: all ones, except in a test that
	// clears it to make every NIK's hash collide.
	mask   uint64
	shards [shardCount]nikShard
}

// nikShard keeps the entries of its NIKs in two tables the collector never
// scans, millions of entries at a rush: each NIK's latest booking, by
// sequence number in a seqIndex (found in the slab, which keeps every
// booking until the NIKs have let go of it: release comes before the
// slab's removal, see machine.archive), and, apart, the re-apply instant
// of the NIKs that have one. Apart, because at a rush almost none has one.
// A NIK's entry is told from others with its tag by its value, which
// names the NIK: its booking's number and the NIK's place among the
// booking's applicants (nikIndex.of).
type nikShard struct {
	mu      sync.Mutex    // guards the tables
	latest  seqIndex      // hash of the NIK → its latest booking's number and the NIK's place in it
	windows map[NIK]int64 // nikEntry.reapplyFrom, for the NIKs whose is not 0
	// Two cache lines a shard, the last 56 bytes padding: no line holds
	// the lock or a table of two shards (TestShardsKeepApart).
	pad [128 - unsafe.Sizeof(sync.Mutex{}) - unsafe.Sizeof(seqIndex{}) - unsafe.Sizeof(map[NIK]int64(nil))]byte
}

// nikPlaceBits hold a NIK's place among its booking's applicants, beside
// the booking's number, in a value of nikShard.latest: the value names the
// NIK, not only a booking that lists it, so that two NIKs of one booking
// whose tags are equal are never taken for each other.
const nikPlaceBits = 3

var _ = [1 << nikPlaceBits]struct{}{}[ApplicantsMax-1]

// get returns n's entry, whose hash is h; the caller holds sh.mu.
func (x *nikIndex) get(sh *nikShard, n NIK, h uint64) nikEntry {
	v := sh.latest.get(h, x.of(n))
	en := nikEntry{latest: v >> nikPlaceBits, place: uint8(v & (1<<nikPlaceBits - 1))}
	if len(sh.windows) > 0 {
		en.reapplyFrom = sh.windows[n]
	}
	return en
}

// set makes en n's entry, and forgets n when en holds nothing; the caller
// holds sh.mu.
func (x *nikIndex) set(sh *nikShard, n NIK, h uint64, en nikEntry) {
	if en.latest != 0 {
		sh.latest.set(h, en.latest<<nikPlaceBits|uint64(en.place), x.of(n))
	} else {
		sh.latest.remove(h, x.of(n))
	}
	if en.reapplyFrom != 0 {
		if sh.windows == nil {
			sh.windows = make(map[NIK]int64)
		}
		sh.windows[n] = en.reapplyFrom
	} else if len(sh.windows) > 0 {
		delete(sh.windows, n)
	}
}

// of returns the match of n's entry: its value names n.
func (x *nikIndex) of(n NIK) func(v uint64) bool {
	return func(v uint64) bool {
		b := x.m.slab.get(v >> nikPlaceBits)
		if b == nil {
			return false
		}
		niks, at := b.niks(), int(v&(1<<nikPlaceBits-1))
		return at < len(niks) && niks[at] == n
	}
}

// nikEntry is what the engine knows about one NIK (nikShard keeps it).
type nikEntry struct {
	latest uint64 // the sequence number of the NIK's latest booking; 0 for none
	place  uint8  // the NIK's place among that booking's applicants
	// reapplyFrom is the instant, Unix ns, from which the NIK may hold a
	// new booking because of an earlier one that reached its date; 0
	// when none did.
	reapplyFrom int64
}

// hash returns n's hash: seeded, so that nobody can choose NIKs that
// crowd one shard or one run of a table.
func (x *nikIndex) hash(n NIK) uint64 { return maphash.Comparable(x.seed, n.n) & x.mask }

// locate returns the shard of n and its hash. The shard is the hash's low
// bits, the table's slot its top ones.
func (x *nikIndex) locate(n NIK) (*nikShard, uint64) {
	h := x.hash(n)
	return &x.shards[h%shardCount], h
}

// large reports whether the index has grown past the caches: whether its
// first shard has split its table (seqIndexSplitAt), as, NIKs being
// spread by a seeded hash, the others have about as well. Until then the
// index holds about shardCount × seqIndexSplitAt NIKs at most, 65,536 in
// under a megabyte, which the caches keep, and a refused hold would pay
// for prefetching its slots (6 ns) with nothing to gain.
func (x *nikIndex) large() bool { return x.shards[0].latest.parts.Load() != nil }

// prefetch asks the CPU for the index slots of apps' NIKs, without the
// shards' locks (see seqTable.prefetch).
func (x *nikIndex) prefetch(apps []Applicant) {
	for _, a := range apps {
		sh, h := x.locate(a.NIK)
		sh.latest.prefetch(h)
	}
}

// claim makes a new booking at office o, whose applicants are apps, the
// latest booking of each of their NIKs, all or nothing, as of atNs. The
// first applicant's NIK that may not be claimed is refused with an
// *ApplicantError: ErrNIKBooked while the NIK's latest booking is live,
// or, live only, a *reschedule.WindowError while the re-apply window
// runs.
//
// It holds the shards of the NIKs from the check to the claim, and calls
// commit in between with the refusal, or nil, and claims only when both
// are nil, for the booking whose number commit returns (the booking is
// made there); commit's error comes before the refusal, and a refusal
// still stands after commit's look. So the claims of one NIK reach the
// journal in the order they were made, an error leaves every NIK as it
// was, and commit may weigh a refusal against its own while the NIKs
// stand still. A latest booking whose expiry or no-show is due is
// recorded first (live), so that it is judged as reads show it.
func (x *nikIndex) claim(o *office, apps []Applicant, atNs int64, commit func(refused error) (seq uint64, err error)) error {
	var hashes [ApplicantsMax]uint64
	var held [ApplicantsMax]int // the shards to lock, ascending, once each
	n := 0
	for k, a := range apps {
		hashes[k] = x.hash(a.NIK)
		i := int(hashes[k] % shardCount)
		if !slices.Contains(held[:n], i) {
			held[n] = i
			n++
		}
	}
	slices.Sort(held[:n])
	for _, i := range held[:n] {
		x.shards[i].mu.Lock()
	}
	defer func() {
		for _, i := range held[:n] {
			x.shards[i].mu.Unlock()
		}
	}()

	var next [ApplicantsMax]nikEntry
	loc := x.m.loc(o)
	judgeAt := func(i int) (nikEntry, error) {
		h := hashes[i]
		return x.judge(x.get(&x.shards[h%shardCount], apps[i].NIK, h), atNs, loc)
	}
	// A refusal is judged again after commit has looked at the seats.
	// While the NIKs are held no booking of theirs can begin, but one can
	// end (a cancellation takes no NIK's lock): a NIK still refused after
	// the look was refused at it too, when the seats were as commit saw
	// them, so both answers are true of one instant. A NIK refused no
	// longer starts the judging over, at most once a NIK, since each
	// NIK's latest booking ends once.
	for i := 0; i < len(apps); i++ {
		en, err := judgeAt(i)
		if err != nil {
			if _, err := commit(&ApplicantError{Index: i, Err: err}); err != nil {
				return err // its own refusal, which comes first
			}
			if _, err := judgeAt(i); err != nil {
				return &ApplicantError{Index: i, Err: err}
			}
			i = -1 // every NIK again
			continue
		}
		next[i] = en
	}
	seq, err := commit(nil)
	if err != nil {
		return err
	}
	for i, a := range apps {
		next[i].latest, next[i].place = seq, uint8(i) // fill keeps the applicants in order
		h := hashes[i]
		x.set(&x.shards[h%shardCount], a.NIK, h, next[i])
	}
	return nil
}

// judge decides whether a NIK whose entry is en may be claimed at atNs for
// a booking at an office in zone loc, and returns the entry with what it
// learned from the latest booking.
func (x *nikIndex) judge(en nikEntry, atNs int64, loc *time.Location) (nikEntry, error) {
	m := x.m
	if p := m.slab.get(en.latest); p != nil {
		var err error
		if en, err = x.judgeLatest(en, p, atNs); err != nil {
			return en, err
		}
	}
	if !m.replaying && atNs < en.reapplyFrom {
		return en, &reschedule.WindowError{Action: reschedule.Reapply, Opens: unixns.Time(en.reapplyFrom).In(loc)}
	}
	return en, nil
}

// judgeLatest judges a NIK's latest booking p for a claim at atNs: it
// refuses while p is live, and folds into en the re-apply window p starts.
func (x *nikIndex) judgeLatest(en nikEntry, p *booking, atNs int64) (nikEntry, error) {
	m := x.m
	if !m.replaying {
		// Judge p as every read shows it: record the expiry or no-show
		// whose instant has come (a payment racing the claim either wins,
		// and blocks the NIK, or loses).
		for m.recordDue(p, p.settled(), atNs) == errStale {
		}
	}
	// As every read shows it at atNs: an expiry or no-show the journal
	// refused to record (a full disk) has still happened.
	s := m.asOf(p, p.settled(), atNs)
	use := p.nikUse(s, atNs, m.loc(p.office()))
	if use == nikBlocked && !m.lenient { // a read-only load keeps both; Check reports them
		return en, ErrNIKBooked
	}
	return x.fold(en, p, s, use), nil
}

// fold returns en with the re-apply window that booking p, in state s of
// NIK use u, starts.
func (x *nikIndex) fold(en nikEntry, p *booking, s *snapshot, u nikUse) nikEntry {
	m := x.m
	if u.startsReapply(m.policy.ReapplyAfterUnreached) {
		en.reapplyFrom = max(en.reapplyFrom, unixns.Of(m.policy.ReapplyFrom(s.date, m.loc(p.office()))))
	}
	return en
}

// release lets go of b, which leaves memory at atNs (see retention.go):
// each NIK whose latest booking it is keeps only the instant from which it
// may book again, and a NIK with nothing left to keep leaves the index.
func (x *nikIndex) release(b *booking, atNs int64) {
	s := b.state()
	use := b.nikUse(s, atNs, x.m.loc(b.office()))
	for _, n := range b.niks() {
		sh, h := x.locate(n)
		sh.mu.Lock()
		if en := x.get(sh, n, h); en.latest == b.seq {
			en = x.fold(en, b, s, use)
			en.latest = 0
			if en.reapplyFrom <= atNs {
				en.reapplyFrom = 0 // nothing left to keep
			}
			x.set(sh, n, h, en)
		}
		sh.mu.Unlock()
	}
}

// latest returns the latest booking of NIK n, or nil.
func (x *nikIndex) latest(n NIK) *booking {
	sh, h := x.locate(n)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return x.m.slab.get(x.get(sh, n, h).latest)
}

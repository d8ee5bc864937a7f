package booking

import (
	"slices"
	"sync"
	"time"

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
	m      *machine // for the office zones, the policy and expiry
	shards [shardCount]nikShard
}

type nikShard struct {
	mu      sync.Mutex // guards entries
	entries map[NIK]nikEntry
	_       [64 - 16]byte
}

// nikEntry is what the engine knows about one NIK.
type nikEntry struct {
	latest *booking
	// reapplyFrom is the instant, Unix ns, from which the NIK may hold a
	// new booking because of an earlier one that reached its date; 0
	// when none did.
	reapplyFrom int64
}

func (x *nikIndex) shardOf(n NIK) int {
	// NIK digits are structured (province first); mix before picking.
	return int((n.n * 0x9E3779B97F4A7C15) >> 58)
}

// claim makes b the latest booking of each of its applicants' NIKs, all or
// nothing, as of atNs, and refuses with the first applicant's
// *ApplicantError: ErrNIKBooked while the NIK's latest booking is live,
// or, live only, a *reschedule.WindowError while the re-apply window runs.
//
// It holds the shards of b's NIKs from the check to the claim, and calls
// commit in between, so that the claims of one NIK reach the journal in
// the order they were made; an error from commit leaves every NIK as it
// was. A latest booking whose expiry or no-show is due is recorded first
// (live), so that it is judged as reads show it.
func (x *nikIndex) claim(b *booking, atNs int64, commit func() error) error {
	var held [ApplicantsMax]int // the shards to lock, ascending, once each
	n := 0
	for _, a := range b.applicants {
		i := x.shardOf(a.NIK)
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
	loc := x.m.loc(b.office)
	for i, a := range b.applicants {
		en, err := x.judge(x.shards[x.shardOf(a.NIK)].entries[a.NIK], atNs, loc)
		if err != nil {
			return &ApplicantError{Index: i, Err: err}
		}
		next[i] = en
	}
	if err := commit(); err != nil {
		return err
	}
	for i, a := range b.applicants {
		sh := &x.shards[x.shardOf(a.NIK)]
		if sh.entries == nil {
			sh.entries = make(map[NIK]nikEntry)
		}
		next[i].latest = b
		sh.entries[a.NIK] = next[i]
	}
	return nil
}

// judge decides whether a NIK whose entry is en may be claimed at atNs for
// a booking at an office in zone loc, and returns the entry with what it
// learned from the latest booking.
func (x *nikIndex) judge(en nikEntry, atNs int64, loc *time.Location) (nikEntry, error) {
	m := x.m
	p := en.latest
	if p == nil {
		return en, nil
	}
	if !m.replaying {
		// Judge p as every read shows it: record the expiry or no-show
		// whose instant has come (a payment racing the claim either wins,
		// and blocks the NIK, or loses).
		for m.recordDue(p, p.st.Load(), atNs) == errStale {
		}
	}
	s, pLoc := p.st.Load(), m.loc(p.office)
	use := s.nikUse(atNs, pLoc)
	if use == nikBlocked && !m.lenient { // a read-only load keeps both; Check reports them
		return en, ErrNIKBooked
	}
	if use.startsReapply(m.policy.ReapplyAfterUnreached) {
		en.reapplyFrom = max(en.reapplyFrom, nanos(m.policy.ReapplyFrom(s.date, pLoc)))
	}
	if !m.replaying && atNs < en.reapplyFrom {
		return en, &reschedule.WindowError{Action: reschedule.Reapply, Opens: time.Unix(0, en.reapplyFrom).In(loc)}
	}
	return en, nil
}

// latest returns the latest booking of NIK n, or nil.
func (x *nikIndex) latest(n NIK) *booking {
	sh := &x.shards[x.shardOf(n)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return sh.entries[n].latest
}

package booking

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// booking is the engine's record of one booking: a part fixed at the hold,
// and the place of its current state, replaced by each change.
//
// A booking is a record in its slab page, by value, and holds no pointer
// for the collector to trace: its office is a number, its account, key
// and applicants are bytes in the page's arena, and so are its states,
// each naming the one before (see snapshot). A record is written in place
// (slab.reserve, machine.write), never copied, and is 80 bytes.
//
// Changes of one booking are serialized by mu, and each is handed to the
// journal before it is published: so a booking's records are in the
// journal in the order of its changes, and whoever sees a change (a seat
// it freed, a NIK it released) acts after the change has its place in the
// journal. Readers take mu only to wait for a change under way (settled).
type booking struct {
	seq uint64 // the sequence number: the slab index, and the codes' source
	// code and billing are the booking and billing codes, kept because
	// every view shows them and deriving one costs a keyed permutation
	// (50–80 ns): a hold and its payment show two views, and the billing
	// code's permutations were 3.5% of their CPU (bench/README.md).
	code, billing uint64
	// prevOfAccount is the sequence number of the account's booking made
	// before this one, 0 for none: an account's history is a chain through
	// its latest booking (accountIndex). Guarded by the account's shard
	// of the index.
	prevOfAccount uint64
	// deadline is the hold's payment deadline, Unix ns: fixed when the
	// booking is made, so it is the booking's, not each state's.
	deadline int64

	// In the arena: the account's ID; the request's fingerprint (8
	// bytes) and then the idempotency key, if the hold had one; the
	// applicants (see fill).
	account, idem, applicants ref
	accountLen, keyLen        uint8 // AccountBytesMax and IdempotencyKeyBytesMax are 128
	nApps                     uint8
	hasFamilyCard             bool
	metaBytes                 uint16 // all applicants' metadata: MetadataBytesMax is 4 KiB
	officeID                  uint16 // the office's number in the ledger (machine.officeByID)

	mu sync.Mutex // serializes changes of this booking (see apply)
	// st is the ref of the current state in the page's arena, with
	// filedBit once the slab files the booking (slab.put, slab.remove)
	// and busyBit while a change is under way (settled).
	st atomic.Uint32
	// lsn is the log sequence number of the latest change of this booking
	// (lastLSN): a caller returning the booking waits for it to be
	// durable. Its top bit is set once the booking's archiving has its
	// place in the journal: no change may follow it (see machine.archive).
	// Written under mu; a flag of its own would cost the booking 8 bytes.
	lsn atomic.Uint64
}

// The limits the record's narrow fields count on.
var (
	_ = [1 << 8]struct{}{}[AccountBytesMax]
	_ = [1 << 8]struct{}{}[IdempotencyKeyBytesMax]
	_ = [1 << 8]struct{}{}[ApplicantsMax]
	_ = [1 << 16]struct{}{}[MetadataBytesMax]
)

// filedBit marks, in booking.st, a booking the slab finds: a ref's
// lowest three bits are always clear (alloc hands out multiples of 8).
const filedBit = 1

// busyBit marks, in booking.st, a booking a change is under way on: set
// under mu before the change's first effect anyone else can see, cleared
// when it publishes its state or gives up (see settled).
const busyBit = 2

// archivedBit marks an archived booking in booking.lsn: LSNs never reach
// it.
const archivedBit = 1 << 63

// page returns the page b is a record of: b is an element of the page's
// slots, which come first in it.
func (b *booking) page() *page {
	return (*page)(unsafe.Add(unsafe.Pointer(b), -slotOf(b.seq)*int(unsafe.Sizeof(booking{}))))
}

// office returns b's office.
func (b *booking) office() *office { return b.page().m.officeByID(int(b.officeID)) }

// codes returns b's booking and billing codes.
func (b *booking) codes() (code, billing uint64) { return b.code, b.billing }

// codeString returns b's booking code, as people read it.
func (b *booking) codeString() string { return formatCode(b.code) }

// accountID returns the account that made b. The string shares the
// arena's bytes, which never change: copy it into anything that outlives
// the engine's use of it (a view).
func (b *booking) accountID() string { return b.page().arena.str(b.account, int(b.accountLen)) }

// key returns the idempotency key b was made under and its request's
// fingerprint, and whether it had one.
func (b *booking) key() (key string, hash uint64, ok bool) {
	if b.idem == 0 {
		return "", 0, false
	}
	raw := b.page().arena.bytes(b.idem, 8+int(b.keyLen))
	return unsafe.String(&raw[8], int(b.keyLen)), *(*uint64)(unsafe.Pointer(&raw[0])), true
}

// niks returns b's applicants' NIKs, in the arena: the caller keeps the
// slice only while it keeps b. A booking has at least one (Hold, the
// decoder).
func (b *booking) niks() []NIK {
	raw := b.page().arena.bytes(b.applicants, 8*int(b.nApps))
	return unsafe.Slice((*NIK)(unsafe.Pointer(&raw[0])), int(b.nApps))
}

// familyCard returns b's family card, the zero one if the hold gave none.
func (b *booking) familyCard() FamilyCard {
	if !b.hasFamilyCard {
		return FamilyCard{}
	}
	raw := b.page().arena.bytes(b.applicants+ref(8*b.nApps), 8) // after the NIKs
	return *(*FamilyCard)(unsafe.Pointer(&raw[0]))
}

// applicantsCopy returns b's applicants, their metadata copied in one
// allocation.
func (b *booking) applicantsCopy() []Applicant {
	out := make([]Applicant, b.nApps)
	b.copyApplicants(out)
	return out
}

// copyApplicants writes b's applicants into out, which has room for
// exactly them, their metadata copied in one allocation.
func (b *booking) copyApplicants(out []Applicant) {
	niks := b.niks()
	for i, n := range niks {
		out[i] = Applicant{NIK: n}
	}
	if b.metaBytes == 0 {
		return
	}
	at := lensAt(len(niks), b.hasFamilyCard)
	raw := b.page().arena.bytes(b.applicants, at+2*len(niks)+int(b.metaBytes))
	lens, meta := raw[at:at+2*len(niks)], append([]byte(nil), raw[at+2*len(niks):]...)
	for i := range out {
		if l := int(lens[2*i]) | int(lens[2*i+1])<<8; l > 0 {
			out[i].Meta, meta = meta[:l:l], meta[l:]
		}
	}
}

// fill writes what b keeps of c, the change that makes it, into arena a,
// in one allocation: its first state (c's cell, Held at c.at), its
// account, its idempotency key after the request's fingerprint, and its
// applicants — the NIKs, 8 bytes each; the family card, if not the zero
// one; and when any applicant has metadata, every applicant's length, 2
// bytes each, and the metadata. It returns the first state, unpublished.
// One allocation, not one for each, because each allocation takes the
// lock of the core's lane of the arena, and aligns. The caller has
// checked c against the limits (Hold, the decoder).
func (b *booking) fill(a *arena, c *change) *snapshot {
	apps, fc := c.applicants, c.familyCard
	meta := 0
	for _, ap := range apps {
		meta += len(ap.Meta)
	}
	lensOff := lensAt(len(apps), fc != (FamilyCard{}))
	appsBytes := lensOff
	if meta > 0 {
		appsBytes += 2*len(apps) + meta
	}
	keyBytes := 0
	if c.idem != nil {
		keyBytes = 8 + len(c.idem.key)
	}
	accountAt := snapshotBytes
	keyAt := accountAt + align8(len(c.account))
	appsAt := keyAt + align8(keyBytes)
	r, raw := a.allocIn(c.core%arenaLanes, appsAt+appsBytes)

	first := (*snapshot)(unsafe.Pointer(&raw[0]))
	*first = firstState(c)
	first.ref = r
	copy(raw[accountAt:], c.account)
	b.account, b.accountLen = r+ref(accountAt), uint8(len(c.account))
	b.idem, b.keyLen = 0, 0
	if c.idem != nil {
		*(*uint64)(unsafe.Pointer(&raw[keyAt])) = c.idem.hash
		copy(raw[keyAt+8:], c.idem.key)
		b.idem, b.keyLen = r+ref(keyAt), uint8(len(c.idem.key))
	}
	out := raw[appsAt:]
	for i, ap := range apps {
		*(*NIK)(unsafe.Pointer(&out[8*i])) = ap.NIK
	}
	if fc != (FamilyCard{}) {
		*(*FamilyCard)(unsafe.Pointer(&out[8*len(apps)])) = fc
	}
	if meta > 0 {
		lens, rest := out[lensOff:lensOff+2*len(apps)], out[lensOff+2*len(apps):]
		for i, ap := range apps {
			lens[2*i], lens[2*i+1] = byte(len(ap.Meta)), byte(len(ap.Meta)>>8)
			rest = rest[copy(rest, ap.Meta):]
		}
	}
	b.applicants, b.nApps, b.metaBytes, b.hasFamilyCard = r+ref(appsAt), uint8(len(apps)), uint16(meta), fc != (FamilyCard{})
	return first
}

// lensAt returns where, in a booking's applicants, the metadata lengths
// start: after n NIKs and the family card, if it has one.
func lensAt(n int, hasFamilyCard bool) int {
	if hasFamilyCard {
		return 8*n + 8
	}
	return 8 * n
}

// align8 rounds n up to a multiple of 8, as the arena aligns what it
// hands out, so that a NIK or a state may be read where it is.
func align8(n int) int { return (n + 7) &^ 7 }

// seats is the number of seats the booking takes while it holds any.
func (b *booking) seats() int { return int(b.nApps) }

// lastLSN returns the LSN of b's latest change.
func (b *booking) lastLSN() uint64 { return b.lsn.Load() &^ archivedBit }

// archived reports whether b's archiving has its place in the journal;
// read under mu.
func (b *booking) archived() bool { return b.lsn.Load()&archivedBit != 0 }

// state returns b's current state, read without waiting for a change
// under way: for a caller that holds mu, or one to which a state just
// replaced is as good (it checks again under mu, or only looks).
func (b *booking) state() *snapshot { return b.snap(ref(b.st.Load() &^ (filedBit | busyBit))) }

// publish makes s, written into b's arena (record), b's current state,
// and ends the change under way (busyBit). It keeps filedBit as it is
// without a compare-and-swap: the bit changes only when the booking is
// filed, after its first state is published, by the same goroutine, and
// when it is removed, after its archiving, which no change follows.
func (b *booking) publish(s *snapshot) {
	b.st.Store(b.st.Load()&filedBit | uint32(s.ref))
}

// busy marks a change under way on b, idle one that gives up without
// publishing a state; the caller holds mu, and b is not archived, so that
// nothing else writes st meanwhile (see publish).
func (b *booking) busy() { b.st.Store(b.st.Load() | busyBit) }
func (b *booking) idle() { b.st.Store(b.st.Load() &^ busyBit) }

// settled returns b's state once no change of b is under way. A change
// gives back the seats it frees before it publishes its state (see
// machine.step), so whoever saw those seats free and then reads the
// booking must wait for the change to finish, to see the state and the
// seats of one instant. Every read that answers a caller, and every rule
// that refuses on a booking's state without applying a change (the NIK
// rule, the account's hold limit), reads it settled; a change reads it
// under the lock anyway.
//
// A change of the booking's state (step) marks the booking busy before its
// first effect (the seats it takes or gives back), and publishing its
// state clears the mark, with its LSN stored before. (Archiving gives a
// checked-in booking's seats back unmarked: it publishes no state, so a
// reader sees the booking checked in before and after, as it did when
// every read took the lock.) So a reader that finds no mark, in the same
// load as the state, has the state of an instant with no change under
// way, without the lock: it waits for the lock only while a change is
// under way, and, as sync/atomic's operations are sequentially
// consistent, whoever saw a change's seats move after it marked the
// booking finds the mark or the change's published state. The wait is
// short: changes hold mu while they apply, not while their record is
// synced, unless the journal's queue is full and a change waits for room
// (or a reschedule's take first records the lapsed holds of a full cell).
// The lock a read took every time was 5% of a Get.
func (b *booking) settled() *snapshot {
	if st := b.st.Load(); st&busyBit == 0 {
		return b.snap(ref(st &^ filedBit))
	}
	b.mu.Lock()
	s := b.state()
	b.mu.Unlock()
	return s
}

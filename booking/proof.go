package booking

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/kuota/kuota/calendar"
	"github.com/kuota/kuota/internal/wire"
	"github.com/kuota/kuota/quota"
)

// A proof of booking is what an applicant shows at the office's door (as a
// QR code): a compact token, signed with Ed25519 by the engine, carrying
// the booking's code, office, date, slot, queue number, the number of
// applicants and, for each applicant, a keyed hash of the NIK — never a
// NIK. A counter with the engine's public key checks it with VerifyProof,
// offline; with the proof key's NIK key it checks that a KTP shown is one
// of the booking's (Proof.HasNIK). Online, Engine.CheckProof also catches
// a booking cancelled, rejected or moved since the proof was made.
//
// The token, before base64url (no padding):
//
//	version (1), key ID, booking code (8 bytes), office code, date (days
//	since 1970), slot start (minutes), slot index, queue number, issued
//	at (Unix seconds), applicants, then one 8-byte NIK hash each;
//	then the Ed25519 signature (64 bytes) of everything before it.
//
// A five-applicant proof is about 160 bytes: a version-10 QR code.
const proofVersion = 1

// proofNIKHashBytes is the length of an applicant's NIK hash in a proof.
// Eight bytes tell one NIK from another with certainty in practice; they
// say nothing of the NIK to whoever lacks the NIK key, which a NIK's small
// space (a region, a birth date, four digits) would otherwise not survive.
const proofNIKHashBytes = 8

// ProofTokenBytesMax bounds the token VerifyProof reads.
const ProofTokenBytesMax = 512

// Proof is what a verified proof of booking says.
type Proof struct {
	KeyID      uint32 // the engine's proof key that signed it
	Code       string // the booking code
	Office     string // the office's code
	Date       calendar.Date
	Slot       string // the slot's start, "08:00"
	Queue      QueueNumber
	Applicants int
	IssuedAt   time.Time // when the engine made the proof, UTC
	nikHashes  [][proofNIKHashBytes]byte
}

// HasNIK reports whether nik is one of the booking's applicants, by the
// NIK key of the proof key that signed the proof (ProofKey.NIKKey).
func (p Proof) HasNIK(nikKey []byte, nik NIK) bool {
	h := proofNIKHash(nikKey, nik)
	for _, got := range p.nikHashes {
		if hmac.Equal(got[:], h[:]) {
			return true
		}
	}
	return false
}

// proofNIKHash is an applicant's hash in a proof: HMAC-SHA256 under the
// proof key's NIK key, cut to proofNIKHashBytes.
func proofNIKHash(nikKey []byte, nik NIK) [proofNIKHashBytes]byte {
	mac := hmac.New(sha256.New, nikKey)
	mac.Write([]byte("kuota proof NIK v1\x00"))
	mac.Write([]byte(nik.Digits()))
	var h [proofNIKHashBytes]byte
	copy(h[:], mac.Sum(nil))
	return h
}

// VerifyProof checks a proof token against publicKey, the public half of
// one of the engine's proof keys (Engine.ProofKeys), with no connection to
// the engine, and returns what it says. An engine that rotated its key
// signed older proofs with an older key: try each key a counter holds.
// Any other token is refused with ErrBadProof. VerifyProof says nothing
// of what happened to the booking since: Engine.CheckProof does.
func VerifyProof(token string, publicKey ed25519.PublicKey) (Proof, error) {
	if len(token) > ProofTokenBytesMax {
		return Proof{}, fmt.Errorf("%w: longer than %d bytes", ErrBadProof, ProofTokenBytesMax)
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) < ed25519.SignatureSize {
		return Proof{}, fmt.Errorf("%w: not a proof token", ErrBadProof)
	}
	if len(publicKey) != ed25519.PublicKeySize {
		return Proof{}, fmt.Errorf("%w: a public key is %d bytes, not %d", ErrBadProof, ed25519.PublicKeySize, len(publicKey))
	}
	body, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	if !ed25519.Verify(publicKey, body, sig) {
		return Proof{}, fmt.Errorf("%w: the signature does not match the key", ErrBadProof)
	}
	p, err := decodeProof(body)
	if err != nil {
		// Signed by the key, yet unreadable: a proof of a later version.
		return Proof{}, fmt.Errorf("%w: %w", ErrBadProof, err)
	}
	return p, nil
}

// ProofKeyID returns the ID of the key a proof token names, unverified:
// which of the keys Engine.ProofKeys lists to check its signature with,
// for a counter that holds several. It is 0 for a token that names none
// (not a proof, or a version this one does not read); VerifyProof is
// what tells a proof from a forgery.
func ProofKeyID(token string) uint32 {
	if len(token) > ProofTokenBytesMax {
		return 0
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0
	}
	d := wire.NewDecoder(raw)
	if d.Byte() != proofVersion {
		return 0
	}
	id := d.UvarintMax(1<<32-1, "key ID")
	if d.Err() != nil {
		return 0
	}
	return uint32(id)
}

// encodeProof writes the body of a proof of booking b (a view) under key.
func encodeProof(key *proofKey, b *Booking, slot uint8, niks []NIK, issued time.Time) []byte {
	start, _ := quota.ParseClock(b.Slot)
	e := wire.NewEncoder(make([]byte, 0, 160))
	e.Byte(proofVersion)
	e.Uvarint(uint64(key.id))
	code, _ := parseCode(b.Code)
	e.Uint64(code)
	e.String(b.Office)
	e.Varint(b.Date.EpochDays())
	e.Uvarint(uint64(start / time.Minute))
	e.Byte(slot)
	e.Uvarint(uint64(b.Queue.Number))
	e.Varint(issued.Unix())
	e.Byte(byte(len(niks)))
	for _, n := range niks {
		h := proofNIKHash(key.nikKey[:], n)
		e.Raw(h[:])
	}
	return e.Bytes()
}

// decodeProof reads a proof's body.
func decodeProof(body []byte) (Proof, error) {
	d := wire.NewDecoder(body)
	if v := d.Byte(); v != proofVersion && d.Err() == nil {
		d.Fail("proof version %d", v)
	}
	var p Proof
	p.KeyID = uint32(d.UvarintMax(1<<32-1, "key ID"))
	code := d.Uint64()
	p.Office = d.String(OfficeCodeBytesMax, "office")
	p.Date = decodeDate(d)
	start := time.Duration(d.UvarintMax(24*60, "slot start")) * time.Minute
	slot := int(d.Byte())
	number := int(d.UvarintMax(1<<32-1, "queue number"))
	p.IssuedAt = time.Unix(d.Varint(), 0).UTC()
	p.Applicants = int(d.Byte())
	if p.Applicants < 1 || p.Applicants > ApplicantsMax {
		d.Fail("%d applicants", p.Applicants)
	}
	for range p.Applicants {
		var h [proofNIKHashBytes]byte
		copy(h[:], d.Raw(proofNIKHashBytes, "NIK hash"))
		p.nikHashes = append(p.nikHashes, h)
	}
	if slot >= quota.SlotsPerDayMax || code >= 1<<codeBits {
		d.Fail("slot %d, code %d", slot, code)
	}
	if err := d.Finish(); err != nil {
		return Proof{}, err
	}
	p.Code = formatCode(code)
	p.Slot = quota.FormatClock(start)
	if number > 0 {
		p.Queue = QueueNumber{Slot: slot, Number: number}
	}
	return p, nil
}

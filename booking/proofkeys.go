package booking

import (
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/kuota/kuota/internal/unixns"
)

// Proof keys live in the journal, like the code keys: each is a change
// (opProofKey) carrying the private key, so a reopened engine, and a
// standby, sign and check with the same keys. The journal is as secret as
// the NIKs it holds (a file of mode 0600, or a database's table). A key
// that leaked lets its holder sign proofs that VerifyProof accepts
// offline; CheckProof catches them online, since it compares the proof's
// applicants with its booking's; RotateProofKey retires the key for new
// proofs, and a counter drops its public half once the old proofs' days
// have passed.

// ProofKeysMax bounds the proof keys an engine keeps: rotated monthly,
// eighty years.
const ProofKeysMax = 1000

// proofKey is one of the engine's proof keys.
type proofKey struct {
	id      uint32
	private ed25519.PrivateKey
	nikKey  [32]byte
	created int64 // Unix ns
}

// ProofKey is the public part of one of the engine's proof keys, for the
// counters that check proofs.
type ProofKey struct {
	ID uint32
	// Public checks a proof's signature (VerifyProof). It may be
	// published.
	Public ed25519.PublicKey
	// NIKKey checks an applicant's NIK against a proof (Proof.HasNIK). It
	// is for the office's counters only: whoever has it can test a guess
	// of a NIK against a proof.
	NIKKey  []byte
	Created time.Time
}

func (k *proofKey) public() ProofKey {
	return ProofKey{
		ID:      k.id,
		Public:  k.private.Public().(ed25519.PublicKey),
		NIKKey:  slices.Clone(k.nikKey[:]),
		Created: unixns.Time(k.created).UTC(),
	}
}

// newProofKey draws a key with ID id from src (Options.Rand).
func newProofKey(src io.Reader, id uint32, atNs int64) (*proofKey, error) {
	var seed [ed25519.SeedSize]byte
	k := &proofKey{id: id, created: atNs}
	if _, err := io.ReadFull(src, seed[:]); err != nil {
		return nil, fmt.Errorf("%w: reading Options.Rand: %w", ErrBadOptions, err)
	}
	if _, err := io.ReadFull(src, k.nikKey[:]); err != nil {
		return nil, fmt.Errorf("%w: reading Options.Rand: %w", ErrBadOptions, err)
	}
	k.private = ed25519.NewKeyFromSeed(seed[:])
	return k, nil
}

// addProofKey applies opProofKey; the caller holds adminMu. Keys come in
// order of their IDs, from 1.
func (m *machine) addProofKey(c *change) (uint64, error) {
	keys := m.proofKeys.Load()
	var have []*proofKey
	if keys != nil {
		have = *keys
	}
	switch {
	case c.proofKey == nil:
		return 0, fmt.Errorf("%w: a proof key change without a key", ErrCorrupt)
	case int(c.proofKey.id) != len(have)+1:
		return 0, fmt.Errorf("%w: proof key %d after %d keys", ErrCorrupt, c.proofKey.id, len(have))
	case len(have) >= ProofKeysMax:
		return 0, fmt.Errorf("%w: more than %d proof keys", ErrTooManyProofKeys, ProofKeysMax)
	}
	lsn, err := m.commit(c, nil, nil, nil)
	if err != nil {
		return 0, err
	}
	next := append(slices.Clip(have), c.proofKey)
	m.proofKeys.Store(&next)
	return lsn, nil
}

// sign returns the token of a proof whose body is body: the body and its
// Ed25519 signature, in base64url.
func (k *proofKey) sign(body []byte) string {
	return base64.RawURLEncoding.EncodeToString(append(body, ed25519.Sign(k.private, body)...))
}

// proofKeyOf returns the proof key with ID id, nil if there is none.
func (m *machine) proofKeyOf(id uint32) *proofKey {
	keys := m.proofKeys.Load()
	if keys == nil || id < 1 || int(id) > len(*keys) {
		return nil
	}
	return (*keys)[id-1] // IDs run from 1 in order (addProofKey)
}

// currentProofKey returns the latest proof key, nil if there is none.
func (m *machine) currentProofKey() *proofKey {
	keys := m.proofKeys.Load()
	if keys == nil || len(*keys) == 0 {
		return nil
	}
	return (*keys)[len(*keys)-1]
}

// RotateProofKey draws a new proof key and signs proofs with it from now
// on; proofs signed with the older keys still verify with them
// (ProofKeys). It returns the new key's public part. The first Proof makes
// the first key by itself.
func (e *Engine) RotateProofKey(ctx context.Context) (ProofKey, error) {
	if err := e.beginWrite(ctx); err != nil {
		return ProofKey{}, err
	}
	e.m.adminMu.Lock()
	defer e.m.adminMu.Unlock()
	k, lsn, err := e.rotateProofKey()
	if err != nil {
		return ProofKey{}, err
	}
	e.m.log.Info("proof key rotated", "key", k.id)
	return k.public(), e.wait(ctx, lsn)
}

// rotateProofKey applies a new proof key; adminMu is held.
func (e *Engine) rotateProofKey() (*proofKey, uint64, error) {
	id := uint32(1)
	if cur := e.m.currentProofKey(); cur != nil {
		id = cur.id + 1
	}
	k, err := newProofKey(e.opts.Rand, id, e.nowNs())
	if err != nil {
		return nil, 0, err
	}
	lsn, err := e.m.apply(&change{op: opProofKey, proofKey: k})
	return k, lsn, err
}

// ProofKeys returns the public parts of the engine's proof keys, oldest
// first: what a counter needs to check proofs offline.
func (e *Engine) ProofKeys(ctx context.Context) ([]ProofKey, error) {
	if err := e.begin(ctx); err != nil {
		return nil, err
	}
	keys := e.m.proofKeys.Load()
	if keys == nil {
		return nil, nil
	}
	out := make([]ProofKey, len(*keys))
	for i, k := range *keys {
		out[i] = k.public()
	}
	return out, nil
}

// Proof returns the proof of booking of a paid (or checked-in) booking: a
// token to show as a QR code, which VerifyProof checks offline (see
// proof.go for what it carries). A booking in another state is refused
// with a *StateError. The first proof an engine makes draws its first
// proof key, a change like any (so not on a standby, nor read-only).
func (e *Engine) Proof(ctx context.Context, code string) (string, error) {
	b, err := e.lookup(ctx, code, false)
	if err != nil {
		return "", err
	}
	key := e.m.currentProofKey()
	if key == nil {
		if err := e.beginWrite(ctx); err != nil {
			return "", err
		}
		e.m.adminMu.Lock()
		if key = e.m.currentProofKey(); key == nil {
			var lsn uint64
			if key, lsn, err = e.rotateProofKey(); err == nil {
				err = e.wait(ctx, lsn)
			}
		}
		e.m.adminMu.Unlock()
		if err != nil {
			return "", err
		}
	}
	var v Booking
	e.m.view(&v, b, e.nowNs())
	if v.State != Paid && v.State != CheckedIn {
		return "", &StateError{Op: "prove", State: v.State}
	}
	slot, err := e.m.slotAt(b.office(), v.Slot) // the view's, so slot and start agree
	if err != nil {
		return "", err
	}
	niks := make([]NIK, len(v.Applicants))
	for i, a := range v.Applicants {
		niks[i] = a.NIK
	}
	return key.sign(encodeProof(key, &v, slot, niks, e.now())), nil
}

// CheckProof checks a proof token online: signed by one of the engine's
// proof keys, and carrying its booking's applicants' NIKs (ErrBadProof
// otherwise: a proof made with a leaked key for someone else's booking
// fails here), and its booking still paid or checked in, at the date, slot
// and queue number the proof names (ErrProofRevoked otherwise: cancelled,
// rejected, a no-show, or moved). It returns what the proof says and the
// booking as it stands.
func (e *Engine) CheckProof(ctx context.Context, token string) (Proof, Booking, error) {
	if err := e.begin(ctx); err != nil {
		return Proof{}, Booking{}, err
	}
	// The token names its key; the signature is then checked with that
	// key alone.
	key := e.m.proofKeyOf(ProofKeyID(token))
	if key == nil {
		return Proof{}, Booking{}, fmt.Errorf("%w: no proof key of this engine signed it", ErrBadProof)
	}
	p, err := VerifyProof(token, key.private.Public().(ed25519.PublicKey))
	if err != nil {
		return Proof{}, Booking{}, err
	}
	b, err := e.Get(ctx, p.Code)
	switch {
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrArchived):
		return p, Booking{}, fmt.Errorf("%w: %w", ErrProofRevoked, err)
	case err != nil:
		return p, Booking{}, err // the engine's trouble, not the proof's
	}
	if len(b.Applicants) != p.Applicants {
		return p, b, fmt.Errorf("%w: %d applicants, the booking has %d", ErrBadProof, p.Applicants, len(b.Applicants))
	}
	for i, a := range b.Applicants {
		if h := proofNIKHash(key.nikKey[:], a.NIK); !hmac.Equal(h[:], p.nikHashes[i][:]) {
			return p, b, fmt.Errorf("%w: applicant %d's NIK is not the booking's", ErrBadProof, i+1)
		}
	}
	switch {
	case b.State != Paid && b.State != CheckedIn:
		err = fmt.Errorf("%w: the booking is %v", ErrProofRevoked, b.State)
	case b.Office != p.Office || b.Date != p.Date || b.Slot != p.Slot || b.Queue != p.Queue:
		err = fmt.Errorf("%w: the booking is now on %s at %s, number %v", ErrProofRevoked, b.Date, b.Slot, b.Queue)
	}
	return p, b, err
}

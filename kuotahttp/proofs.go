package kuotahttp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/kuota/kuota/booking"
	"github.com/kuota/kuota/calendar"
)

// The proof of booking: what an applicant shows at the office's door,
// and what the office checks it with. The applicant reads the proof of
// a booking the account holds (its token, and its image when the service
// makes one); anyone reads the public keys, which check a token offline
// (booking.VerifyProof); the office's staff read the NIK keys too, rotate
// the keys, and check a token online, against the booking as it stands.

// proofJSON is the body of GET /bookings/{code}/proof.
type proofJSON struct {
	// Token is the proof itself, to show as a QR code: base64url, at
	// most booking.ProofTokenBytesMax bytes.
	Token string `json:"token"`
	// KeyID is the proof key that signed it (GET /proof-keys).
	KeyID uint32 `json:"key_id"`
}

// proof serves GET /bookings/{code}/proof, for the account that holds
// the booking: a paid or checked-in booking's proof (a booking in another
// state is refused with wrong-state). Each call signs a new token; a
// reschedule changes the slot and queue number a proof names, so the
// page asks again after one.
func (h *Handler) proof(c *call) error {
	b, err := h.owned(c, c.r.PathValue("code"))
	if err != nil {
		return err
	}
	token, err := h.engine.Proof(c.r.Context(), b.Code)
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, proofJSON{Token: token, KeyID: booking.ProofKeyID(token)})
	return nil
}

// proofImage serves GET /bookings/{code}/proof/image: the proof drawn by
// Options.ProofImage (a QR code), for the account that holds the booking.
func (h *Handler) proofImage(c *call) error {
	if h.o.ProofImage == nil {
		return ErrNoProofImage
	}
	b, err := h.owned(c, c.r.PathValue("code"))
	if err != nil {
		return err
	}
	token, err := h.engine.Proof(c.r.Context(), b.Code)
	if err != nil {
		return err
	}
	contentType, img, err := h.o.ProofImage(token)
	switch {
	case err != nil:
		return fmt.Errorf("kuotahttp: Options.ProofImage: %w", err)
	case !strings.HasPrefix(contentType, "image/"):
		return fmt.Errorf("kuotahttp: Options.ProofImage gave a media type %q, not an image", contentType)
	case len(img) == 0 || len(img) > ProofImageBytesMax:
		return fmt.Errorf("kuotahttp: Options.ProofImage gave %d bytes, want 1 to %d", len(img), ProofImageBytesMax)
	}
	c.w.Header().Set("Content-Type", contentType)
	// A proof is as good as the booking's code for whoever holds it: no
	// cache keeps it.
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(img) // the client may be gone; nothing to do then
	return nil
}

// proofKeyJSON is one of the engine's proof keys. NIKKey is for the
// office's counters only, and written on the operator API alone: with it,
// a guess of a NIK can be tested against a proof.
type proofKeyJSON struct {
	ID uint32 `json:"id"`
	// PublicKey is the Ed25519 public key, base64 (standard, padded):
	// what booking.VerifyProof takes.
	PublicKey []byte    `json:"public_key"`
	NIKKey    []byte    `json:"nik_key,omitempty"` // base64; operators only
	Created   time.Time `json:"created"`
}

// proofKeysJSON is the body of GET /proof-keys: the keys oldest first,
// the last one signing new proofs.
type proofKeysJSON struct {
	Keys []proofKeyJSON `json:"keys"`
}

func newProofKeyJSON(k booking.ProofKey, withNIKKey bool) proofKeyJSON {
	out := proofKeyJSON{ID: k.ID, PublicKey: k.Public, Created: k.Created}
	if withNIKKey {
		out.NIKKey = k.NIKKey
	}
	return out
}

// publicProofKeys serves GET /proof-keys on the public API: the keys'
// public halves, to check proofs offline. An engine that has made no
// proof yet has no key, and lists none.
func (h *Handler) publicProofKeys(c *call) error { return h.writeProofKeys(c, false) }

// operatorProofKeys serves GET /proof-keys on the operator API: with the
// NIK keys, for the office's counters.
func (h *Handler) operatorProofKeys(c *call) error { return h.writeProofKeys(c, true) }

func (h *Handler) writeProofKeys(c *call, withNIKKeys bool) error {
	keys, err := h.engine.ProofKeys(c.r.Context())
	if err != nil {
		return err
	}
	out := proofKeysJSON{Keys: make([]proofKeyJSON, 0, len(keys))}
	for _, k := range keys {
		out.Keys = append(out.Keys, newProofKeyJSON(k, withNIKKeys))
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// rotateProofKey serves POST /proof-keys/rotate: a new key signs proofs
// from now on; the older ones still check what they signed.
func (h *Handler) rotateProofKey(c *call) error {
	k, err := h.engine.RotateProofKey(c.r.Context())
	if err != nil {
		return err
	}
	h.log.InfoContext(c.r.Context(), "kuotahttp: proof key rotated", "operator", c.operator, "key", k.ID)
	writeJSON(c.w, http.StatusOK, newProofKeyJSON(k, true))
	return nil
}

// proofCheckJSON is the body of POST /proofs/check.
type proofCheckJSON struct {
	// Revoked reports that the booking is no longer what the proof says:
	// cancelled, rejected, a no-show, moved, or gone; RevokedDetail
	// says which, in words.
	Revoked       bool   `json:"revoked"`
	RevokedDetail string `json:"revoked_detail,omitempty"`
	// Proof is what the token says, signed.
	Proof provenJSON `json:"proof"`
	// NIKMatches, when the request gave a NIK, says whether it is one
	// of the booking's applicants (booking.Proof.HasNIK).
	NIKMatches *bool `json:"nik_matches,omitempty"`
	// Booking is the booking as it stands, absent when the engine no
	// longer has it.
	Booking *bookingJSON `json:"booking,omitempty"`
}

// provenJSON is what a proof says (booking.Proof).
type provenJSON struct {
	KeyID      uint32        `json:"key_id"`
	Code       string        `json:"code"`
	Office     string        `json:"office"`
	Date       calendar.Date `json:"date"`
	Slot       string        `json:"slot"`
	Queue      string        `json:"queue,omitempty"`
	Applicants int           `json:"applicants"`
	IssuedAt   time.Time     `json:"issued_at"` // UTC
}

// checkProof serves POST /proofs/check, {"token": …, "nik": …}: the
// office's check of a proof shown at its door, against the booking as it
// stands. A token no key of the engine signed is refused (bad-proof); a
// genuine one answers 200 with what it says, whether it is revoked, and,
// given the NIK of a KTP shown beside it, whether that NIK is on the
// booking. The NIK is personal data: it is neither logged nor written
// back.
func (h *Handler) checkProof(c *call) error {
	var body struct {
		Token string `json:"token"`
		NIK   string `json:"nik"` // optional
	}
	if err := decodeJSON(c.body, &body, false, ""); err != nil {
		return err
	}
	var nik booking.NIK
	if body.NIK != "" {
		var err error
		if nik, err = booking.ParseNIK(body.NIK); err != nil {
			return &inputError{pointer: "/nik", err: err}
		}
	}
	p, b, err := h.engine.CheckProof(c.r.Context(), body.Token)
	out := proofCheckJSON{}
	switch {
	case err == nil:
	case errors.Is(err, booking.ErrProofRevoked) && (b.Code != "" || gone(err)):
		out.Revoked, out.RevokedDetail = true, packagePrefixes.Replace(err.Error())
	case errors.Is(err, booking.ErrProofRevoked):
		// The engine could not read the booking for its own sake (it
		// closed, or the request's context ended): that is no
		// revocation, and a counter must not be told it is.
		if cerr := c.r.Context().Err(); cerr != nil {
			return cerr
		}
		return booking.ErrEngineClosed
	default:
		return err
	}
	out.Proof = provenJSON{
		KeyID: p.KeyID, Code: p.Code, Office: p.Office, Date: p.Date, Slot: p.Slot,
		Queue: p.Queue.String(), Applicants: p.Applicants, IssuedAt: p.IssuedAt,
	}
	if b.Code != "" {
		bj := newOperatorBookingJSON(&b)
		out.Booking = &bj
	}
	if !nik.IsZero() {
		matches, err := h.proofHasNIK(c.r.Context(), p, nik)
		if err != nil {
			return err
		}
		out.NIKMatches = &matches
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// gone reports whether err says that the booking is no longer in the
// engine: never made, or archived.
func gone(err error) bool {
	return errors.Is(err, booking.ErrNotFound) || errors.Is(err, booking.ErrArchived)
}

// proofHasNIK checks nik against p with the NIK key of the key that
// signed p.
func (h *Handler) proofHasNIK(ctx context.Context, p booking.Proof, nik booking.NIK) (bool, error) {
	keys, err := h.engine.ProofKeys(ctx)
	if err != nil {
		return false, err
	}
	for _, k := range keys {
		if k.ID == p.KeyID {
			return p.HasNIK(k.NIKKey, nik), nil
		}
	}
	return false, errors.New("kuotahttp: the proof's key is not among the engine's")
}

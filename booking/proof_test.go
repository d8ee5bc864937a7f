package booking_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// A proof of a paid booking verifies offline with the engine's public key
// and says what the counter needs, the NIKs only as keyed hashes; online
// it is caught once the booking is cancelled or moved.
func TestProofOfBooking(t *testing.T) {
	e, clk := kt.NewEngine(t, &Options{MaxHoldsPerAccount: 5})
	req := kt.HoldRequest(t, 1)
	req.Applicants = kt.Applicants(t, 1, 2)
	held, err := e.Hold(bg, req)
	require.NoError(t, err)
	_, err = e.Proof(bg, held.Code)
	var se *StateError
	require.ErrorAs(t, err, &se, "a hold has no proof")
	paid, err := e.Pay(bg, held.BillingCode, "REF")
	require.NoError(t, err)

	token, err := e.Proof(bg, paid.Code)
	require.NoError(t, err)
	require.Less(t, len(token), ProofTokenBytesMax)
	keys, err := e.ProofKeys(bg)
	require.NoError(t, err)
	require.Len(t, keys, 1, "the first proof drew the first key")

	p, err := VerifyProof(token, keys[0].Public)
	require.NoError(t, err)
	require.Equal(t, paid.Code, p.Code)
	require.Equal(t, kt.Office, p.Office)
	require.Equal(t, kt.Dec10, p.Date)
	require.Equal(t, kt.Slot0, p.Slot)
	require.Equal(t, "A-001", p.Queue.String())
	require.Equal(t, 2, p.Applicants)
	require.Equal(t, keys[0].ID, p.KeyID)
	require.Equal(t, kt.T1.Unix(), p.IssuedAt.Unix())
	require.True(t, p.HasNIK(keys[0].NIKKey, kt.NIK(t, 1)))
	require.True(t, p.HasNIK(keys[0].NIKKey, kt.NIK(t, 2)))
	require.False(t, p.HasNIK(keys[0].NIKKey, kt.NIK(t, 3)), "a NIK not on the booking")
	require.False(t, p.HasNIK([]byte("another key"), kt.NIK(t, 1)), "the NIK key is needed")

	raw, err := base64.RawURLEncoding.DecodeString(token)
	require.NoError(t, err)
	for _, n := range []int{1, 2} {
		digits := []byte(kt.NIK(t, n).Digits())
		require.False(t, bytes.Contains(raw, digits), "a NIK in the token")
		require.False(t, bytes.Contains(raw, digits[6:12]), "a birth date in the token")
	}

	got, b, err := e.CheckProof(bg, token)
	require.NoError(t, err)
	require.Equal(t, p, got)
	require.Equal(t, Paid, b.State)

	// With a leaked key, a stranger's proof of this booking passes
	// offline, and is caught online.
	forged := e.ForgeProof(paid, []NIK{kt.NIK(t, 1), kt.NIK(t, 9)})
	fp, err := VerifyProof(forged, keys[0].Public)
	require.NoError(t, err)
	require.True(t, fp.HasNIK(keys[0].NIKKey, kt.NIK(t, 9)))
	_, _, err = e.CheckProof(bg, forged)
	require.ErrorIs(t, err, ErrBadProof)
	_, _, err = e.CheckProof(bg, e.ForgeProof(paid, []NIK{kt.NIK(t, 1)}))
	require.ErrorIs(t, err, ErrBadProof, "an applicant fewer")

	clk.Set(kt.T2)
	_, err = e.Reschedule(bg, paid.Code, kt.Dec11, kt.Slot0)
	require.NoError(t, err)
	_, err = VerifyProof(token, keys[0].Public)
	require.NoError(t, err, "offline, the old proof still verifies")
	_, _, err = e.CheckProof(bg, token)
	require.ErrorIs(t, err, ErrProofRevoked, "online, a moved booking is caught")

	fresh, err := e.Proof(bg, paid.Code)
	require.NoError(t, err)
	_, _, err = e.CheckProof(bg, fresh)
	require.NoError(t, err)
	_, err = e.Cancel(bg, paid.Code, Reason{})
	require.NoError(t, err)
	_, _, err = e.CheckProof(bg, fresh)
	require.ErrorIs(t, err, ErrProofRevoked, "online, a cancelled booking is caught")

	ctx, cancel := context.WithCancel(bg)
	cancel()
	_, _, err = e.CheckProof(ctx, fresh)
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, ErrProofRevoked, "the caller's trouble is not the proof's")
}

func TestVerifyProofRefuses(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = e.Pay(bg, b.BillingCode, "REF")
	require.NoError(t, err)
	token, err := e.Proof(bg, b.Code)
	require.NoError(t, err)
	keys, err := e.ProofKeys(bg)
	require.NoError(t, err)
	pub := keys[0].Public

	raw, err := base64.RawURLEncoding.DecodeString(token)
	require.NoError(t, err)
	flipped := bytes.Clone(raw)
	flipped[10] ^= 1
	otherPub, _, err := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{1}, 64)))
	require.NoError(t, err)
	tests := []struct {
		name  string
		token string
		key   ed25519.PublicKey
	}{
		{"empty", "", pub},
		{"not base64", "!!!", pub},
		{"too long", string(bytes.Repeat([]byte{'A'}, ProofTokenBytesMax+1)), pub},
		{"a byte changed", base64.RawURLEncoding.EncodeToString(flipped), pub},
		{"cut short", token[:len(token)-4], pub},
		{"another key", token, otherPub},
		{"a short key", token, pub[:16]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := VerifyProof(tt.token, tt.key)
			require.ErrorIs(t, err, ErrBadProof)
		})
	}
	_, _, err = e.CheckProof(bg, base64.RawURLEncoding.EncodeToString(flipped))
	require.ErrorIs(t, err, ErrBadProof)
}

// Keys rotate: new proofs are signed with the new key, old ones still
// verify with the old key, online too; the keys survive a reopen.
func TestProofKeyRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kuota.db")
	clk := kt.NewClock(kt.T1)
	e := kt.OpenEngine(t, path, clk, nil)
	require.NoError(t, e.RegisterOffice(bg, kt.OfficeConfig(t)))
	b, err := e.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = e.Pay(bg, b.BillingCode, "REF")
	require.NoError(t, err)
	old, err := e.Proof(bg, b.Code)
	require.NoError(t, err)

	clk.Add(time.Hour)
	k2, err := e.RotateProofKey(bg)
	require.NoError(t, err)
	require.Equal(t, uint32(2), k2.ID)
	require.Equal(t, clk.Now().UTC(), k2.Created)
	fresh, err := e.Proof(bg, b.Code)
	require.NoError(t, err)
	_, err = VerifyProof(fresh, k2.Public)
	require.NoError(t, err)
	// Each token names the key to check it with.
	require.Equal(t, uint32(1), ProofKeyID(old))
	require.Equal(t, uint32(2), ProofKeyID(fresh))
	require.Zero(t, ProofKeyID("not a proof"))
	require.Zero(t, ProofKeyID(""))

	require.NoError(t, e.Close())
	e = kt.OpenEngine(t, path, clk, nil)
	keys, err := e.ProofKeys(bg)
	require.NoError(t, err)
	require.Len(t, keys, 2)
	require.Equal(t, k2, keys[1])
	_, err = VerifyProof(old, keys[0].Public)
	require.NoError(t, err)
	_, err = VerifyProof(old, keys[1].Public)
	require.ErrorIs(t, err, ErrBadProof)
	for _, token := range []string{old, fresh} {
		_, _, err = e.CheckProof(bg, token)
		require.NoError(t, err)
	}
}

// A standby checks proofs with the keys it followed, and cannot draw the
// first key.
func TestProofOnStandby(t *testing.T) {
	p := newStandbyPair(t)
	b, err := p.active.Hold(bg, kt.HoldRequest(t, 1))
	require.NoError(t, err)
	_, err = p.active.Pay(bg, b.BillingCode, "REF")
	require.NoError(t, err)
	p.follow(p.standby)
	_, err = p.standby.Proof(bg, b.Code)
	require.ErrorIs(t, err, ErrStandby, "no key yet: drawing one is a change")

	token, err := p.active.Proof(bg, b.Code)
	require.NoError(t, err)
	p.follow(p.standby)
	_, _, err = p.standby.CheckProof(bg, token)
	require.NoError(t, err)
	again, err := p.standby.Proof(bg, b.Code)
	require.NoError(t, err)
	_, _, err = p.active.CheckProof(bg, again)
	require.NoError(t, err)
}

package kuotahttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

// fakePNG is what the tests' ProofImage hook draws: a PNG signature and
// the token, enough to tell that the route served the hook's bytes for
// this booking's proof.
func fakePNG(token string) (string, []byte, error) {
	return "image/png", append([]byte("\x89PNG\r\n\x1a\n"), token...), nil
}

// getProof reads the proof of code as account, which must succeed.
func (s *testService) getProof(account, code string) proofJSON {
	s.t.Helper()
	var p proofJSON
	s.as(account).getJSON("/bookings/"+code+"/proof", &p)
	return p
}

// publicKeys reads GET /proof-keys on the public API, as anyone.
func (s *testService) publicKeys() proofKeysJSON {
	s.t.Helper()
	var keys proofKeysJSON
	s.as("").getJSON("/proof-keys", &keys)
	return keys
}

func TestProof(t *testing.T) {
	s := newTestService(t, nil, nil)
	require.Empty(t, s.publicKeys().Keys, "no key before the first proof")

	b := s.paid(dayArrival, kt.Slot1)
	p := s.getProof("a1", b.Code)
	require.Equal(t, uint32(1), p.KeyID, "the first proof draws the first key")
	require.LessOrEqual(t, len(p.Token), booking.ProofTokenBytesMax)

	// Anyone checks it offline with the public key, which is all the
	// public API lists.
	keys := s.publicKeys()
	require.Len(t, keys.Keys, 1)
	require.Equal(t, uint32(1), keys.Keys[0].ID)
	require.Nil(t, keys.Keys[0].NIKKey, "the NIK key is for the office's counters")
	proven, err := booking.VerifyProof(p.Token, keys.Keys[0].PublicKey)
	require.NoError(t, err)
	require.Equal(t, b.Code, proven.Code)
	require.Equal(t, b.Queue, proven.Queue.String())
	require.Equal(t, "B-001", b.Queue)
	require.Equal(t, kt.Slot1, proven.Slot)

	// Only the holder reads it, and only once paid.
	requireProblem(t, s.as("a2").do(http.MethodGet, "/bookings/"+b.Code+"/proof", ""), 404, "booking-not-found")
	requireProblem(t, s.as("").do(http.MethodGet, "/bookings/"+b.Code+"/proof", ""), 401, "unauthenticated")
	held := s.as("a2").hold(dayArrival, kt.Slot1, kt.Online, niks[1])
	requireProblem(t, s.as("a2").do(http.MethodGet, "/bookings/"+held.Code+"/proof", ""), 409, "wrong-state")

	// Without the hook there is no image, and the page is told so.
	requireProblem(t, s.as("a1").do(http.MethodGet, "/bookings/"+b.Code+"/proof/image", ""), 404, "no-proof-image")
	var cfg pageConfigJSON
	s.as("").getJSON("/web/config.json", &cfg)
	require.False(t, cfg.ProofImage)
}

func TestProofImage(t *testing.T) {
	s := newTestService(t, nil, func(o *Options) { o.ProofImage = fakePNG })
	b := s.paid(dayArrival, kt.Slot1)
	var cfg pageConfigJSON
	s.as("").getJSON("/web/config.json", &cfg)
	require.True(t, cfg.ProofImage)

	rec := s.as("a1").do(http.MethodGet, "/bookings/"+b.Code+"/proof/image", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, "image/png", rec.Header().Get("Content-Type"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	token, ok := bytes.CutPrefix(rec.Body.Bytes(), []byte("\x89PNG\r\n\x1a\n"))
	require.True(t, ok, "the hook's bytes")
	proven, err := booking.VerifyProof(string(token), s.publicKeys().Keys[0].PublicKey)
	require.NoError(t, err)
	require.Equal(t, b.Code, proven.Code, "the image is of this booking's proof")

	// Someone else's booking is no more found here than anywhere.
	requireProblem(t, s.as("a2").do(http.MethodGet, "/bookings/"+b.Code+"/proof/image", ""), 404, "booking-not-found")
}

// A hook that fails, or answers what is no image, is the service's bug:
// 500, logged, and nothing of the hook's words in the answer.
func TestProofImageHookFails(t *testing.T) {
	tests := []struct {
		name string
		hook func(string) (string, []byte, error)
	}{
		{"error", func(string) (string, []byte, error) { return "", nil, errors.New("qr: data too long at /srv/x") }},
		{"not an image", func(token string) (string, []byte, error) { return "text/html", []byte(token), nil }},
		{"empty", func(string) (string, []byte, error) { return "image/png", nil, nil }},
		{"too large", func(string) (string, []byte, error) {
			return "image/png", make([]byte, ProofImageBytesMax+1), nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestService(t, nil, func(o *Options) { o.ProofImage = tt.hook })
			b := s.paid(dayArrival, kt.Slot1)
			rec := s.as("a1").do(http.MethodGet, "/bookings/"+b.Code+"/proof/image", "")
			p := requireProblem(t, rec, 500, "internal")
			require.Empty(t, p.Detail)
			require.NotContains(t, rec.Body.String(), "/srv/x")
		})
	}
}

func TestOperatorProofKeys(t *testing.T) {
	s := newTestService(t, nil, nil)
	b := s.paid(dayArrival, kt.Slot1)
	old := s.getProof("a1", b.Code)

	var keys proofKeysJSON
	s.op().getJSON("/proof-keys", &keys)
	require.Len(t, keys.Keys, 1)
	require.Len(t, keys.Keys[0].NIKKey, 32, "operators get the NIK key")
	requireProblem(t, s.as("a1").from("192.0.2.9:1").do(http.MethodPost, "/proofs/check", `{"token":"x"}`), 404, "no-route")

	// A rotation: new proofs are signed with the new key, and the old
	// proof still checks, offline with the old key and online.
	rec := s.op().do(http.MethodPost, "/proof-keys/rotate", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var rotated proofKeyJSON
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &rotated))
	require.Equal(t, uint32(2), rotated.ID)
	require.Len(t, rotated.NIKKey, 32)
	require.Equal(t, uint32(2), s.getProof("a1", b.Code).KeyID)
	public := s.publicKeys()
	require.Len(t, public.Keys, 2)
	_, err := booking.VerifyProof(old.Token, public.Keys[0].PublicKey)
	require.NoError(t, err)
	_, err = booking.VerifyProof(old.Token, public.Keys[1].PublicKey)
	require.ErrorIs(t, err, booking.ErrBadProof)
	got := s.checkProof(mustJSON(map[string]string{"token": old.Token}))
	require.False(t, got.Revoked)

	// Applicants may not rotate.
	requireProblem(t, s.as("a1").do(http.MethodPost, "/proof-keys/rotate", ""), 404, "no-route")
}

// checkProof posts a check of a proof, which must answer 200.
func (s *testService) checkProof(body string) proofCheckJSON {
	s.t.Helper()
	rec := s.op().do(http.MethodPost, "/proofs/check", body)
	require.Equal(s.t, http.StatusOK, rec.Code, rec.Body.String())
	var out proofCheckJSON
	require.NoError(s.t, json.Unmarshal(rec.Body.Bytes(), &out))
	return out
}

func TestCheckProof(t *testing.T) {
	s := newTestService(t, nil, nil)
	b := s.pay(s.as("a1").hold(dayArrival, kt.Slot1, kt.Online, niks[0], niks[2]), "GW-1")
	token := s.getProof("a1", b.Code).Token
	check := func(nik string) proofCheckJSON {
		body := map[string]string{"token": token}
		if nik != "" {
			body["nik"] = nik
		}
		return s.checkProof(mustJSON(body))
	}

	got := check("")
	require.False(t, got.Revoked)
	require.Empty(t, got.RevokedDetail)
	require.Nil(t, got.NIKMatches, "no NIK asked about")
	require.Equal(t, provenJSON{
		KeyID: 1, Code: b.Code, Office: kt.Office, Date: b.Date, Slot: kt.Slot1, Queue: "B-001", Applicants: 2,
		IssuedAt: kt.T1.UTC(),
	}, got.Proof)
	require.NotNil(t, got.Booking)
	require.Equal(t, "paid", got.Booking.State)
	require.Equal(t, "a1", got.Booking.Account, "the operator API names the holder")

	// A KTP shown at the door: an applicant's NIK is on the booking, a
	// stranger's is not, typed as people type it.
	require.True(t, *check("3171 0141 0190 0003").NIKMatches)
	require.False(t, *check(niks[1]).NIKMatches)

	// Cancelled since: the proof is genuine and revoked, and the counter
	// sees what became of it.
	s.as("a1").post("/bookings/"+b.Code+"/cancel", "", http.StatusOK)
	got = check(niks[0])
	require.True(t, got.Revoked)
	require.Equal(t, "the proof's booking has changed: the booking is cancelled", got.RevokedDetail)
	require.Equal(t, "cancelled", got.Booking.State)
	require.True(t, *got.NIKMatches, "what the proof says still holds")
}

func TestCheckProofMoved(t *testing.T) {
	s := newTestService(t, nil, nil)
	b := s.paid(dayArrival, kt.Slot1)
	token := s.getProof("a1", b.Code).Token
	moved := s.as("a1").post("/bookings/"+b.Code+"/reschedule", `{"date":"2026-12-11","slot":"08:00"}`, http.StatusOK)
	require.Equal(t, "A-001", moved.Queue, "a new number in the new slot")

	got := s.checkProof(mustJSON(map[string]string{"token": token}))
	require.True(t, got.Revoked)
	require.Contains(t, got.RevokedDetail, "the booking is now on 2026-12-11 at 08:00, number A-001")
	require.Equal(t, "B-001", got.Proof.Queue, "what the old proof says")

	fresh := s.checkProof(mustJSON(map[string]string{"token": s.getProof("a1", b.Code).Token}))
	require.False(t, fresh.Revoked)
	require.Equal(t, "A-001", fresh.Proof.Queue)
}

func TestCheckProofRefusals(t *testing.T) {
	s := newTestService(t, nil, nil)
	b := s.paid(dayArrival, kt.Slot1)
	token := s.getProof("a1", b.Code).Token
	// A token signed by another engine's key: genuine elsewhere, not here.
	other := newTestService(t, nil, nil)
	foreign := other.getProof("a1", other.paid(dayArrival, kt.Slot1).Code).Token

	tests := []struct {
		name, body string
		status     int
		problem    string
		field      string
	}{
		{"no token", `{}`, 422, "bad-proof", "/token"},
		{"not a token", `{"token":"hello"}`, 422, "bad-proof", "/token"},
		{"tampered", mustJSON(map[string]string{"token": token[:len(token)-2] + "AA"}), 422, "bad-proof", "/token"},
		{"another engine's", mustJSON(map[string]string{"token": foreign}), 422, "bad-proof", "/token"},
		{"bad NIK", mustJSON(map[string]string{"token": token, "nik": "3171010101900000"}), 422, "bad-nik", "/nik"},
		{"unknown member", `{"token":"x","code":"y"}`, 400, "bad-json", "/code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := requireProblem(t, s.with(t).op().do(http.MethodPost, "/proofs/check", tt.body), tt.status, tt.problem)
			require.Equal(t, tt.field, p.Field)
		})
	}
}

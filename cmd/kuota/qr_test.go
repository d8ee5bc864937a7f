package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
	"github.com/kuota/kuota/kuotahttp"
)

// requireQR decodes a PNG and checks that it is a QR code as a scanner
// finds one: square, whole modules of qrModulePixels, a light quiet zone
// of four modules, and the three finder patterns (a dark ring, a light
// ring, a dark centre) in the corners. The library has no decoder to
// read the code back with; the finder patterns are what a reader looks
// for first. It returns the code's side in modules.
func requireQR(t *testing.T, data []byte) int {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	require.NoError(t, err)
	b := img.Bounds()
	require.Equal(t, b.Dx(), b.Dy(), "square")
	require.Zero(t, b.Dx()%qrModulePixels, "whole modules")
	const quiet = 4
	side := b.Dx()/qrModulePixels - 2*quiet
	require.Zero(t, (side-21)%4, "a QR code's side is 21 + 4·(version-1) modules, not %d", side)
	dark := func(mx, my int) bool {
		// The centre of module (mx, my) of the code, quiet zone aside.
		x := b.Min.X + (quiet+mx)*qrModulePixels + qrModulePixels/2
		y := b.Min.Y + (quiet+my)*qrModulePixels + qrModulePixels/2
		g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
		return g.Y < 128
	}
	require.False(t, dark(-quiet, -quiet), "the quiet zone is light")
	// finder reports whether the 7×7 modules from (x, y) are a finder
	// pattern, every one of them: a dark ring, a light ring, a dark 3×3
	// centre. Data modules match all 49 by chance about once in 2⁴⁰
	// codes (an alignment pattern fixes a few of them), so the fourth
	// corner's check does not fail on an unlucky token.
	finder := func(x, y int) bool {
		for dy := 0; dy < 7; dy++ {
			for dx := 0; dx < 7; dx++ {
				ring := max(abs(dx-3), abs(dy-3)) // 3 outer, 2 light, ≤ 1 centre
				if dark(x+dx, y+dy) != (ring != 2) {
					return false
				}
			}
		}
		return true
	}
	for _, corner := range [][2]int{{0, 0}, {side - 7, 0}, {0, side - 7}} {
		require.True(t, finder(corner[0], corner[1]), "a finder pattern at %v", corner)
	}
	require.False(t, finder(side-7, side-7), "no finder in the fourth corner")
	return side
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func TestProofQR(t *testing.T) {
	// The longest proof: five applicants.
	e, _ := kt.NewEngine(t, nil)
	req := kt.HoldRequest(t, 1)
	req.Applicants = kt.Applicants(t, 1, booking.ApplicantsMax)
	held, err := e.Hold(t.Context(), req)
	require.NoError(t, err)
	_, err = e.Pay(t.Context(), held.BillingCode, "REF-1")
	require.NoError(t, err)
	token, err := e.Proof(t.Context(), held.Code)
	require.NoError(t, err)

	contentType, img, err := proofQR(token)
	require.NoError(t, err)
	require.Equal(t, "image/png", contentType)
	require.LessOrEqual(t, len(img), kuotahttp.ProofImageBytesMax)
	side := requireQR(t, img)
	require.LessOrEqual(t, side, 57, "a version-10 code at most, as qrModulePixels assumes")

	// A token too long for any QR code is an error, not a panic.
	_, _, err = proofQR(string(bytes.Repeat([]byte("A"), 8000)))
	require.Error(t, err)
}

// TestServeProofImage books and pays through kuota serve, and reads the
// booking's proof as a QR code, as the page does.
func TestServeProofImage(t *testing.T) {
	dir := t.TempDir()
	r := startServe(t, []string{"-config", testConfig(t, dir, "")}, nil)
	account := http.Header{"X-Kuota-Account": {"budi@example.com"}}

	status, body := call(t, http.MethodGet, r.base+"/web/config.json", "", nil, "")
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"proof_image":true`)

	status, body = call(t, http.MethodPost, r.base+"/holds", holdBody(1), account, "")
	require.Equal(t, http.StatusCreated, status, body)
	var held struct {
		Code        string `json:"code"`
		BillingCode string `json:"billing_code"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &held))
	pay := fmt.Sprintf(`{"billing_code": %q, "payment_ref": "BANK-1"}`, held.BillingCode)
	ts, sig := kuotahttp.SignPayment([]byte(testPaymentSecret), time.Now(), []byte(pay))
	status, body = call(t, http.MethodPost, r.base+"/payments", pay,
		http.Header{kuotahttp.PaymentTimestampHeader: {ts}, kuotahttp.PaymentSignatureHeader: {sig}}, "")
	require.Equal(t, http.StatusOK, status, body)

	req, err := http.NewRequest(http.MethodGet, r.base+"/bookings/"+held.Code+"/proof/image", nil)
	require.NoError(t, err)
	req.Header = account
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	require.NoError(t, err)
	requireQR(t, buf.Bytes())
	_, _, err = image.DecodeConfig(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
}

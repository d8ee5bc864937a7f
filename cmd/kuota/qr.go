package main

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// The QR code of a proof of booking, which the calendar page shows and
// the office's door scans: kuotahttp asks for it through
// Options.ProofImage, so that the QR library lives in this module and not
// in kuota's core.
const (
	// qrModulePixels is the side of one module (one square of the code)
	// in pixels: a five-applicant proof, about 220 characters, makes a
	// code of at most 57 modules (version 10), 520 px with its quiet zone
	// of four modules a side, which a phone shows whole and a door's
	// scanner reads from a screen.
	qrModulePixels = 8
	// qrLevel is the error correction: Medium recovers 15% of the code,
	// enough for a scratched screen, and keeps the code small.
	qrLevel = qrcode.Medium
)

// proofQR draws a proof token as a QR code, a PNG: the
// kuotahttp.Options.ProofImage of kuota serve.
func proofQR(token string) (contentType string, png []byte, err error) {
	q, err := qrcode.New(token, qrLevel)
	if err != nil {
		return "", nil, fmt.Errorf("proof QR code: %w", err)
	}
	png, err = q.PNG(-qrModulePixels)
	if err != nil {
		return "", nil, fmt.Errorf("proof QR code: %w", err)
	}
	return "image/png", png, nil
}

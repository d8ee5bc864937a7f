package kuotahttp

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// The headers of a payment callback. The payment channel signs the body
// with the secret it shares with the service, at an instant it states,
// and the handler takes the callback only when both check out.
const (
	// PaymentTimestampHeader carries when the callback was signed, in
	// Unix seconds: "1793520000".
	PaymentTimestampHeader = "Kuota-Payment-Timestamp"
	// PaymentSignatureHeader carries the signature, "v1=" and 64
	// lower-case hex digits: HMAC-SHA256 with the shared secret over the
	// timestamp as sent, a full stop, and the body's bytes as sent.
	PaymentSignatureHeader = "Kuota-Payment-Signature"
)

// paymentSignaturePrefix names the scheme, so that another one can be
// added beside it without a new header.
const paymentSignaturePrefix = "v1="

// timestampBytesMax bounds the timestamp header: a Unix time in seconds
// has 10 digits until the year 2286.
const timestampBytesMax = 12

// SignPayment returns the header values with which a payment channel
// sends body at now: the PaymentTimestampHeader and the
// PaymentSignatureHeader. The body must go out byte for byte as signed.
//
// It is the other side of the handler's check, for a payment channel
// written in Go, a test, or a demo's simulated channel.
func SignPayment(secret []byte, now time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(now.Unix(), 10)
	return timestamp, paymentSignaturePrefix + hex.EncodeToString(paymentMAC(secret, timestamp, body))
}

// paymentCallback is the body of a payment callback, POST /payments: the
// handler reads it (pay) and NewPaymentCallback writes it.
type paymentCallback struct {
	BillingCode string `json:"billing_code"`
	PaymentRef  string `json:"payment_ref"`
}

// NewPaymentCallback returns the callback a payment channel sends to url
// (the handler's POST /payments, under its mount) when billingCode is
// paid with reference paymentRef: the JSON body, signed at now with the
// shared secret (SignPayment). For a payment channel written in Go, a
// test, or a demo's simulated channel.
func NewPaymentCallback(ctx context.Context, url string, secret []byte, now time.Time, billingCode, paymentRef string) (*http.Request, error) {
	body, err := json.Marshal(paymentCallback{BillingCode: billingCode, PaymentRef: paymentRef})
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	ts, sig := SignPayment(secret, now, body)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set(PaymentTimestampHeader, ts)
	r.Header.Set(PaymentSignatureHeader, sig)
	return r, nil
}

// paymentMAC is HMAC-SHA256(secret, timestamp "." body).
func paymentMAC(secret []byte, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// verifyPayment checks the signature of a payment callback at now: the
// headers present and well-formed, the timestamp within skew of now, and
// the MAC equal, compared in constant time. The timestamp is checked
// first, but only the MAC proves anything: an attacker learns from the
// order only what the clock says.
//
// A callback replayed within the window pays again with the same payment
// reference, which booking.Engine.Pay answers as the first time without
// a change; the window bounds for how long a captured callback can be
// sent again at all. A body is tied to its reference, so a replay can
// never pay another hold.
func verifyPayment(secret []byte, skew time.Duration, r *http.Request, body []byte, now time.Time) error {
	if len(secret) == 0 {
		return ErrPaymentsDisabled
	}
	ts := r.Header.Get(PaymentTimestampHeader)
	sig := r.Header.Get(PaymentSignatureHeader)
	if ts == "" || sig == "" {
		return fmt.Errorf("%w: want the headers %s and %s", ErrBadSignature, PaymentTimestampHeader, PaymentSignatureHeader)
	}
	if len(ts) > timestampBytesMax {
		return fmt.Errorf("%w: timestamp too long", ErrBadSignature)
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: the timestamp is not Unix seconds", ErrBadSignature)
	}
	if d := now.Sub(time.Unix(unix, 0)); d > skew || d < -skew {
		return fmt.Errorf("%w: signed %v from now, the window is %v either way", ErrSignatureExpired, d.Round(time.Second), skew)
	}
	hexMAC, ok := cutPrefix(sig, paymentSignaturePrefix)
	got, err := hex.DecodeString(hexMAC)
	if !ok || err != nil || len(got) != sha256.Size {
		return fmt.Errorf("%w: want %s and %d hex digits", ErrBadSignature, paymentSignaturePrefix, 2*sha256.Size)
	}
	if !hmac.Equal(got, paymentMAC(secret, ts, body)) {
		return fmt.Errorf("%w: it does not match the body", ErrBadSignature)
	}
	return nil
}

// cutPrefix is strings.CutPrefix, bounded: a signature longer than its
// scheme allows is refused before it is decoded.
func cutPrefix(s, prefix string) (string, bool) {
	if len(s) != len(prefix)+2*sha256.Size || s[:len(prefix)] != prefix {
		return "", false
	}
	return s[len(prefix):], true
}

package kuotahttp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
)

func TestVerifyPayment(t *testing.T) {
	body := []byte(`{"billing_code":"100000000000000","payment_ref":"GW-1"}`)
	now := time.Unix(1_793_520_000, 0)
	ts, sig := SignPayment(paymentSecret, now, body)
	tests := []struct {
		name    string
		secret  []byte
		ts, sig string
		body    []byte
		at      time.Time
		want    error
	}{
		{"valid", paymentSecret, ts, sig, body, now, nil},
		{"valid, late within the window", paymentSecret, ts, sig, body, now.Add(DefaultPaymentSkew), nil},
		{"valid, early within the window", paymentSecret, ts, sig, body, now.Add(-DefaultPaymentSkew), nil},
		{"expired", paymentSecret, ts, sig, body, now.Add(DefaultPaymentSkew + time.Second), ErrSignatureExpired},
		{"ahead of the clock", paymentSecret, ts, sig, body, now.Add(-DefaultPaymentSkew - time.Second), ErrSignatureExpired},
		{"another body", paymentSecret, ts, sig, []byte(strings.Replace(string(body), "GW-1", "GW-2", 1)), now, ErrBadSignature},
		{"another secret", []byte(strings.Repeat("s", 32)), ts, sig, body, now, ErrBadSignature},
		{"another timestamp", paymentSecret, "1793520001", sig, body, now, ErrBadSignature},
		{"no signature", paymentSecret, ts, "", body, now, ErrBadSignature},
		{"no timestamp", paymentSecret, "", sig, body, now, ErrBadSignature},
		{"timestamp not a number", paymentSecret, "yesterday", sig, body, now, ErrBadSignature},
		{"timestamp too long", paymentSecret, strings.Repeat("1", 40), sig, body, now, ErrBadSignature},
		{"another scheme", paymentSecret, ts, "v2=" + sig[3:], body, now, ErrBadSignature},
		{"not hex", paymentSecret, ts, "v1=" + strings.Repeat("z", 64), body, now, ErrBadSignature},
		{"too short", paymentSecret, ts, sig[:20], body, now, ErrBadSignature},
		{"upper case hex", paymentSecret, ts, "v1=" + strings.ToUpper(sig[3:]), body, now, nil},
		{"no secret", nil, ts, sig, body, now, ErrPaymentsDisabled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/payments", nil)
			r.Header.Set(PaymentTimestampHeader, tt.ts)
			r.Header.Set(PaymentSignatureHeader, tt.sig)
			err := verifyPayment(tt.secret, DefaultPaymentSkew, r, tt.body, tt.at)
			if tt.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.want)
			}
		})
	}
}

// TestPaymentsOnlySigned checks that the payment route pays only what the
// payment channel signed: an applicant's own request, with its account,
// pays nothing, and failed signatures cost the address as failed code
// lookups do.
func TestPaymentsOnlySigned(t *testing.T) {
	s := newTestService(t, nil, func(o *Options) { o.AddressMissRate = Rate{Burst: 2, Every: time.Minute} })
	b := s.as("a1").hold(dayArrival, kt.Slot0, kt.Online, niks[0])
	unsigned := mustJSON(map[string]string{"billing_code": b.BillingCode, "payment_ref": "FREE"})

	rec := s.as("a1").from("203.0.113.5:1").do(http.MethodPost, "/payments", unsigned)
	requireProblem(t, rec, 401, "bad-signature")
	require.Equal(t, PaymentSignatureHeader, rec.Header().Get("WWW-Authenticate"))
	requireProblem(t, s.as("a1").from("203.0.113.5:1").do(http.MethodPost, "/payments", unsigned), 401, "bad-signature")
	rec = s.as("a1").from("203.0.113.5:1").do(http.MethodPost, "/payments", unsigned)
	requireProblem(t, rec, 429, "rate-limited")
	require.Equal(t, "60", rec.Header().Get("Retry-After"))
	require.Equal(t, "held", s.read(b.Code).State)

	// The payment channel, from its own address, is not affected.
	require.Equal(t, "paid", s.pay(b, "GW-1").State)
}

// TestPaymentReplayLater checks a callback captured and sent again after
// its window: refused, though the same callback within it was taken.
func TestPaymentReplayLater(t *testing.T) {
	s := newTestService(t, nil, nil)
	b := s.as("a1").hold(dayArrival, kt.Slot0, kt.Online, niks[0])
	first := s.payRequest(b.BillingCode, "GW-1")
	body := mustJSON(map[string]string{"billing_code": b.BillingCode, "payment_ref": "GW-1"})
	replay := httptest.NewRequest(http.MethodPost, "/payments", strings.NewReader(body))
	replay.Header = first.Header.Clone()

	require.Equal(t, http.StatusOK, s.serveRaw(first).Code)
	s.clock.Add(DefaultPaymentSkew + time.Second)
	requireProblem(t, s.serveRaw(replay), 401, "signature-expired")
}

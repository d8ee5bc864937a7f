package kuotahttp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
)

func TestNewOptions(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	tests := []struct {
		name    string
		give    *Options
		wantErr bool
	}{
		{"nil", nil, false},
		{"zero", &Options{}, false},
		{"a secret of 32 bytes", &Options{PaymentSecret: make([]byte, PaymentSecretBytesMin)}, false},
		{"a short secret", &Options{PaymentSecret: make([]byte, PaymentSecretBytesMin-1)}, true},
		{"skew at its bound", &Options{PaymentSkew: PaymentSkewMax}, false},
		{"skew beyond", &Options{PaymentSkew: PaymentSkewMax + 1}, true},
		{"negative skew", &Options{PaymentSkew: -time.Second}, true},
		{"a rate", &Options{AccountRate: Rate{Burst: 1, Every: time.Second}}, false},
		{"a rate without Every", &Options{AccountRate: Rate{Burst: 5}}, true},
		{"a rate without Burst", &Options{AddressRate: Rate{Every: time.Second}}, true},
		{"a burst too big", &Options{AddressHoldRate: Rate{Burst: RateBurstMax + 1, Every: time.Second}}, true},
		{"an Every too long", &Options{AddressMissRate: Rate{Burst: 1, Every: RateEveryMax + 1}}, true},
		{"too many keys", &Options{RateKeysMax: RateKeysMaxLimit + 1}, true},
		{"negative keys", &Options{RateKeysMax: -1}, true},
		{"body too small", &Options{BodyBytesMax: BodyBytesMin - 1}, true},
		{"body too big", &Options{BodyBytesMax: BodyBytesMaxLimit + 1}, true},
		{"body at the bounds", &Options{BodyBytesMax: BodyBytesMaxLimit}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := New(e, tt.give)
			if tt.wantErr {
				require.ErrorIs(t, err, ErrBadOptions)
				require.Nil(t, h)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, h.Operator())
		})
	}
	_, err := New(nil, nil)
	require.ErrorIs(t, err, ErrBadOptions)
}

// TestNewCopiesTheSecret checks that the handler keeps its own copy of
// the payment secret: a caller that clears its slice changes nothing.
func TestNewCopiesTheSecret(t *testing.T) {
	e, _ := kt.NewEngine(t, nil)
	secret := []byte(string(paymentSecret))
	h, err := New(e, &Options{PaymentSecret: secret})
	require.NoError(t, err)
	clear(secret)
	require.Equal(t, paymentSecret, h.o.PaymentSecret)
}

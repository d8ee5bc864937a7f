package booking_test

// The rules of the identity numbers: a NIK and a family card number share
// their layout (region, date, serial), the province table and the
// normalisation of what people type, and neither is ever printed or
// quoted.

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	. "github.com/kuota/kuota/booking"
	kt "github.com/kuota/kuota/internal/kuotatest"
)

func TestIDNumberRules(t *testing.T) {
	tests := []struct {
		name    string
		give    string
		wantNIK error // nil: accepted
		wantKK  error
		digits  string // what Digits gives back when accepted
	}{
		{name: "Jakarta", give: "3171010101900001", digits: "3171010101900001"},
		{name: "Papua Selatan, 2022", give: "9301010101900001", digits: "9301010101900001"},
		{name: "Papua Tengah, 2022", give: "9401010101900001", digits: "9401010101900001"},
		{name: "Papua Pegunungan, 2022", give: "9501010101900001", digits: "9501010101900001"},
		{name: "Papua Barat Daya, 2022", give: "9601010101900001", digits: "9601010101900001"},
		{name: "province 20 does not exist", give: "2001010101900001", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "province 40 does not exist", give: "4001010101900001", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "province 97", give: "9701010101900001", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "regency 00", give: "3100010101900001", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "district 00", give: "3171000101900001", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "spaces", give: "3171 0101 0190 0001", digits: "3171010101900001"},
		{name: "dashes", give: "317101-010190-0001", digits: "3171010101900001"},
		{name: "both", give: " 3171-01 01 01 90-0001 ", digits: "3171010101900001"},
		{name: "a woman's birth day", give: "3171014101900001", wantKK: ErrBadFamilyCard, digits: "3171014101900001"},
		{name: "day 32", give: "3171013201900001", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "30 February", give: "3171013002900001", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "serial 0000", give: "3171010101900000", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "15 digits", give: "317101010190000", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "17 digits", give: "31710101019000011", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "a dot", give: "3171.0101.0190.0001", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "too long with spaces", give: strings.Repeat(" ", 30) + "3171010101900001", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
		{name: "Arabic-Indic digits", give: "٣١٧١٠١٠١٠١٩٠٠٠٠١", wantNIK: ErrBadNIK, wantKK: ErrBadFamilyCard},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNIK(tt.give)
			requireIDResult(t, err, tt.wantNIK, tt.give)
			if tt.wantNIK == nil {
				require.Equal(t, tt.digits, n.Digits())
			}
			c, err := ParseFamilyCard(tt.give)
			requireIDResult(t, err, tt.wantKK, tt.give)
			if tt.wantKK == nil {
				require.Equal(t, tt.digits, c.Digits())
			}
		})
	}
}

// requireIDResult checks a parse result, and that a refusal quotes none of
// the number's meaningful parts: no run of four or more of its digits, nor
// its date digits.
func requireIDResult(t *testing.T, err, want error, give string) {
	t.Helper()
	if want == nil {
		require.NoError(t, err)
		return
	}
	require.ErrorIs(t, err, want)
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, give)
	msg := err.Error()
	for i := 0; i+4 <= len(digits); i++ {
		require.NotContains(t, msg, digits[i:i+4], "the error quotes the number")
	}
	if len(digits) >= 12 {
		require.NotContains(t, msg, digits[6:8], "the error quotes the day")
	}
}

// A family card number prints masked, logs redacted, and is kept with the
// booking; a different card under the same idempotency key is another
// request.
func TestFamilyCard(t *testing.T) {
	card, err := ParseFamilyCard("3171 0120 1105 0042")
	require.NoError(t, err)
	require.Equal(t, "3171012011050042", card.Digits())
	for _, s := range []string{card.String(), fmt.Sprint(card), fmt.Sprintf("%d %x %v %q %#v %s", card, card, card, card, card, card)} {
		require.NotContains(t, s, "0120110500")
		require.NotContains(t, s, card.Digits())
	}
	require.Equal(t, "31**********0042", card.String())
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "card", card)
	require.Contains(t, logged.String(), "card=[redacted]")
	require.True(t, FamilyCard{}.IsZero())
	var fromJSON FamilyCard
	require.NoError(t, fromJSON.UnmarshalText([]byte("3171012011050042")))
	require.Equal(t, card, fromJSON)
	require.NoError(t, fromJSON.UnmarshalText(nil))
	require.True(t, fromJSON.IsZero(), "empty text is no card")
	require.ErrorIs(t, fromJSON.UnmarshalText([]byte("3171002011050042")), ErrBadFamilyCard)

	e, _ := kt.NewEngine(t, nil)
	req := kt.HoldRequest(t, 1)
	req.Applicants, req.FamilyCard, req.IdempotencyKey = kt.Applicants(t, 1, 2), card, "family"
	b, err := e.Hold(bg, req)
	require.NoError(t, err)
	require.Equal(t, card, b.FamilyCard)
	again, err := e.Hold(bg, req)
	require.NoError(t, err)
	require.Equal(t, b.Code, again.Code)
	other, err := ParseFamilyCard("3171012011050043")
	require.NoError(t, err)
	req.FamilyCard = other
	_, err = e.Hold(bg, req)
	require.ErrorIs(t, err, ErrIdempotencyConflict)
}

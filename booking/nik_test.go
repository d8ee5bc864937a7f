package booking

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseNIK(t *testing.T) {
	tests := []struct {
		name string
		give string
		ok   bool
	}{
		{name: "man born 1 Jan 1990", give: "3171010101900001", ok: true},
		{name: "woman born 1 Jan 1990 (day + 40)", give: "3171014101900001", ok: true},
		{name: "woman born 31 Dec", give: "3171017112850002", ok: true},
		{name: "29 Feb of a leap year", give: "3171012902000003", ok: true},
		{name: "province 11", give: "1171010101900001", ok: true},
		{name: "province 94", give: "9471010101900001", ok: true},
		{name: "15 digits", give: "317101010190001"},
		{name: "17 digits", give: "31710101019000011"},
		{name: "empty", give: ""},
		{name: "space", give: "3171 10101900001"},
		{name: "trailing space", give: "317101010190001 "},
		{name: "letter", give: "31710101019000A1"},
		{name: "full-width digit", give: "３171010101900001"},
		{name: "Arabic-Indic digit", give: "٣171010101900001"},
		{name: "province 00", give: "0071010101900001"},
		{name: "province 10", give: "1071010101900001"},
		{name: "province 95", give: "9571010101900001"},
		{name: "day 00", give: "3171010001900001"},
		{name: "day 32", give: "3171013201900001"},
		{name: "day 40", give: "3171014001900001"},
		{name: "day 72 (woman's 32)", give: "3171017201900001"},
		{name: "month 00", give: "3171010100900001"},
		{name: "month 13", give: "3171010113900001"},
		{name: "31 April", give: "3171013104900001"},
		{name: "29 Feb of a common year", give: "3171012902010001"},
		{name: "serial 0000", give: "3171010101900000"},
		{name: "newline", give: "317101010190001\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseNIK(tt.give)
			if !tt.ok {
				require.ErrorIs(t, err, ErrBadNIK)
				require.True(t, n.IsZero())
				if len(tt.give) >= 10 {
					require.NotContains(t, err.Error(), tt.give[:10], "errors never repeat the NIK")
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.give, n.Digits())
		})
	}
}

func TestNIKNeverPrintsItself(t *testing.T) {
	n, err := ParseNIK("3171010101900001")
	require.NoError(t, err)
	require.Equal(t, "31**********0001", n.String())
	require.Equal(t, "31**********0001", fmt.Sprint(n))
	require.Equal(t, "31**********0001", fmt.Sprintf("%v %s", n, "")[:16])
	require.NotContains(t, fmt.Sprintf("%#v %+v", n, n), "3171010101900001")

	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "nik", n, "applicant", Applicant{NIK: n})
	require.NotContains(t, buf.String(), "3171010101900001")
	require.NotContains(t, buf.String(), "0101900001")
	require.Contains(t, buf.String(), "[redacted]")

	var zero NIK
	require.True(t, zero.IsZero())
	require.Equal(t, "", zero.Digits())
	require.Equal(t, "NIK(zero)", zero.String())
}

func TestNIKUnmarshalText(t *testing.T) {
	var a struct{ NIK NIK }
	require.NoError(t, json.Unmarshal([]byte(`{"NIK":"3171010101900001"}`), &a))
	require.Equal(t, "3171010101900001", a.NIK.Digits())
	err := json.Unmarshal([]byte(`{"NIK":"3171010101900000"}`), &a)
	require.ErrorIs(t, err, ErrBadNIK)
}

func FuzzParseNIK(f *testing.F) {
	for _, s := range []string{"3171010101900001", "3171014101900001", "3171012902000003", "0000000000000000", "", "31710101019000011"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNIK(s)
		if err != nil {
			if !n.IsZero() {
				t.Fatalf("ParseNIK(%q) failed but returned a NIK", s)
			}
			if len(s) == 16 && strings.Contains(err.Error(), s) {
				t.Fatalf("error repeats the input: %v", err)
			}
			return
		}
		if n.Digits() != s {
			t.Fatalf("ParseNIK(%q).Digits() = %q", s, n.Digits())
		}
		back, err := nikFromNumber(n.n)
		if err != nil || back != n {
			t.Fatalf("nikFromNumber round trip of %q: %v, %v", s, back, err)
		}
		if strings.Contains(n.String(), s[2:12]) {
			t.Fatalf("String() shows the middle digits: %q", n.String())
		}
	})
}

func TestCodes(t *testing.T) {
	keys, err := newCodeKeys(rand.Reader)
	require.NoError(t, err)
	otherKeys, err := newCodeKeys(rand.Reader)
	require.NoError(t, err)
	c, other := newCodec(keys), newCodec(otherKeys)
	for seq := uint64(1); seq <= 1000; seq++ {
		code, billing := c.code(seq), c.billingOf(seq)
		require.Equal(t, seq, c.seqOfCode(code))
		require.Equal(t, seq, c.seqOfBilling(billing))
		require.NotEqual(t, code, other.code(seq), "another engine, other codes")
		s := formatCode(code)
		require.Len(t, s, 10)
		back, err := parseCode(s)
		require.NoError(t, err)
		require.Equal(t, code, back)
		bs := formatBilling(billing)
		require.Len(t, bs, 15)
		bb, err := parseBilling(bs)
		require.NoError(t, err)
		require.Equal(t, billing, bb)
	}
	// Misread symbols map to what they look like: I and L to 1, O to 0,
	// and case does not matter.
	want, err := parseCode("011100ABCD")
	require.NoError(t, err)
	for _, s := range []string{"0I1L0OABCD", "0i1l0oabcd", "011100abcd"} {
		got, err := parseCode(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got, s)
	}
	for _, bad := range []string{"", "123456789", "12345678901", "UUUUUUUUUU", "12345-7890", "１２３４５６７８９０"} {
		_, err := parseCode(bad)
		require.ErrorIs(t, err, ErrBadCode, bad)
	}
	for _, bad := range []string{"", "12345678901234", "1234567890123456", "012345678901234", "12345678901234x", " 12345678901234"} {
		_, err := parseBilling(bad)
		require.ErrorIs(t, err, ErrBadBillingCode, bad)
	}
}

func TestBenchNIKsAreValid(t *testing.T) {
	for _, i := range []uint64{0, 1, 9998, 9999, 10_000, 123_456_789, 2_000_000_000_000} {
		n := benchNIK(i)
		_, err := ParseNIK(n.Digits())
		require.NoError(t, err, "benchNIK(%d) = %s", i, n.Digits())
	}
	require.NotEqual(t, benchNIK(5), benchNIK(6))
}

// FuzzParseCodes checks that no input panics the booking and billing code
// parsers, and that whatever parses formats back to the same code.
func FuzzParseCodes(f *testing.F) {
	for _, s := range []string{"7KQ2M9XA3P", "0I1L0OABCD", "UUUUUUUUUU", "123456789012345", "012345678901234", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if c, err := parseCode(s); err == nil {
			back, err := parseCode(formatCode(c))
			if err != nil || back != c {
				t.Fatalf("code %q: format and parse again gave %v, %v", s, back, err)
			}
		}
		if b, err := parseBilling(s); err == nil && formatBilling(b) != s {
			t.Fatalf("billing %q formats back as %q", s, formatBilling(b))
		}
	})
}

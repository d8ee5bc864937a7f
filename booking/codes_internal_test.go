package booking

// The booking and billing code codec: each code is a permutation of the
// booking's sequence number under the engine's key, formatted as Crockford
// base-32 symbols or decimal digits. These tests reach the codec itself,
// so they are internal.

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCodes(t *testing.T) {
	keys, err := newCodeKeys(rand.Reader)
	require.NoError(t, err)
	otherKeys, err := newCodeKeys(rand.Reader)
	require.NoError(t, err)
	c, other := newCodec(keys), newCodec(otherKeys)
	for seq := uint64(1); seq <= 1000; seq++ {
		code, billing := c.code(seq), c.billingOf(seq)
		bothCode, bothBilling := c.codesOf(seq)
		require.Equal(t, [2]uint64{code, billing}, [2]uint64{bothCode, bothBilling}, "codesOf(%d)", seq)
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

// TestCrockfordValuesEveryByte checks the symbol table against Crockford's
// rules, spelled out byte by byte: a symbol of crockford in either case
// is its place there, I and L are 1, O is 0, and anything else — U among
// it — is no symbol.
func TestCrockfordValuesEveryByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		up := byte(c)
		if up >= 'a' && up <= 'z' {
			up -= 'a' - 'A'
		}
		want := int8(strings.IndexByte(crockford, up))
		switch up {
		case 'I', 'L':
			want = 1
		case 'O':
			want = 0
		}
		require.Equal(t, want, crockfordValues[c], "byte %#x", c)
	}
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

func TestQueueNumberString(t *testing.T) {
	tests := []struct {
		slot, n int
		want    string
	}{
		{0, 0, ""},
		{0, 1, "A-001"},
		{1, 17, "B-017"},
		{25, 999, "Z-999"},
		{26, 1000, "AA-1000"},
		{63, 42, "BL-042"},
	}
	for _, tt := range tests {
		q := QueueNumber{Slot: tt.slot, Number: tt.n}
		require.Equal(t, tt.want, q.String())
		text, err := q.MarshalText()
		require.NoError(t, err)
		require.Equal(t, tt.want, string(text))
		var back QueueNumber
		require.NoError(t, back.UnmarshalText(text))
		require.Equal(t, q, back)
	}
}

func TestQueueNumberUnmarshalRefuses(t *testing.T) {
	for _, give := range []string{"A", "A-", "A-1", "A-01", "a-001", "-001", "A-000", "ABC-001", "BM-001", "A-x01", "A-0-1", "A-+17", "A-0017", "A- 17"} {
		var q QueueNumber
		require.ErrorIs(t, q.UnmarshalText([]byte(give)), ErrBadQueueNumber, give)
	}
}

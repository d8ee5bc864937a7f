package label

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		give string
		max  int
		want error
	}{
		{give: "Hari Raya Natal", max: 40, want: nil},
		{give: "Cuti Bersama — Idul Fitri", max: 40, want: nil},
		{give: "exactly10!", max: 10, want: nil},
		{give: "", max: 40, want: ErrEmpty},
		{give: "0123456789A", max: 10, want: ErrTooLong},
		{give: "two\nlines", max: 40, want: ErrInvalid},
		{give: "tab\there", max: 40, want: ErrInvalid},
		{give: "nul\x00", max: 40, want: ErrInvalid},
		{give: "bad \xff utf8", max: 40, want: ErrInvalid},
		{give: "del\x7f", max: 40, want: ErrInvalid},
		{give: "bidi\u0085next", max: 40, want: ErrInvalid},
		{give: "line\u2028separator", max: 40, want: ErrInvalid},
		{give: "para\u2029separator", max: 40, want: ErrInvalid},
		{give: "evil\u202eoverride", max: 40, want: ErrInvalid},
		{give: "Café ☕ 日本", max: 40, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			err := Check(tt.give, tt.max)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
		})
	}
	require.NoError(t, CheckOptional("", 10))
	require.ErrorIs(t, CheckOptional("a\nb", 10), ErrInvalid)
}

// The printable-ASCII fast path answers as the rune loop does, for any
// string: ASCII, mixed, invalid UTF-8.
func TestCheckFastPathAgrees(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.OneOf(
			rapid.StringMatching(`[ -~]{0,20}`), // printable ASCII
			rapid.String(),                      // any runes
			rapid.Map(rapid.SliceOfN(rapid.Byte(), 0, 30), func(b []byte) string { return string(b) }), // any bytes
		).Draw(t, "s")
		want := error(nil)
		if len(s) > 40 {
			want = ErrTooLong
		} else {
			want = checkRunes(s)
		}
		if got := CheckOptional(s, 40); got != want {
			t.Fatalf("CheckOptional(%q) = %v, the rune loop says %v", s, got, want)
		}
	})
}

package quota

import (
	"errors"
	"testing"
	"time"
)

// FuzzParseClock: whatever the input, ParseClock either refuses it with
// ErrBadClock or returns a whole minute of the day that FormatClock writes
// back as the very same string.
func FuzzParseClock(f *testing.F) {
	for _, s := range []string{"", "08:00", "23:59", "24:00", "8:00", "08:60", "08:00:00", "０８:００", "\xff\xff:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseClock(s)
		if err != nil {
			if !errors.Is(err, ErrBadClock) {
				t.Fatalf("ParseClock(%q): %v, want ErrBadClock", s, err)
			}
			if d != 0 {
				t.Fatalf("ParseClock(%q) refused but returned %v", s, d)
			}
			return
		}
		if d < 0 || d >= 24*time.Hour || d%time.Minute != 0 {
			t.Fatalf("ParseClock(%q) = %v, not a whole minute of a day", s, d)
		}
		if got := FormatClock(d); got != s {
			t.Fatalf("FormatClock(ParseClock(%q)) = %q", s, got)
		}
	})
}

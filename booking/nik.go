package booking

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/kuota/kuota/calendar"
)

// NIK is an Indonesian citizen's identity number (Nomor Induk
// Kependudukan): 16 digits
//
//	PP KK CC DDMMYY SSSS
//
// province (11–94), regency, district, birth date (40 added to the day for
// women), and a serial that is never 0000.
//
// A NIK is personal data. Its String shows only the province and the last
// four digits, its LogValue shows nothing, and error messages never quote
// it; only [NIK.Digits] gives the number back. The zero NIK is not a NIK.
type NIK struct {
	n uint64 // the 16 digits as a number; the province makes it >= 1.1e15
}

// ParseNIK checks s and returns it as a NIK. An error matches ErrBadNIK and
// says which part is wrong, without repeating the number.
func ParseNIK(s string) (NIK, error) {
	if len(s) != 16 {
		return NIK{}, fmt.Errorf("%w: %d characters, want 16 digits", ErrBadNIK, len(s))
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return NIK{}, fmt.Errorf("%w: character %d is not an ASCII digit", ErrBadNIK, i+1)
		}
		n = n*10 + uint64(c-'0')
	}
	two := func(i int) int { return int(s[i]-'0')*10 + int(s[i+1]-'0') }
	if p := two(0); p < 11 || p > 94 {
		return NIK{}, fmt.Errorf("%w: province code %02d, want 11..94", ErrBadNIK, p)
	}
	day, month, year := two(6), two(8), two(10)
	if day > 40 {
		day -= 40 // women's birth days are written plus 40
	}
	if month < 1 || month > 12 {
		return NIK{}, fmt.Errorf("%w: birth month %02d", ErrBadNIK, month)
	}
	// The century is unknown, so 29 February is allowed whenever the year
	// is a multiple of four, as in 2000 (1900, the only exception within
	// reach, predates every living holder).
	if day < 1 || day > calendar.DaysIn(2000+year, time.Month(month)) {
		return NIK{}, fmt.Errorf("%w: birth day %02d of month %02d", ErrBadNIK, two(6), month)
	}
	if s[12:] == "0000" {
		return NIK{}, fmt.Errorf("%w: serial 0000", ErrBadNIK)
	}
	return NIK{n: n}, nil
}

// nikFromNumber rebuilds a NIK decoded from storage, checking it again.
func nikFromNumber(n uint64) (NIK, error) {
	// A valid NIK starts with a province of 11 or more, so it always has
	// exactly 16 digits and needs no padding.
	if n < 1_100_000_000_000_000 || n > 9_999_999_999_999_999 {
		return NIK{}, fmt.Errorf("%w: not 16 digits", ErrBadNIK)
	}
	return ParseNIK(strconv.FormatUint(n, 10))
}

// IsZero reports whether n is the zero NIK.
func (n NIK) IsZero() bool { return n.n == 0 }

// Digits returns the 16 digits. They are personal data: keep them out of
// logs.
func (n NIK) Digits() string {
	if n.n == 0 {
		return ""
	}
	return strconv.FormatUint(n.n, 10)
}

// String masks the NIK, showing the province and the last four digits:
// "31**********0001".
func (n NIK) String() string {
	if n.n == 0 {
		return "NIK(zero)"
	}
	d := strconv.FormatUint(n.n, 10)
	return d[:2] + "**********" + d[12:]
}

// LogValue redacts the NIK entirely in structured logs.
func (n NIK) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// GoString masks the NIK in %#v too.
func (n NIK) GoString() string { return "booking.NIK(" + n.String() + ")" }

// Format masks the NIK for every verb of package fmt: %d, %x or %b would
// otherwise print the number.
func (n NIK) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, n.GoString())
	case verb == 'q':
		fmt.Fprintf(f, "%q", n.String())
	default:
		io.WriteString(f, n.String())
	}
}

// UnmarshalText parses a NIK from JSON or text, as ParseNIK does. There is
// deliberately no MarshalText: a NIK is not written out by accident.
func (n *NIK) UnmarshalText(text []byte) error {
	p, err := ParseNIK(string(text))
	if err != nil {
		return err
	}
	*n = p
	return nil
}

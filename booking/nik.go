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
// province, regency and district of registration, birth date (40 added to
// the day for women), and a serial that is never 0000.
//
// A NIK is personal data. Its String shows only the province and the last
// four digits, its LogValue shows nothing, and error messages never quote
// it, nor any part of it; only [NIK.Digits] gives the number back. The
// zero NIK is not a NIK.
type NIK struct {
	n uint64 // the 16 digits as a number; the province makes it >= 1.1e15
}

// IDInputBytesMax bounds the text ParseNIK and ParseFamilyCard read: 16
// digits and the spaces and dashes people type between groups of them.
const IDInputBytesMax = 32

// provinces are the province codes of Indonesia's administrative regions,
// as the Ministry of Home Affairs (Kemendagri) lists them in Kepmendagri
// No. 100.1.1-6117 Tahun 2022, which added the four Papuan provinces of
// 2022 (93 Papua Selatan, 94 Papua Tengah, 95 Papua Pegunungan, 96 Papua
// Barat Daya). Dukcapil issues NIKs and family card numbers under these
// codes; a code not listed here was never issued.
var provinces = [100]string{
	11: "Aceh", 12: "Sumatera Utara", 13: "Sumatera Barat", 14: "Riau",
	15: "Jambi", 16: "Sumatera Selatan", 17: "Bengkulu", 18: "Lampung",
	19: "Kepulauan Bangka Belitung", 21: "Kepulauan Riau",
	31: "DKI Jakarta", 32: "Jawa Barat", 33: "Jawa Tengah",
	34: "DI Yogyakarta", 35: "Jawa Timur", 36: "Banten",
	51: "Bali", 52: "Nusa Tenggara Barat", 53: "Nusa Tenggara Timur",
	61: "Kalimantan Barat", 62: "Kalimantan Tengah", 63: "Kalimantan Selatan",
	64: "Kalimantan Timur", 65: "Kalimantan Utara",
	71: "Sulawesi Utara", 72: "Sulawesi Tengah", 73: "Sulawesi Selatan",
	74: "Sulawesi Tenggara", 75: "Gorontalo", 76: "Sulawesi Barat",
	81: "Maluku", 82: "Maluku Utara",
	91: "Papua", 92: "Papua Barat", 93: "Papua Selatan", 94: "Papua Tengah",
	95: "Papua Pegunungan", 96: "Papua Barat Daya",
}

// ParseNIK checks s and returns it as a NIK. It accepts the spaces and
// dashes people type, between groups of digits ("3171 0101 0190 0001",
// "317101-010190-0001") or around them, and ignores them. It refuses, with an error that
// matches ErrBadNIK and names the failing part without repeating any of
// its digits: more than IDInputBytesMax bytes, anything but 16 ASCII digits
// once spaces and dashes are removed, a province code Kemendagri does not
// list, a regency or district of zero, a birth date that does not exist
// (the day may carry the 40 added for women), and a serial of zero.
func ParseNIK(s string) (NIK, error) {
	n, err := parseID(s, true)
	if err != nil {
		return NIK{}, fmt.Errorf("%w: %w", ErrBadNIK, err)
	}
	return NIK{n: n}, nil
}

// parseID reads the 16 digits of a NIK or of a family card number, which
// share their layout: a region (province, regency, district), a date
// (DDMMYY: birth for a NIK, with 40 added to women's days; issue for a
// family card) and a serial. Its errors name parts, never digits.
func parseID(s string, womenPlus40 bool) (uint64, error) {
	if len(s) > IDInputBytesMax {
		return 0, fmt.Errorf("%d bytes, limit %d", len(s), IDInputBytesMax)
	}
	var d [16]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
			continue
		case c < '0' || c > '9':
			return 0, fmt.Errorf("character %d is neither a digit, a space nor a dash", i+1)
		case n == len(d):
			return 0, fmt.Errorf("more than 16 digits")
		}
		d[n] = c - '0'
		n++
	}
	if n != len(d) {
		return 0, fmt.Errorf("%d digits, want 16", n)
	}
	two := func(i int) int { return int(d[i])*10 + int(d[i+1]) }
	switch {
	case provinces[two(0)] == "":
		return 0, fmt.Errorf("province code not in Kemendagri's list")
	case two(2) == 0:
		return 0, fmt.Errorf("regency code is zero")
	case two(4) == 0:
		return 0, fmt.Errorf("district code is zero")
	}
	day, month, year := two(6), two(8), two(10)
	if womenPlus40 && day > 40 {
		day -= 40
	}
	if month < 1 || month > 12 {
		return 0, fmt.Errorf("month out of range")
	}
	// The century is unknown, so 29 February is allowed whenever the year
	// is a multiple of four, as in 2000 (1900, the only exception within
	// reach, predates every holder).
	if day < 1 || day > calendar.DaysIn(2000+year, time.Month(month)) {
		return 0, fmt.Errorf("day out of range for its month")
	}
	if two(12) == 0 && two(14) == 0 {
		return 0, fmt.Errorf("serial is zero")
	}
	var v uint64
	for _, c := range d {
		v = v*10 + uint64(c)
	}
	return v, nil
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
func (n NIK) Digits() string { return idDigits(n.n) }

// String masks the NIK, showing the province and the last four digits:
// "31**********0001".
func (n NIK) String() string { return maskID(n.n, "NIK(zero)") }

// LogValue redacts the NIK entirely in structured logs.
func (n NIK) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// GoString masks the NIK in %#v too.
func (n NIK) GoString() string { return "booking.NIK(" + n.String() + ")" }

// Format masks the NIK for every verb of package fmt: %d, %x or %b would
// otherwise print the number.
func (n NIK) Format(f fmt.State, verb rune) { formatID(f, verb, n.String(), n.GoString()) }

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

// idDigits returns the 16 digits of an identity number, "" for zero.
func idDigits(n uint64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatUint(n, 10)
}

// maskID shows an identity number's province and last four digits.
func maskID(n uint64, zero string) string {
	if n == 0 {
		return zero
	}
	d := strconv.FormatUint(n, 10)
	return d[:2] + "**********" + d[12:]
}

// formatID writes a masked identity number for any fmt verb.
func formatID(f fmt.State, verb rune, masked, goString string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, goString)
	case verb == 'q':
		fmt.Fprintf(f, "%q", masked)
	default:
		io.WriteString(f, masked)
	}
}

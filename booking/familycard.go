package booking

import (
	"fmt"
	"log/slog"
	"strconv"
)

// FamilyCard is the number of an Indonesian family card (Kartu Keluarga,
// KK): 16 digits
//
//	PP KK CC DDMMYY SSSS
//
// province, regency and district of issue, the date of issue and a serial
// that is never 0000. The applicants of one M-Paspor booking are members
// of one family card, and the first is the account holder.
//
// What the engine checks, when a HoldRequest carries a family card: that
// it is a well-formed number (ParseFamilyCard), kept with the booking. What
// it cannot check: that the applicants are members of that card, or that
// the first applicant holds the account — only Dukcapil's population
// register knows the members of a card, and the engine has no access to
// it. A service that does (through the Dukcapil data-access agreement)
// checks membership before it calls Hold.
//
// A family card number is personal data, as a NIK is: String masks it,
// LogValue redacts it, errors never quote it, and only Digits gives it
// back. The zero FamilyCard means none.
type FamilyCard struct {
	n uint64
}

// ParseFamilyCard checks s and returns it as a family card number. Like
// ParseNIK it ignores spaces and dashes between groups of digits, and
// refuses with an error matching ErrBadFamilyCard, naming the failing part
// without its digits: anything but 16 digits, a province Kemendagri does
// not list, regency or district 00, an issue date that does not exist, and
// serial 0000.
func ParseFamilyCard(s string) (FamilyCard, error) {
	n, err := parseID(s, false)
	if err != nil {
		return FamilyCard{}, fmt.Errorf("%w: %w", ErrBadFamilyCard, err)
	}
	return FamilyCard{n: n}, nil
}

// familyCardFromNumber rebuilds a family card number decoded from
// storage, checking it again; 0 is none.
func familyCardFromNumber(n uint64) (FamilyCard, error) {
	if n == 0 {
		return FamilyCard{}, nil
	}
	if n < 1_100_000_000_000_000 || n > 9_999_999_999_999_999 {
		return FamilyCard{}, fmt.Errorf("%w: not 16 digits", ErrBadFamilyCard)
	}
	return ParseFamilyCard(strconv.FormatUint(n, 10))
}

// IsZero reports whether c is the zero FamilyCard: no card given.
func (c FamilyCard) IsZero() bool { return c.n == 0 }

// Digits returns the 16 digits. They are personal data: keep them out of
// logs.
func (c FamilyCard) Digits() string { return idDigits(c.n) }

// String masks the number, showing the province and the last four digits.
func (c FamilyCard) String() string { return maskID(c.n, "FamilyCard(none)") }

// LogValue redacts the number entirely in structured logs.
func (c FamilyCard) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// GoString masks the number in %#v too.
func (c FamilyCard) GoString() string { return "booking.FamilyCard(" + c.String() + ")" }

// Format masks the number for every verb of package fmt.
func (c FamilyCard) Format(f fmt.State, verb rune) { formatID(f, verb, c.String(), c.GoString()) }

// UnmarshalText parses a family card number from JSON or text, as
// ParseFamilyCard does; empty text is no card. There is deliberately no
// MarshalText.
func (c *FamilyCard) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*c = FamilyCard{}
		return nil
	}
	p, err := ParseFamilyCard(string(text))
	if err != nil {
		return err
	}
	*c = p
	return nil
}

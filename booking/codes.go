package booking

import (
	"crypto/sha256"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/kuota/kuota/internal/codeperm"
)

// Booking codes are 10 symbols of Crockford's base 32 — digits and capital
// letters without I, L, O and U, so that nobody misreads one over the
// phone — carrying 50 bits. Billing codes are 15 decimal digits, as
// Indonesia's state revenue system (SIMPONI) issues them.
//
// Neither is stored or looked up in a table. Each is a keyed pseudorandom
// permutation of the booking's sequence number (package codeperm: a
// four-round Feistel network over SipHash-2-4), under a random 128-bit key
// per engine that a durable engine keeps in its file. So codes are unique
// by construction, decode back to the sequence number, and without the key
// are indistinguishable from random: one code says nothing about another,
// and a guess finds a booking with probability (bookings)/2⁵⁰ — about one
// in a billion with a million bookings — for booking codes, and
// (bookings)/(9×10¹⁴) for billing codes. The two use different keys, so a
// billing code, which goes to banks, does not reveal the booking code that
// manages the booking.
const (
	codeSymbols   = 10
	codeBits      = 5 * codeSymbols
	crockford     = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	billingDigits = 15
	billingMin    = 100_000_000_000_000
	billingSpan   = 900_000_000_000_000
	// bookingNumbersMax bounds sequence numbers, and so every booking a
	// file ever holds, archived ones included (they keep their numbers):
	// 2³⁶ − 1, 68.7 billion, eighteen years at ten million bookings a day.
	// The codes have room for far more; the bound is the slab's
	// directory, one pointer per 16,384 numbers, 32 MiB at the end.
	bookingNumbersMax = 1<<36 - 1
)

// codeKeys are the keys of an engine's two permutations.
type codeKeys struct {
	booking, billing [16]byte
}

// newCodeKeys draws fresh keys from src (Options.Rand).
func newCodeKeys(src io.Reader) (codeKeys, error) {
	var k codeKeys
	if _, err := io.ReadFull(src, k.booking[:]); err != nil {
		return k, fmt.Errorf("%w: reading Options.Rand: %w", ErrBadOptions, err)
	}
	if _, err := io.ReadFull(src, k.billing[:]); err != nil {
		return k, fmt.Errorf("%w: reading Options.Rand: %w", ErrBadOptions, err)
	}
	return k, nil
}

// codec turns sequence numbers into codes and back.
type codec struct {
	booking, billing *codeperm.Perm
	// draw derives the seeds of opening draws (draw.go): secret as the
	// code keys are, and kept with them.
	draw [32]byte
}

func newCodec(k codeKeys) codec {
	c := codec{booking: codeperm.New(k.booking, 1<<codeBits), billing: codeperm.New(k.billing, billingSpan)}
	h := sha256.New()
	h.Write([]byte("kuota draw key v1\x00"))
	h.Write(k.booking[:])
	h.Write(k.billing[:])
	h.Sum(c.draw[:0])
	return c
}

func (c codec) code(seq uint64) uint64       { return c.booking.Encode(seq) }
func (c codec) billingOf(seq uint64) uint64  { return billingMin + c.billing.Encode(seq) }
func (c codec) seqOfCode(code uint64) uint64 { return c.booking.Decode(code) }

// codesOf returns code(seq) and billingOf(seq), computed side by side
// (codeperm.EncodeBoth: 72 against 98 ns).
func (c codec) codesOf(seq uint64) (code, billing uint64) {
	code, billing = codeperm.EncodeBoth(c.booking, c.billing, seq)
	return code, billingMin + billing
}

// seqOfBilling assumes billing passed parseBilling, so it lies in
// [billingMin, billingMin+billingSpan).
func (c codec) seqOfBilling(billing uint64) uint64 { return c.billing.Decode(billing - billingMin) }

// formatCode writes a booking code as 10 Crockford symbols.
func formatCode(code uint64) string {
	var b [codeSymbols]byte
	return string(appendCode(b[:0], code))
}

// appendCode appends a booking code's 10 symbols to dst. It writes them
// into dst itself: written into an array on the stack and copied from it,
// the copy's wide loads waited for the ten byte stores to retire (a
// store-forwarding stall, 2% of Hold+Pay).
func appendCode(dst []byte, code uint64) []byte {
	n := len(dst)
	dst = slices.Grow(dst, codeSymbols)[:n+codeSymbols]
	out := dst[n : n+codeSymbols]
	for i := codeSymbols - 1; i >= 0; i-- {
		out[i] = crockford[code&31]
		code >>= 5
	}
	return dst
}

// parseCode reads a booking code, forgiving what people mistype: lower
// case, I and L for 1, O for 0.
func parseCode(s string) (uint64, error) {
	if len(s) != codeSymbols {
		return 0, ErrBadCode
	}
	var code uint64
	for i := 0; i < len(s); i++ {
		v := crockfordValues[s[i]]
		if v < 0 {
			return 0, ErrBadCode
		}
		code = code<<5 | uint64(v)
	}
	return code, nil
}

// crockfordValues is each byte's value as a symbol of a booking code, -1
// for a byte that is none: a table, since finding a symbol in crockford
// byte by byte was a tenth of a Get.
var crockfordValues = func() (t [256]int8) {
	for c := range t {
		t[c] = -1
	}
	for i := 0; i < len(crockford); i++ {
		c := crockford[i]
		t[c] = int8(i)
		if c >= 'A' && c <= 'Z' {
			t[c+'a'-'A'] = int8(i)
		}
	}
	for _, c := range "IiLl" {
		t[c] = 1
	}
	t['O'], t['o'] = 0, 0
	return t
}()

// formatBilling writes a billing code as 15 digits.
func formatBilling(billing uint64) string { return strconv.FormatUint(billing, 10) }

// parseBilling reads a billing code: exactly 15 ASCII digits, the first not
// zero.
func parseBilling(s string) (uint64, error) {
	if len(s) != billingDigits || s[0] == '0' {
		return 0, ErrBadBillingCode
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ErrBadBillingCode
		}
		v = v*10 + uint64(s[i]-'0')
	}
	return v, nil
}

// Package label checks the short human-readable strings that callers hand to
// kuota: holiday names, closure reasons, account IDs, payment references.
//
// Such strings end up in log lines, CSV exports and terminal output, so a
// label must be valid UTF-8, carry no control characters (a newline would let
// one value forge another log line) and stay within a byte limit that the
// calling package names.
package label

import (
	"errors"
	"unicode"
	"unicode/utf8"
)

var (
	// ErrEmpty is returned when a required label is the empty string.
	ErrEmpty = errors.New("empty")
	// ErrTooLong is returned when a label exceeds its byte limit.
	ErrTooLong = errors.New("too long")
	// ErrInvalid is returned when a label is not valid UTF-8 or contains a
	// control character.
	ErrInvalid = errors.New("not printable UTF-8")
)

// Check returns nil when s is a non-empty, printable UTF-8 string of at most
// maxBytes bytes. Printable means unicode.IsGraphic: letters, marks,
// numbers, punctuation, symbols and spaces. That refuses control
// characters, and also the line and paragraph separators (U+2028, U+2029)
// and format characters such as bidirectional overrides (U+202E), which
// would let a value break or reorder a log line as a newline does.
func Check(s string, maxBytes int) error {
	if s == "" {
		return ErrEmpty
	}
	return CheckOptional(s, maxBytes)
}

// CheckOptional is Check for labels that may be empty.
func CheckOptional(s string, maxBytes int) error {
	if len(s) > maxBytes {
		return ErrTooLong
	}
	for i := 0; i < len(s); i++ {
		// Printable ASCII, the common case (an account ID, a reference),
		// needs no decoding: space (0x20) to tilde (0x7e).
		if c := s[i]; c < ' ' || c > '~' {
			return checkRunes(s[i:])
		}
	}
	return nil
}

// checkRunes is CheckOptional's loop for text that is not all printable
// ASCII.
func checkRunes(s string) error {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsGraphic(r) {
			return ErrInvalid
		}
	}
	return nil
}

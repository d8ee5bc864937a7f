package booking

// Hooks for the edge tests (NIKs, input at the extremes): the two
// internals they check that no public call reaches. Like export_test.go,
// it is compiled into the package only under go test.

import "time"

// NIKFromNumber is nikFromNumber, which rebuilds a NIK decoded from a
// journal record. No public call hands a NIK's number in, so FuzzParseNIK
// reaches it here to check that every NIK ParseNIK accepts survives the
// round trip through its number.
func NIKFromNumber(n uint64) (NIK, error) { return nikFromNumber(n) }

// Nanos and AddNanos are the engine's instant arithmetic. A deadline near
// the end of int64 nanoseconds (2262) cannot be reached through the API,
// since an office's days end in 2261 at the latest, so
// TestAdversarialHoldDeadlineNear2262 checks here that the sum saturates
// rather than wrapping around.
func Nanos(t time.Time) int64                  { return nanos(t) }
func AddNanos(ns int64, d time.Duration) int64 { return addNanos(ns, d) }

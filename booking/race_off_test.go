//go:build !race

package booking_test

// raceEnabled reports whether the tests run under the race detector, whose
// sync.Pool drops a quarter of what is put back (see coreHint).
const raceEnabled = false

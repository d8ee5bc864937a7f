package booking_test

import (
	"context"
	"time"
)

// The tests of package booking are an external package, so that they can
// use internal/kuotatest (which imports booking); they import booking with
// a dot, as tests that cannot live inside the package they test may, and
// reach the few internals they check through export_test.go.

var bg = context.Background()

// How long a test waits for another goroutine to reach a point, and how
// often it looks.
const (
	waitMax  = 5 * time.Second
	waitTick = time.Millisecond
)

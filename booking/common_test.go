package booking_test

import "context"

var bg = context.Background()

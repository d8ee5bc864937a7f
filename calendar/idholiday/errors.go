package idholiday

import "errors"

// ErrUnknownYear is returned by [Year] for a year whose holidays the
// package does not ship: [Load] the year's data from a file instead.
var ErrUnknownYear = errors.New("idholiday: no shipped holiday data for the year")

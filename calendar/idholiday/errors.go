package idholiday

import "errors"

var (
	// ErrUnknownYear is returned by [Year] for a year whose holidays the
	// package does not ship: [Load] the year's data from a file instead.
	ErrUnknownYear = errors.New("idholiday: no shipped holiday data for the year")
	// ErrPartialYear is returned by [Load] when a year of the file lacks
	// New Year's Day (1 January) or Independence Day (17 August) as a
	// national holiday. Every Indonesian year has both, so the file most
	// likely holds part of a year, such as only the days an amendment
	// adds, and would replace the whole year with that part.
	ErrPartialYear = errors.New("idholiday: holiday file does not hold a whole year")
)

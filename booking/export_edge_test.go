package booking

// A hook for the edge tests of NIKs: the internal they check that no
// public call reaches. Like export_test.go, it is compiled into the
// package only under go test.

// NIKFromNumber is nikFromNumber, which rebuilds a NIK decoded from a
// journal record. No public call hands a NIK's number in, so FuzzParseNIK
// reaches it here to check that every NIK ParseNIK accepts survives the
// round trip through its number.
func NIKFromNumber(n uint64) (NIK, error) { return nikFromNumber(n) }

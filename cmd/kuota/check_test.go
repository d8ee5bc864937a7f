package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	kt "github.com/kuota/kuota/internal/kuotatest"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name       string
		giveCopies int    // copies of the last booking, a hold on the 14th
		giveNow    string // -now
		wantStatus int
		want       func(f fixture) string // a regular expression for stdout
	}{
		{
			name: "clean", giveNow: at(t1), wantStatus: exitOK,
			want: func(fixture) string { return `^ok: 9 bookings, 1 office, no violations\n$` },
		},
		{
			// The copy is a second live booking of the same NIK.
			name: "two live bookings of a NIK", giveCopies: 1, giveNow: at(t1), wantStatus: exitViolations,
			want: func(f fixture) string {
				return `^booking [0-9A-Z]{10}: an applicant's NIK also has live booking ` + f.bookings["last"].Code + `\n` +
					`1 violation in ` + regexp.QuoteMeta(f.path) + `\n$`
			},
		},
		{
			// Once both holds have lapsed, neither is live: nothing is
			// wrong as of then.
			name: "both lapsed", giveCopies: 1, giveNow: at(t2), wantStatus: exitOK,
			want: func(fixture) string { return `^ok: 10 bookings, 1 office, no violations\n$` },
		},
		{
			// Three holds of one seat in a cell of two: a service would
			// refuse the file; a reader loads it and check lists every
			// break, the overflowing booking among them.
			name: "more seats than the cell", giveCopies: 2, giveNow: at(t1), wantStatus: exitViolations,
			want: func(f fixture) string {
				return `(?m)^booking [0-9A-Z]{10}: its 1 seat does not fit 2026-12-14 slot 0 pool 0: quota: full\n` +
					`(.*\n)*` + `3 violations in ` + regexp.QuoteMeta(f.path) + `\n\z`
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.giveCopies > 0 {
				kt.DuplicateLastHold(t, f.path, tt.giveCopies)
			}
			status, out, errOut := kuota(t, "check", "-db", f.path, "-now", tt.giveNow)
			require.Equal(t, tt.wantStatus, status, errOut)
			require.Regexp(t, tt.want(f), out)
			require.Empty(t, errOut)
		})
	}
}

// TestInconsistentElsewhere checks that the other commands still read a
// file that breaks an invariant (a reader loads it), so an operator can
// look at it while check lists what is wrong.
func TestInconsistentElsewhere(t *testing.T) {
	f := newFixture(t)
	kt.DuplicateLastHold(t, f.path, 2)
	status, out, errOut := kuota(t, "stats", "-db", f.path, "-now", at(t1))
	require.Equal(t, exitOK, status, errOut)
	require.Contains(t, out, "bookings      11")
}

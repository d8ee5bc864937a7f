package main

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kuota/kuota/booking"
)

func TestMustNIK(t *testing.T) {
	tests := []struct {
		name   string
		give   person
		serial int
		want   string
	}{
		{"man", person{born: date3{1978, 3, 14}}, 1, "7371051403780001"},
		{"woman: day plus 40", person{born: date3{1981, 7, 2}, female: true}, 9999, "7371054207819999"},
		{"born 2008", person{born: date3{2008, 11, 21}}, 42, "7371052111080042"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustNIK(rahmanRegion, tt.give, tt.serial)
			require.Equal(t, tt.want, got.Digits())
		})
	}
}

func TestFamiliesAreValidAndDistinct(t *testing.T) {
	m := newNIKMaker(rand.New(rand.NewPCG(1, 0)))
	seen := make(map[string]bool)
	for n := range 5000 {
		size := 1 + n%booking.ApplicantsMax
		family := m.family(size)
		require.Len(t, family, size)
		for _, nik := range family {
			_, err := booking.ParseNIK(nik.Digits())
			require.NoError(t, err)
			require.False(t, seen[nik.Digits()], "NIK made twice")
			seen[nik.Digits()] = true
		}
	}
}

func TestApplicantsRepeatWithTheSeed(t *testing.T) {
	draw := func(seed uint64) []applicant {
		s := &story{cfg: config{applicants: 100}, niks: newNIKMaker(rand.New(rand.NewPCG(seed, 0)))}
		return s.makeApplicants()
	}
	a, b := draw(3), draw(3)
	require.Equal(t, a, b)
	require.NotEqual(t, a, draw(4))
	sizes := make(map[int]int)
	for _, x := range draw(5) {
		sizes[len(x.niks)]++
	}
	require.Len(t, sizes, booking.ApplicantsMax, "every family size from 1 to 5 appears")
}

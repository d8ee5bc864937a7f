package main

import (
	"fmt"
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

func TestMustFamilyCard(t *testing.T) {
	card := mustFamilyCard(rahmanRegion, rahmanCardIssued, 1)
	require.Equal(t, "7371051502160001", card.Digits())
	require.Equal(t, "73**********0001", card.String(), "masked")
}

// TestProvincesAreKemendagris checks the list the generator draws from
// against the engine's: every two-digit code ParseNIK accepts is listed,
// and no other (20, 40, 97, … are refused).
func TestProvincesAreKemendagris(t *testing.T) {
	listed := make(map[int]bool)
	for _, p := range provinces {
		listed[p] = true
	}
	for code := 10; code <= 99; code++ {
		r := region{province: code, regency: 71, district: 5}
		_, err := booking.ParseNIK(fmt.Sprintf("%02d%02d%02d1403780001", r.province, r.regency, r.district))
		require.Equal(t, listed[code], err == nil, "province %d: %v", code, err)
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

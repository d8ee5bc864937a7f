package main

import (
	"fmt"
	"math/rand/v2"

	"github.com/kuota/kuota/booking"
)

// provinces are the two-digit province codes of Indonesia's provinces as
// the Ministry of Home Affairs (Kemendagri) lists them, the codes under
// which the population registry (Dukcapil) issues NIKs and the only ones
// booking.ParseNIK accepts: Aceh (11) to the Papuan provinces (91–96,
// Papua Selatan, Tengah, Pegunungan and Barat Daya being the four of 2022).
// Codes in between, such as 20 or 40, were never issued and are refused.
var provinces = []int{
	11, 12, 13, 14, 15, 16, 17, 18, 19, 21,
	31, 32, 33, 34, 35, 36, 51, 52, 53,
	61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76,
	81, 82, 91, 92, 93, 94, 95, 96,
}

// region is the first six digits of a NIK: province, regency and
// district. Everyone on one family card was registered in one district,
// so a family shares its region.
type region struct{ province, regency, district int }

// person is what a NIK encodes besides its region and serial.
type person struct {
	born   date3
	female bool
}

// date3 is a birth date as the NIK writes it.
type date3 struct{ year, month, day int }

// nikMaker makes valid, distinct NIKs from one seeded generator, so that
// a run with the same -seed books the same people.
type nikMaker struct {
	rng *rand.Rand
	// seen holds every NIK made so far: the engine refuses a NIK listed
	// twice, and one person queueing twice in the rush would be a
	// different demonstration.
	seen map[booking.NIK]bool
}

func newNIKMaker(rng *rand.Rand) *nikMaker {
	return &nikMaker{rng: rng, seen: make(map[booking.NIK]bool)}
}

// randomRegion returns a plausible province, regency and district.
func (m *nikMaker) randomRegion() region {
	return region{
		province: provinces[m.rng.IntN(len(provinces))],
		regency:  1 + m.rng.IntN(79), // regencies 01..79; cities are 71..79
		district: 1 + m.rng.IntN(30),
	}
}

// family returns the NIKs of n people on one family card: one or two
// adults born 1960–1999 and children born 2000–2021.
func (m *nikMaker) family(n int) []booking.NIK {
	r := m.randomRegion()
	niks := make([]booking.NIK, 0, n)
	for i := range n {
		first, span := 1960, 40 // adults
		if i >= 2 {
			first, span = 2000, 22 // children
		}
		p := person{
			born:   m.birthDate(first, span),
			female: i == 1 || (i != 0 && m.rng.IntN(2) == 0),
		}
		niks = append(niks, m.make(r, p))
	}
	return niks
}

// birthDate returns a valid date in [first, first+span).
func (m *nikMaker) birthDate(first, span int) date3 {
	month := 1 + m.rng.IntN(12)
	// 28 keeps every month valid without a table; the spread of birth
	// days does not matter here.
	return date3{year: first + m.rng.IntN(span), month: month, day: 1 + m.rng.IntN(28)}
}

// make returns a NIK of person p in region r with a fresh random serial,
// drawing again in the rare case it was made before.
func (m *nikMaker) make(r region, p person) booking.NIK {
	for {
		nik := mustNIK(r, p, 1+m.rng.IntN(9999))
		if !m.seen[nik] {
			m.seen[nik] = true
			return nik
		}
	}
}

// mustFamilyCard spells a family card number out and parses it: the
// region of issue, the date of issue (DDMMYY, no 40 for anyone) and a
// serial. Like mustNIK it panics only on a bug in this file.
func mustFamilyCard(r region, issued date3, serial int) booking.FamilyCard {
	s := fmt.Sprintf("%02d%02d%02d%02d%02d%02d%04d",
		r.province, r.regency, r.district, issued.day, issued.month, issued.year%100, serial)
	card, err := booking.ParseFamilyCard(s)
	if err != nil {
		panic(fmt.Sprintf("mpaspor: made an invalid family card number: %v", err))
	}
	return card
}

// mustNIK spells a NIK out and parses it. The parts are always in range,
// so a failure is a bug in this file, not bad input.
func mustNIK(r region, p person, serial int) booking.NIK {
	day := p.born.day
	if p.female {
		day += 40 // how a NIK writes a woman's birth day
	}
	s := fmt.Sprintf("%02d%02d%02d%02d%02d%02d%04d",
		r.province, r.regency, r.district, day, p.born.month, p.born.year%100, serial)
	nik, err := booking.ParseNIK(s)
	if err != nil {
		panic(fmt.Sprintf("mpaspor: made an invalid NIK: %v", err))
	}
	return nik
}

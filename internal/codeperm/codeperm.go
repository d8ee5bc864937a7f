// Package codeperm turns sequence numbers into codes that look random: a
// keyed, invertible permutation of the integers [0, n).
//
// kuota numbers its bookings 1, 2, 3, … and derives each booking's codes
// from its number, so that a code is unique by construction and leads back
// to the booking without a lookup table. Without the key, a code tells
// nothing about the number or about any other code.
//
// The permutation is a Feistel network of four rounds over the smallest
// even number of bits covering n, whose round function is SipHash-2-4, a
// keyed pseudorandom function; by the Luby–Rackoff theorem four rounds of a
// pseudorandom function make a strong pseudorandom permutation. Values
// that land outside [0, n) are encrypted again ("cycle walking") until
// they land inside, which keeps the permutation a bijection on [0, n).
package codeperm

import (
	"encoding/binary"
	"math/bits"
)

// Perm is a keyed permutation of [0, n). It is immutable and safe for
// concurrent use.
type Perm struct {
	k0, k1 uint64
	n      uint64
	half   uint   // bits in each Feistel half
	mask   uint64 // 1<<half - 1
}

// rounds is the number of Feistel rounds: four make a strong pseudorandom
// permutation out of a pseudorandom function.
const rounds = 4

// New returns the permutation of [0, n) under a 16-byte key. It panics if
// n < 2 or n > 2^62: these are programmer errors, fixed at compile time by
// the callers in kuota.
func New(key [16]byte, n uint64) *Perm {
	if n < 2 || n > 1<<62 {
		panic("codeperm: domain out of range")
	}
	width := uint(bits.Len64(n - 1))
	half := (width + 1) / 2
	return &Perm{
		k0:   binary.LittleEndian.Uint64(key[:8]),
		k1:   binary.LittleEndian.Uint64(key[8:]),
		n:    n,
		half: half,
		mask: 1<<half - 1,
	}
}

// Encode maps x, which must be below n, to its code, also below n.
func (p *Perm) Encode(x uint64) uint64 {
	for {
		x = p.encrypt(x)
		if x < p.n {
			return x
		}
	}
}

// Decode inverts Encode.
func (p *Perm) Decode(y uint64) uint64 {
	for {
		y = p.decrypt(y)
		if y < p.n {
			return y
		}
	}
}

func (p *Perm) encrypt(x uint64) uint64 {
	l, r := x>>p.half, x&p.mask
	for i := range uint64(rounds) {
		l, r = r, l^(p.f(i, r)&p.mask)
	}
	return l<<p.half | r
}

func (p *Perm) decrypt(y uint64) uint64 {
	l, r := y>>p.half, y&p.mask
	for i := uint64(rounds); i > 0; i-- {
		l, r = r^(p.f(i-1, l)&p.mask), l
	}
	return l<<p.half | r
}

// f is the round function: SipHash-2-4 of the round number and the half,
// under the key.
func (p *Perm) f(round, half uint64) uint64 {
	return sipHash24(p.k0, p.k1, round<<56^half)
}

// sipHash24 is SipHash-2-4 (Aumasson and Bernstein, 2012) of one 8-byte
// message, m in little-endian order.
func sipHash24(k0, k1, m uint64) uint64 {
	v0 := k0 ^ 0x736f6d6570736575
	v1 := k1 ^ 0x646f72616e646f6d
	v2 := k0 ^ 0x6c7967656e657261
	v3 := k1 ^ 0x7465646279746573
	round := func() {
		v0 += v1
		v1 = bits.RotateLeft64(v1, 13)
		v1 ^= v0
		v0 = bits.RotateLeft64(v0, 32)
		v2 += v3
		v3 = bits.RotateLeft64(v3, 16)
		v3 ^= v2
		v0 += v3
		v3 = bits.RotateLeft64(v3, 21)
		v3 ^= v0
		v2 += v1
		v1 = bits.RotateLeft64(v1, 17)
		v1 ^= v2
		v2 = bits.RotateLeft64(v2, 32)
	}
	// One 8-byte block, then the final block holding the length (8) in
	// its top byte.
	v3 ^= m
	round()
	round()
	v0 ^= m
	const last = uint64(8) << 56
	v3 ^= last
	round()
	round()
	v0 ^= last
	v2 ^= 0xff
	round()
	round()
	round()
	round()
	return v0 ^ v1 ^ v2 ^ v3
}

package codeperm

import "math/bits"

// EncodeBoth returns p.Encode(x) and q.Encode(x). It runs the two Feistel
// networks side by side, a round of each at a time: one network's rounds
// wait each for the last (a round's input is the round before's output),
// the two networks never wait for each other, and the CPU runs both
// chains at once where it ran one after the other — kuota makes a
// booking's two codes, its booking and its billing code, from one number.
func EncodeBoth(p, q *Perm, x uint64) (uint64, uint64) {
	a, b := encryptBoth(p, q, x)
	for a >= p.n {
		a = p.encrypt(a)
	}
	for b >= q.n {
		b = q.encrypt(b)
	}
	return a, b
}

// encryptBoth returns p.encrypt(x) and q.encrypt(x).
func encryptBoth(p, q *Perm, x uint64) (uint64, uint64) {
	pl, pr := x>>p.half, x&p.mask
	ql, qr := x>>q.half, x&q.mask
	for i := range uint64(rounds) {
		pf, qf := sipHash24x2(p.k0, p.k1, i<<56^pr, q.k0, q.k1, i<<56^qr)
		pl, pr = pr, pl^(pf&p.mask)
		ql, qr = qr, ql^(qf&q.mask)
	}
	return pl<<p.half | pr, ql<<q.half | qr
}

// sipHash24x2 is sipHash24(k0, k1, m) and sipHash24(j0, j1, n), written
// side by side, statement by statement, so that the two are one stretch
// of code whose halves the CPU interleaves.
func sipHash24x2(k0, k1, m, j0, j1, n uint64) (uint64, uint64) {
	v0, w0 := k0^0x736f6d6570736575, j0^0x736f6d6570736575
	v1, w1 := k1^0x646f72616e646f6d, j1^0x646f72616e646f6d
	v2, w2 := k0^0x6c7967656e657261, j0^0x6c7967656e657261
	v3, w3 := k1^0x7465646279746573, j1^0x7465646279746573
	round := func() {
		v0 += v1
		w0 += w1
		v1 = bits.RotateLeft64(v1, 13)
		w1 = bits.RotateLeft64(w1, 13)
		v1 ^= v0
		w1 ^= w0
		v0 = bits.RotateLeft64(v0, 32)
		w0 = bits.RotateLeft64(w0, 32)
		v2 += v3
		w2 += w3
		v3 = bits.RotateLeft64(v3, 16)
		w3 = bits.RotateLeft64(w3, 16)
		v3 ^= v2
		w3 ^= w2
		v0 += v3
		w0 += w3
		v3 = bits.RotateLeft64(v3, 21)
		w3 = bits.RotateLeft64(w3, 21)
		v3 ^= v0
		w3 ^= w0
		v2 += v1
		w2 += w1
		v1 = bits.RotateLeft64(v1, 17)
		w1 = bits.RotateLeft64(w1, 17)
		v1 ^= v2
		w1 ^= w2
		v2 = bits.RotateLeft64(v2, 32)
		w2 = bits.RotateLeft64(w2, 32)
	}
	v3 ^= m
	w3 ^= n
	round()
	round()
	v0 ^= m
	w0 ^= n
	const last = uint64(8) << 56
	v3 ^= last
	w3 ^= last
	round()
	round()
	v0 ^= last
	w0 ^= last
	v2 ^= 0xff
	w2 ^= 0xff
	round()
	round()
	round()
	round()
	return v0 ^ v1 ^ v2 ^ v3, w0 ^ w1 ^ w2 ^ w3
}

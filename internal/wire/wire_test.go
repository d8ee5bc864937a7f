package wire

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	e := NewEncoder(nil)
	e.Byte(7)
	e.Uvarint(math.MaxUint64)
	e.Varint(math.MinInt64)
	e.Varint(-3)
	e.Uint64(0xdeadbeefcafef00d)
	e.String("Hari Raya Natal")
	e.BytesField([]byte{1, 2, 3})
	e.BytesField(nil)
	e.Raw([]byte{9, 8})
	e.Bool(true)
	e.Bool(false)

	d := NewDecoder(e.Bytes())
	require.Equal(t, byte(7), d.Byte())
	require.Equal(t, uint64(math.MaxUint64), d.Uvarint())
	require.Equal(t, int64(math.MinInt64), d.Varint())
	require.Equal(t, int64(-3), d.Varint())
	require.Equal(t, uint64(0xdeadbeefcafef00d), d.Uint64())
	require.Equal(t, "Hari Raya Natal", d.String(100, "name"))
	require.Equal(t, []byte{1, 2, 3}, d.BytesField(10, "meta"))
	require.Nil(t, d.BytesField(10, "meta"))
	require.Equal(t, []byte{9, 8}, d.Raw(2, "raw"))
	require.True(t, d.Bool("flag"))
	require.False(t, d.Bool("flag"))
	require.NoError(t, d.Finish())
}

func TestDecoderErrorsAreSticky(t *testing.T) {
	tests := []struct {
		name string
		give []byte
		read func(*Decoder)
	}{
		{name: "empty byte", give: nil, read: func(d *Decoder) { d.Byte() }},
		{name: "bad varint", give: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, read: func(d *Decoder) { d.Uvarint() }},
		{name: "truncated uint64", give: []byte{1, 2, 3}, read: func(d *Decoder) { d.Uint64() }},
		{name: "string over limit", give: []byte{5, 'a', 'b', 'c', 'd', 'e'}, read: func(d *Decoder) { d.String(4, "s") }},
		{name: "string truncated", give: []byte{5, 'a'}, read: func(d *Decoder) { d.String(10, "s") }},
		{name: "huge length", give: []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, read: func(d *Decoder) { d.BytesField(1<<20, "b") }},
		// One encoding per value: a varint padded with a zero byte
		// decodes to a value that re-encodes shorter.
		{name: "padded uvarint", give: []byte{0x81, 0x00}, read: func(d *Decoder) { d.Uvarint() }},
		{name: "padded varint", give: []byte{0x80, 0x80, 0x00}, read: func(d *Decoder) { d.Varint() }},
		{name: "flag of 2", give: []byte{2}, read: func(d *Decoder) { d.Bool("flag") }},
		{name: "raw truncated", give: []byte{1, 2}, read: func(d *Decoder) { d.Raw(3, "key") }},
		{name: "value over max", give: []byte{9}, read: func(d *Decoder) { d.UvarintMax(5, "count") }},
		{name: "trailing", give: []byte{1, 2}, read: func(d *Decoder) { d.Byte() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDecoder(tt.give)
			tt.read(d)
			require.ErrorIs(t, d.Finish(), ErrCorrupt)
			// Every later read is a harmless zero.
			require.Zero(t, d.Byte())
			require.Zero(t, d.Uvarint())
			require.Empty(t, d.String(10, "s"))
			require.ErrorIs(t, d.Err(), ErrCorrupt)
		})
	}
	d := NewDecoder([]byte{1})
	d.Fail("caller found %s", "a problem")
	require.ErrorContains(t, d.Err(), "caller found a problem")
}

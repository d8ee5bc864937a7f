// Package wire is kuota's compact binary encoding: varints, bytes and
// length-prefixed strings, appended by an Encoder and read back by a
// Decoder that checks every length against the input and a caller's limit.
//
// A Decoder never panics and never allocates more than its input allows:
// the first problem is kept as a sticky error, later reads return zero
// values, and the caller checks Err once at the end. Records built on it
// carry their own version byte.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrCorrupt is returned for input that does not decode.
var ErrCorrupt = errors.New("wire: corrupt record")

// Encoder appends values to a byte slice.
type Encoder struct {
	buf []byte
}

// NewEncoder returns an Encoder appending to buf, after what it holds.
func NewEncoder(buf []byte) *Encoder { return &Encoder{buf: buf} }

// Bytes returns what was encoded.
func (e *Encoder) Bytes() []byte { return e.buf }

// Byte appends one byte.
func (e *Encoder) Byte(b byte) { e.buf = append(e.buf, b) }

// Bool appends a flag as one byte, 0 or 1.
func (e *Encoder) Bool(b bool) {
	if b {
		e.buf = append(e.buf, 1)
	} else {
		e.buf = append(e.buf, 0)
	}
}

// Uvarint appends an unsigned varint.
func (e *Encoder) Uvarint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

// Varint appends a signed (zig-zag) varint.
func (e *Encoder) Varint(v int64) { e.buf = binary.AppendVarint(e.buf, v) }

// Uint64 appends eight bytes, little-endian: for values that are random,
// where a varint would be longer.
func (e *Encoder) Uint64(v uint64) { e.buf = binary.LittleEndian.AppendUint64(e.buf, v) }

// Raw appends b as it is, with no length: for fields of a fixed size.
func (e *Encoder) Raw(b []byte) { e.buf = append(e.buf, b...) }

// String appends a length-prefixed string.
func (e *Encoder) String(s string) {
	e.Uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// BytesField appends a length-prefixed byte slice.
func (e *Encoder) BytesField(b []byte) {
	e.Uvarint(uint64(len(b)))
	e.buf = append(e.buf, b...)
}

// Decoder reads values from a byte slice.
type Decoder struct {
	buf []byte
	err error
}

// NewDecoder returns a Decoder reading buf.
func NewDecoder(buf []byte) *Decoder { return &Decoder{buf: buf} }

// Err returns the first problem met, or nil.
func (d *Decoder) Err() error { return d.err }

// Finish returns the first problem met, or an error if input is left
// over: a record must be read whole.
func (d *Decoder) Finish() error {
	if d.err == nil && len(d.buf) != 0 {
		d.fail("%d trailing bytes", len(d.buf))
	}
	return d.err
}

// More reports whether input is left: for a field a later version of a
// record appends, which an earlier one does not have.
func (d *Decoder) More() bool { return d.err == nil && len(d.buf) > 0 }

// Fail records a problem the caller found in a decoded value, unless an
// earlier one is already recorded.
func (d *Decoder) Fail(format string, args ...any) { d.fail(format, args...) }

func (d *Decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
	}
	d.buf = nil
}

// Byte reads one byte.
func (d *Decoder) Byte() byte {
	if len(d.buf) < 1 {
		d.fail("truncated")
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

// Uvarint reads an unsigned varint. A varint padded with more bytes than
// its value needs is refused: every value has one encoding, so a record
// decodes only from the bytes its encoder writes.
func (d *Decoder) Uvarint() uint64 {
	v, n := binary.Uvarint(d.buf)
	if n <= 0 || n > 1 && d.buf[n-1] == 0 {
		d.fail("bad varint")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// UvarintMax reads an unsigned varint and checks it is at most max.
func (d *Decoder) UvarintMax(max uint64, what string) uint64 {
	v := d.Uvarint()
	if v > max {
		d.fail("%s %d exceeds %d", what, v, max)
		return 0
	}
	return v
}

// Varint reads a signed varint; like Uvarint, only its shortest encoding.
func (d *Decoder) Varint() int64 {
	v, n := binary.Varint(d.buf)
	if n <= 0 || n > 1 && d.buf[n-1] == 0 {
		d.fail("bad varint")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// Bool reads a byte that must be 0 (false) or 1 (true).
func (d *Decoder) Bool(what string) bool {
	switch b := d.Byte(); b {
	case 0, 1:
		return b == 1
	default:
		d.fail("%s flag %d", what, b)
		return false
	}
}

// Uint64 reads eight bytes, little-endian.
func (d *Decoder) Uint64() uint64 {
	if len(d.buf) < 8 {
		d.fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint64(d.buf)
	d.buf = d.buf[8:]
	return v
}

// Raw reads exactly n bytes written by Encoder.Raw. The slice shares the
// input's memory: copy it to keep it.
func (d *Decoder) Raw(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.buf) {
		d.fail("%s truncated", what)
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

// String reads a length-prefixed string of at most max bytes.
func (d *Decoder) String(max int, what string) string {
	return string(d.field(max, what))
}

// BytesField reads a length-prefixed byte slice of at most max bytes,
// copied so that it outlives the input. An empty field reads as nil.
func (d *Decoder) BytesField(max int, what string) []byte {
	return append([]byte(nil), d.field(max, what)...) // nil when empty
}

func (d *Decoder) field(max int, what string) []byte {
	n := d.Uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(max) {
		d.fail("%s of %d bytes exceeds %d", what, n, max)
		return nil
	}
	if n > uint64(len(d.buf)) {
		d.fail("%s truncated", what)
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

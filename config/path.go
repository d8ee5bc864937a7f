package config

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// A field is named by its path in the document, as a person reading the
// file would find it: "offices[1].slots[0].time". The decoder builds
// paths as it reads; an error found later, once the values are checked,
// carries only its path, and offsetOf finds the place in the file again.

// member returns the path of the member key of the object at path:
// "offices[1].code", or seats["walk in"] for a key that is not a plain
// word (a pool name may hold spaces; quoting keeps a control character
// out of a message).
func member(path, key string) string {
	plain := key != ""
	for i := 0; i < len(key); i++ {
		c := key[i]
		plain = plain && ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-')
	}
	switch {
	case !plain:
		return path + "[" + strconv.Quote(key) + "]"
	case path == "":
		return key
	default:
		return path + "." + key
	}
}

// index returns the path of element i of the array at path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// at returns the path of element i of the list at path, or the list's for
// -1.
func at(path string, i int) string {
	if i < 0 {
		return path
	}
	return index(path, i)
}

// offsetOf returns the offset of the value at path in data, a document
// decode has read without error; for a field that is absent, the offset
// of the nearest value that encloses it, so that a missing field is placed
// at its object. It walks the document once, skipping every value that
// does not lead to path.
func offsetOf(data []byte, path string) int64 {
	var best int64
	newDecoder(data).find(path, "", &best)
	return best
}

// find walks the value at at, recording in best the offset of each value
// on the way to want; it reports whether the walk is over.
func (d *decoder) find(want, at string, best *int64) bool {
	tok, off, err := d.token(at)
	if err != nil {
		return true
	}
	if !leadsTo(at, want) {
		return d.skip(tok) != nil
	}
	*best = off
	if at == want {
		return true
	}
	switch tok {
	case json.Delim('{'):
		for d.dec.More() {
			key, _, err := d.token(at)
			if err != nil || d.find(want, member(at, key.(string)), best) {
				return true
			}
		}
	case json.Delim('['):
		for i := 0; d.dec.More(); i++ {
			if d.find(want, index(at, i), best) {
				return true
			}
		}
	default:
		return false
	}
	_, _, err = d.token(at)
	return err != nil
}

// leadsTo reports whether the value at path at encloses (or is) the one at
// want.
func leadsTo(at, want string) bool {
	if at == "" || at == want {
		return true
	}
	return strings.HasPrefix(want, at) && (want[len(at)] == '.' || want[len(at)] == '[')
}

// skip reads past the rest of the value that begins with tok.
func (d *decoder) skip(tok json.Token) error {
	depth := 0
	for {
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
		var err error
		if tok, err = d.dec.Token(); err != nil {
			return err
		}
	}
}

// position returns the 1-based line and byte column of offset off in data.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

package config

import (
	"bytes"
	"encoding/json"
	"strings"
)

// lineBytesMax is the widest line Marshal writes a value on whole: a slot,
// a release rule, a list of pools each fit on one line, as a person would
// write them, while an office or the policy gets a line per field.
const lineBytesMax = 100

// writeJSON appends v to b as compact JSON, without escaping <, > and &:
// an office named "Jakarta & Bogor" stays readable.
func writeJSON(b *bytes.Buffer, v any) error {
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Write(bytes.TrimSuffix(out.Bytes(), []byte("\n")))
	return nil
}

// layout lays out the compact JSON document src for people: each value on
// one line if it fits in lineBytesMax, else a line per member, indented
// by two spaces. Members keep their order.
func layout(src []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := layoutValue(&b, src, "", 0); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// layoutValue writes the value raw after prefix (a member's key, or
// nothing) at the given depth of indentation.
func layoutValue(b *bytes.Buffer, raw []byte, prefix string, depth int) error {
	open := raw[0]
	if open != '{' && open != '[' {
		b.WriteString(prefix)
		b.Write(raw)
		return nil
	}
	// A value's compact form is never longer than its one-line form, so
	// a long one need not be tried.
	if depth > 0 && 2*depth+len(prefix)+len(raw) <= lineBytesMax {
		line, err := oneLine(raw)
		if err != nil {
			return err
		}
		if 2*depth+len(prefix)+len(line) <= lineBytesMax {
			b.WriteString(prefix + line)
			return nil
		}
	}
	keys, values, err := split(raw)
	if err != nil {
		return err
	}
	b.WriteString(prefix)
	b.WriteByte(open)
	for i, v := range values {
		b.WriteString("\n" + strings.Repeat("  ", depth+1))
		p := ""
		if keys != nil {
			p = keys[i] + ": "
		}
		if err := layoutValue(b, v, p, depth+1); err != nil {
			return err
		}
		if i < len(values)-1 {
			b.WriteByte(',')
		}
	}
	if len(values) > 0 {
		b.WriteString("\n" + strings.Repeat("  ", depth))
	}
	b.WriteByte(open + 2) // '{'+2 is '}', '['+2 is ']'
	return nil
}

// oneLine writes the object or array raw on one line: {"a": 1, "b": [2, 3]}.
func oneLine(raw []byte) (string, error) {
	if raw[0] != '{' && raw[0] != '[' {
		return string(raw), nil
	}
	keys, values, err := split(raw)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteByte(raw[0])
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		if keys != nil {
			b.WriteString(keys[i] + ": ")
		}
		s, err := oneLine(v)
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	b.WriteByte(raw[0] + 2)
	return b.String(), nil
}

// split returns the members of the object raw, keys as JSON strings, or
// the elements of the array raw, with nil keys.
func split(raw []byte) (keys []string, values []json.RawMessage, err error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	object := raw[0] == '{'
	if object {
		keys = []string{}
	}
	for dec.More() {
		if object {
			tok, err := dec.Token()
			if err != nil {
				return nil, nil, err
			}
			var k bytes.Buffer
			if err := writeJSON(&k, tok); err != nil {
				return nil, nil, err
			}
			keys = append(keys, k.String())
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		values = append(values, v)
	}
	return keys, values, nil
}

package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// decoder reads a JSON document into the wire types of wire.go one token
// at a time, so that every error knows the offset and the path of the
// value it is about. It is stricter than encoding/json, and says why in
// the file's terms rather than Go's: an unknown field, a field given
// twice, a required field left out, null, a fraction where a whole number
// belongs — each is an error naming the field, never a Go type.
//
// It knows the wire types by reflection, reading a field's name from its
// json tag (matched exactly: encoding/json would also take "Code" for
// "code") and whether it is required from a kuota:"required" tag.
// Pointers mark optional values, nil when absent. The names type, a
// string or an array of strings, is read by names.
type decoder struct {
	data []byte
	dec  *json.Decoder
}

func newDecoder(data []byte) *decoder {
	d := &decoder{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	d.dec.UseNumber()
	return d
}

// decode reads the one JSON value of data into v, a pointer to a wire
// type. Its errors are *fieldError values with their offsets.
func decode(data []byte, v any) error {
	d := newDecoder(data)
	if err := d.value(reflect.ValueOf(v).Elem(), ""); err != nil {
		return err
	}
	off := d.start()
	if _, err := d.dec.Token(); err != io.EOF {
		return &fieldError{off: off, err: fmt.Errorf("%w: more after the end of the document", ErrSyntax)}
	}
	return nil
}

// start returns the offset of the next token: the decoder's offset is
// the end of the last token, and separators and spaces may follow it.
func (d *decoder) start() int64 {
	off := d.dec.InputOffset()
	for off < int64(len(d.data)) && strings.IndexByte(" \t\r\n,:", d.data[off]) >= 0 {
		off++
	}
	return off
}

// token reads the next token, with its offset, turning a syntax error
// into one placed where the input went wrong.
func (d *decoder) token(path string) (json.Token, int64, error) {
	off := d.start()
	tok, err := d.dec.Token()
	if err == nil {
		return tok, off, nil
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, off, &fieldError{path: path, off: int64(len(d.data)), err: fmt.Errorf("%w: unexpected end of file", ErrSyntax)}
	}
	// A Decoder's syntax error counts its offset from the start of the
	// token or of the value it was reading, depending on where it
	// failed; json.Unmarshal checks the whole input first and counts
	// from its start, to just past the byte that went wrong.
	var se *json.SyntaxError
	if errors.As(json.Unmarshal(d.data, new(json.RawMessage)), &se) {
		msg, at := se.Error(), max(se.Offset-1, 0)
		if strings.HasPrefix(msg, "unexpected end") {
			msg, at = "unexpected end of file", int64(len(d.data))
		}
		return nil, off, &fieldError{path: path, off: at, err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
	}
	return nil, off, &fieldError{path: path, off: off, err: fmt.Errorf("%w: %w", ErrSyntax, err)}
}

// value reads the next value into v.
func (d *decoder) value(v reflect.Value, path string) error {
	tok, off, err := d.token(path)
	if err != nil {
		return err
	}
	return d.fill(v, tok, off, path)
}

var namesType = reflect.TypeFor[names]()

// fill reads the value that begins with tok into v.
func (d *decoder) fill(v reflect.Value, tok json.Token, off int64, path string) error {
	if v.Type() == namesType {
		return d.names(v.Addr().Interface().(*names), tok, off, path)
	}
	wrong := func() error {
		return &fieldError{path: path, off: off, err: fmt.Errorf("%w: want %s, got %s", ErrType, want(v.Type()), got(tok))}
	}
	switch v.Kind() {
	case reflect.Pointer:
		if tok == nil {
			return wrong() // null: leave the field out instead
		}
		v.Set(reflect.New(v.Type().Elem()))
		return d.fill(v.Elem(), tok, off, path)
	case reflect.String:
		s, ok := tok.(string)
		if !ok {
			return wrong()
		}
		v.SetString(s)
	case reflect.Int:
		n, ok := tok.(json.Number)
		if !ok {
			return wrong()
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if errors.Is(err, strconv.ErrRange) || err == nil && v.OverflowInt(i) {
			return &fieldError{path: path, off: off, err: fmt.Errorf("%w: %s is out of range", ErrBadValue, quote(string(n)))}
		}
		if err != nil {
			return wrong()
		}
		v.SetInt(i)
	case reflect.Bool:
		b, ok := tok.(bool)
		if !ok {
			return wrong()
		}
		v.SetBool(b)
	case reflect.Slice:
		if tok != json.Delim('[') {
			return wrong()
		}
		v.Set(reflect.MakeSlice(v.Type(), 0, 0)) // [] is given, and empty: not nil
		for i := 0; d.dec.More(); i++ {
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := d.value(elem, index(path, i)); err != nil {
				return err
			}
			v.Set(reflect.Append(v, elem))
		}
		_, _, err := d.token(path)
		return err
	case reflect.Map:
		if tok != json.Delim('{') {
			return wrong()
		}
		return d.mapping(v, path)
	case reflect.Struct:
		if tok != json.Delim('{') {
			return wrong()
		}
		return d.object(v, off, path)
	default:
		panic("config: no decoding for " + v.Type().String()) // a wire type out of step with the decoder
	}
	return nil
}

// mapping reads the members of an object, its '{' read, into a map keyed
// by string.
func (d *decoder) mapping(v reflect.Value, path string) error {
	v.Set(reflect.MakeMap(v.Type()))
	for d.dec.More() {
		key, koff, err := d.token(path)
		if err != nil {
			return err
		}
		k := reflect.ValueOf(key.(string)) // Token returns object keys as strings
		p := member(path, key.(string))
		if v.MapIndex(k).IsValid() {
			return &fieldError{path: p, off: koff, err: ErrDuplicateField}
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		if err := d.value(elem, p); err != nil {
			return err
		}
		v.SetMapIndex(k, elem)
	}
	_, _, err := d.token(path)
	return err
}

// field is one field of a wire struct.
type field struct {
	name     string // in the document
	index    int    // in the struct
	required bool
}

// fieldsOf lists the fields of a wire struct type that the document has:
// those with a json tag.
func fieldsOf(t reflect.Type) []field {
	fs := make([]field, 0, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		fs = append(fs, field{name: name, index: i, required: sf.Tag.Get("kuota") == "required"})
	}
	return fs
}

// object reads the members of an object, its '{' read at off, into the
// struct v.
func (d *decoder) object(v reflect.Value, off int64, path string) error {
	fields := fieldsOf(v.Type())
	seen := make([]bool, len(fields))
	for d.dec.More() {
		key, koff, err := d.token(path)
		if err != nil {
			return err
		}
		name := key.(string) // Token returns object keys as strings
		i := 0
		for i < len(fields) && fields[i].name != name {
			i++
		}
		p := member(path, name)
		if i == len(fields) {
			known := make([]string, len(fields))
			for j, f := range fields {
				known[j] = f.name
			}
			return &fieldError{path: p, off: koff, err: fmt.Errorf("%w (want one of %s)", ErrUnknownField, strings.Join(known, ", "))}
		}
		if seen[i] {
			return &fieldError{path: p, off: koff, err: ErrDuplicateField}
		}
		seen[i] = true
		if err := d.value(v.Field(fields[i].index), p); err != nil {
			return err
		}
	}
	if _, _, err := d.token(path); err != nil {
		return err
	}
	for i, f := range fields {
		if f.required && !seen[i] {
			return &fieldError{path: member(path, f.name), off: off, err: ErrMissingField}
		}
	}
	return nil
}

// names reads a string, or an array of strings, into n.
func (d *decoder) names(n *names, tok json.Token, off int64, path string) error {
	if s, ok := tok.(string); ok {
		*n = names{list: []string{s}}
		return nil
	}
	if tok != json.Delim('[') {
		return &fieldError{path: path, off: off, err: fmt.Errorf("%w: want %s, got %s", ErrType, want(namesType), got(tok))}
	}
	*n = names{list: []string{}, listed: true}
	for i := 0; d.dec.More(); i++ {
		var s string
		if err := d.value(reflect.ValueOf(&s).Elem(), index(path, i)); err != nil {
			return err
		}
		n.list = append(n.list, s)
	}
	_, _, err := d.token(path)
	return err
}

// want describes the JSON a wire type is read from.
func want(t reflect.Type) string {
	if t == namesType {
		return "a string or an array of strings"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return want(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "a whole number"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array"
	case reflect.Struct:
		if w, ok := reflect.Zero(t).Interface().(interface{ wantJSON() string }); ok {
			return w.wantJSON()
		}
	}
	return "an object"
}

// got describes the JSON value that begins with tok.
func got(tok json.Token) string {
	switch tok := tok.(type) {
	case string:
		return "the string " + quote(tok)
	case json.Number:
		return "the number " + string(tok)
	case bool:
		return strconv.FormatBool(tok)
	case nil:
		return "null"
	case json.Delim:
		if tok == '[' {
			return "an array"
		}
		return "an object"
	}
	return fmt.Sprint(tok)
}

package kuotahttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// memberNameBytesMax bounds the name of an unknown member quoted back in
// a problem's Field: the name is the client's text.
const memberNameBytesMax = 64

// readBody reads the body of r, at most limit bytes. It reads it whole
// before decoding, to tell an empty body from a malformed one, and so
// that a standby can forward it as it came.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, fmt.Errorf("%w: the limit is %d bytes", ErrBodyTooLarge, tooLarge.Limit)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", readFailure(r), err)
	}
	return body, nil
}

// readFailure returns the request's context error when reading its body
// failed because the client went away, else ErrBadJSON: a body that
// could not be read is a body that was not sent right.
func readFailure(r *http.Request) error {
	if err := r.Context().Err(); err != nil {
		return err
	}
	return ErrBadJSON
}

// decodeJSON decodes body into dst: exactly one JSON object of dst's
// shape, with no unknown members and nothing after it. An empty body (or
// only white space) is refused unless optional, when it leaves dst as it
// is.
//
// Every refusal matches ErrBadJSON and is an *inputError whose pointer
// names the member, prefixed by at: the decoder's own messages name Go
// types ("cannot unmarshal string into Go struct field holdBody.slot of
// type int"), which are this package's business, not the client's.
func decodeJSON(body []byte, dst any, optional bool, at string) error {
	if len(bytes.TrimSpace(body)) == 0 {
		if optional {
			return nil
		}
		return &inputError{pointer: at, detail: "empty body, want a JSON object", err: ErrBadJSON}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		// A second value, or anything but white space, after the object
		// is a client bug that would otherwise pass unnoticed.
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return &inputError{pointer: at, detail: "data after the JSON value", err: ErrBadJSON}
		}
		return nil
	}
	return translateJSONError(err, at)
}

// translateJSONError turns an error of encoding/json into this API's
// words: the member as a JSON Pointer and the JSON type it should have.
func translateJSONError(err error, at string) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &inputError{pointer: at, detail: fmt.Sprintf("malformed JSON near byte %d", syntax.Offset), err: ErrBadJSON}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &inputError{pointer: at, detail: "the JSON ends too soon", err: ErrBadJSON}
	case errors.As(err, &typ):
		ptr := at
		if typ.Field != "" {
			for name := range strings.SplitSeq(typ.Field, ".") {
				ptr = pointerJoin(ptr, name)
			}
		}
		got, _, _ := strings.Cut(typ.Value, " ") // "number 1.5" is a number
		return &inputError{pointer: ptr, detail: fmt.Sprintf("want %s, got %s", jsonTypeName(typ.Type), article(got)), err: ErrBadJSON}
	}
	// The decoder reports an unknown member only in words.
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		if unq, uerr := strconv.Unquote(name); uerr == nil {
			name = unq
		}
		if len(name) > memberNameBytesMax {
			name = name[:memberNameBytesMax]
		}
		return &inputError{pointer: pointerJoin(at, name), detail: "no such member", err: ErrBadJSON}
	}
	return &inputError{pointer: at, detail: "malformed JSON", err: ErrBadJSON}
}

// jsonTypeName names the JSON type a Go type decodes from, with its
// article: "a string", "an object".
func jsonTypeName(t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "a JSON value"
	}
	if t == reflect.TypeFor[json.RawMessage]() {
		return "a JSON value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

// article puts "a" or "an" before a JSON type's name.
func article(name string) string {
	switch name {
	case "":
		return "something else"
	case "array", "object":
		return "an " + name
	}
	return "a " + name
}

// pointerJoin appends a member name to a JSON Pointer, escaping it as
// RFC 6901 says.
func pointerJoin(ptr, name string) string {
	name = strings.ReplaceAll(name, "~", "~0")
	return ptr + "/" + strings.ReplaceAll(name, "/", "~1")
}

// writeJSON writes v as the JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeJSONAs(w, status, "application/json", v)
}

// writeJSONAs writes v with the given status and media type. Responses
// carry bookings and the state of the quota: no cache may keep them.
func writeJSONAs(w http.ResponseWriter, status int, contentType string, v any) {
	// Encode into a buffer first, so that an encoding error can still
	// become a 500 rather than a 200 with half a body.
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		status, contentType = http.StatusInternalServerError, ProblemContentType
		buf.Reset()
		fmt.Fprintf(&buf, `{"type":%q,"title":"Internal error","status":500}`+"\n", ProblemTypeBase+internalRow.name)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) // the client may be gone; nothing to do then
}

// compactMeta returns an applicant's metadata compacted, or nil for none.
// White space would count against booking.MetadataBytesMax, and JSON null
// is no metadata. The decoder has checked that it is JSON.
func compactMeta(raw json.RawMessage) []byte {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return raw
	}
	return buf.Bytes()
}

// metaJSON returns stored metadata for output. This API stores only valid
// JSON, but a file shared with another program may hold anything, and an
// invalid json.RawMessage would fail the whole response.
func metaJSON(meta []byte) json.RawMessage {
	if len(meta) == 0 || !json.Valid(meta) {
		return nil
	}
	return meta
}

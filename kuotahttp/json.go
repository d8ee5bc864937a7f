package kuotahttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// requestBodyBytesMax bounds a request body. The largest valid one is a
// hold for booking.ApplicantsMax applicants with booking.MetadataBytesMax of
// metadata, about 5 KiB; 64 KiB leaves room for pretty-printed JSON while
// keeping what one request can make the server buffer small.
const requestBodyBytesMax = 64 << 10

// decodeJSON reads the body of r into dst: exactly one JSON object of
// dst's shape, with no unknown fields and nothing after it.
//
// An error is errBodyTooLarge, errBadJSON, or, when a field's own
// UnmarshalText refused its value (booking.NIK, booking.FamilyCard,
// calendar.Date, reasonKind), that refusal unwrapped, so that a bad NIK in
// a body gets the same 422 as a bad NIK the engine finds.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	return decodeBody(w, r, dst, false)
}

// decodeOptionalJSON is decodeJSON for a body that may be left out: an
// empty body (or only white space) leaves dst as it is.
func decodeOptionalJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	return decodeBody(w, r, dst, true)
}

func decodeBody(w http.ResponseWriter, r *http.Request, dst any, optional bool) error {
	r.Body = http.MaxBytesReader(w, r.Body, requestBodyBytesMax)
	// Read it whole (at most requestBodyBytesMax) to tell an empty body
	// from a malformed one.
	body, err := io.ReadAll(r.Body)
	if err == nil {
		if optional && len(bytes.TrimSpace(body)) == 0 {
			return nil
		}
		err = decodeObject(body, dst)
	}
	if err == nil {
		return nil
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return fmt.Errorf("%w: limit %d bytes", errBodyTooLarge, tooLarge.Limit)
	}
	if _, known := lookupError(err); known {
		return err
	}
	if errors.Is(err, io.EOF) {
		err = errors.New("empty body, want a JSON object")
	}
	return fmt.Errorf("%w: %w", errBadJSON, err)
}

// decodeObject decodes body into dst, refusing unknown fields and
// anything after the one value.
func decodeObject(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	// A second value, or anything but white space, after the object is
	// a client bug that would otherwise pass unnoticed.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON object")
	}
	return nil
}

// writeJSON writes v as the JSON response with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	// Encode into a buffer first, so that an encoding error can still
	// become a 500 rather than a 200 with half a body.
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"internal error"}}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) // the client may be gone; nothing to do then
}

// compactMeta returns an applicant's metadata compacted, or nil for none.
// White space would count against booking.MetadataBytesMax, and JSON null
// is no metadata.
func compactMeta(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("%w: meta: %w", errBadJSON, err)
	}
	return buf.Bytes(), nil
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
